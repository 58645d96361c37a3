"""Problems found in a store, and the errors the library raises.

Every problem carries the file and the 1-based line and column of the YAML node
at fault, so that the CLI can print ``PATH:LINE:COL: message`` like a compiler.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Literal

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


_FIELDS = tuple(f.name for f in fields(Problem))


def problem_plain(problem: Problem) -> tuple[Any, ...]:
    """A problem as plain data (its path as text), for ``marshal``: the cache's
    entries, and the problems a forked child sends back."""
    values = [getattr(problem, name) for name in _FIELDS]
    values[0] = str(values[0]) if values[0] is not None else None
    return tuple(values)


def problem_from_plain(plain: Any) -> Problem:
    """The problem ``problem_plain`` gave; raises on anything else (ValueError, TypeError)."""
    problem = Problem(Path(plain[0]) if plain[0] is not None else None, *plain[1:])
    if not isinstance(problem.message, str) or problem.severity not in ("error", "warning"):
        raise ValueError("not a problem")
    return problem


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
