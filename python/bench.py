"""The cost of one `Policy.evaluate` call from Python (docs/performance.md, "From Python").

    target/release/peers --write DIR 100
    python python/bench.py DIR/gate-100.gate DIR/evidence-100.json [target/release/peers]

A compiled Policy is evaluated CALLS times on one loaded Evidence, BATCHES times over; the
median and best batch are reported per call. Given the `peers` binary, each Python batch is
followed by the same number of Rust `Policy::evaluate` calls on the same workload
(`peers --repeat report CALLS 100`, less the time of a run with one call), so both are
measured under the same load. Not a test: nothing here fails on a number.
"""

from __future__ import annotations

import statistics
import subprocess
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


def rust_per_call(peers: str) -> float:
    def run(calls: int) -> float:
        start = time.perf_counter()
        subprocess.run([peers, "--repeat", "report", str(calls), "100"], check=True)
        return time.perf_counter() - start

    return (run(CALLS) - run(1)) / (CALLS - 1)


def report(what: str, times: list[float]) -> None:
    print(
        f"{what}: median {statistics.median(times) * 1e6:.2f} µs, "
        f"best {min(times) * 1e6:.2f} µs per call ({len(times)} x {CALLS:,} calls)"
    )


def main() -> None:
    policy = tollgate.Policy.load(sys.argv[1])
    evidence = tollgate.Evidence.load(sys.argv[2])
    rules = len(policy.evaluate(evidence).rules)
    print(f"{len(policy.rules)} rules, {len(evidence.metrics)} metrics, {rules} results")
    peers = sys.argv[3] if len(sys.argv) > 3 else None
    per_call(policy, evidence, True)  # warm up
    python: list[float] = []
    read: list[float] = []
    rust: list[float] = []
    for _ in range(BATCHES):
        python.append(per_call(policy, evidence, False))
        read.append(per_call(policy, evidence, True))
        if peers:
            rust.append(rust_per_call(peers))
    report("Python evaluate", python)
    report("Python evaluate + read the decision", read)
    if rust:
        report("Rust Policy::evaluate", rust)
        ratios = [p / r for p, r in zip(python, rust)]
        print(f"ratio Python / Rust: median {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
