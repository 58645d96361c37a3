"""Reading a store: the tables of ``sources``, ``topics`` and ``tags``; ``list``,
``show`` and ``contradictions``.

A reading command shows the store as far as it is valid, then ``finish`` exits 1
with a one-line summary if it has errors.
"""

# No ``from __future__ import annotations``: see ``claimcmp.commands``.

import sys
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import typer

from ..vocabulary import STANCES
from .common import (
    Format,
    FormatOption,
    TableFormat,
    TableFormatOption,
    TopicOption,
    finish,
    handles_errors,
    load_readable,
    load_view,
    out,
    print_bytes,
    print_json,
    print_rows,
    print_trimmed,
)

if TYPE_CHECKING:
    from rich.console import RenderableType

    from ..models import Claim


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


@handles_errors
def sources(
    format: TableFormatOption = TableFormat.table,
) -> None:
    """The sources and their positions by stance. One row a source: title, publisher, date and
    counts.

    \b
    Example:  claimcmp sources --format csv > sources.csv
    """
    from ..analysis import source_stats, sources_rows

    result = load_readable()
    stats = source_stats(result.store)

    def table() -> "RenderableType":
        from ..rendering import sources_fit, sources_records, sources_table

        return sources_table(stats) if sources_fit(stats, out.width) else sources_records(stats, out.width)

    print_rows(sources_rows(stats), format, table)
    finish(result)


@handles_errors
def topics(
    format: TableFormatOption = TableFormat.table,
) -> None:
    """The topics, with counts of their claims. One row a topic: its title, its claims, how many are
    contested.

    \b
    Example:  claimcmp topics --format json
    """
    from ..analysis import topic_stats, topics_rows

    result = load_readable()
    stats = topic_stats(result.store)

    def table() -> "RenderableType":
        from ..rendering import topics_fit, topics_records, topics_table

        return topics_table(stats) if topics_fit(stats, out.width) else topics_records(stats, out.width)

    print_rows(topics_rows(stats), format, table)
    finish(result)


@handles_errors
def tags(
    format: TableFormatOption = TableFormat.table,
) -> None:
    """The claims' tags, most used first. With counts of claims and of contested claims.

    \b
    Example:  claimcmp tags --format csv
    """
    from ..analysis import tag_stats, tags_rows

    result = load_readable()
    stats = tag_stats(result.store)

    def table() -> "RenderableType":
        from ..rendering import tags_table

        return tags_table(stats)

    print_rows(tags_rows(stats), format, table)
    finish(result)


@handles_errors
def list_claims(
    topic: TopicOption = [],  # noqa: B006 - typer reads the default, never mutates it
    source: Annotated[
        list[str],
        typer.Option(
            "--source", metavar="SOURCE", help="Only claims this source takes a position on (repeatable)."
        ),
    ] = [],  # noqa: B006
    stance: Annotated[
        list[StanceName],
        typer.Option(
            "--stance", help="Only claims with a position of this stance; with --source, that source's."
        ),
    ] = [],  # noqa: B006
    tag: Annotated[
        list[str], typer.Option("--tag", metavar="TAG", help="Only claims with this tag (repeatable).")
    ] = [],  # noqa: B006
    contested: Annotated[
        bool, typer.Option("--contested", help="Only claims one source supports and another refutes.")
    ] = False,
    search: Annotated[
        str | None,
        typer.Option(
            "--search",
            metavar="WORDS",
            help="Only claims that mention this, best first: an id or tag equal to it, then the "
            "words as a phrase, then all the words in any order, then words that start with them; "
            "only when nothing matches so, words spelt nearly so (typos). Case is ignored.",
        ),
    ] = None,
    search_in: Annotated[
        list[SearchField],
        typer.Option(
            "--in",
            help="Where --search looks (repeatable): id, text, tags, quotes, notes. Default: id, text, tags.",
        ),
    ] = [],  # noqa: B006
    format: TableFormatOption = TableFormat.table,
) -> None:
    """List claims, filtered. Values of one filter combine with OR, filters with AND.

    \b
    Example:  claimcmp list --search gas --in text --in quotes
    """
    from ..analysis import ClaimFilter, claims_json, claims_rows, filter_claims

    if search is not None and not search.strip():
        # An empty search matched nothing, silently: say what is missing instead.
        raise typer.BadParameter("give the words to search for", param_hint="--search")
    result = load_readable()
    store = result.store
    spec = ClaimFilter(
        topic, source, [s.value for s in stance], tag, contested, search, [f.value for f in search_in]
    )
    claims = filter_claims(store, spec)
    if format is TableFormat.json:
        print_json(claims_json(store, claims))
    elif format is TableFormat.csv:
        print_rows(claims_rows(claims), format, _no_table)
    else:
        print_claims(
            claims, filtered=bool(topic or source or stance or tag or contested) or search is not None
        )
    finish(result)


