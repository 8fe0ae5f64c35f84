"""Evidence.load (CLI specs), Evidence.from_dict, import_evidence and EvidenceError."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any, Callable

import pytest

import tollgate

TYPHOON = "lm-eval:examples/lm-eval-typhoon/typhoon2-3b.json"
LLAMA = "lm-eval:examples/lm-eval-typhoon/llama-3.2-3b.json"
INSPECT_LOG = "tests/fixtures/import/persample/inspect/inspect_ai_tests/log_formats.json"

BUNDLE: dict[str, Any] = {
    "candidate": "m-2",
    "baseline": "m-1",
    "as_of": "2025-04-25T12:00:00Z",
    "metrics": {"behavior.sycophancy_rate": {"value": 0.12, "baseline": 0.09}},
}


def test_load_one_path() -> None:
    evidence = tollgate.Evidence.load("examples/gpt-4o-2025-04-25/evidence.json")
    assert evidence.candidate == "gpt-4o-2025-04-25"
    assert evidence.files == ["examples/gpt-4o-2025-04-25/evidence.json"]
    assert evidence.metrics
    assert evidence.as_of is not None


def test_load_specs_with_format_prefix_and_baseline() -> None:
    evidence = tollgate.Evidence.load(
        [f"offline={TYPHOON}"], baseline=[f"offline={LLAMA}"]
    )
    assert evidence.metrics
    assert all(key.startswith("offline.") for key in evidence.metrics)
    assert evidence.baseline is not None


def test_import_evidence_equals_cli_import(cli: Callable[..., Any]) -> None:
    bundle = tollgate.import_evidence([TYPHOON], baseline=[LLAMA])
    out = cli("import", "--evidence", TYPHOON, "--baseline", LLAMA)
    assert out.returncode == 0, out.stderr
    assert bundle == json.loads(out.stdout)


def test_cluster_by_clusters_inspect_items_as_the_cli_does(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    log = json.loads(Path(INSPECT_LOG).read_text(encoding="utf-8"))
    log["samples"] = [
        {"id": i, "epoch": 1, "input": "…", "scores": {"match": {"value": v}},
         "metadata": {"passage": p}}
        for i, v, p in [(1, "C", "p1"), (2, "I", "p1"), (3, "C", "p2"), (4, "C", "p2")]
    ]
    path = tmp_path / "log.json"
    path.write_text(json.dumps(log), encoding="utf-8")
    bundle = tollgate.import_evidence([str(path)], cluster_by="passage")
    out = cli("import", "--evidence", str(path), "--cluster-by", "passage")
    assert out.returncode == 0, out.stderr
    assert bundle == json.loads(out.stdout)
    samples = bundle["samples"]["popularity.match.accuracy"]
    assert samples["clusters"] == {"1": "p1", "2": "p1", "3": "p2", "4": "p2"}
    loaded = tollgate.Evidence.load([str(path)], cluster_by="passage")
    assert loaded.to_dict()["samples"] == bundle["samples"]
    assert "clusters" not in tollgate.import_evidence([str(path)])["samples"][
        "popularity.match.accuracy"
    ]


def test_from_dict() -> None:
    evidence = tollgate.Evidence.from_dict(BUNDLE)
    assert evidence.candidate == "m-2"
    assert evidence.metrics == ["behavior.sycophancy_rate"]
    assert evidence.to_dict()["metrics"]["behavior.sycophancy_rate"]["value"] == 0.12
    assert json.loads(evidence.to_json()) == evidence.to_dict()


def test_from_dict_writes_datetimes() -> None:
    bundle = dict(BUNDLE, as_of=datetime.datetime(2025, 4, 25, 12, tzinfo=datetime.timezone.utc))
    assert tollgate.Evidence.from_dict(bundle).as_of == "2025-04-25T12:00:00Z"


def test_from_dict_reports_every_problem() -> None:
    bad = {"metrics": {"a.b": {"value": "high"}, "c.d": {"valu": 1}}}
    with pytest.raises(tollgate.EvidenceError) as caught:
        tollgate.Evidence.from_dict(bad, name="built.json")
    diags = caught.value.diagnostics
    assert len(diags) >= 2
    assert all(d.code == "tollgate::evidence" for d in diags)
    assert all(d.file == "built.json" and d.line for d in diags)


def test_naive_datetime_is_rejected() -> None:
    bundle = dict(BUNDLE, as_of=datetime.datetime(2025, 4, 25, 12))
    with pytest.raises(tollgate.EvidenceError):
        tollgate.Evidence.from_dict(bundle)


def test_missing_file() -> None:
    with pytest.raises(tollgate.EvidenceError) as caught:
        tollgate.Evidence.load(["examples/none/evidence.json", "examples/nothing.json"])
    assert [d.code for d in caught.value.diagnostics] == ["tollgate::io", "tollgate::io"]


def test_bad_spec_format() -> None:
    with pytest.raises(tollgate.EvidenceError) as caught:
        tollgate.Evidence.load("lmeval:examples/lm-eval-typhoon/typhoon2-3b.json")
    diag = caught.value.diagnostics[0]
    assert diag.code == "tollgate::usage"
    assert diag.help is not None and "lm-eval" in diag.help


def test_paths_must_be_text() -> None:
    with pytest.raises(TypeError):
        tollgate.Evidence.load([b"examples/chat-waived/evidence.json"])  # type: ignore[list-item]
