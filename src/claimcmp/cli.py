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
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from enum import Enum
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console, RenderableType
from rich.text import Text
from typer.core import TyperGroup

from . import __version__
from .problems import ClaimcmpError, Problem, StoreError
from .visible import visible
from .vocabulary import STANCES

if TYPE_CHECKING:
    from .models import CheckResult, Claim, Store

# Global options a user may also write after the subcommand (`claimcmp list --store x`).
GLOBAL_WITH_VALUE = ("--store", "-s")
GLOBAL_FLAGS = ("--no-cache",)


class GlobalOptionsAnywhere(TyperGroup):
    """The command group, moving global options found after the subcommand to before it."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_global_options(args, self.commands))


def hoist_global_options(args: list[str], commands: Mapping[str, Any]) -> list[str]:
    """``args`` with ``--store X``/``--store=X``/``--no-cache`` after the subcommand moved
    before it, unless the subcommand has an option of that name itself; nothing after ``--``."""
    where, index = None, 0
    while index < len(args):
        if args[index] in GLOBAL_WITH_VALUE:
            index += 2
            continue
        if not args[index].startswith("-"):
            where = index if args[index] in commands else None
            break
        index += 1
    if where is None:
        return args
    own = {opt for param in commands[args[where]].params for opt in getattr(param, "opts", [])}
    before, moved, rest = args[: where + 1], [], []
    index = where + 1
    while index < len(args):
        arg = args[index]
        name = arg.split("=", 1)[0]
        if arg == "--":
            rest.extend(args[index:])
            break
        if name in own:
            rest.append(arg)
        elif arg in GLOBAL_WITH_VALUE and index + 1 < len(args):
            moved += [arg, args[index + 1]]
            index += 1
        elif (name == "--store" and "=" in arg) or arg in GLOBAL_FLAGS:
            moved.append(arg)
        else:
            rest.append(arg)
        index += 1
    return [*args[:where], *moved, *before[where:], *rest]


app = typer.Typer(
    cls=GlobalOptionsAnywhere,
    name="claimcmp",
    help="Compare what several sources say, claim by claim, with verbatim quotes.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


# Store text reaches these consoles only as rich Text (see rendering): never markup, no emoji codes.
class _Console(Console):
    def on_broken_pipe(self) -> None:
        """A reader who closes the pipe (``| head``) got what they wanted: exit 0, quietly."""
        self.quiet = True
        _silence_stdout()
        raise SystemExit(0)


out = _Console(highlight=False, emoji=False)
err = Console(stderr=True, highlight=False, emoji=False)


class Format(str, Enum):
    table = "table"
    json = "json"


class CheckFormat(str, Enum):
    """How ``check`` reports its problems (one member per format: add more here)."""

    text = "text"
    json = "json"
    github = "github"


class TableFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class ExportFormat(str, Enum):
    markdown = "markdown"
    json = "json"
    html = "html"
    csv = "csv"
    sqlite = "sqlite"
    annotations = "annotations"


class Layout(str, Enum):
    grid = "grid"
    stacked = "stacked"


class SearchField(str, Enum):
    id = "id"
    text = "text"
    tags = "tags"
    quotes = "quotes"
    notes = "notes"


# The command line's choice of stances, made from the one vocabulary.
StanceName = Enum("StanceName", {stance: stance for stance in STANCES}, type=str)  # type: ignore[misc]


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
            err.print(Text(f"error: {visible(str(error))}"), soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def print_problems(problems: list[Problem], *, to: Console, errors_only: bool = False) -> None:
    from .rendering import problem_line

    for problem in problems:
        if errors_only and problem.severity != "error":
            continue
        to.print(problem_line(problem), soft_wrap=True)


def load_checked(near_duplicate: float | None = None) -> CheckResult:
    """The checked store (from the cache when unchanged), with every problem."""
    from .api import check

    return check(options.store, cache=options.use_cache, near_duplicate=near_duplicate)


def load() -> Store:
    """The store, or StoreError if it has errors."""
    result = load_checked()
    if result.errors:
        raise StoreError(result.problems)
    return result.store


def load_readable() -> CheckResult:
    """The store as far as it is valid: reading commands show that, then ``finish``."""
    return load_checked()


def finish(result: CheckResult) -> None:
    """After a reading command's output: a one-line summary of the store's errors on
    stderr and exit 1 when it has any (``check`` lists them all)."""
    if not result.errors:
        return
    from .rendering import problems_summary

    first = next((p for p in result.problems if p.severity == "error"), None)
    err.print(problems_summary(result.errors, first), soft_wrap=True)
    raise typer.Exit(1)


def print_rows(rows: list[dict[str, Any]], format: TableFormat, table: Callable[[], RenderableType]) -> None:
    """A listing as JSON, CSV or a table (the table built only when it is asked for)."""
    if format is TableFormat.json:
        print_json(rows)
    elif format is TableFormat.csv:
        from .output import csv_text

        sys.stdout.write(csv_text(rows))
    else:
        out.print(table(), crop=False)


def print_json(items: list[Any]) -> None:
    """A JSON array, one item a line: readable, and fast to write (orjson, in
    ``output.json_lines``)."""
    from .output import json_lines

    data = json_lines(items)
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(data.decode("utf-8", "surrogateescape"))
    else:
        buffer.write(data)


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
        help="The store: a YAML file or a folder of them (before or after the command). "
        "Default: $CLAIMCMP_STORE, "
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
    """Validate the store and find every quote in its source; list all problems."""
    from .analysis import summarize
    from .rendering import summary_line

    result = load_checked(near_duplicate_threshold)
    failed = bool(result.errors or (strict and result.warnings))
    if format is CheckFormat.json:
        from .checkreport import check_json

        sys.stdout.write(json.dumps(check_json(result), ensure_ascii=False, indent=2) + "\n")
        raise typer.Exit(1 if failed else 0)
    if format is CheckFormat.github:
        print_github(result.problems)
    else:
        print_problems(result.problems, to=out)
    out.print(summary_line(summarize(result.store), result.errors, result.warnings), soft_wrap=True)
    raise typer.Exit(1 if failed else 0)


FORMAT_HELP = "table, json or csv."


@app.command()
@handles_errors
def sources(
    format: TableFormat = typer.Option(TableFormat.table, "--format", "-f", help=FORMAT_HELP),
) -> None:
    """A table of the sources, with counts of their positions by stance.

    \b
    Example:  claimcmp sources --format csv > sources.csv
    """
    from .analysis import source_stats, sources_rows
    from .rendering import sources_fit, sources_records, sources_table

    result = load_readable()
    stats = source_stats(result.store)
    wide = sources_fit(stats, out.width)
    print_rows(
        sources_rows(stats),
        format,
        lambda: sources_table(stats) if wide else sources_records(stats, out.width),
    )
    finish(result)


@app.command()
@handles_errors
def topics(
    format: TableFormat = typer.Option(TableFormat.table, "--format", "-f", help=FORMAT_HELP),
) -> None:
    """A table of the topics, with counts of claims and of contested claims.

    \b
    Example:  claimcmp topics --format json
    """
    from .analysis import topic_stats, topics_rows
    from .rendering import topics_fit, topics_records, topics_table

    result = load_readable()
    stats = topic_stats(result.store)
    wide = topics_fit(stats, out.width)
    print_rows(
        topics_rows(stats), format, lambda: topics_table(stats) if wide else topics_records(stats, out.width)
    )
    finish(result)


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
        None,
        "--search",
        help="Only claims that mention this, best first: an id or tag equal to it, then the "
        "words as a phrase, then all the words in any order, then words that start with them; "
        "only when nothing matches so, words spelt nearly so (typos). Case is ignored.",
    ),
    search_in: list[SearchField] = typer.Option(
        [],
        "--in",
        help="Where --search looks (repeatable): id, text, tags, quotes, notes. Default: id, text, tags.",
    ),
    format: TableFormat = typer.Option(TableFormat.table, "--format", "-f", help=FORMAT_HELP),
) -> None:
    """List claims, filtered. Values of one filter combine with OR, filters with AND.

    \b
    Example:  claimcmp list --search gas --in text --in quotes
    """
    from .analysis import ClaimFilter, claims_json, claims_rows, filter_claims

    result = load_readable()
    store = result.store
    spec = ClaimFilter(
        topic, source, [s.value for s in stance], tag, contested, search, [f.value for f in search_in]
    )
    claims = filter_claims(store, spec)
    if format is TableFormat.json:
        print_json(claims_json(store, claims))
    elif format is TableFormat.csv:
        print_rows(claims_rows(claims), format, Text)
    else:
        print_claims(claims)
    finish(result)


def print_claims(claims: list[Claim]) -> None:
    """Claim after claim as they are rendered, so a long list starts at once."""
    from .rendering import any_inferred, claim_block, claim_block_plain, list_footer

    width = out.width
    if out.color_system is None:  # no styles to show: plain text, many claims a write
        try:
            for start in range(0, len(claims), 200):
                sys.stdout.write("".join(claim_block_plain(c, width) for c in claims[start : start + 200]))
                sys.stdout.flush()
        except BrokenPipeError:  # `| head`: what the reader wanted (click would exit 1)
            out.on_broken_pipe()
    else:
        for start in range(0, len(claims), 200):
            batch = Text("\n", no_wrap=True, overflow="ignore").join(
                claim_block(c, width) for c in claims[start : start + 200]
            )
            # overflow: print() would otherwise fold a bare Text's long lines (an id).
            out.print(batch, crop=False, overflow="ignore")
    out.print(list_footer(len(claims), any_inferred(claims)), crop=False)


@app.command()
@handles_errors
def show(
    name: str = typer.Argument(..., help="A topic id (side by side) or a claim id (every quote in full)."),
    layout: Layout = typer.Option(
        Layout.grid,
        "--layout",
        help="grid: sources side by side (stance marks, quotes beneath, when the quotes do not fit "
        "side by side); stacked: claim by claim.",
    ),
    format: Format = typer.Option(Format.table, "--format", "-f", help="table or json."),
) -> None:
    """Show a topic side by side (claims x sources), or one claim with every quote.

    \b
    Example:  claimcmp show lachin-corridor --layout stacked
    """
    from .analysis import claims_json, resolve_name, topic_view
    from .models import Topic
    from .rendering import claim_view, topic_view_render

    result = load_readable()
    store = result.store
    item = resolve_name(store, name)
    claims = store.claims_in(item.id) if isinstance(item, Topic) else [item]
    if format is Format.json:
        print_json(claims_json(store, claims))
    elif isinstance(item, Topic):
        out.print(topic_view_render(store, topic_view(store, item), out.width, layout.value), crop=False)
    else:
        out.print(claim_view(store, item, out.width, layout.value), crop=False)
    finish(result)


@app.command()
@handles_errors
def contradictions(
    topic: list[str] = typer.Option([], "--topic", "-t", help="Only claims of this topic (repeatable)."),
    source: list[str] = typer.Option(
        [], "--source", help="Only contradictions in which this source takes a side (repeatable)."
    ),
    format: Format = typer.Option(Format.table, "--format", "-f", help="table or json."),
) -> None:
    """Claims one source supports and another refutes, quotes side by side, most contested first.

    \b
    Example:  claimcmp contradictions --topic lachin-corridor
    """
    from .analysis import claims_json, find_contradictions
    from .rendering import contradictions_view

    result = load_readable()
    store = result.store
    claims = find_contradictions(store, topic, source)
    if format is Format.json:
        print_json(claims_json(store, claims))
    else:
        out.print(contradictions_view(store, claims, out.width), crop=False)
    finish(result)


@app.command()
@handles_errors
def export(
    markdown: bool = typer.Option(False, "--markdown", help="A Markdown report (reads well on GitHub)."),
    as_json: bool = typer.Option(False, "--json", help="The whole store as one JSON object."),
    html: bool = typer.Option(False, "--html", help="One self-contained HTML page (opens offline)."),
    format: ExportFormat | None = typer.Option(
        None, "--format", "-f", help="markdown, json, html, csv, sqlite or annotations: the same as its flag."
    ),
    output: str | None = typer.Option(
        None,
        "--output",
        "-o",
        help="Write to this file (atomically) instead of standard output; '-' is standard output.",
    ),
    title: str = typer.Option("claimcmp report", "--title", help="The report's title (Markdown, HTML)."),
    as_csv: bool = typer.Option(False, "--csv", help="One row per position, for spreadsheets."),
    sqlite: bool = typer.Option(False, "--sqlite", help="An SQLite database for Datasette (needs -o)."),
    annotations: bool = typer.Option(
        False, "--annotations", help="The quotes as W3C Web Annotations (JSON-LD)."
    ),
) -> None:
    """Export the store as a Markdown report, an HTML page, JSON, CSV, SQLite or Web Annotations.

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
    from .analysis import store_json
    from .markdown import render_markdown
    from .output import write_atomically

    result = load_readable()
    store = result.store
    if kind == "markdown":
        text = render_markdown(store, title=title)
    elif kind == "html":
        from .render_html import render_html

        text = render_html(store, title=title)
    elif kind in ("csv", "annotations"):
        text = export_text(store, kind)
    else:
        text = json.dumps(store_json(store), ensure_ascii=False, indent=2) + "\n"
    if output is None or output == "-":
        sys.stdout.write(text)
    else:
        protected = [*store.files, *(p for p in store.source_paths.values() if p is not None)]
        write_atomically(Path(output), text, protected)
        err.print(Text(f"wrote {visible(output)}"))
    finish(result)


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