def _no_table() -> "RenderableType":
    raise AssertionError("CSV needs no table")  # print_rows builds a table only for the table format


def print_claims(claims: list["Claim"], *, filtered: bool = False) -> None:
    """Claim after claim as they are rendered, so a long list starts at once."""
    from rich.text import Text

    from ..rendering import any_inferred, claim_block, claim_block_plain, list_footer

    width = out.width
    if out.color_system is None:  # no styles to show: plain text, many claims a write
        # (A reader's closed pipe, `| head`, ends the command in handles_errors.)
        for start in range(0, len(claims), 200):
            sys.stdout.write("".join(claim_block_plain(c, width) for c in claims[start : start + 200]))
            sys.stdout.flush()
    else:
        for start in range(0, len(claims), 200):
            batch = Text("\n", no_wrap=True, overflow="ignore").join(
                claim_block(c, width) for c in claims[start : start + 200]
            )
            # overflow: print() would otherwise fold a bare Text's long lines (an id).
            out.print(batch, crop=False, overflow="ignore")
    out.print(list_footer(len(claims), any_inferred(claims), filtered=filtered), crop=False)


@handles_errors
def show(
    name: Annotated[
        str,
        typer.Argument(
            metavar="TOPIC|CLAIM", help="A topic id (side by side) or a claim id (every quote in full)."
        ),
    ],
    layout: Annotated[
        Layout,
        typer.Option(
            "--layout",
            help="grid: sources side by side (stance marks, quotes beneath, when the quotes do not fit "
            "side by side); stacked: claim by claim.",
        ),
    ] = Layout.grid,
    format: FormatOption = Format.table,
) -> None:
    """A topic side by side, or one claim. A topic: its claims x its sources; a claim: every quote
    in full.

    \b
    Example:  claimcmp show lachin-corridor --layout stacked
    """
    from ..analysis import claims_json, resolve_name, topic_view
    from ..models import Topic

    result = load_readable()
    store = result.store
    item = resolve_name(store, name)
    claims = store.claims_in(item.id) if isinstance(item, Topic) else [item]
    if format is Format.json:
        print_json(claims_json(store, claims))
        finish(result)
        return
    from ..rendering import claim_view, topic_view_render  # rich's tables: not for JSON

    if isinstance(item, Topic):
        print_trimmed(topic_view_render(store, topic_view(store, item), out.width, layout.value))
    else:
        print_trimmed(claim_view(store, item, out.width, layout.value))
    finish(result)


@handles_errors
def contradictions(
    topic: TopicOption = [],  # noqa: B006
    source: Annotated[
        list[str],
        typer.Option(
            "--source",
            metavar="SOURCE",
            help="Only contradictions in which this source takes a side (repeatable).",
        ),
    ] = [],  # noqa: B006
    format: FormatOption = Format.table,
) -> None:
    """Claims one source supports, another refutes. The quotes side by side, most contested first.

    \b
    Example:  claimcmp contradictions --topic lachin-corridor
    """
    if format is Format.json:
        from .. import jsonview

        report, view = load_view(jsonview.NAME, jsonview.build, jsonview.ContradictionsJson.read)
        print_bytes(view.json(topic, source))
        finish(report)
        return
    from ..analysis import find_contradictions
    from ..rendering import contradictions_view  # rich's tables: not for JSON

    result = load_readable()
    claims = find_contradictions(result.store, topic, source)
    print_trimmed(contradictions_view(result.store, claims, out.width, filtered=bool(topic or source)))
    finish(result)
