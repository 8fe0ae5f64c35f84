"""examples/python: the ten-line gate and the pytest launch test, run as a user runs them."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import REPO


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **env},
    )


def test_gate_lm_eval_prints_the_report() -> None:
    out = run("examples/python/gate_lm_eval.py")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("WARN")


def test_launch_gate_passes_on_a_clean_bundle() -> None:
    out = run("-m", "pytest", "-q", "-p", "no:cacheprovider", "examples/python/test_launch_gate.py")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "1 passed" in out.stdout


def test_launch_gate_fails_with_the_reasons() -> None:
    out = run(
        "-m", "pytest", "-q", "-p", "no:cacheprovider", "examples/python/test_launch_gate.py",
        LAUNCH_EVIDENCE="examples/gpt-4o-2025-04-25/evidence.json",
    )
    assert out.returncode == 1, out.stdout + out.stderr
    assert "the launch gate blocks gpt-4o-2025-04-25" in out.stdout
    assert "block tester_behavior_concern" in out.stdout
    assert "at policies/chat-mainline.gate:33:1" in out.stdout
