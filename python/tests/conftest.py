"""Shared fixtures: the repository root (tests run from it, as the CLI examples do) and the
`tollgate` binary the package is compared with."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any, Callable

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Relative paths in reports are as given: run from the root, as the CLI examples do."""
    monkeypatch.chdir(REPO)


@pytest.fixture(scope="session")
def cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the `tollgate` binary ($TOLLGATE_BIN, else target/release/tollgate)."""
    binary = os.environ.get("TOLLGATE_BIN") or str(REPO / "target" / "release" / "tollgate")
    if not Path(binary).is_file():
        pytest.fail(f"no tollgate binary at {binary}: build it or set TOLLGATE_BIN")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [binary, *args], cwd=REPO, capture_output=True, text=True, check=False
        )

    return run


@pytest.fixture(scope="session")
def cli_json(cli: Callable[..., subprocess.CompletedProcess[str]]) -> Callable[..., Any]:
    def run(*args: str) -> Any:
        out = cli(*args)
        assert out.stdout, out.stderr
        return json.loads(out.stdout)

    return run
