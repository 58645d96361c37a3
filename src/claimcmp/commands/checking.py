"""Checking a store: ``check`` (every problem, in three formats) and ``schema``."""

from __future__ import annotations

import json
import sys
from enum import Enum
from typing import Annotated

import typer

from ..problems import Problem
from .common import handles_errors, load_checked, out, print_problems


class CheckFormat(str, Enum):
    """How ``check`` reports its problems (one member per format: add more here)."""

    text = "text"
    json = "json"
    github = "github"


@handles_errors
def check(
    format: Annotated[
        CheckFormat,
        typer.Option(
            "--format",
            "-f",
            help="text; json (problems with stable codes); or github (workflow commands that annotate a PR).",
        ),
    ] = CheckFormat.text,
    strict: bool = typer.Option(False, "--strict", help="Exit 1 on warnings too, not only on errors."),
    near_duplicate_threshold: float | None = typer.Option(
        None,
        "--near-duplicate-threshold",
        min=0,
        max=100,
        metavar="SCORE",
        help="Warn of two claims whose texts score at least this (0-100, rapidfuzz token_sort_ratio). "
        "Default: $CLAIMCMP_NEAR_DUPLICATE_THRESHOLD, else 90.",
    ),
) -> None:
    """Validate the store and find every quote. Each quote is looked up in its source's text; every
    problem is listed.

    \b
    Example:  claimcmp check --strict --format github
    """
    from ..analysis import summarize
    from ..rendering import summary_line

    result = load_checked(near_duplicate_threshold)
    failed = bool(result.errors or (strict and result.warnings))
    if format is CheckFormat.json:
        from ..checkreport import check_json

        sys.stdout.write(json.dumps(check_json(result), ensure_ascii=False, indent=2) + "\n")
        raise typer.Exit(1 if failed else 0)
    if format is CheckFormat.github:
        print_github(result.problems)
    else:
        print_problems(result.problems, to=out)
    out.print(summary_line(summarize(result.store), result.errors, result.warnings), soft_wrap=True)
    raise typer.Exit(1 if failed else 0)


def print_github(problems: list[Problem]) -> None:
    """``check --format github``: one workflow command per problem."""
    from ..github import workflow_commands

    out.file.write(workflow_commands(problems))


def schema() -> None:
    """Print the JSON Schema of a store file. Draft 2020-12, for editors and validators.

    \b
    Example:  claimcmp schema > schema/claimcmp-store.schema.json
    """
    from ..jsonschema_export import schema_text

    sys.stdout.write(schema_text())
