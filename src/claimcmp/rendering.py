"""Terminal views: rich renderables built from what analysis computed.

Two rules hold in every view. Store text reaches rich only as ``Text`` (never
as a markup string, so ``[link=...]`` or ``[/]`` in a title is shown, not
obeyed), with its control characters made visible (``visible``). And an id is
a handle people copy: it is never wrapped or cut; a view that cannot give an
id its full width on one line switches to a layout that can.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Sequence
from dataclasses import replace

from rich import box
from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from .analysis import SourceStats, TagStats, TopicStats, TopicView
from .models import STANCES, Claim, Position, Source, Store, Summary
from .problems import Problem
from .visible import plural, visible, visible_line
from .vocabulary import STANCE_MARKS

STANCE_STYLES = {"supports": "green", "refutes": "red", "qualifies": "yellow"}
SILENT = "·"
CONTESTED_MARK = "⚡"
CONTESTED = f"{CONTESTED_MARK} contested"
INFERRED_MARK = "*"
INFERRED_NOTE = "* inferred: follows from the quote only with the source's wider argument"
STANCE_LEGEND = ", ".join(f"{STANCE_MARKS[s]} {s}" for s in STANCES)


def text(value: str | None, style: str = "") -> Text:
    """Store text as rich Text: never markup, control characters visible."""
    return Text(visible(value or ""), style=style)


def id_text(value: str, style: str = "bold cyan") -> Text:
    """An id (and what follows it on its line) that rich never wraps or cuts."""
    return Text(visible_line(value), style=style, no_wrap=True, overflow="ignore")


def stance_label(stance: str, inferred: bool = False) -> Text:
    mark = INFERRED_MARK if inferred else ""
    # A span, not the Text's base style: callers append the quote after the label,
    # and a base style would paint the whole quote in the stance's colour.
    return Text().append(f"{STANCE_MARKS[stance]} {stance}{mark}", style=f"bold {STANCE_STYLES[stance]}")


def stance_mark(position: Position | None) -> Text:
    if position is None:
        return Text(SILENT, style="dim")
    mark = STANCE_MARKS[position.stance] + (INFERRED_MARK if position.inferred else "")
    return Text(mark, style=STANCE_STYLES[position.stance])


def position_of(claim: Claim, source_id: str) -> Position | None:
    for position in claim.positions:
        if position.source == source_id:
            return position
    return None


def any_inferred(claims: Iterable[Claim]) -> bool:
    return any(p.inferred for claim in claims for p in claim.positions)


def quoted(quote: str) -> Text:
    return text(f"“{quote}”")


def source_details(source: Source) -> str:
    return ", ".join(part for part in (source.publisher, source.published) if part)


def claim_head(claim: Claim, *, topic: bool = False, width: int | None = None) -> Text:
    """The claim's id on a line of its own that is never broken, followed by its date,
    contested flag and (optionally) topic: on the same line when they fit ``width``."""
    # The id's style spans the id only: as the base style of the whole Text it would
    # colour everything appended after it (the date, the claim's text in ``list``).
    head = Text(no_wrap=True, overflow="ignore").append_text(id_text(claim.id))
    meta = Text()
    if claim.date:
        meta.append(f"  {claim.date}", style="dim")
    if claim.contested:
        meta.append(f"  {CONTESTED}", style="bold magenta")
    if topic:
        meta.append(f"  {visible_line(claim.topic)}", style="dim")
    if width is not None and head.cell_len + meta.cell_len > width:
        meta = Text("\n  ").append_text(meta[2:])
    return head.append_text(meta)


def claim_cell(claim: Claim) -> Group:
    """A claim in a table cell: its id alone on the first line (the column is as wide as
    the longest id), then date and contested flag, then its text, both wrapping."""
    parts: list[RenderableType] = [id_text(claim.id)]
    meta = claim_head(claim).plain[len(visible_line(claim.id)) + 2 :]
    if meta:
        parts.append(Text(meta, style="dim"))
    parts.append(text(claim.text))
    return Group(*parts)


def stance_cell(claim: Claim, source_id: str) -> Text:
    position = position_of(claim, source_id)
    if position is None:
        return Text(SILENT, style="dim")
    cell = stance_label(position.stance, position.inferred)
    cell.append("\n")
    cell.append_text(quoted(position.quote))
    return cell


_WRAPPER = Console(width=80, color_system=None, emoji=False, highlight=False)


def indented(body: Text, indent: int, width: int) -> Text:
    """``body`` wrapped to ``width`` with every line indented: a hanging indent that, unlike
    rich's Padding, adds no trailing spaces (piped output and golden files stay clean)."""
    lines = body.wrap(_WRAPPER, max(width - indent, 8))
    result = Text()
    for number, line in enumerate(lines):
        if number:
            result.append("\n")
        line.rstrip()
        result.append(" " * indent)
        result.append_text(line)
    return result


