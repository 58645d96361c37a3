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
from collections.abc import Callable, Iterator
from enum import Enum
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from rich.console import Console

from . import __version__
from .problems import ClaimcmpError, Problem, StoreError, StoreNotFoundError

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


def load_checked(near_duplicate: float | None = None) -> CheckResult:
    """The checked store (from the cache when unchanged), with every problem."""
    from .checks_similarity import threshold_from
    from .storepath import find_store

    try:
        threshold = threshold_from(os.environ, near_duplicate)
    except ValueError as error:
        raise ClaimcmpError(str(error)) from None

    try:
        cwd = Path.cwd()
    except OSError:
        raise StoreNotFoundError("the current folder no longer exists; cd to an existing one") from None
    path = find_store(options.store, os.environ, cwd)
    if options.use_cache:
        from .cache import cached_check

        return cached_check(path, cwd=cwd, env=os.environ, near_duplicate=threshold)
    from .loading import check_store

    return check_store(path, cwd=cwd, near_duplicate=threshold)


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
    print_problems(result.problems, to=out)
    out.print(summary_line(summarize(result.store), result.errors, result.warnings), soft_wrap=True)
    raise typer.Exit(1 if result.errors or (strict and result.warnings) else 0)


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
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write to this file (atomically) instead of standard output."
    ),
    title: str = typer.Option("claimcmp report", "--title", help="The Markdown report's title."),
) -> None:
    """Export the store as a Markdown report or as JSON."""
    if markdown == as_json:
        raise typer.BadParameter("give exactly one of --markdown and --json", param_hint="--markdown/--json")
    from .analysis import store_json
    from .markdown import render_markdown
    from .output import write_atomically

    store = load()
    if markdown:
        text = render_markdown(store, title=title)
    else:
        text = json.dumps(store_json(store), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        sys.stdout.write(text)
        return
    protected = [*store.files, *(p for p in store.source_paths.values() if p is not None)]
    write_atomically(output, text, protected)
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
