"""Problems found in a store, and the errors the library raises.

Every problem carries the file and the 1-based line and column of the YAML node
at fault, so that the CLI can print ``PATH:LINE:COL: message`` like a compiler.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    path: Path | None
    line: int | None
    column: int | None
    message: str
    severity: Severity = "error"
    code: str = "invalid"  # a stable kebab-case name of the kind of problem (docs/checks.md)
    claim: str | None = None  # the claim the problem concerns, if one
    source: str | None = None  # the source the problem concerns, if one

    def location(self) -> str:
        if self.path is None:
            return ""
        parts = [str(self.path)]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def format(self) -> str:
        where = self.location()
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}: {prefix}{self.message}" if where else f"{prefix}{self.message}"


def count_errors(problems: Iterable[Problem]) -> int:
    return sum(1 for p in problems if p.severity == "error")


class ClaimcmpError(Exception):
    """Base of the errors that are the user's to fix (never a bug of ours)."""


class StoreError(ClaimcmpError):
    """The store cannot be used; ``problems`` says why, with positions."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(p.format() for p in problems))


class StoreNotFoundError(ClaimcmpError):
    """No store at the given place, or none found upwards from the directory."""


class UnknownNameError(ClaimcmpError):
    """A topic, claim or source name that the store does not have."""

    def __init__(self, kind: str, name: str, suggestions: list[str]) -> None:
        self.kind = kind
        self.name = name
        self.suggestions = suggestions
        message = f"no {kind} named {name!r} in the store"
        if suggestions:
            message += "; did you mean " + " or ".join(repr(s) for s in suggestions) + "?"
        super().__init__(message)


class OutputError(ClaimcmpError):
    """An output file that must not or cannot be written."""
