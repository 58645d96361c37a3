"""The result of ``check`` as data, for ``check --format json`` (shape in the
contract, ``store-format.md``)."""

from __future__ import annotations

from typing import Any

from .models import CheckReport
from .problems import Problem


def problem_json(problem: Problem) -> dict[str, Any]:
    """One problem: where, how bad, its stable code, and what it concerns."""
    return {
        "file": str(problem.path) if problem.path is not None else None,
        "line": problem.line,
        "column": problem.column,
        "level": problem.severity,
        "code": problem.code,
        "message": problem.message,
        "claim": problem.claim,
        "source": problem.source,
    }


def _order(problem: Problem) -> tuple[bool, str, bool, int, int]:
    # File, line, column; problems without a line last in their file, without a file last.
    return (
        problem.path is None,
        str(problem.path or ""),
        problem.line is None,
        problem.line or 0,
        problem.column or 0,
    )


def check_json(result: CheckReport) -> dict[str, Any]:
    """``{"valid", "errors", "warnings", "problems"}`` with the problems in file,
    line and column order."""
    return {
        "valid": result.errors == 0,
        "errors": result.errors,
        "warnings": result.warnings,
        "problems": [problem_json(p) for p in sorted(result.problems, key=_order)],
    }
