#!/usr/bin/env python3
"""Load `tollgate eval --format junit` in a real JUnit consumer (junitparser) and check it.

For every example bundle, the JUnit report must parse, hold one test case per rule in rule
order, count as failures exactly the rules that block or need review (a failure of type
`missing` for missing evidence, whose message says so), and put warnings and waivers in the
case's system-out. The JSON output of the same evaluation is the reference.

Usage: python3 tests/consumers/check_junit.py [path/to/tollgate]   (default target/debug/tollgate)
Needs: pip install junitparser
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from junitparser import Failure, JUnitXml

ROOT = Path(__file__).resolve().parents[2]
BUNDLES = [
    ("policies/chat-mainline.gate", "examples/gpt-4o-2025-04-25/evidence.json"),
    ("policies/chat-mainline.gate", "examples/gpt-4o-2025-03-27/evidence.json"),
    ("policies/chat-mainline.gate", "examples/chat-missing-eval/evidence.json"),
    ("policies/chat-mainline.gate", "examples/chat-waived/evidence.json"),
    ("policies/frontier-preparedness.gate", "examples/frontier-deploys/evidence.yaml"),
    ("policies/frontier-preparedness.gate", "examples/frontier-withheld/evidence.yaml"),
]


def run(binary, policy, evidence, fmt, *extra):
    out = subprocess.run(
        [binary, "eval", policy, "--evidence", evidence, "--format", fmt, *extra],
        cwd=ROOT,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
    )
    if out.returncode not in (0, 1, 3):
        raise AssertionError(f"{evidence}: exit {out.returncode}: {out.stderr.decode()}")
    return out.stdout


def check(binary, policy, evidence, explain):
    extra = ("--explain",) if explain else ()
    doc = json.loads(run(binary, policy, evidence, "json"))
    xml = JUnitXml.fromstring(run(binary, policy, evidence, "junit", *extra))
    rules = doc["rules"]
    failing = [r for r in rules if r["outcome"] in ("block", "review")]

    assert xml.tests == len(rules), (xml.tests, len(rules))
    assert xml.failures == len(failing), (xml.failures, len(failing))
    assert xml.errors == 0 and xml.skipped == 0
    suites = list(xml)
    assert len(suites) == 1, len(suites)
    suite = suites[0]
    assert suite.tests == len(rules) and suite.failures == len(failing)
    cases = list(suite)
    assert [c.name for c in cases] == [r["id"] for r in rules]

    for case, rule in zip(cases, rules):
        failures = [r for r in case.result if isinstance(r, Failure)]
        if rule["outcome"] in ("block", "review"):
            assert case.is_failure and len(failures) == 1, case.name
            failure = failures[0]
            if rule["status"] == "missing":
                assert failure.type == "missing", (case.name, failure.type)
                assert "missing evidence" in failure.message, failure.message
                for key in rule["missing"]:
                    assert key in failure.message, (key, failure.message)
            else:
                assert failure.type == rule["outcome"], (case.name, failure.type)
            if explain:
                assert "⇒" in (failure.text or ""), case.name
        else:
            assert case.is_passed and not failures, case.name
            out = case.system_out or ""
            if rule["outcome"] == "warn":
                assert "warning:" in out, (case.name, out)
            if rule["status"] == "waived":
                assert "waived:" in out and rule["waiver"]["reason"] in out, (case.name, out)
    return len(rules)


HOSTILE_POLICY = r"""policy "hostile" { version "1" }
metric m from "m" lower is better
rule markup "Title <&> \"quoted\" 'single' ]]>" {
  block when m > 1
  message "value {m} > 1 & <b>bold</b>\nsecond line"
}
rule warned { warn when m > 1 }
rule fine { block when m > 100 }
"""


def check_hostile(binary):
    """Markup in titles and messages survives: the consumer reads back the text meant."""
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "p.gate").write_text(HOSTILE_POLICY)
        Path(tmp, "e.json").write_text(json.dumps({"candidate": "c<&>\"'", "metrics": {"m": 5}}))
        out = subprocess.run(
            [binary, "eval", "p.gate", "--evidence", "e.json", "--format", "junit",
             "--now", "2025-01-01"],
            cwd=tmp, capture_output=True,
        )
        assert out.returncode == 1, out.stderr
        xml = JUnitXml.fromstring(out.stdout)
        assert (xml.tests, xml.failures) == (3, 1), (xml.tests, xml.failures)
        cases = {c.name: c for suite in xml for c in suite}
        failure = [r for r in cases["markup"].result if isinstance(r, Failure)][0]
        meant = "block: Title <&> \"quoted\" 'single' ]]>: value 5 > 1 & <b>bold</b>\nsecond line"
        assert failure.message == meant, repr(failure.message)
        assert "warning: warned" in (cases["warned"].system_out or "")
        assert cases["fine"].is_passed


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "target/debug/tollgate"
    binary = str((ROOT / binary) if not Path(binary).is_absolute() else Path(binary))
    passed = failed = 0
    for policy, evidence in BUNDLES:
        for explain in (False, True):
            label = f"{evidence}{' --explain' if explain else ''}"
            try:
                n = check(binary, policy, evidence, explain)
                print(f"ok   {label}: {n} test cases")
                passed += 1
            except AssertionError as e:
                print(f"FAIL {label}: {e}")
                failed += 1
    try:
        check_hostile(binary)
        print("ok   hostile text")
        passed += 1
    except AssertionError as e:
        print(f"FAIL hostile text: {e}")
        failed += 1
    print(f"junit: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
