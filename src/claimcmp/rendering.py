"""Terminal views: rich renderables built from what analysis computed."""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .analysis import SourceStats, Summary, TopicStats, TopicView
from .models import STANCES, Claim, Source, Store
from .problems import Problem

STANCE_MARKS = {"supports": "✔", "refutes": "✘", "qualifies": "◐"}
STANCE_STYLES = {"supports": "green", "refutes": "red", "qualifies": "yellow"}
SILENT = "·"
CONTESTED = "⚡ contested"


def stance_label(stance: str) -> Text:
    return Text(f"{STANCE_MARKS[stance]} {stance}", style=f"bold {STANCE_STYLES[stance]}")


def _date(value: str | None) -> str:
    return value or ""


def source_heading(source: Source) -> Text:
    heading = Text(source.id, style="bold")
    details = ", ".join(part for part in (source.publisher, _date(source.published)) if part)
    if details:
        heading.append(f"\n{details}", style="dim")
    return heading


def claim_cell(claim: Claim, *, show_topic: bool = False) -> Text:
    cell = Text()
    cell.append(claim.id, style="bold cyan")
    if claim.date:
        cell.append(f"  {claim.date}", style="dim")
    if claim.contested:
        cell.append(f"  {CONTESTED}", style="bold magenta")
    cell.append(f"\n{claim.text}")
    if show_topic:
        cell.append(f"\n[{claim.topic}]", style="dim")
    return cell


def stance_cell(claim: Claim, source_id: str) -> Text:
    for position in claim.positions:
        if position.source == source_id:
            cell = stance_label(position.stance)
            cell.append(f"\n“{position.quote}”")
            return cell
    return Text(SILENT, style="dim")


def sources_table(stats: Sequence[SourceStats]) -> Table:
    table = Table(title="Sources", box=box.SIMPLE_HEAVY, expand=False)
    table.add_column("id", style="bold", no_wrap=True)
    table.add_column("title", ratio=3, min_width=20)
    table.add_column("publisher", ratio=2)
    table.add_column("date", no_wrap=True)
    for stance in STANCES:
        table.add_column(STANCE_MARKS[stance], justify="right", header_style=STANCE_STYLES[stance])
    table.add_column("all", justify="right")
    for row in stats:
        source = row.source
        table.add_row(
            source.id,
            source.title,
            source.publisher or "",
            _date(source.published),
            *(str(row.stances[s]) for s in STANCES),
            str(row.total),
        )
    table.caption = "counts of positions by stance: " + ", ".join(f"{STANCE_MARKS[s]} {s}" for s in STANCES)
    return table


def topics_table(stats: Sequence[TopicStats]) -> Table:
    table = Table(title="Topics", box=box.SIMPLE_HEAVY)
    table.add_column("id", style="bold", no_wrap=True)
    table.add_column("title")
    table.add_column("claims", justify="right")
    table.add_column("contested", justify="right", header_style="magenta")
    for row in stats:
        table.add_row(row.topic.id, row.topic.title, str(row.claims), str(row.contested))
    return table


def claims_table(claims: Sequence[Claim]) -> Table:
    table = Table(box=box.SIMPLE_HEAVY, caption=f"{len(claims)} claim(s)")
    table.add_column("claim", ratio=4, min_width=24, overflow="fold")
    table.add_column("topic", style="dim", ratio=2, min_width=10, overflow="fold")
    table.add_column("positions", ratio=3, min_width=14, overflow="fold")
    for claim in claims:
        marks = Text()
        for position in claim.positions:
            if marks:
                marks.append(" ")
            marks.append(STANCE_MARKS[position.stance], style=STANCE_STYLES[position.stance])
            marks.append(position.source)
        table.add_row(claim_cell(claim), claim.topic, marks)
    return table


# The narrowest a source column may be before the side-by-side table stops
# being readable; past that, a topic is shown claim by claim instead.
SOURCE_COLUMN_MIN = 16
CLAIM_COLUMN_MIN = 22


def topic_table(store: Store, view: TopicView, width: int) -> RenderableType:
    """The topic side by side (claims x sources), or stacked claim by claim when
    the sources would not fit the width side by side."""
    title = Text(view.topic.title, style="bold")
    title.append(f"  ({view.topic.id})", style="dim")
    parts: list[RenderableType] = []
    if view.topic.description:
        parts.append(Text(view.topic.description, style="italic"))
    fits = CLAIM_COLUMN_MIN + SOURCE_COLUMN_MIN * len(view.sources) <= width
    if fits:
        table = Table(box=box.HEAVY_HEAD, show_lines=True, title=title, expand=True)
        table.add_column("claim", ratio=2, min_width=20, overflow="fold")
        for source in view.sources:
            table.add_column(source_heading(source), ratio=2, min_width=12, overflow="fold")
        for claim in view.claims:
            table.add_row(claim_cell(claim), *(stance_cell(claim, s.id) for s in view.sources))
        parts.append(table)
    else:
        parts.append(title)
        parts.append(stacked_claims(view.claims))
    contested = sum(c.contested for c in view.claims)
    legend = f"{SILENT} = silent" if fits else "sources not listed under a claim are silent on it"
    parts.append(
        Text(
            f"{len(view.claims)} claim(s), {len(view.sources)} source(s), {contested} contested; {legend}",
            style="dim",
        )
    )
    return Group(*parts)


