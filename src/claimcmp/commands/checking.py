"""Checking a store: ``check`` (every problem, in three formats) and ``schema``."""

# No ``from __future__ import annotations``: see ``claimcmp.commands``.

import json
import sys
import time
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import typer

from .. import forked
from ..problems import ClaimcmpError, Problem
from ..visible import visible
from .common import console_now, err, handles_errors, load_report, options, out, print_problems

if TYPE_CHECKING:
    from ..models import CheckReport, CheckResult

# How often ``check --watch`` looks for a change: a stat per path the last
# check looked at (300 at 20,000 claims in 100 files: 5 ms, so 5% of a core
# while nothing changes; next to nothing for a store of a few files).
WATCH_INTERVAL = 0.1


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
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 on warnings too, not only on errors.")
    ] = False,
    near_duplicate_threshold: Annotated[
        float | None,
        typer.Option(
            "--near-duplicate-threshold",
            min=0,
            max=100,
            metavar="SCORE",
            help="Warn of two claims whose texts score at least this (0-100, rapidfuzz token_sort_ratio). "
            "Default: $CLAIMCMP_NEAR_DUPLICATE_THRESHOLD, else 90.",
        ),
    ] = None,
    watch: Annotated[
        bool,
        typer.Option(
            "--watch", "-w", help="Check again after every change to the store or a text, until Ctrl-C."
        ),
    ] = False,
) -> None:
    """Validate the store and find every quote. Each quote is looked up in its source's text; every
    problem is listed.

    With --watch, check again each time a file of the store or a source text
    changes, until Ctrl-C: only what changed is read again.

    \b
    Example:  claimcmp check --strict --format github
    """
    if watch:
        if format is not CheckFormat.text:
            raise typer.BadParameter("--watch prints text only", param_hint="'--format'")
        watch_store(near_duplicate_threshold)
    if format is not CheckFormat.json:
        forked.meanwhile(_ready_to_print)  # rich's import, while the check waits on a child
    try:
        result = load_report(near_duplicate_threshold)
    finally:
        forked.done_meanwhile()  # if it never waited (and never left for a later wait)
    failed = bool(result.errors or (strict and result.warnings))
    if format is CheckFormat.json:
        from ..checkreport import check_json

        sys.stdout.write(json.dumps(check_json(result), ensure_ascii=False, indent=2) + "\n")
        raise typer.Exit(1 if failed else 0)
    if format is CheckFormat.github:
        print_github(result.problems)
    else:
        print_problems(result.problems, to=out)
    print_summary(result)
    raise typer.Exit(1 if failed else 0)


def _ready_to_print() -> None:
    """The console and the summary's renderer, made and imported."""
    from .. import rendering  # noqa: F401

    console_now()


def print_summary(result: "CheckReport") -> None:
    from ..rendering import summary_line

    width = out.width if out.is_terminal else None  # piped: always one line
    out.print(summary_line(result.summary, result.errors, result.warnings, width), soft_wrap=True)


def watch_store(near_duplicate: float | None) -> None:
    """``check --watch``: a check, then another after each change, until Ctrl-C
    (exit 0). At a terminal each check replaces the last on the screen; piped,
    they follow one another."""
    from rich.text import Text

    from ..api import Watch

    try:
        watch = Watch(options.store, cache=options.use_cache, near_duplicate=near_duplicate)
        while True:
            started = time.perf_counter()
            try:
                result: CheckResult | None = watch.check()
            except ClaimcmpError as error:  # e.g. the store's folder was removed
                result = None
                err.print(Text(f"error: {visible(str(error))}"), soft_wrap=True)
            took = time.perf_counter() - started
            took_text = f"{took * 1000:.0f} ms" if took < 1 else f"{took:.2f} s"
            if result is not None:
                if out.is_terminal:
                    out.clear()
                print_problems(result.problems, to=out)
                print_summary(result.report())
            note = f"checked at {time.strftime('%H:%M:%S')} in {took_text}; watching (Ctrl-C to stop)"
            out.print(Text(note, style="dim"), soft_wrap=True)
            out.file.flush()
            while not watch.changed():
                time.sleep(WATCH_INTERVAL)
    except KeyboardInterrupt:  # the way to stop watching: not an error
        if out.is_terminal:
            out.print()  # the shell's prompt on a line of its own, after the "^C"
        raise typer.Exit(0) from None


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