def fits(fixed: Iterable[int], flexible: int | Sequence[int], width: int) -> bool:
    """Whether a table of columns of ``fixed`` widths (ids, dates, counts: never wrapped)
    and ``flexible`` columns that wrap fits ``width``, so that rich need not cut a fixed
    column. ``flexible`` is a count of columns (8 cells at least each) or their least
    widths."""
    least = [8] * flexible if isinstance(flexible, int) else list(flexible)
    widths = [*fixed, *least]
    return sum(widths) + 3 * len(widths) + 2 <= width


# Words longer than this may be folded (a URL, a long compound): a column that
# kept them whole would squeeze every other one.
LONGEST_WORD = 24


def longest_word(values: Iterable[str | None], least: int = 8) -> int:
    """The width of the longest word of ``values`` (at least ``least``, at most
    LONGEST_WORD): a wrapping column this wide never breaks a word in two."""
    longest = max((cell_len(word) for value in values if value for word in value.split()), default=0)
    return min(max(longest, least), LONGEST_WORD)


# Past this many rows a table is shown as records: rich lays out a table whole
# before its first row (10,000 sources: 17 s), records come at about 0.1 ms each.
LONG_TABLE = 500


def sources_fit(stats: Sequence[SourceStats], width: int) -> bool:
    """Whether the sources go in a table (else records)."""
    if len(stats) > LONG_TABLE:
        return False
    ids = max((len(visible_line(r.source.id)) for r in stats), default=2)
    dates = max((len(r.source.published or "") for r in stats), default=4)
    counts = max((len(str(r.total)) for r in stats), default=1)
    words = [
        longest_word(r.source.title for r in stats),
        longest_word(r.source.publisher for r in stats),
    ]
    return fits([ids, max(dates, 4), *[max(counts, 3)] * 3, max(counts, 5)], words, width)


def topics_fit(stats: Sequence[TopicStats], width: int) -> bool:
    """Whether the topics go in a table (else records)."""
    if len(stats) > LONG_TABLE:
        return False
    ids = max((len(visible_line(r.topic.id)) for r in stats), default=2)
    return fits([ids, 6, 9], 1, width)


# -- sources, topics, tags -------------------------------------------------------------------


def sources_table(stats: Sequence[SourceStats]) -> Table:
    table = Table(title="Sources", box=box.SIMPLE_HEAVY, expand=False)
    table.add_column("id", style="bold", no_wrap=True)
    # As wide as the longest word at least: rich folds a word wider than its column.
    title_width = longest_word((r.source.title for r in stats), 12)
    table.add_column("title", ratio=3, min_width=title_width, overflow="fold")
    publisher_width = longest_word(r.source.publisher for r in stats)
    table.add_column("publisher", ratio=2, min_width=publisher_width, overflow="fold")
    table.add_column("date", no_wrap=True)
    for stance in STANCES:
        table.add_column(STANCE_MARKS[stance], justify="right", header_style=STANCE_STYLES[stance])
    # "total", as the JSON and CSV of the same listing name it.
    table.add_column("total", justify="right")
    for row in stats:
        source = row.source
        table.add_row(
            id_text(source.id, "bold"),
            text(source.title),
            text(source.publisher),
            text(source.published),
            *(str(row.stances[s]) for s in STANCES),
            str(row.total),
        )
    table.caption = f"{plural(len(stats), 'source')}; counts of positions by stance: {STANCE_LEGEND}"
    return table


