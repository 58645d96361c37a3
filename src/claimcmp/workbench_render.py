"""Terminal views of the workbench's passages (locate, suggest) and of init."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from .visible import plural, visible, visible_line
from .workbench import Hit, NewSource, position_yaml

# A passage longer than this is cut in tables (the JSON output has it whole).
SHOWN_CHARS = 200


def _one_line(passage: str) -> str:
    return " ".join(passage.split())


def _cut(passage: str) -> str:
    line = _one_line(passage)
    if len(line) <= SHOWN_CHARS:
        return line
    return line[: SHOWN_CHARS - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + " …"


# A passage found by words says nothing yet of the source's stance: the snippet
# names the three (a YAML comment, so it pastes as is) instead of presuming one.
STANCE_TO_CHOOSE = "supports  # or refutes, or qualifies: as the passage says"


def locate_view(hits: Sequence[Hit], shown_file: Path | None) -> RenderableType:
    """Each hit: where it is (file:line:col, as editors read it), its score, and the
    position to paste, one YAML line each (never wrapped into the YAML)."""
    if not hits:
        return Text("no passage found", style="dim")
    parts: list[RenderableType] = []
    for rank, hit in enumerate(hits, 1):
        where = f"line {hit.line}, column {hit.column}"
        if shown_file is not None:
            where = f"{shown_file}:{hit.line}:{hit.column}"
        heading = Text(f"{rank}. ", style="bold")
        heading.append(where, style="bold cyan")
        heading.append(f"  score {hit.score:g}", style="green" if hit.score >= 100 else "yellow")
        parts.append(heading)
        snippet = position_yaml(hit.source, hit.quote, STANCE_TO_CHOOSE)
        parts.append(Text(visible(snippet.rstrip("\n"))))
        parts.append(Text())
    return Group(*parts[:-1])


_PLAIN = Console(width=80, color_system=None)  # only to wrap text: its width is not used
PASSAGE_LEAST = 20  # below this a passage column is not worth reading


def suggest_table(
    hits: Sequence[Hit], *, with_claim: bool, title: str | None = None, width: int | None = None
) -> RenderableType:
    """Passages that may address claims, best first: a table, or records when ``width``
    leaves the passage column too little room (rich would drop it, and cut the headers)."""
    if not hits:
        return Text("nothing to suggest: no source with a text is silent on it", style="dim")
    if width is not None and not _table_fits(hits, with_claim, width):
        return suggest_records(hits, with_claim=with_claim, title=title, width=width)
    table = Table(box=box.SIMPLE_HEAVY, title=title, caption=f"{plural(len(hits), 'passage')}, best first")
    table.add_column("score", justify="right", no_wrap=True)
    # Ids are handles people copy: never wrapped or cut, the passage gives way.
    if with_claim:
        widest = max(len(hit.claim or "") for hit in hits)
        table.add_column("claim", style="bold cyan", no_wrap=True, min_width=widest)
    table.add_column("source", style="bold", no_wrap=True, min_width=max(len(hit.source) for hit in hits))
    table.add_column("line:col", no_wrap=True)
    table.add_column("passage", overflow="fold", ratio=4, min_width=20)
    for hit in hits:
        cells = [f"{hit.score:g}"]
        if with_claim:
            cells.append(hit.claim or "")
        cells += [hit.source, f"{hit.line}:{hit.column}", _cut(hit.passage)]
        table.add_row(*(Text(visible_line(cell)) for cell in cells))
    return table


def _table_fits(hits: Sequence[Hit], with_claim: bool, width: int) -> bool:
    """Whether score, ids and line:col, never wrapped, leave the passage its least."""
    fixed = [
        max(5, *(len(f"{hit.score:g}") for hit in hits)),
        max(6, *(len(hit.source) for hit in hits)),
        max(8, *(len(f"{hit.line}:{hit.column}") for hit in hits)),
    ]
    if with_claim:
        fixed.append(max(5, *(len(hit.claim or "") for hit in hits)))
    columns = len(fixed) + 1
    return sum(fixed) + PASSAGE_LEAST + 3 * columns + 2 <= width


def suggest_records(
    hits: Sequence[Hit], *, with_claim: bool, title: str | None, width: int
) -> RenderableType:
    """The hits one after another: a line of score, ids and place, the passage beneath."""
    parts: list[RenderableType] = [Text(title, style="bold")] if title else []
    for hit in hits:
        head = Text(no_wrap=True, overflow="ignore")
        head.append(f"{hit.score:g}", style="bold")
        if with_claim:
            head.append("  ").append(visible_line(hit.claim or ""), style="bold cyan")
        head.append("  ").append(visible_line(hit.source), style="bold")
        head.append(f"  {hit.line}:{hit.column}", style="dim")
        parts.append(head)
        body = Text(visible_line(_cut(hit.passage)))
        for line in body.wrap(_PLAIN, max(width - 4, PASSAGE_LEAST)):
            line.rstrip()
            parts.append(Text("    ").append_text(line))
    parts.append(Text(f"{plural(len(hits), 'passage')}, best first", style="dim"))
    return Group(*parts)


def init_view(store_file: Path, sources: Sequence[NewSource]) -> Text:
    """What init made, and what to do next."""
    text = Text(f"wrote {visible(str(store_file))} with {plural(len(sources), 'source')}:\n", style="bold")
    for source in sources:
        text.append(f"  {source.id}", style="cyan")
        text.append(f"  {visible_line(source.title)}\n")
    text.append(
        "next: add topics and claims, find quotes with 'claimcmp locate SOURCE TEXT', "
        "then run 'claimcmp check'"
    )
    return text
