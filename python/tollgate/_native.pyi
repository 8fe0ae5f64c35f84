"""Type stubs of the Rust extension (``tollgate._native``); see the package docstring."""

import datetime
import os
from typing import Any, Iterable, Literal, Optional, Union, final

from ._support import Decision, Status, Verdict

__version__: str

StrPath = Union[str, "os.PathLike[str]"]
Paths = Union[StrPath, Iterable[StrPath]]
Instant = Union[str, datetime.datetime, datetime.date, None]

class TollgateError(Exception):
    """Base of the errors Tollgate raises. ``diagnostics`` lists every problem found."""

    diagnostics: list[Diagnostic]

class PolicyError(TollgateError):
    """A policy could not be read, resolved, checked or compiled (or has no rules)."""

class EvidenceError(TollgateError):
    """Evidence could not be read: a missing file, a bad spec, a bundle that breaks the schema."""

class InternalError(TollgateError):
    """A bug in Tollgate (a Rust panic); please report it with the input that caused it."""

@final
class Diagnostic:
    """One problem: its stable code, where it is, what to do, and the rendered report."""

    @property
    def code(self) -> str:
        """A stable code such as ``tollgate::syntax``."""
    @property
    def level(self) -> Literal["error", "warning"]: ...
    @property
    def message(self) -> str: ...
    @property
    def file(self) -> Optional[str]: ...
    @property
    def line(self) -> Optional[int]:
        """1-based."""
    @property
    def column(self) -> Optional[int]:
        """1-based."""
    @property
    def help(self) -> Optional[str]:
        """What to do about it."""
    @property
    def rendered(self) -> str:
        """The report as ``tollgate`` prints it (source line, labels, help), without colour."""

@final
class Policy:
    """A policy parsed, resolved, type-checked and compiled once; safe to share by threads."""

    @staticmethod
    def load(path: StrPath) -> Policy:
        """Load a policy file and its imports. Raises ``PolicyError`` with every diagnostic,
        also when the policy has no rules (it would let every candidate launch)."""
    @staticmethod
    def from_source(name: StrPath, text: str) -> Policy:
        """Compile policy text; ``name`` is shown in diagnostics and imports are read
        relative to it. Raises ``PolicyError``."""
    @property
    def name(self) -> str: ...
    @property
    def version(self) -> Optional[str]: ...
    @property
    def owner(self) -> Optional[str]: ...
    @property
    def path(self) -> str: ...
    @property
    def sha256(self) -> str:
        """sha256 of the entry file's text."""
    @property
    def rules(self) -> list[str]:
        """The rule ids, in evaluation order."""
    @property
    def warnings(self) -> list[Diagnostic]:
        """Lints found while checking."""
    def evaluate(
        self, evidence: Evidence, now: Instant = None, explain: bool = False
    ) -> Evaluation:
        """Decide on ``evidence`` at ``now`` (a timezone-aware datetime, a date, or an RFC 3339
        string; default: the bundle's ``as_of``, else the clock). With ``explain=True`` the
        JSON and markdown reports carry every clause's values. Releases the GIL."""

@final
class Evidence:
    """An evidence bundle, read and merged as the ``tollgate`` command reads it."""

    @staticmethod
    def load(
        specs: Paths,
        baseline: Optional[Paths] = None,
        allow_incomplete: bool = False,
        cluster_by: Optional[str] = None,
    ) -> Evidence:
        """Read ``[PREFIX=][FORMAT:]PATH`` specs as ``--evidence`` does, and baselines as
        ``--baseline`` does; ``cluster_by`` is ``--cluster-by`` (the Inspect sample metadata
        field whose value clusters items). Raises ``EvidenceError`` with every problem of
        every file."""
    @staticmethod
    def from_dict(obj: dict[str, Any], name: str = "<dict>") -> Evidence:
        """A native bundle built in Python. Dates and date-times are written in ISO 8601.
        Raises ``EvidenceError`` (lines refer to the dict written as indented JSON)."""
    @property
    def candidate(self) -> Optional[str]: ...
    @property
    def baseline(self) -> Optional[str]: ...
    @property
    def stage(self) -> Optional[str]: ...
    @property
    def as_of(self) -> Optional[str]:
        """RFC 3339."""
    @property
    def metrics(self) -> list[str]:
        """The metric keys, in the order read."""
    @property
    def files(self) -> list[str]: ...
    @property
    def warnings(self) -> list[str]:
        """What loading noticed without rejecting the evidence."""
    def to_json(self) -> str:
        """The bundle in the native format, as ``tollgate import`` writes it."""
    def to_dict(self) -> dict[str, Any]: ...

