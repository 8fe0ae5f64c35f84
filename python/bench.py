"""The cost of one `Policy.evaluate` call from Python (docs/performance.md, "From Python").

    target/release/peers --write DIR 100
    python python/bench.py DIR/gate-100.gate DIR/evidence-100.json

A compiled Policy is evaluated CALLS times on one loaded Evidence, BATCHES times over; the
median and best batch are reported per call. Not a test: nothing here fails on a number.
"""

from __future__ import annotations

import statistics
import sys
import time

import tollgate

CALLS = 10_000
BATCHES = 15


def per_call(policy: tollgate.Policy, evidence: tollgate.Evidence, read: bool) -> float:
    start = time.perf_counter()
    for _ in range(CALLS):
        result = policy.evaluate(evidence)
        if read:
            result.decision  # noqa: B018 - the cost of reading the decision as an enum
    return (time.perf_counter() - start) / CALLS


def main() -> None:
    policy = tollgate.Policy.load(sys.argv[1])
    evidence = tollgate.Evidence.load(sys.argv[2])
    rules = len(policy.evaluate(evidence).rules)
    print(f"{len(policy.rules)} rules, {len(evidence.metrics)} metrics, {rules} results")
    for read in (False, True):
        per_call(policy, evidence, read)  # warm up
        times = [per_call(policy, evidence, read) for _ in range(BATCHES)]
        what = "evaluate + decision" if read else "evaluate"
        print(
            f"{what}: median {statistics.median(times) * 1e6:.2f} µs, "
            f"best {min(times) * 1e6:.2f} µs per call ({BATCHES} x {CALLS:,} calls)"
        )


if __name__ == "__main__":
    main()