# -- curator's workbench: init, locate, suggest --


@app.command()
@handles_errors
def init(folder: Path = typer.Argument(..., help="A folder with the texts in FOLDER/texts/*.txt.")) -> None:
    """Make a new store, FOLDER/data/claims.yaml, with one source per FOLDER/texts/*.txt."""
    from .workbench import init_store
    from .workbench_render import init_view

    store_file, new_sources = init_store(folder)
    out.print(init_view(store_file, new_sources), soft_wrap=True)


@app.command()
@handles_errors
def locate(
    source: str = typer.Argument(..., help="The id of the source whose text to search."),
    text: str = typer.Argument(..., help="The words to find: a quote, a claim, a paraphrase."),
    limit: int = typer.Option(5, "--limit", "-n", min=1, help="At most this many passages."),
    format: Format = typer.Option(Format.table, "--format", "-f", help="table or json."),
) -> None:
    """The passages of a source's text that best match TEXT, with a position ready to paste."""
    from .storepath import display
    from .workbench import locate as find_passages
    from .workbench_render import locate_view

    store = load()
    hits = find_passages(store, source, text, limit=limit)
    if format is Format.json:
        print_json([hit.as_json(with_yaml=True) for hit in hits])
    else:
        path = store.source_paths.get(source)
        out.print(locate_view(hits, display(path, Path.cwd()) if path else None), soft_wrap=True)


