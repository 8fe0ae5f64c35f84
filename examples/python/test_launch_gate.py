"""A pytest test that fails the CI job when the launch gate blocks, and prints the reasons.

Run from the repository root: ``pytest examples/python``. LAUNCH_EVIDENCE names the bundle
(any ``[PREFIX=][FORMAT:]PATH`` spec); the default is a clean one.
"""
import os

import tollgate


def reasons(result: tollgate.Evaluation) -> str:
    lines = []
    for rule in result.rules:
        if rule.outcome == tollgate.Decision.PASS:
            continue
        line = f"{rule.outcome} {rule.id}: {rule.message or rule.title or ''}"
        if rule.missing:
            line += f" (missing evidence: {', '.join(rule.missing)})"
        lines.append(f"{line}\n    at {rule.location}")
    return "\n".join(lines)


def test_launch_gate() -> None:
    policy = tollgate.Policy.load("policies/chat-mainline.gate")
    evidence = tollgate.Evidence.load(
        os.environ.get("LAUNCH_EVIDENCE", "examples/gpt-4o-2025-03-27/evidence.json")
    )
    result = policy.evaluate(evidence)
    assert result.decision != tollgate.Decision.BLOCK, (
        f"the launch gate blocks {result.candidate}:\n{reasons(result)}"
    )
