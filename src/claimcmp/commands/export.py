"""``export``: the whole store as Markdown, HTML, JSON, CSV, SQLite or Web Annotations."""

# No ``from __future__ import annotations``: see ``claimcmp.commands``.

import json
import sys
from collections.abc import Iterable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..visible import visible
from .common import err, finish, handles_errors, load, load_readable

if TYPE_CHECKING:
    from ..models import Store


class ExportFormat(str, Enum):
    markdown = "markdown"
    json = "json"
    html = "html"
    csv = "csv"
    sqlite = "sqlite"
    annotations = "annotations"


@handles_errors
def export(
    markdown: Annotated[
        bool, typer.Option("--markdown", help="A Markdown report (reads well on GitHub).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="The whole store as one JSON object.")] = False,
    html: Annotated[
        bool, typer.Option("--html", help="One self-contained HTML page (opens offline).")
    ] = False,
    format: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format", "-f", help="markdown, json, html, csv, sqlite or annotations: the same as its flag."
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write to this file (atomically) instead of standard output; '-' is standard output.",
        ),
    ] = None,
    title: Annotated[
        str, typer.Option("--title", metavar="TITLE", help="The report's title (Markdown, HTML).")
    ] = "claimcmp report",
    as_csv: Annotated[bool, typer.Option("--csv", help="One row per position, for spreadsheets.")] = False,
    sqlite: Annotated[
        bool, typer.Option("--sqlite", help="An SQLite database for Datasette (needs -o).")
    ] = False,
    annotations: Annotated[
        bool, typer.Option("--annotations", help="The quotes as W3C Web Annotations (JSON-LD).")
    ] = False,
) -> None:
    """Export the store as a report or as data. A Markdown report, an HTML page, JSON, CSV, SQLite
    or Web Annotations.

    \b
    Example:  claimcmp export --html -o report.html
    """
    flags = (
        ("markdown", markdown),
        ("json", as_json),
        ("html", html),
        ("csv", as_csv),
        ("sqlite", sqlite),
        ("annotations", annotations),
    )
    chosen = {name for name, given in flags if given}
    if format is not None:
        chosen.add(format.value)
    if len(chosen) != 1:
        raise typer.BadParameter(
            "give exactly one of --markdown, --json, --html, --csv, --sqlite and --annotations "
            "(or --format with one of them)",
            param_hint="--markdown/--json/--html/--csv/--sqlite/--annotations/--format",
        )
    [kind] = chosen
    if kind == "sqlite":
        return export_sqlite(None if output in (None, "-") else Path(output))
    from ..output import write_atomically

    result = load_readable()
    store = result.store
    parts = export_parts(store, kind, title)
    if output is None or output == "-":
        sys.stdout.writelines(parts)
    else:
        protected = [*store.files, *(p for p in store.source_paths.values() if p is not None)]
        write_atomically(Path(output), parts, protected)
        from rich.text import Text

        err.print(Text(f"wrote {visible(output)}"))
    finish(result)


def export_parts(store: "Store", kind: str, title: str) -> Iterable[str]:
    """The store exported as text in format ``kind`` (every format but SQLite),
    in pieces where the format is written so (the HTML page)."""
    if kind == "html":
        from ..render_html import render_html_parts

        return render_html_parts(store, title=title)
    return [export_text(store, kind, title)]


def export_text(store: "Store", kind: str, title: str) -> str:
    """The store exported as text in format ``kind`` (every format but SQLite and HTML)."""
    if kind == "markdown":
        from ..markdown import render_markdown

        return render_markdown(store, title=title)
    if kind == "csv":
        from ..render_csv import render_csv

        return render_csv(store)
    if kind == "annotations":
        from ..annotations import render_annotations

        return render_annotations(store)
    from ..analysis import store_json

    return json.dumps(store_json(store), ensure_ascii=False, indent=2) + "\n"


def export_sqlite(output: Path | None) -> None:
    """``export --sqlite -o FILE``: a database file, built beside FILE and renamed into place."""
    if output is None:
        message = "a database cannot go to standard output; give a file with -o FILE"
        raise typer.BadParameter(message, param_hint="--sqlite")
    from ..export_sqlite import build_database
    from ..output import build_atomically

    store = load()
    protected = [*store.files, *(p for p in store.source_paths.values() if p is not None)]
    build_atomically(output, lambda path: build_database(store, path), protected)
    err.print(f"wrote {output}", markup=False)
