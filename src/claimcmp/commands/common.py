"""What the commands share: the consoles, the global options, loading the store,
printing listings and problems, turning the user's errors into exit 1.

Only the command line (this package and ``claimcmp.cli``) prints, touches typer or
decides exit codes: 0 success, 1 an invalid store or an unknown name, 2 a wrong
command line.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from enum import Enum
from functools import wraps
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, cast

import typer

from ..problems import ClaimcmpError, Problem, StoreError, UnknownNameError
from ..visible import visible

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from ..models import CheckReport, CheckResult, Store


class _ConsoleOnDemand:
    """A rich console made at its first use: a command that writes only JSON,
    CSV or a file never imports rich (0.03 s of its start, measured).

    Store text reaches these consoles only as rich Text (see rendering): never
    markup, no emoji codes."""

    def __init__(self, *, stderr: bool) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    @property
    def console(self) -> Console:
        if self._console is None:
            from rich.console import Console

            class _Console(Console):
                def on_broken_pipe(self) -> None:
                    """A reader who closes the pipe (``| head``) got what they wanted: exit 0, quietly."""
                    self.quiet = True
                    silence_stdout()
                    raise SystemExit(0)

            made = Console if self._stderr else _Console
            self._console = made(stderr=self._stderr, highlight=False, emoji=False)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.console, name)


# Typed as the consoles they stand for: every use goes through to one.
out: Console = cast("Console", _ConsoleOnDemand(stderr=False))
err: Console = cast("Console", _ConsoleOnDemand(stderr=True))


def console_now() -> None:
    """Make the standard output's console now: ``check`` has it made while
    its check waits on a child (``forked.meanwhile``), where rich's import
    costs the command nothing."""
    cast(_ConsoleOnDemand, out).console  # noqa: B018  # made on first use


def silence_stdout() -> None:
    """Point stdout at /dev/null: Python flushes it at exit, and that flush cannot fail then."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


class _Options:
    """The global options (``--store``, ``--no-cache``), set by the app's callback."""

    store: str | None = None
    use_cache: bool = True


options = _Options()


class Format(str, Enum):
    table = "table"
    json = "json"


class TableFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


FORMAT_HELP = "table, json or csv."

TopicOption = Annotated[
    list[str], typer.Option("--topic", "-t", metavar="TOPIC", help="Only claims of this topic (repeatable).")
]
TableFormatOption = Annotated[TableFormat, typer.Option("--format", "-f", help=FORMAT_HELP)]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="table or json.")]

F = TypeVar("F", bound=Callable[..., Any])


