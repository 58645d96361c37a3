"""Views across the store: the ``agreement`` matrix, ``coverage`` and the ``timeline``."""

# No ``from __future__ import annotations``: see ``claimcmp.commands``.

import json
import sys
from enum import Enum
from typing import Annotated

import typer

from .common import Format, FormatOption, TopicOption, finish, handles_errors, load_readable, out, print_json


class MatrixFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


@handles_errors
def agreement(
    topic: TopicOption = [],  # noqa: B006 - typer reads the default, never mutates it
    format: Annotated[
        MatrixFormat, typer.Option("--format", "-f", help="table, json or csv.")
    ] = MatrixFormat.table,
) -> None:
    """How often each two sources agree. A source x source matrix: how often they take the same
    stance.

    \b
    Example:  claimcmp agreement --topic lachin-corridor
    """
    from ..views import agreement_csv, agreement_json, agreement_view

    result = load_readable()
    view = agreement_view(result.store, topic)
    if format is MatrixFormat.json:
        sys.stdout.write(json.dumps(agreement_json(view), ensure_ascii=False) + "\n")
    elif format is MatrixFormat.csv:
        sys.stdout.write(agreement_csv(view))
    else:
        from ..render_views import agreement_lines, to_text  # rich's styles: not for JSON or CSV

        lines = agreement_lines(
            view, out.width, topic, colour=out.color_system is not None and not out.no_color
        )
        sys.stdout.write(to_text(lines, out.color_system, out.no_color))
    finish(result)


@handles_errors
def coverage(
    topic: TopicOption = [],  # noqa: B006
    silent: Annotated[
        str | None,
        typer.Option("--silent", metavar="SOURCE", help="Only the claims this source is silent on."),
    ] = None,
    format: FormatOption = Format.table,
) -> None:
    """Who speaks on what. Positions by topic and source, then the claims by consensus.

    \b
    Example:  claimcmp coverage --silent krivosheev-2022
    """
    from ..views import coverage_json_text, coverage_view

    result = load_readable()
    view = coverage_view(result.store, topic, silent)
    if format is Format.json:
        sys.stdout.writelines(coverage_json_text(view))
        sys.stdout.write("\n")
    else:
        from ..render_views import coverage_lines, to_text  # rich's styles: not for JSON

        sys.stdout.write(to_text(coverage_lines(view, out.width), out.color_system, out.no_color))
    finish(result)


@handles_errors
def timeline(
    topic: TopicOption = [],  # noqa: B006
    source: Annotated[
        list[str],
        typer.Option(
            "--source", metavar="SOURCE", help="Only claims this source takes a position on (repeatable)."
        ),
    ] = [],  # noqa: B006
    format: FormatOption = Format.table,
) -> None:
    """Dated claims in date order. The sources' publication dates among them.

    \b
    Example:  claimcmp timeline --topic trilateral-statement
    """
    from ..views import timeline_json, timeline_view

    result = load_readable()
    store = result.store
    view = timeline_view(store, topic, source)
    if format is Format.json:
        print_json(timeline_json(store, view))
    else:
        from ..render_views import timeline_lines, to_text  # rich's styles: not for JSON

        sys.stdout.write(to_text(timeline_lines(view, out.width), out.color_system, out.no_color))
    finish(result)
