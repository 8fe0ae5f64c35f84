"""tollgate.check, tollgate.test and tollgate.diff against the CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Callable

import pytest

import tollgate

V1 = "examples/history/policies/chat-mainline.v1.gate"
V4 = "examples/history/policies/chat-mainline.v4.gate"


def test_check_ok_files() -> None:
    report = tollgate.check(["policies/chat-mainline.gate", "policies/frontier-preparedness.gate"])
    assert report.ok and bool(report)
    assert [f.path for f in report.files] == [
        "policies/chat-mainline.gate",
        "policies/frontier-preparedness.gate",
    ]


def test_check_reports_errors_without_raising(tmp_path: Path, cli_json: Callable[..., Any]) -> None:
    bad = tmp_path / "bad.gate"
    bad.write_text('policy "x" { version "1" }\nrule a { block when foo > 1 }\n')
    report = tollgate.check([bad, "policies/chat-mainline.gate"])
    assert not report.ok
    assert [f.ok for f in report.files] == [False, True]
    diags = report.files[0].diagnostics
    expected = cli_json("check", str(bad), "--format", "json")["diagnostics"]
    assert [(d.code, d.message, d.line, d.column, d.help) for d in diags] == [
        (e["code"], e["message"], e["location"]["line"], e["location"]["column"], e["help"])
        for e in expected
    ]


def test_test_matches_cli(cli_json: Callable[..., Any]) -> None:
    report = tollgate.test("policies")
    expected = cli_json("test", "policies", "--format", "json")
    assert report.ok and bool(report)
    assert (report.passed, report.failed) == (expected["passed"], expected["failed"])
    assert report.files == expected["files"]
    assert json.loads(report.to_json()) == expected


def test_test_filter_and_failure(tmp_path: Path) -> None:
    gate = tmp_path / "t.gate"
    gate.write_text(
        'policy "t" { version "1" }\n'
        'metric m from "a.b" lower is better\n'
        "rule r { block when m > 0.5 }\n"
        'test "blocks" { evidence { "metrics": { "a.b": { "value": 0.9 } } } expect block }\n'
        'test "wrong" { evidence { "metrics": { "a.b": { "value": 0.1 } } } expect block }\n'
    )
    report = tollgate.test([gate])
    assert (report.passed, report.failed, report.ok) == (1, 1, False)
    assert tollgate.test(gate, filter="blocks").ok
    with pytest.raises(tollgate.PolicyError, match="no test name contains"):
        tollgate.test(gate, filter="nothing")


def test_test_errors(tmp_path: Path) -> None:
    with pytest.raises(tollgate.PolicyError):
        tollgate.test(tmp_path / "missing")
    (tmp_path / "bad.gate").write_text('policy "x" { version "1" }\nrule {\n')
    with pytest.raises(tollgate.PolicyError) as caught:
        tollgate.test(tmp_path)
    assert caught.value.diagnostics[0].code == "tollgate::syntax"


def test_diff_with_replay_matches_cli(
    cli: Callable[..., Any], cli_json: Callable[..., Any]
) -> None:
    report = tollgate.diff(V1, V4, replay=["examples/history/bundles"], now="2025-07-01")
    expected = cli_json(
        "diff", V1, V4, "--replay", "examples/history/bundles", "--now", "2025-07-01",
        "--format", "json",
    )
    assert report.verdict == expected["verdict"]
    assert report.changes == expected["changes"]
    assert report.flips == expected["replay"]
    assert report.replayed == expected["replayed"] == 4
    assert report.to_dict() == expected
    args = ("diff", V1, V4, "--replay", "examples/history/bundles", "--now", "2025-07-01")
    assert report.to_markdown() == cli(*args, "--format", "markdown").stdout
    assert report.to_html() == cli(*args, "--format", "html").stdout
    assert report.to_text() == cli(*args).stdout
    assert report.fails("changed")
    with pytest.raises(ValueError):
        report.fails("sideways")  # type: ignore[arg-type]


def test_diff_of_a_file_with_itself() -> None:
    report = tollgate.diff(V1, V1)
    assert report.verdict == tollgate.Verdict.UNCHANGED
    assert report.changes == [] and report.flips == [] and report.replayed is None
    assert not report.fails("changed")


def test_diff_errors(tmp_path: Path) -> None:
    with pytest.raises(tollgate.PolicyError):
        tollgate.diff(V1, tmp_path / "missing.gate")
    bundles = tmp_path / "bundles"
    bundles.mkdir()
    (bundles / "evidence.json").write_text('{"metrics": {"a": {"value": "x"}}}')
    with pytest.raises(tollgate.EvidenceError):
        tollgate.diff(V1, V4, replay=[bundles])


def test_diff_reads_imports_next_to_the_file(tmp_path: Path) -> None:
    shutil.copytree("examples/history/policies", tmp_path / "policies")
    report = tollgate.diff(tmp_path / "policies/chat-mainline.v1.gate", V1)
    assert report.verdict in ("unchanged", "cosmetic")
