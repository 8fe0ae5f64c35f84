"""The string enums of the `tollgate` package, and JSON support for `Evidence.from_dict`."""

from __future__ import annotations

import datetime
import enum


class _StrEnum(str, enum.Enum):
    """A member equals its name as a string: ``Decision.BLOCK == "block"``."""

    def __str__(self) -> str:
        return str(self.value)


class Decision(_StrEnum):
    """A policy's decision, or a rule's outcome, least severe first."""

    PASS = "pass"
    WARN = "warn"
    REVIEW = "review"
    BLOCK = "block"


class Status(_StrEnum):
    """How a rule's outcome came about."""

    PASSED = "passed"
    FIRED = "fired"
    MISSING = "missing"
    WAIVED = "waived"


class Verdict(_StrEnum):
    """What a policy change does to launch decisions, as a whole."""

    UNCHANGED = "unchanged"
    COSMETIC = "cosmetic"
    TIGHTENED = "tightened"
    LOOSENED = "loosened"
    MIXED = "mixed"
    CHANGED = "changed"


def json_default(value: object) -> str:
    """Write dates and date-times in ISO 8601 (a naive date-time is rejected by the reader)."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable in an evidence bundle")
