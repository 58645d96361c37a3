"""The command line: each command loads, computes, renders and picks an exit code.

Only this module prints, touches typer or decides exit codes: 0 success, 1 an
invalid store or an unknown name, 2 a wrong command line.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from enum import Enum
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console

from . import __version__
from .problems import ClaimcmpError, Problem, StoreError

if TYPE_CHECKING:
    from .models import CheckResult, Store

app = typer.Typer(
    name="claimcmp",
    help="Compare what several sources say, claim by claim, with verbatim quotes.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


class Format(str, Enum):
    table = "table"
    json = "json"


class CheckFormat(str, Enum):
    """How ``check`` reports its problems (one member per format: add more here)."""

    text = "text"
    json = "json"
    github = "github"


class StanceName(str, Enum):
    supports = "supports"
    refutes = "refutes"
    qualifies = "qualifies"


class _Options:
    store: str | None = None
    use_cache: bool = True


options = _Options()

F = TypeVar("F", bound=Callable[..., Any])


def handles_errors(command: F) -> F:
    """Turn the user's errors into clean messages and exit 1; bugs keep their trace."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except StoreError as error:
            print_problems(error.problems, to=err, errors_only=True)
            err.print("The store is invalid: fix the errors above ('claimcmp check' lists every problem).")
            raise typer.Exit(1) from None
        except ClaimcmpError as error:
            err.print(f"error: {error}", markup=False, soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def print_problems(problems: list[Problem], *, to: Console, errors_only: bool = False) -> None:
    from .rendering import problem_line

    for problem in problems:
        if errors_only and problem.severity != "error":
            continue
        to.print(problem_line(problem), soft_wrap=True)


def load_checked() -> CheckResult:
    """The checked store (from the cache when unchanged), with every problem."""
    from .api import check

    return check(options.store, cache=options.use_cache)


def load() -> Store:
    """The store, or StoreError if it has errors."""
    result = load_checked()
    if result.errors:
        raise StoreError(result.problems)
    return result.store


def print_json(items: list[Any]) -> None:
    """A JSON array, one item a line: readable, and written by json's C encoder
    (with ``indent`` it falls back to a pure-Python one, ten times slower)."""
    if not items:
        sys.stdout.write("[]\n")
        return
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    sys.stdout.write("[\n" + ",\n".join(map(dumps, items)) + "\n]\n")


def _version(value: bool) -> None:
    if value:
        out.print(f"claimcmp {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    store: str | None = typer.Option(
        None,
        "--store",
        "-s",
        metavar="PATH",
        help="The store: a YAML file or a folder of them. Default: $CLAIMCMP_STORE, "
        "else data/claims.yaml here or in the nearest folder above that has one.",
    ),
    no_cache: bool = typer.Option(
        False, "--no-cache", help="Check the store from scratch instead of using the cache."
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Compare what several sources say, claim by claim, with verbatim quotes.

    The store holds sources, topics and claims; each claim lists the sources that
    support, refute or qualify it, with a verbatim quote.
    """
    options.store = store
    options.use_cache = not no_cache


@app.command()
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
) -> None:
    """Validate the store and find every quote in its source; list all problems."""
    from .analysis import summarize
    from .rendering import summary_line

    result = load_checked()
    if format is CheckFormat.json:
        from .checkreport import check_json

        sys.stdout.write(json.dumps(check_json(result), ensure_ascii=False, indent=2) + "\n")
        raise typer.Exit(1 if result.errors else 0)
    if format is CheckFormat.github:
        print_github(result.problems)
    else:
        print_problems(result.problems, to=out)
    out.print(summary_line(summarize(result.store), result.errors, result.warnings), soft_wrap=True)
    raise typer.Exit(1 if result.errors else 0)


@app.command()
@handles_errors
def sources() -> None:
    """A table of the sources, with counts of their positions by stance."""
    from .analysis import source_stats
    from .rendering import sources_table

    out.print(sources_table(source_stats(load())))


@app.command()
@handles_errors
def topics() -> None:
    """A table of the topics, with counts of claims and of contested claims."""
    from .analysis import topic_stats
    from .rendering import topics_table

    out.print(topics_table(topic_stats(load())))


@app.command("list")
@handles_errors
def list_claims(
    topic: list[str] = typer.Option([], "--topic", "-t", help="Only claims of this topic (repeatable)."),
    source: list[str] = typer.Option(
        [], "--source", help="Only claims this source takes a position on (repeatable)."
    ),
    stance: list[StanceName] = typer.Option(
        [], "--stance", help="Only claims with a position of this stance; with --source, that source's."
    ),
    tag: list[str] = typer.Option([], "--tag", help="Only claims with this tag (repeatable)."),
    contested: bool = typer.Option(
        False, "--contested", help="Only claims one source supports and another refutes."
    ),
    search: str | None = typer.Option(
        None, "--search", help="Fuzzy search over the claims' text, best first."
    ),
    format: Format = typer.Option(Format.table, "--format", "-f", help="table or json."),
) -> None:
    """List claims, filtered. Values of one filter combine with OR, filters with AND."""
    from .analysis import ClaimFilter, claims_json, filter_claims
    from .rendering import claims_table

    store = load()
    spec = ClaimFilter(topic, source, [s.value for s in stance], tag, contested, search)
    claims = filter_claims(store, spec)
    if format is Format.json:
        print_json(claims_json(store, claims))
    else:
        out.print(claims_table(claims))


@app.command()
@handles_errors
def show(
    name: str = typer.Argument(..., help="A topic id (side by side) or a claim id (every quote in full)."),
    format: Format = typer.Option(Format.table, "--format", "-f", help="table or json."),
) -> None:
    """Show a topic side by side (claims x sources), or one claim with every quote."""
    from .analysis import claims_json, resolve_name, topic_view
    from .models import Topic
    from .rendering import claim_view, topic_table

    store = load()
    item = resolve_name(store, name)
    claims = store.claims_in(item.id) if isinstance(item, Topic) else [item]
    if format is Format.json:
        print_json(claims_json(store, claims))
    elif isinstance(item, Topic):
        out.print(topic_table(store, topic_view(store, item), out.width))
    else:
        out.print(claim_view(store, item))


@app.command()
@handles_errors
def contradictions(
    topic: list[str] = typer.Option([], "--topic", "-t", help="Only claims of this topic (repeatable)."),
    source: list[str] = typer.Option(
        [], "--source", help="Only contradictions in which this source takes a side (repeatable)."
    ),
    format: Format = typer.Option(Format.table, "--format", "-f", help="table or json."),
) -> None:
    """Claims one source supports and another refutes, quotes side by side, most contested first."""
    from .analysis import claims_json, find_contradictions
    from .rendering import contradictions_view

    store = load()
    claims = find_contradictions(store, topic, source)
    if format is Format.json:
        print_json(claims_json(store, claims))
    else:
        out.print(contradictions_view(store, claims))


@app.command()
@handles_errors
def export(
    markdown: bool = typer.Option(False, "--markdown", help="A Markdown report (reads well on GitHub)."),
    as_json: bool = typer.Option(False, "--json", help="The whole store as one JSON object."),
    html: bool = typer.Option(False, "--html", help="One self-contained HTML page (opens offline)."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write to this file (atomically) instead of standard output."
    ),
    title: str = typer.Option("claimcmp report", "--title", help="The report's title (Markdown, HTML)."),
    as_csv: bool = typer.Option(False, "--csv", help="One row per position, for spreadsheets."),
    sqlite: bool = typer.Option(False, "--sqlite", help="An SQLite database for Datasette (needs -o)."),
    annotations: bool = typer.Option(
        False, "--annotations", help="The quotes as W3C Web Annotations (JSON-LD)."
    ),
) -> None:
    """Export the store as a Markdown report, an HTML page, JSON, CSV, SQLite or Web Annotations."""
    if [markdown, as_json, html, as_csv, sqlite, annotations].count(True) != 1:
        raise typer.BadParameter(
            "give exactly one of --markdown, --json, --html, --csv, --sqlite and --annotations",
            param_hint="--markdown/--json/--html/--csv/--sqlite/--annotations",
        )
    if sqlite:
        return export_sqlite(output)
    from .analysis import store_json
    from .markdown import render_markdown
    from .output import write_atomically

    store = load()
    if markdown:
        text = render_markdown(store, title=title)
    elif html:
        from .render_html import render_html

        text = render_html(store, title=title)
    elif as_csv or annotations:
        text = export_text(store, "csv" if as_csv else "annotations")
    else:
        text = json.dumps(store_json(store), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        sys.stdout.write(text)
        return
    protected = [*store.files, *(p for p in store.source_paths.values() if p is not None)]
    write_atomically(output, text, protected)
    err.print(f"wrote {output}", markup=False)


# -- ecosystem: JSON Schema, GitHub annotations, CSV, SQLite, Web Annotations --


@app.command()
def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of a store file, for editors and validators."""
    from .jsonschema_export import schema_text

    sys.stdout.write(schema_text())


def print_github(problems: list[Problem]) -> None:
    """``check --format github``: one workflow command per problem."""
    from .github import workflow_commands

    out.file.write(workflow_commands(problems))


def export_text(store: Store, kind: str) -> str:
    """``export --csv`` or ``export --annotations``, as text."""
    if kind == "csv":
        from .render_csv import render_csv

        return render_csv(store)
    from .annotations import render_annotations

    return render_annotations(store)


def export_sqlite(output: Path | None) -> None:
    """``export --sqlite -o FILE``: a database file, built beside FILE and renamed into place."""
    if output is None:
        message = "a database cannot go to standard output; give a file with -o FILE"
        raise typer.BadParameter(message, param_hint="--sqlite")
    from .export_sqlite import build_database
    from .output import build_atomically

    store = load()
    protected = [*store.files, *(p for p in store.source_paths.values() if p is not None)]
    build_atomically(output, lambda path: build_database(store, path), protected)
    err.print(f"wrote {output}", markup=False)


def main() -> None:
    """Console entry point: quiet on Ctrl-C and on a closed pipe (``| head``)."""
    # A command is one short run that builds many small objects and no cycles
    # worth collecting: the cyclic collector would only slow it down (3-5x on
    # large stores, measured).
    gc.disable()
    for stream in (sys.stdout, sys.stderr):
        # An output that cannot encode a character (PYTHONIOENCODING=ascii, a cp1252
        # file on Windows) gets an escape for it rather than a traceback.
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("\n")
        raise SystemExit(130) from None
    except BrokenPipeError:
        _silence_stdout()
        raise SystemExit(0) from None


def _silence_stdout() -> None:
    # Python flushes stdout at exit; point it at /dev/null so that flush cannot fail.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


# -- diff --


class DiffFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


@app.command()
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
    """What a change does to the claims: added, removed, changed, stances, contradictions.

    Compare two stores (OLD NEW), or the store at git revision REV with the working tree (--rev REV).
    """
    from .diff import compare, diff_json
    from .diffsides import InvalidSideError, load_sides
    from .render_diff import diff_markdown, diff_view

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


# -- views: agreement, coverage, timeline --


class MatrixFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


TopicOption = Annotated[
    list[str], typer.Option("--topic", "-t", help="Only claims of this topic (repeatable).")
]


@app.command()
@handles_errors
def agreement(
    topic: TopicOption = [],  # noqa: B006 - typer reads the default, never mutates it
    format: Annotated[
        MatrixFormat, typer.Option("--format", "-f", help="table, json or csv.")
    ] = MatrixFormat.table,
) -> None:
    """How often each two sources take the same stance: a source x source matrix."""
    from .render_views import agreement_lines, to_text
    from .views import agreement_csv, agreement_json, agreement_view

    view = agreement_view(load(), topic)
    if format is MatrixFormat.json:
        sys.stdout.write(json.dumps(agreement_json(view), ensure_ascii=False) + "\n")
    elif format is MatrixFormat.csv:
        sys.stdout.write(agreement_csv(view))
    else:
        sys.stdout.write(to_text(agreement_lines(view, out.width, topic), out.color_system, out.no_color))


@app.command()
@handles_errors
def coverage(
    topic: TopicOption = [],  # noqa: B006
    silent: Annotated[
        str | None,
        typer.Option("--silent", metavar="SOURCE", help="Only the claims this source is silent on."),
    ] = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="table or json.")] = Format.table,
) -> None:
    """Who speaks on what: positions by topic and source, then the claims by consensus."""
    from .render_views import coverage_lines, to_text
    from .views import coverage_json, coverage_view

    view = coverage_view(load(), topic, silent)
    if format is Format.json:
        sys.stdout.write(json.dumps(coverage_json(view), ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(to_text(coverage_lines(view, out.width), out.color_system, out.no_color))


@app.command()
@handles_errors
def timeline(
    topic: TopicOption = [],  # noqa: B006
    source: Annotated[
        list[str], typer.Option("--source", help="Only claims this source takes a position on (repeatable).")
    ] = [],  # noqa: B006
    format: Annotated[Format, typer.Option("--format", "-f", help="table or json.")] = Format.table,
) -> None:
    """Dated claims in date order, with the sources' publication dates among them."""
    from .render_views import timeline_lines, to_text
    from .views import timeline_json, timeline_view

    store = load()
    view = timeline_view(store, topic, source)
    if format is Format.json:
        print_json(timeline_json(store, view))
    else:
        sys.stdout.write(to_text(timeline_lines(view, out.width), out.color_system, out.no_color))