def sources_records(stats: Sequence[SourceStats], width: int) -> Group:
    """The sources one after another: for terminals too narrow for the table."""
    parts: list[RenderableType] = [Text("Sources", style="bold")]
    for row in stats:
        source = row.source
        counts = "  ".join(f"{STANCE_MARKS[s]} {row.stances[s]}" for s in STANCES)
        parts.append(id_text(source.id, "bold"))
        detail = text(source.title)
        for part in (source.publisher, source.published):
            if part:
                detail.append("; ")
                detail.append_text(text(part, "dim"))
        detail.append(f"\n{counts}  total {row.total}")
        parts.append(indented(detail, 2, width))
    legend = f"{plural(len(stats), 'source')}; counts of positions by stance: {STANCE_LEGEND}"
    parts.append(indented(Text(legend, style="dim"), 0, width))
    return Group(*parts)


def topics_table(stats: Sequence[TopicStats]) -> RenderableType:
    if not stats:
        return Text("No topics yet: add topics and claims to the store.")
    table = Table(title="Topics", box=box.SIMPLE_HEAVY)
    table.add_column("id", style="bold", no_wrap=True)
    table.add_column("title", min_width=10, overflow="fold")
    table.add_column("claims", justify="right")
    table.add_column("contested", justify="right", header_style="magenta")
    for row in stats:
        topic = row.topic
        table.add_row(id_text(topic.id, "bold"), text(topic.title), str(row.claims), str(row.contested))
    table.caption = plural(len(stats), "topic")
    return table


def topics_records(stats: Sequence[TopicStats], width: int) -> Group:
    parts: list[RenderableType] = [Text("Topics", style="bold")]
    for row in stats:
        parts.append(id_text(row.topic.id, "bold"))
        detail = text(row.topic.title)
        detail.append(f"\n{plural(row.claims, 'claim')}, {row.contested} contested")
        parts.append(indented(detail, 2, width))
    parts.append(Text(plural(len(stats), "topic"), style="dim"))
    return Group(*parts)


def tags_table(stats: Sequence[TagStats]) -> RenderableType:
    if not stats:
        return Text("No claim has a tag.")
    table = Table(title="Tags", box=box.SIMPLE_HEAVY)
    table.add_column("tag", style="bold", no_wrap=True)
    table.add_column("claims", justify="right")
    table.add_column("contested", justify="right", header_style="magenta")
    for row in stats:
        table.add_row(id_text(row.tag, "bold"), str(row.claims), str(row.contested))
    table.caption = plural(len(stats), "tag")
    return table


# -- list ------------------------------------------------------------------------------------


def _marks_lines(claim: Claim, width: int, indent: int) -> list[list[Position]]:
    """The claim's positions packed into lines (two spaces apart, ``indent`` deep); an item,
    a stance mark and a source id, is never split, unlike rich's wrapping would."""
    lines: list[list[Position]] = [[]]
    used = indent
    for position in claim.positions:
        size = len(_mark_item(position))
        if lines[-1] and used + 2 + size > width:
            lines.append([])
            used = indent
        elif lines[-1]:
            used += 2
        lines[-1].append(position)
        used += size
    return lines


def _mark_item(position: Position) -> str:
    mark = STANCE_MARKS[position.stance] + (INFERRED_MARK if position.inferred else "")
    return f"{mark} {visible_line(position.source)}"


