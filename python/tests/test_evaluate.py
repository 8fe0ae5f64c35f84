"""policy.evaluate: the same decision and report as `tollgate eval` on every example."""

from __future__ import annotations

import datetime
import json
from typing import Any, Callable

import pytest

import tollgate

CHAT = "policies/chat-mainline.gate"
FRONTIER = "policies/frontier-preparedness.gate"
TYPHOON = "examples/lm-eval-typhoon/policy.gate"
COPA = "examples/lm-eval-copa-paired"

# Every example bundle, with its policy: (policy, evidence specs, baseline specs).
EXAMPLES = [
    (CHAT, ["examples/gpt-4o-2025-04-25/evidence.json"], []),
    (CHAT, ["examples/gpt-4o-2025-03-27/evidence.json"], []),
    (CHAT, ["examples/chat-missing-eval/evidence.json"], []),
    (CHAT, ["examples/chat-waived/evidence.json"], []),
    (FRONTIER, ["examples/frontier-deploys/evidence.yaml"], []),
    (FRONTIER, ["examples/frontier-withheld/evidence.yaml"], []),
    (
        TYPHOON,
        ["lm-eval:examples/lm-eval-typhoon/typhoon2-3b.json"],
        ["lm-eval:examples/lm-eval-typhoon/llama-3.2-3b.json"],
    ),
    (CHAT, ["examples/chat-paired/evidence.json"], []),
    (CHAT, ["examples/chat-forged-waiver/evidence.json"], []),
    (
        "examples/lm-eval-copa-paired/policy.gate",
        [f"{COPA}/sshleifer__tiny-gpt2/results_2026-10-01T23-15-32.942677.json"],
        [f"{COPA}/hf-internal-testing__tiny-random-gpt2/results_2026-10-01T23-15-52.736695.json"],
    ),
] + [
    (f"examples/history/policies/chat-mainline.v{v}.gate", [f"examples/history/bundles/{day}/evidence.json"], [])
    for v in (1, 4)
    for day in ("2025-01-29", "2025-03-27", "2025-04-25", "2025-06-12")
]


def cli_args(policy: str, evidence: list[str], baseline: list[str]) -> list[str]:
    args = ["eval", policy, "--evidence", *evidence]
    if baseline:
        args += ["--baseline", *baseline]
    return args


@pytest.mark.parametrize(("policy", "evidence", "baseline"), EXAMPLES)
def test_every_example_matches_the_cli(
    cli_json: Callable[..., Any], policy: str, evidence: list[str], baseline: list[str]
) -> None:
    result = tollgate.Policy.load(policy).evaluate(
        tollgate.Evidence.load(evidence, baseline=baseline or None)
    )
    expected = cli_json(*cli_args(policy, evidence, baseline), "--format", "json")
    assert result.decision == expected["decision"]
    actual = result.to_dict()
    if expected["now"]["from"] == "clock":
        # A bundle without as_of is evaluated at the clock: the instants differ by the time
        # between the two runs.
        assert actual["now"]["from"] == "clock"
        actual["now"] = expected["now"]
    assert actual == expected
    assert [(r.id, r.outcome, r.status) for r in result.rules] == [
        (r["id"], r["outcome"], r["status"]) for r in expected["rules"]
    ]


@pytest.mark.parametrize(("policy", "evidence", "baseline"), EXAMPLES[:4])
def test_markdown_and_explain_match_the_cli(
    cli: Callable[..., Any], policy: str, evidence: list[str], baseline: list[str]
) -> None:
    p, e = tollgate.Policy.load(policy), tollgate.Evidence.load(evidence)
    markdown = cli(*cli_args(policy, evidence, baseline), "--format", "markdown").stdout
    assert p.evaluate(e).to_markdown() == markdown
    explained = cli(*cli_args(policy, evidence, baseline), "--format", "json", "--explain")
    assert p.evaluate(e, explain=True).to_dict() == json.loads(explained.stdout)
    text = cli(*cli_args(policy, evidence, baseline)).stdout
    assert p.evaluate(e).to_text() == text
    html = cli(*cli_args(policy, evidence, baseline), "--format", "html").stdout
    assert p.evaluate(e).to_html() == html


def test_rule_fields_and_enums() -> None:
    result = tollgate.Policy.load(CHAT).evaluate(
        tollgate.Evidence.load("examples/gpt-4o-2025-04-25/evidence.json")
    )
    assert result.decision == "block" and str(result.decision) == "block"
    assert result.decision is tollgate.Decision.BLOCK
    fired = [r for r in result.rules if r.status == tollgate.Status.FIRED]
    assert fired
    rule = fired[0]
    assert rule.message
    assert rule.title
    assert rule.location.file == CHAT and rule.location.line > 0
    assert result.rule(rule.id) is not None and result.rule("no_such_rule") is None
    assert result.candidate == "gpt-4o-2025-04-25"
    assert result.now == "2025-04-24T18:00:00Z"


def test_missing_evidence_is_named() -> None:
    result = tollgate.Policy.load(CHAT).evaluate(
        tollgate.Evidence.load("examples/chat-missing-eval/evidence.json")
    )
    missing = [r for r in result.rules if r.status == "missing"]
    assert missing and all(r.missing for r in missing)
    assert result.decision == "block"


def test_waiver() -> None:
    result = tollgate.Policy.load(CHAT).evaluate(
        tollgate.Evidence.load("examples/chat-waived/evidence.json")
    )
    waived = [r for r in result.rules if r.status == "waived"]
    assert len(waived) == 1
    waiver = waived[0].waiver
    assert waiver is not None
    assert waiver.by and waiver.reason and waiver.role
    assert waiver.would_be in ("warn", "review", "block")
    assert waiver.expires.endswith("Z")
    assert waived[0].outcome == "pass"


@pytest.mark.parametrize(
    "now",
    [
        "2030-01-01",
        "2030-01-01T00:00:00Z",
        datetime.date(2030, 1, 1),
        datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc),
    ],
)
def test_now_forms_agree(now: Any) -> None:
    policy = tollgate.Policy.load(CHAT)
    evidence = tollgate.Evidence.load("examples/chat-waived/evidence.json")
    result = policy.evaluate(evidence, now=now)
    assert result.now == "2030-01-01T00:00:00Z"
    # The waiver has expired by then: the rule counts again.
    assert not [r for r in result.rules if r.status == "waived"]


def test_bad_now() -> None:
    policy = tollgate.Policy.load(CHAT)
    evidence = tollgate.Evidence.load("examples/chat-waived/evidence.json")
    with pytest.raises(ValueError, match="timezone-aware"):
        policy.evaluate(evidence, now=datetime.datetime(2030, 1, 1))
    with pytest.raises(TypeError):
        policy.evaluate(evidence, now=12)  # type: ignore[arg-type]


def test_from_dict_decides_like_the_doc_example() -> None:
    policy = tollgate.Policy.from_source(
        "gate.gate",
        'policy "demo" { version "1" }\n'
        'metric sycophancy from "behavior.sycophancy_rate" lower is better\n'
        "rule sycophancy_regression { block when regression(sycophancy) > 1% }\n",
    )
    evidence = tollgate.Evidence.from_dict(
        {"metrics": {"behavior.sycophancy_rate": {"value": 0.12, "baseline": 0.09}}}
    )
    result = policy.evaluate(evidence, now="2025-04-25T12:00:00Z")
    assert result.decision == "block"
    assert result.rules[0].status == "fired"


def test_internal_error_is_a_bug_report() -> None:
    with pytest.raises(tollgate.InternalError, match="this is a bug"):
        tollgate._native._panic_for_tests()