def handles_errors(command: F) -> F:
    """Turn the user's errors into clean messages and exit 1, and a reader's
    closed pipe into exit 0; bugs keep their trace."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except StoreError as error:
            print_problems(error.problems, to=err, errors_only=True)
            err.print(
                "The store is invalid: fix the errors above ('claimcmp check' lists every problem).",
                soft_wrap=True,
            )
            raise typer.Exit(1) from None
        except ClaimcmpError as error:
            from rich.text import Text

            err.print(Text(f"error: {visible(str(error))}{_listing_hint(error)}"), soft_wrap=True)
            raise typer.Exit(1) from None
        except BrokenPipeError:
            # `| head`: the reader got what they wanted. Exit 0 quietly, whichever
            # way the command wrote (click would exit 1).
            silence_stdout()
            raise SystemExit(0) from None

    return wrapper  # type: ignore[return-value]


# The command that lists the names of each kind, for an unknown name with no close match.
_LISTINGS = {
    "topic": "'claimcmp topics'",
    "source": "'claimcmp sources'",
    "claim": "'claimcmp list'",
    "tag": "'claimcmp tags'",
    "topic or claim": "'claimcmp topics' and 'claimcmp list'",
}


def _listing_hint(error: ClaimcmpError) -> str:
    """Where to find the names, when a name is unknown and nothing is close to it."""
    if not isinstance(error, UnknownNameError) or error.suggestions:
        return ""
    listing = _LISTINGS.get(error.kind)
    return f"; see {listing}" if listing else ""


def print_problems(problems: list[Problem], *, to: Console, errors_only: bool = False) -> None:
    from ..rendering import problem_line

    for problem in problems:
        if errors_only and problem.severity != "error":
            continue
        to.print(problem_line(problem), soft_wrap=True)


def load_checked(near_duplicate: float | None = None) -> CheckResult:
    """The checked store (from the cache when unchanged), with every problem."""
    from ..api import check

    return _kept(check(options.store, cache=options.use_cache, near_duplicate=near_duplicate))


def load_report(near_duplicate: float | None = None) -> CheckReport:
    """Every problem and the store's counts, without the store where the cache
    can tell them so (``api.report``): what ``check`` prints."""
    from ..api import report

    return _kept(report(options.store, cache=options.use_cache, near_duplicate=near_duplicate))


def _kept(result: Checked) -> Checked:
    # Kept until the process ends (only the latest, for callers in one process):
    # freeing a 20,000-claim store's objects took 0.04-0.08 s, which ``cli.main``
    # skips by ending the process at once once the output is flushed.
    LOADED[:] = [result]
    return result


LOADED: list[CheckResult | CheckReport] = []
Checked = TypeVar("Checked", "CheckResult", "CheckReport")


View = TypeVar("View")


def load_view(
    name: str, build: Callable[[CheckResult], bytes], read: Callable[[memoryview], View]
) -> tuple[CheckReport, View]:
    """The store's report and a view of it, kept in the cache while the store
    is unchanged (``api.view``)."""
    from ..api import view

    report, made = view(build, read, name=name, store=options.store, cache=options.use_cache)
    return _kept(report), made


def load() -> Store:
    """The store, or StoreError if it has errors."""
    result = load_checked()
    if result.errors:
        raise StoreError(result.problems)
    return result.store


def load_readable() -> CheckResult:
    """The store as far as it is valid (``CheckResult.readable``): reading
    commands show that, then ``finish``."""
    return load_checked().readable()


def finish(result: CheckResult | CheckReport) -> None:
    """After a reading command's output: a one-line summary of the store's errors on
    stderr and exit 1 when it has any (``check`` lists them all)."""
    if not result.errors:
        return
    from ..rendering import problems_summary

    first = next((p for p in result.problems if p.severity == "error"), None)
    err.print(problems_summary(result.errors, first), soft_wrap=True)
    raise typer.Exit(1)


def print_rows(rows: list[dict[str, Any]], format: TableFormat, table: Callable[[], RenderableType]) -> None:
    """A listing as JSON, CSV or a table (the table built only when it is asked for)."""
    if format is TableFormat.json:
        print_json(rows)
    elif format is TableFormat.csv:
        from ..output import csv_text

        sys.stdout.write(csv_text(rows))
    else:
        from rich.console import Group

        renderable = table()
        if isinstance(renderable, Group) and len(renderable.renderables) > _BATCH:
            # Records of a long listing: a batch at a time, so the first are on
            # screen at once (rich writes a renderable only once it is whole).
            items = renderable.renderables
            for start in range(0, len(items), _BATCH):
                out.print(Group(*items[start : start + _BATCH]), crop=False)
        else:
            print_trimmed(renderable)


def print_trimmed(renderable: RenderableType) -> None:
    """``renderable`` on standard output; without colours (a pipe, a file, NO_COLOR)
    with no blanks at the ends of lines, which rich pads table cells with: they
    would end up in files and diffs."""
    if out.color_system is not None:
        out.print(renderable, crop=False)
        return
    with out.capture() as captured:
        out.print(renderable, crop=False)
    sys.stdout.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))


_BATCH = 200  # records printed at a time


def print_json(items: list[Any]) -> None:
    """A JSON array, one item a line: readable, and fast to write (orjson, in
    ``output.json_lines``)."""
    from ..output import json_lines

    print_bytes(json_lines(items))


def print_bytes(data: bytes | memoryview) -> None:
    """Bytes as they are on standard output (as text where it has no buffer)."""
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(bytes(data).decode("utf-8", "surrogateescape"))
    else:
        buffer.write(data)