def claim_block_plain(claim: Claim, width: int) -> str:
    """One claim of ``list`` as plain text: the id line, then the text and the positions
    indented beneath it. For output without colours (a pipe, a file, NO_COLOR): no rich
    at all, so 50,000 claims take seconds, not a minute."""
    lines = claim_head(claim, topic=True, width=width).plain.split("\n")
    lines += plain_wrap(visible(claim.text), 4, width)
    for row in _marks_lines(claim, width, 4):
        lines.append("    " + "  ".join(_mark_item(p) for p in row))
    return "\n".join(lines) + "\n"


def claim_block(claim: Claim, width: int) -> Text:
    """``claim_block_plain`` with its styles, for a terminal: the same lines, already wrapped,
    so rich only paints them (the tests hold the two to the same text)."""
    block = claim_head(claim, topic=True, width=width)
    block.no_wrap, block.overflow = True, "ignore"
    for line in plain_wrap(visible(claim.text), 4, width):
        block.append("\n" + line)
    for row in _marks_lines(claim, width, 4):
        block.append("\n  ")  # and two more before each item: four
        for position in row:
            block.append("  ")
            block.append(STANCE_MARKS[position.stance], style=STANCE_STYLES[position.stance])
            block.append(_mark_item(position)[1:])
    return block


def plain_wrap(value: str, indent: int, width: int) -> list[str]:
    """Lines of ``value`` wrapped as rich wraps them (at spaces, long words folded), indented."""
    import textwrap

    lines = []
    for paragraph in value.split("\n"):
        wrapped = textwrap.wrap(
            paragraph.expandtabs(8), max(width - indent, 8), break_on_hyphens=False, drop_whitespace=True
        )
        lines += [" " * indent + part for part in wrapped] or [""]
    return lines


def list_footer(count: int, inferred: bool, *, filtered: bool = False) -> Text:
    if not count:
        # A legend for marks that are not there would only puzzle; and with no
        # filter, nothing was there to match (an empty or unreadable store).
        return Text("No claim matches the filters." if filtered else "No claims.", style="dim")
    footer = Text(f"{plural(count, 'claim')}; {STANCE_LEGEND}", style="dim")
    if inferred:
        footer.append(f"\n{INFERRED_NOTE}", style="dim")
    return footer


# -- show ------------------------------------------------------------------------------------

# The narrowest a source column may be before the side-by-side table stops
# being readable; past that, the grid shows stance marks and the quotes go beneath.
SOURCE_COLUMN_MIN = 16
CLAIM_COLUMN_MIN = 22
MARK_COLUMN = 4  # a mark with its inferred star, and the padding around it


def topic_heading(view: TopicView, width: int) -> RenderableType:
    """The topic's title and id: on one line when they fit, else the id on its own line."""
    line = topic_title(view)
    if line.cell_len <= width:
        return line
    return Group(text(view.topic.title, "bold"), id_text(f"({visible_line(view.topic.id)})", "dim"))


def id_list(label: str, ids: Sequence[str], width: int, style: str = "dim") -> Text:
    """``label`` and ids separated by commas, a new line where the next would not fit;
    an id is never broken (rich would fold one longer than the line)."""
    result = Text(label, style=style, no_wrap=True, overflow="ignore")
    used = len(label)
    for number, item in enumerate(visible_line(i) for i in ids):
        if number:
            result.append(",")
            used += 1
        if used + 1 + len(item) > width and used > len(label):
            result.append("\n  ")
            used = 2
        else:
            result.append(" ")
            used += 1
        result.append(item)
        used += len(item)
    return result


def topic_title(view: TopicView) -> Text:
    title = text(view.topic.title, "bold")
    title.append(f"  ({visible_line(view.topic.id)})", style="dim")
    return title


def _claim_width(claims: Sequence[Claim]) -> int:
    """The claim column's width: its longest id and a contested flag."""
    return max([CLAIM_COLUMN_MIN, *(len(visible_line(c.id)) + 2 for c in claims)])


