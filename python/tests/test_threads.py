"""A Policy shared by a pool of threads gives the sequential answers."""

from __future__ import annotations

import glob
from concurrent.futures import ThreadPoolExecutor

import tollgate

EVALUATIONS = 1_000
THREADS = 8


def test_pool_gives_the_sequential_answers() -> None:
    policy = tollgate.Policy.load("policies/chat-mainline.gate")
    files = sorted(glob.glob("examples/gpt-4o-*/evidence.json")) + sorted(
        glob.glob("examples/chat-*/evidence.json")
    ) + sorted(glob.glob("examples/history/bundles/*/evidence.json"))
    bundles = [tollgate.Evidence.load(f) for f in files]
    work = [bundles[i % len(bundles)] for i in range(EVALUATIONS)]

    def answer(evidence: tollgate.Evidence) -> tuple[str, list[tuple[str, str, str]]]:
        result = policy.evaluate(evidence)
        return str(result.decision), [(r.id, str(r.outcome), str(r.status)) for r in result.rules]

    sequential = [answer(e) for e in work]
    assert len({d for d, _ in sequential}) > 1, "the bundles should not all decide alike"
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        parallel = list(pool.map(answer, work))
    assert parallel == sequential