def stacked_claims(claims: Sequence[Claim]) -> Text:
    """Claims one after another, each with its positions a line each."""
    text = Text()
    for claim in claims:
        text.append("\n")
        text.append_text(claim_cell(claim))
        for stance in STANCES:
            for position in claim.positions:
                if position.stance == stance:
                    text.append("\n  ")
                    text.append_text(stance_label(stance))
                    text.append(f"  {position.source}: ", style="bold")
                    text.append(f"“{position.quote}”")
        text.append("\n")
    return text


def claim_view(store: Store, claim: Claim) -> RenderableType:
    head = claim_cell(claim)
    topic = store.topics.get(claim.topic)
    head.append(f"\ntopic: {claim.topic}" + (f" — {topic.title}" if topic else ""), style="dim")
    if claim.tags:
        head.append("\ntags: " + ", ".join(claim.tags), style="dim")
    if claim.note:
        head.append(f"\nnote: {claim.note}", style="dim italic")
    table = Table(box=box.HEAVY_HEAD, show_lines=True, expand=True)
    for position in claim.positions:
        source = store.sources[position.source]
        table.add_column(source_heading(source), ratio=1)
    cells = []
    for position in claim.positions:
        cell = stance_label(position.stance)
        cell.append(f"\n“{position.quote}”")
        line = store.anchors.get((claim.id, position.source))
        if line is not None:
            cell.append(f"\nline {line}", style="dim")
        if position.note:
            cell.append(f"\nnote: {position.note}", style="dim italic")
        cells.append(cell)
    table.add_row(*cells)
    silent = [s for s in store.sources if claim.stance_of(s) is None]
    parts: list[RenderableType] = [Panel(head, box=box.ROUNDED), table]
    if silent:
        parts.append(Text(f"silent: {', '.join(silent)}", style="dim"))
    return Group(*parts)


def contradictions_view(store: Store, claims: Sequence[Claim]) -> RenderableType:
    if not claims:
        return Text("No contested claims: no claim is supported by one source and refuted by another.")
    parts: list[RenderableType] = []
    for claim in claims:
        table = Table(box=box.SIMPLE_HEAD, expand=True, show_lines=False)
        camps = [s for s in STANCES if claim.sources_with(s)]
        for stance in camps:
            table.add_column(stance_label(stance), ratio=1)
        cells = []
        for stance in camps:
            cell = Text()
            for position in claim.positions:
                if position.stance != stance:
                    continue
                source = store.sources[position.source]
                if cell:
                    cell.append("\n\n")
                cell.append(f"“{position.quote}”")
                cell.append(f"\n— {source.id}", style="bold")
                byline = ", ".join(p for p in (source.author, source.publisher, source.published) if p)
                if byline:
                    cell.append(f" ({byline})", style="dim")
            cells.append(cell)
        table.add_row(*cells)
        title = Text(claim.id, style="bold cyan")
        title.append(f"  [{claim.topic}]", style="dim")
        parts.append(Panel(Group(Text(claim.text, style="bold"), table), title=title, title_align="left"))
    parts.append(Text(f"{len(claims)} contested claim(s)", style="dim"))
    return Group(*parts)


def problem_line(problem: Problem) -> Text:
    style = "yellow" if problem.severity == "warning" else "red"
    line = Text(problem.location() + ": " if problem.location() else "", style="bold")
    if problem.severity == "warning":
        line.append("warning: ", style=style)
    line.append(problem.message, style=None if problem.severity == "warning" else style)
    return line


def summary_line(summary: Summary, errors: int, warnings: int) -> Text:
    style = "bold red" if errors else ("bold yellow" if warnings else "bold green")
    verdict = "invalid" if errors else "valid"
    text = Text(f"{verdict}: ", style=style)
    text.append(
        f"{summary.sources} sources, {summary.topics} topics, {summary.claims} claims, "
        f"{summary.positions} positions, {summary.contested} contested; "
        f"{errors} error(s), {warnings} warning(s)"
    )
    return text