def topic_layout(view: TopicView, width: int, layout: str) -> str:
    """``full`` (quotes side by side), ``grid`` (stance marks side by side, quotes beneath) or ``stacked``."""
    if layout == "stacked" or not view.sources:
        return "stacked"
    claim_width = _claim_width(view.claims)
    columns = [max(SOURCE_COLUMN_MIN, len(visible_line(s.id)) + 3) for s in view.sources]
    if claim_width + 4 + sum(columns) <= width:
        return "full"
    # The grid's columns never wrap: its widest line is its width. Only the rows
    # that can make a column widest are measured (rich measures every cell: a
    # 235-claim topic of 40 sources took 0.9 s): the claim with the widest head,
    # and per source a claim where its mark carries the inferred star.
    measure = Console(width=10_000, color_system=None).measure
    if measure(stance_grid(_widest_rows(view), source_keys(len(view.sources)))).maximum <= width:
        return "grid"
    return "stacked"


def _widest_rows(view: TopicView) -> TopicView:
    """The claims of ``view`` whose grid rows are as wide as any in each column."""

    def head(claim: Claim) -> int:
        return len(visible_line(claim.id)) + (3 if claim.contested else 0)

    sample = [max(view.claims, key=head)] if view.claims else []
    for source in view.sources:
        starred = next((c for c in view.claims if (p := position_of(c, source.id)) and p.inferred), None)
        if starred is not None and starred not in sample:
            sample.append(starred)
    return replace(view, claims=sample)


def full_widths(view: TopicView, width: int) -> tuple[int, list[int]]:
    """The widths of the side-by-side table's columns (their text, without padding):
    the whole ``width``, the claim column a share and a half of a source's, and none
    under its least (the longest claim id; a source id, 12 at least)."""
    least = [max(12, len(visible_line(s.id))) for s in view.sources]
    claim_least = _claim_width(view.claims)
    room = width - (len(least) + 2) - 2 * (len(least) + 1)  # borders and padding
    share = room / (1.5 + len(least))
    # Never so wide that a source column falls under its least.
    claim = max(claim_least, min(int(share * 1.5), room - sum(least)))
    columns = list(least)
    # The rest of the room to the narrowest columns first, so they even out.
    for _ in range(max(0, room - claim - sum(columns))):
        narrowest = min(range(len(columns)), key=lambda i: columns[i])
        columns[narrowest] += 1
    return claim, columns


def source_keys(count: int) -> list[str]:
    """Short column headers for the grid: A, B, ... Z, then numbers."""
    letters = string.ascii_uppercase
    return [letters[i] if count <= len(letters) else str(i + 1) for i in range(count)]


