"""Over random bundles (examples with values moved and entries dropped): a bundle built in
Python decides as the same bundle read from a file, and survives to_dict / from_dict."""

from __future__ import annotations

import copy
import glob
import json
import random
from pathlib import Path
from typing import Any

import tollgate

CASES = 200


def mutate(bundle: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    out = copy.deepcopy(bundle)
    metrics = out.get("metrics", {})
    for key in list(metrics):
        roll = rng.random()
        if roll < 0.15:
            del metrics[key]
        elif roll < 0.8 and isinstance(metrics[key].get("value"), (int, float)):
            old = metrics[key]["value"]
            new = old * rng.uniform(0.5, 1.5)
            # Rates stay rates; an interval around the old value no longer holds.
            metrics[key]["value"] = min(new, 1.0) if old <= 1.0 else new
            metrics[key].pop("ci", None)
    for field in ("flags", "signoffs", "waivers"):
        if field in out and rng.random() < 0.3:
            out[field] = [x for x in out[field] if rng.random() < 0.5]
    return out


def test_from_dict_decides_as_the_file(tmp_path: Path) -> None:
    policy = tollgate.Policy.load("policies/chat-mainline.gate")
    sources = [json.loads(Path(f).read_text()) for f in sorted(glob.glob("examples/*/evidence.json"))]
    rng = random.Random(16)
    decisions = set()
    for case in range(CASES):
        bundle = mutate(rng.choice(sources), rng)
        path = tmp_path / f"case-{case}.json"
        path.write_text(json.dumps(bundle))
        from_file = policy.evaluate(tollgate.Evidence.load(path))
        built = tollgate.Evidence.from_dict(bundle)
        from_dict = policy.evaluate(built)
        again = policy.evaluate(tollgate.Evidence.from_dict(built.to_dict()))
        expected = from_file.to_dict()
        for result in (from_dict, again):
            actual = result.to_dict()
            # Only the file's name and hash differ (warnings name the file too).
            actual["evidence"] = expected["evidence"]
            actual["warnings"] = [w.replace("<dict>", str(path)) for w in actual["warnings"]]
            assert actual == expected, f"case {case}: {json.dumps(bundle)}"
        decisions.add(str(from_file.decision))
    assert len(decisions) >= 3, decisions
