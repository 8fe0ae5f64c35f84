"""Tollgate from Python: decide whether a model update may launch.

Load a policy once, evaluate it on evidence as often as needed::

    import tollgate

    policy = tollgate.Policy.load("policies/chat-mainline.gate")
    evidence = tollgate.Evidence.load(["lm-eval:results.json"], baseline=["lm-eval:base.json"])
    result = policy.evaluate(evidence)
    if result.decision == "block":
        print(result.to_text())

Everything runs in the Rust library the ``tollgate`` command uses, with the GIL released, so
a thread pool evaluating many bundles uses every core. Errors are ``PolicyError`` and
``EvidenceError`` (both ``TollgateError``), carrying every diagnostic; a bug in Tollgate
arrives as ``InternalError``.
"""

from ._native import (
    CheckReport,
    Diagnostic,
    Diff,
    Evaluation,
    Evidence,
    EvidenceError,
    FileCheck,
    InternalError,
    Location,
    Policy,
    PolicyError,
    RuleResult,
    TestReport,
    TollgateError,
    Waiver,
    __version__,
    check,
    diff,
    import_evidence,
    test,
)
from ._support import Decision, Status, Verdict

__all__ = [
    "CheckReport",
    "Decision",
    "Diagnostic",
    "Diff",
    "Evaluation",
    "Evidence",
    "EvidenceError",
    "FileCheck",
    "InternalError",
    "Location",
    "Policy",
    "PolicyError",
    "RuleResult",
    "Status",
    "TestReport",
    "TollgateError",
    "Verdict",
    "Waiver",
    "__version__",
    "check",
    "diff",
    "import_evidence",
    "test",
]