def topic_view_render(store: Store, view: TopicView, width: int, layout: str = "grid") -> RenderableType:
    """A topic: side by side when it fits, a stance grid with the quotes beneath when only
    the marks fit, else claim by claim."""
    chosen = topic_layout(view, width, layout)
    # Every layout opens alike: the topic's title and id, then its description.
    parts: list[RenderableType] = [topic_heading(view, width)]
    if view.topic.description:
        parts.append(indented(text(view.topic.description, "italic"), 0, width))
    if chosen == "full":
        # Widths worked out here: rich's own expansion, given minimum widths, drew
        # this table wider than the terminal (5 sources at 121 to 219 columns).
        claim_width, source_widths = full_widths(view, width)
        table = Table(box=box.HEAVY_HEAD, show_lines=True)
        table.add_column("claim", width=claim_width, overflow="fold")
        for source, column in zip(view.sources, source_widths, strict=True):
            # Only the id heads a column: rich aligns headers at the bottom, so ids of
            # differently long headings would not line up; the details go in the legend.
            table.add_column(id_text(source.id, "bold"), width=column, overflow="fold")
        for claim in view.claims:
            table.add_row(claim_cell(claim), *(stance_cell(claim, s.id) for s in view.sources))
        parts.append(table)
        parts.append(source_legend(view.sources, None))
        legend = f"{SILENT} silent, {CONTESTED_MARK} contested"
    elif chosen == "grid":
        keys = source_keys(len(view.sources))
        parts.extend((Text(""), stance_grid(view, keys), Text("")))
        # The grid has marks only: say what each means before the sources' key.
        marks = Text(f"{STANCE_LEGEND}, {SILENT} silent, {CONTESTED_MARK} contested", style="dim")
        parts.append(indented(marks, 0, width))
        parts.append(source_legend(view.sources, keys))
        by_source = dict(zip([s.id for s in view.sources], keys, strict=True))
        parts.append(stacked_claims(store, view.claims, width, keys=by_source))
        legend = "sources not listed under a claim are silent on it"
    else:
        parts.append(stacked_claims(store, view.claims, width))
        legend = "sources not listed under a claim are silent on it"
    contested = sum(c.contested for c in view.claims)
    footer = Text(
        f"{plural(len(view.claims), 'claim')}, {plural(len(view.sources), 'source')}, "
        f"{contested} contested; {legend}",
        style="dim",
    )
    if any_inferred(view.claims):
        footer.append(f"\n{INFERRED_NOTE}", style="dim")
    # Wrapped here, not by rich, which would leave a blank at the end of a wrapped line.
    parts.append(indented(footer, 0, width))
    return Group(*parts)


def stance_grid(view: TopicView, keys: Sequence[str]) -> Table:
    """Claims x sources, a stance mark in each cell; the column headers are ``keys``."""
    table = Table(
        box=box.SIMPLE_HEAD, show_lines=False, show_edge=False, pad_edge=False, collapse_padding=True
    )
    table.add_column("claim", no_wrap=True)
    for key in keys:
        table.add_column(key, justify="center", no_wrap=True, min_width=2)
    for claim in view.claims:
        head = id_text(claim.id)
        if claim.contested:
            head.append(f" {CONTESTED_MARK}", style="bold magenta")
        table.add_row(head, *(stance_mark(position_of(claim, s.id)) for s in view.sources))
    return table


def source_legend(sources: Sequence[Source], keys: Sequence[str] | None) -> Group:
    """A line a source: its key in the grid (if any), its id, publisher and date."""
    lines: list[RenderableType] = []
    for index, source in enumerate(sources):
        line = Text(f"{keys[index]:>2} " if keys else "", style="bold")
        line.append_text(id_text(source.id, "bold"))
        details = source_details(source)
        line.append_text(text(f"  {details}" if details else "", "dim"))
        lines.append(line)
    return Group(*lines)


def positions_stacked(
    store: Store, claim: Claim, width: int, keys: dict[str, str] | None = None
) -> list[RenderableType]:
    """A claim's positions by stance, each a label line with its quote indented beneath it."""
    parts: list[RenderableType] = []
    for stance in STANCES:
        for position in claim.positions:
            if position.stance != stance:
                continue
            label = Text("")
            if keys and position.source in keys:
                label.append(f"{keys[position.source]} ", style="bold")
            label.append_text(stance_label(stance, position.inferred))
            label.append("  ")
            label.append_text(id_text(position.source, "bold"))
            line = store.anchors.get((claim.id, position.source))
            if line is not None:
                label.append(f", line {line}", style="dim")
            label.append(":", style="bold")
            body = quoted(position.quote)
            if position.note:
                body.append("\nnote: ", style="dim italic")
                body.append_text(text(position.note, "dim italic"))
            parts.append(Text("  ", no_wrap=True, overflow="ignore").append_text(label))
            parts.append(indented(body, 6, width))
    return parts