@final
class Location:
    """Where a rule is declared."""

    @property
    def file(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...

@final
class Waiver:
    """The waiver that set a rule aside."""

    @property
    def role(self) -> str: ...
    @property
    def by(self) -> str: ...
    @property
    def reason(self) -> str: ...
    @property
    def expires(self) -> str:
        """RFC 3339."""
    @property
    def would_be(self) -> Decision:
        """What the rule would have been without the waiver."""

@final
class RuleResult:
    """One rule's result."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> Optional[str]: ...
    @property
    def outcome(self) -> Decision:
        """``pass`` for a passed or waived rule."""
    @property
    def status(self) -> Status: ...
    @property
    def message(self) -> Optional[str]:
        """The rendered message, for rules that did not pass."""
    @property
    def missing(self) -> list[str]:
        """Evidence keys that were unknown, in the order met."""
    @property
    def waiver(self) -> Optional[Waiver]: ...
    @property
    def location(self) -> Location: ...

@final
class Evaluation:
    """One decision with its reasons. Reports are rendered by the CLI's own renderers."""

    @property
    def decision(self) -> Decision: ...
    @property
    def rules(self) -> list[RuleResult]:
        """Every rule, in source order."""
    def rule(self, id: str) -> Optional[RuleResult]: ...
    @property
    def warnings(self) -> list[str]: ...
    @property
    def candidate(self) -> Optional[str]: ...
    @property
    def baseline(self) -> Optional[str]: ...
    @property
    def now(self) -> str:
        """The instant evaluated at (RFC 3339)."""
    def to_json(self) -> str:
        """``tollgate eval --format json`` (with ``--explain`` when asked for)."""
    def to_dict(self) -> dict[str, Any]: ...
    def to_markdown(self) -> str:
        """The launch report of ``tollgate eval --format markdown``."""
    def to_html(self) -> str:
        """The self-contained HTML launch report of ``tollgate eval --format html``."""
    def to_text(self) -> str:
        """The report of ``tollgate eval`` for a terminal or a CI log, without colour."""

@final
class FileCheck:
    """What ``tollgate check`` found in one file."""

    @property
    def path(self) -> str: ...
    @property
    def ok(self) -> bool:
        """No error (lints may remain)."""
    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Errors first, then lints."""

@final
class CheckReport:
    """Every file's check; true when every file is free of errors."""

    @property
    def files(self) -> list[FileCheck]: ...
    @property
    def ok(self) -> bool: ...
    def __bool__(self) -> bool: ...

@final
class TestReport:
    """The tests of policy files; true when every test ran and passed."""

    @property
    def passed(self) -> int: ...
    @property
    def failed(self) -> int: ...
    @property
    def ok(self) -> bool: ...
    @property
    def files(self) -> list[dict[str, Any]]:
        """Per file: ``file``, ``tests`` (``name``, ``line``, ``passed``, ``failures``,
        ``error``) and ``coverage``, as ``tollgate test --format json`` writes them."""
    def to_json(self) -> str: ...
    def __bool__(self) -> bool: ...

@final
class Diff:
    """What a policy change does to launch decisions."""

    @property
    def verdict(self) -> Verdict: ...
    @property
    def changes(self) -> list[dict[str, Any]]:
        """Every change (``rule``, ``effect``, ``summary``, ``old``, ``new``), as in
        ``tollgate diff --format json``."""
    @property
    def flips(self) -> list[dict[str, Any]]:
        """Replayed bundles whose decision differs (``bundle``, ``old``, ``new``, ``rules``)."""
    @property
    def replayed(self) -> Optional[int]:
        """How many bundles were replayed; None without ``replay``."""
    @property
    def warnings(self) -> list[str]: ...
    @property
    def test_errors(self) -> list[Diagnostic]:
        """Errors in either version's tests (tests decide nothing, so the diff stands)."""
    def fails(self, on: Literal["loosened", "changed"]) -> bool:
        """Whether ``tollgate diff --fail-on ON`` would exit 1."""
    def to_json(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_markdown(self) -> str: ...
    def to_html(self) -> str: ...
    def to_text(self) -> str: ...

def check(paths: Paths) -> CheckReport:
    """Parse, resolve, type-check and lint policy files, as ``tollgate check`` does.
    Problems are reported in the result, not raised."""

def test(paths: Paths, filter: Optional[str] = None) -> TestReport:
    """Run the ``test`` blocks of policy files (folders are searched for ``*.gate``).
    Raises ``PolicyError`` when a file cannot be loaded or no test is found."""

def diff(
    old: StrPath, new: StrPath, replay: Optional[Paths] = None, now: Instant = None
) -> Diff:
    """Compare two versions of a policy (files, or ``REV:path`` read with git); with
    ``replay``, evaluate both on past bundles (files, or folders searched for them).
    Raises ``PolicyError`` or ``EvidenceError``."""

def import_evidence(
    specs: Paths,
    baseline: Optional[Paths] = None,
    allow_incomplete: bool = False,
    cluster_by: Optional[str] = None,
) -> dict[str, Any]:
    """``tollgate import``: read evidence and baselines into one native bundle (a dict).
    Raises ``EvidenceError``."""

def _panic_for_tests() -> None: ...
