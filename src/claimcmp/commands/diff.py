"""``diff``: what a change does to the claims, between two stores or two git revisions."""

# No ``from __future__ import annotations``: see ``claimcmp.commands``.

import json
import os
import sys
from dataclasses import replace
from enum import Enum
from typing import Annotated

import typer

from .common import err, handles_errors, options, out, print_problems


class DiffFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


@handles_errors
def diff(
    old: Annotated[str | None, typer.Argument(metavar="OLD", help="The old store (file or folder).")] = None,
    new: Annotated[str | None, typer.Argument(metavar="NEW", help="The new store (file or folder).")] = None,
    rev: Annotated[
        str | None,
        typer.Option(metavar="REV", help="Compare the store at git revision REV with the working tree."),
    ] = None,
    format: Annotated[
        DiffFormat, typer.Option("--format", "-f", help="table, json or markdown.")
    ] = DiffFormat.table,
    exit_code: Annotated[bool, typer.Option("--exit-code", help="Exit 1 when the stores differ.")] = False,
) -> None:
    """What a change does to the claims. Added, removed, changed, stances, contradictions.

    Compare two stores (OLD NEW), or the store at git revision REV with the working tree (--rev REV).

    \b
    Example:  claimcmp diff --rev HEAD~1 --format markdown
    """
    from ..diff import compare, diff_json
    from ..diffsides import InvalidSideError, load_sides
    from ..render_diff import diff_markdown, diff_view

    if (old is None or new is None) if rev is None else old is not None:
        raise typer.BadParameter("give two stores, OLD NEW, or --rev REV alone", param_hint="OLD NEW / --rev")
    try:
        sides = load_sides(old, new, rev, store=options.store, env=os.environ, use_cache=options.use_cache)
    except InvalidSideError as error:
        for side, _, problems in error.sides:
            print_problems([replace(p, message=f"[{side} store] {p.message}") for p in problems], to=err)
        err.print(
            f"error: {error}; fix the errors above ('claimcmp check' lists them)",
            markup=False,
            soft_wrap=True,
        )
        raise typer.Exit(1) from None
    result = compare(sides.old, sides.new)
    if format is DiffFormat.json:
        sys.stdout.write(json.dumps(diff_json(result), ensure_ascii=False, indent=2) + "\n")
    elif format is DiffFormat.markdown:
        sys.stdout.write(diff_markdown(result, sides.old_label, sides.new_label))
    else:
        out.print(diff_view(result, sides.old_label, sides.new_label))
    raise typer.Exit(1 if exit_code and result.differs else 0)