def stacked_claims(
    store: Store, claims: Sequence[Claim], width: int, keys: dict[str, str] | None = None
) -> Group:
    """Claims one after another: the id line, the text indented, each position beneath it."""
    parts: list[RenderableType] = []
    for claim in claims:
        parts.append(Text(""))
        parts.append(claim_head(claim, width=width))
        parts.append(indented(text(claim.text), 2, width))
        parts.extend(positions_stacked(store, claim, width, keys))
    parts.append(Text(""))
    return Group(*parts)


def claim_view(store: Store, claim: Claim, width: int, layout: str = "grid") -> RenderableType:
    """One claim with every quote in full: side by side when the columns are wide enough."""
    head: list[RenderableType] = [claim_head(claim, width=width - 4), text(claim.text)]
    topic = store.topics.get(claim.topic)
    meta = Text("topic: ", style="dim")
    meta.append_text(id_text(claim.topic, "dim"))
    if topic:
        meta.append_text(text(f" — {topic.title}", "dim"))
    head.append(meta)
    if claim.tags:
        head.append(text("tags: " + ", ".join(claim.tags), "dim"))
    if claim.note:
        head.append(text(f"note: {claim.note}", "dim italic"))
    parts: list[RenderableType] = [boxed(Group(*head), claim, width)]
    longest = max((len(visible_line(p.source)) for p in claim.positions), default=0)
    column = max(24, longest + 4)
    if layout != "stacked" and column * len(claim.positions) <= width:
        table = Table(box=box.HEAVY_HEAD, show_lines=True, expand=True)
        for position in claim.positions:
            source = store.sources.get(position.source, Source(position.source, ""))
            table.add_column(id_text(source.id, "bold"), min_width=longest, overflow="fold")
        cells = []
        for position in claim.positions:
            source = store.sources.get(position.source, Source(position.source, ""))
            # The stance first, so the stances line up across the columns.
            cell = stance_label(position.stance, position.inferred)
            cell.append("\n")
            cell.append_text(quoted(position.quote))
            line = store.anchors.get((claim.id, position.source))
            details = " · ".join(part for part in (line and f"line {line}", source_details(source)) if part)
            if details:
                cell.append("\n")
                cell.append_text(text(details, "dim"))
            if position.note:
                cell.append("\nnote: ", style="dim italic")
                cell.append_text(text(position.note, "dim italic"))
            cells.append(cell)
        table.add_row(*cells)
        parts.append(table)
    else:
        parts.extend(positions_stacked(store, claim, width))
    silent = [s for s in store.sources if claim.stance_of(s) is None]
    if silent:
        parts.append(id_list("silent:", silent, width))
    if any_inferred([claim]):
        parts.append(Text(INFERRED_NOTE, style="dim"))
    return Group(*parts)


# -- contradictions --------------------------------------------------------------------------


def _byline(source: Source) -> str:
    return ", ".join(p for p in (source.author, source.publisher, source.published) if p)


def boxed(content: Group, claim: Claim, width: int) -> RenderableType:
    """``content`` in a rounded box, unless the box would leave the claim's id no room."""
    if len(visible_line(claim.id)) + 4 > width:
        return Group(Rule(style="dim"), content)
    return Panel(content, box=box.ROUNDED)


