"""Policy.load / Policy.from_source and PolicyError."""

from __future__ import annotations

from pathlib import Path

import pytest

import tollgate

GOOD = """policy "demo" { version "1" owner "safety" }
metric sycophancy from "behavior.sycophancy_rate" lower is better
rule sycophancy_regression "Sycophancy must not regress" {
  block when regression(sycophancy) > 1%
  message "sycophancy regressed"
}
"""


def test_load_reads_header_and_rules() -> None:
    policy = tollgate.Policy.load("policies/chat-mainline.gate")
    assert policy.name == "chat-mainline"
    assert policy.version == "2025.05.02"
    assert policy.path == "policies/chat-mainline.gate"
    assert len(policy.sha256) == 64
    assert "sycophancy_regression" in policy.rules
    assert "chat-mainline" in repr(policy)


def test_load_accepts_pathlike() -> None:
    policy = tollgate.Policy.load(Path("policies/frontier-preparedness.gate"))
    assert policy.name == "frontier-preparedness"


def test_from_source() -> None:
    policy = tollgate.Policy.from_source("demo.gate", GOOD)
    assert (policy.name, policy.version, policy.owner) == ("demo", "1", "safety")
    assert policy.rules == ["sycophancy_regression"]
    assert policy.warnings == []


def test_lints_are_warnings_not_errors() -> None:
    text = GOOD + 'metric unused_metric from "x.y" lower is better\n'
    policy = tollgate.Policy.from_source("demo.gate", text)
    assert [w.code for w in policy.warnings] == ["tollgate::unused"]
    assert policy.warnings[0].level == "warning"


def test_bad_policy_raises_every_diagnostic() -> None:
    text = 'policy "x" { version "1" }\nrule a { block when foo > 1 }\nrule b { block when bar > 1 }\n'
    with pytest.raises(tollgate.PolicyError) as caught:
        tollgate.Policy.from_source("bad.gate", text)
    diags = caught.value.diagnostics
    assert [d.code for d in diags] == ["tollgate::unknown_name", "tollgate::unknown_name"]
    first = diags[0]
    assert (first.file, first.line, first.column) == ("bad.gate", 2, 21)
    assert first.level == "error"
    assert "foo" in first.message
    assert first.help
    assert "bad.gate:2:21" in first.rendered
    assert "unknown name `foo`" in str(caught.value)
    assert isinstance(caught.value, tollgate.TollgateError)


def test_syntax_error() -> None:
    with pytest.raises(tollgate.PolicyError) as caught:
        tollgate.Policy.from_source("broken.gate", 'policy "x" { version "1" }\nrule {')
    assert caught.value.diagnostics[0].code == "tollgate::syntax"


def test_missing_file() -> None:
    with pytest.raises(tollgate.PolicyError) as caught:
        tollgate.Policy.load("policies/no-such.gate")
    assert caught.value.diagnostics[0].code == "tollgate::io"


def test_policy_without_rules_fails_closed() -> None:
    with pytest.raises(tollgate.PolicyError) as caught:
        tollgate.Policy.from_source("empty.gate", 'policy "x" { version "1" }\n')
    assert "has no rules" in caught.value.diagnostics[0].message


def test_bad_argument_types() -> None:
    with pytest.raises(TypeError):
        tollgate.Policy.load(42)  # type: ignore[arg-type]