@app.command()
@handles_errors
def suggest(
    claim: str | None = typer.Argument(None, help="A claim id."),
    every: bool = typer.Option(
        False, "--all", help="Every claim: the store's coverage gaps, strongest first."
    ),
    limit: int | None = typer.Option(
        None, "--limit", "-n", min=1, help="Per silent source (default 3); with --all, rows (default all)."
    ),
    format: Format = typer.Option(Format.table, "--format", "-f", help="table or json."),
) -> None:
    """Passages of the sources silent on a claim that most likely address it."""
    from .workbench import suggest as suggest_one
    from .workbench import suggest_all
    from .workbench_render import suggest_table

    if every == (claim is not None):
        raise typer.BadParameter("give a claim id or --all, not both", param_hint="CLAIM/--all")
    store = load()
    if every:
        with _progress("reading the sources") as progress:
            hits = suggest_all(store, limit=limit, progress=progress)
    else:
        hits = suggest_one(store, claim or "", limit=limit or 3)
    if format is Format.json:
        print_json([hit.as_json() for hit in hits])
    else:
        title = None if every else f"Passages that may address {claim} (sources silent on it)"
        out.print(suggest_table(hits, with_claim=every, title=title))


@contextlib.contextmanager
def _progress(description: str) -> Iterator[Callable[[int, int], None]]:
    """A progress callback that shows a bar on stderr (a terminal) once a second has passed."""
    import time

    from rich.progress import Progress

    started = time.monotonic()
    bar: list[Progress] = []

    def update(done: int, total: int) -> None:
        if not bar and err.is_terminal and time.monotonic() - started > 1.0 and done < total:
            bar.append(Progress(console=err, transient=True))
            bar[0].start()
            bar[0].add_task(description, total=total)
        if bar:
            bar[0].update(bar[0].task_ids[0], completed=done)

    try:
        yield update
    finally:
        if bar:
            bar[0].stop()


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


# -- reader: tags --


@app.command()
@handles_errors
def tags(
    format: TableFormat = typer.Option(TableFormat.table, "--format", "-f", help=FORMAT_HELP),
) -> None:
    """The claims' tags, most used first, with counts of claims and of contested claims.

    \b
    Example:  claimcmp tags --format csv
    """
    from .analysis import tag_stats, tags_rows
    from .rendering import tags_table

    result = load_readable()
    stats = tag_stats(result.store)
    print_rows(tags_rows(stats), format, lambda: tags_table(stats))
    finish(result)