def contradiction_panel(store: Store, claim: Claim, width: int) -> RenderableType:
    table = Table(box=box.SIMPLE_HEAD, expand=True, show_lines=False)
    camps = [s for s in STANCES if claim.sources_with(s)]
    for stance in camps:
        # At least as wide as the camp's longest id: an id is never folded.
        longest = max(len(visible_line(p.source)) for p in claim.positions if p.stance == stance)
        table.add_column(stance_label(stance), overflow="fold", min_width=longest)
    cells = []
    for stance in camps:
        cell: list[RenderableType] = []
        for position in claim.positions:
            if position.stance != stance:
                continue
            source = store.sources.get(position.source, Source(position.source, ""))
            if cell:
                cell.append(Text(""))
            cell.append(quoted(position.quote))
            # Wraps at spaces only where the id cannot be broken: the layout below
            # gives every column room for its longest id.
            attribution = Text("— ", style="bold")
            attribution.append_text(text(source.id, "bold"))
            # The line and the note, as the stacked form gives them (side by side must
            # not tell the reader less), in one bracket after the id, as ``show CLAIM``
            # separates them: the id stays a word of its own.
            details = [f"{stance}{INFERRED_MARK}"] if position.inferred else []
            line = store.anchors.get((claim.id, position.source))
            if line is not None:
                details.append(f"line {line}")
            if _byline(source):
                details.append(_byline(source))
            if details:
                attribution.append_text(text(f" ({' · '.join(details)})", "dim"))
            cell.append(attribution)
            if position.note:
                note = Text("note: ", style="dim italic")
                note.append_text(text(position.note, "dim italic"))
                cell.append(note)
        cells.append(Group(*cell))
    table.add_row(*cells)
    head = claim_head(claim, topic=True, width=width - 4)
    # Side by side only when every camp's column holds its longest attribution (an id
    # that must not break) and some room for the quotes; else camp after camp.
    needed = [
        max(20, *(len(visible_line(p.source)) + 14 for p in claim.positions if p.stance == stance))
        for stance in camps
    ]
    if sum(needed) + 3 * len(camps) + 4 > width:
        body: RenderableType = Group(*positions_stacked(store, claim, width - 4))
    else:
        body = table
    return boxed(Group(head, text(claim.text, "bold"), body), claim, width)


def contradictions_view(
    store: Store, claims: Sequence[Claim], width: int, *, filtered: bool = False
) -> RenderableType:
    if not claims and filtered:
        # Not "no claim": the filters, not the store, may be why there is none.
        return Text("No contested claims among those chosen (--topic, --source).")
    if not claims:
        return Text("No contested claims: no claim is supported by one source and refuted by another.")
    parts: list[RenderableType] = [contradiction_panel(store, claim, width) for claim in claims]
    footer = Text(plural(len(claims), "contested claim"), style="dim")
    if any_inferred(claims):
        footer.append(f"\n{INFERRED_NOTE}", style="dim")
    parts.append(footer)
    return Group(*parts)


# -- check -----------------------------------------------------------------------------------


def problem_line(problem: Problem) -> Text:
    style = "yellow" if problem.severity == "warning" else "red"
    location = problem.location()
    line = Text(visible(location) + ": " if location else "", style="bold")
    if problem.severity == "warning":
        line.append("warning: ", style=style)
    line.append(visible(problem.message), style=None if problem.severity == "warning" else style)
    return line


def summary_line(summary: Summary, errors: int, warnings: int, width: int | None = None) -> Text:
    """``valid: 5 sources, ...; 0 errors, 0 warnings``: one line, which scripts
    read. Given a terminal's ``width`` that it exceeds, the problem counts go
    on a second line, under the first's counts, rather than be cut by the terminal."""
    style = "bold red" if errors else ("bold yellow" if warnings else "bold green")
    verdict = f"{'invalid' if errors else 'valid'}: "
    store = (
        f"{plural(summary.sources, 'source')}, {plural(summary.topics, 'topic')}, "
        f"{plural(summary.claims, 'claim')}, {plural(summary.positions, 'position')}, "
        f"{summary.contested} contested;"
    )
    problems = f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"
    line = Text(verdict, style=style)
    fits = width is None or len(verdict) + len(store) + 1 + len(problems) <= width
    line.append(f"{store} {problems}" if fits else f"{store}\n{' ' * len(verdict)}{problems}")
    return line


def problems_summary(errors: int, first: Problem | None) -> Text:
    """The one line a reading command prints on stderr when the store has errors."""
    line = Text(f"{plural(errors, 'error')} in the store", style="bold red")
    if first is not None:
        line.append_text(Text(f" (first: {visible(first.format())})"))
    line.append("; shown what is valid. Run 'claimcmp check' to see every problem.")
    return line
