"""The views of a store diff: a terminal view (rich) and a Markdown pull-request comment.

Every string from a store (claim text, quotes, notes, tags) reaches rich as
``Text`` and Markdown escaped, so it is shown, never interpreted.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from .diff import ClaimChange, ContradictionChange, StoreDiff
from .markdown import escape_block, escape_inline
from .models import STANCES, Claim, Position
from .rendering import STANCE_MARKS, STANCE_STYLES, stance_label


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def summary(diff: StoreDiff) -> str:
    """One line that says how much changed, in plain text."""
    if not diff.differs:
        return "No differences in the claims."
    return (
        f"claims: {len(diff.added)} added, {len(diff.removed)} removed, {len(diff.changed)} changed; "
        f"positions: {len(diff.positions_added)} added, {len(diff.positions_removed)} removed; "
        f"{_count(len(diff.stance_changes), 'stance change')}, "
        f"{_count(len(diff.quote_changes), 'quote change')}; "
        f"contradictions: {len(diff.contradictions_new)} new, {len(diff.contradictions_resolved)} resolved"
    )


# Fields short enough to show as ``old → new`` on one line.
_SHORT_FIELDS = ("topic", "date")


def _show(value: str | bool | None) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _sides(claim: Claim) -> Text:
    """Who takes which stance: ``✔ a, b  ✘ c``."""
    text = Text()
    for stance in STANCES:
        sources = claim.sources_with(stance)
        if sources:
            if text:
                text.append("  ")
            text.append(STANCE_MARKS[stance], style=STANCE_STYLES[stance])
            text.append(" " + ", ".join(sources))
    return text


# -- terminal ----------------------------------------------------------------------------


def _grid(rows: Sequence[tuple[Text, RenderableType]], indent: int = 0) -> RenderableType:
    """Rows of (marker, body): wrapped bodies stay to the right of their marker."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    for marker, body in rows:
        grid.add_row(marker, body)
    return Padding(grid, (0, 0, 0, indent)) if indent else grid


def _before_after(old: str, new: str, *, quoted: bool = False) -> RenderableType:
    wrap = (lambda s: f"“{s}”") if quoted else (lambda s: s)
    return _grid(
        [(Text("-", style="bold red"), Text(wrap(old))), (Text("+", style="bold green"), Text(wrap(new)))],
        indent=2,
    )


def _claim_head(claim: Claim) -> Text:
    head = Text(claim.id, style="bold cyan")
    head.append(f"  [{claim.topic}]", style="dim")
    head.append(f"\n{claim.text}")
    return head


def _position_line(position: Position) -> Text:
    line = stance_label(position.stance)
    line.append(f"  {position.source}: ", style="bold")
    line.append(f"“{position.quote}”")
    return line


def _change_body(change: ClaimChange) -> RenderableType:
    parts: list[RenderableType] = [_claim_head(change.new)]
    for field in change.fields:
        if field.field in _SHORT_FIELDS:
            line = Text(f"{field.field}: ", style="italic")
            parts.append(line.append(f"{_show(field.old)} → {_show(field.new)}", style="not italic"))
        else:
            parts.append(Text(f"{field.field} changed:", style="italic"))
            parts.append(_before_after(_show(field.old), _show(field.new)))
    if change.tags_added or change.tags_removed:
        tags = Text("tags:", style="italic")
        for tag in change.tags_added:
            tags.append(" +", style="bold green")
            tags.append(tag)
        for tag in change.tags_removed:
            tags.append(" -", style="bold red")
            tags.append(tag)
        parts.append(tags)
    for stance in change.stance_changes:
        line = Text(f"stance of {stance.source}: ", style="italic")
        line.append_text(stance_label(stance.old))
        line.append(" → ")
        line.append_text(stance_label(stance.new))
        parts.append(line)
        if stance.old_quote == stance.new_quote:
            parts.append(_grid([(Text("="), Text(f"“{stance.new_quote}” (quote unchanged)"))], indent=2))
        else:
            parts.append(_before_after(stance.old_quote, stance.new_quote, quoted=True))
    for quote in change.quote_changes:
        line = Text(f"quote of {quote.source} (", style="italic")
        line.append_text(stance_label(quote.stance))
        line.append("):", style="italic")
        parts += [line, _before_after(quote.old, quote.new, quoted=True)]
    rows = [(Text("+ position", style="green"), _position_line(p)) for p in change.positions_added]
    rows += [(Text("- position", style="red"), _position_line(p)) for p in change.positions_removed]
    if rows:
        parts.append(_grid(rows))
    for item in change.position_fields:
        parts.append(Text(f"{item.field} of {item.source}'s position:", style="italic"))
        parts.append(_before_after(_show(item.old), _show(item.new)))
    return Group(*parts)


def _contradiction_rows(
    items: Sequence[ContradictionChange], marker: Text
) -> list[tuple[Text, RenderableType]]:
    rows: list[tuple[Text, RenderableType]] = []
    for item in items:
        head = _claim_head(item.claim)
        head.append(f"\n({item.cause}) ", style="dim")
        head.append_text(_sides(item.claim))
        rows.append((marker, head))
    return rows


def diff_view(diff: StoreDiff, old_label: str, new_label: str) -> RenderableType:
    """The diff for a terminal: a summary line, then a section per kind of change."""
    title = Text("claimcmp diff: ", style="bold")
    title.append(old_label)
    title.append(" → ", style="bold")
    title.append(new_label)
    parts: list[RenderableType] = [title, Text(summary(diff), style="bold" if diff.differs else "dim")]
    sections: list[tuple[str, list[tuple[Text, RenderableType]]]] = [
        (
            "Contradictions",
            _contradiction_rows(diff.contradictions_new, Text("⚡ new", style="bold magenta"))
            + _contradiction_rows(diff.contradictions_resolved, Text("resolved", style="bold")),
        ),
        (
            "Claims added",
            [
                (Text("+", style="bold green"), Group(_claim_head(c), _grid([(Text(" "), _positions(c))])))
                for c in diff.added
            ],
        ),
        ("Claims removed", [(Text("-", style="bold red"), _claim_head(c)) for c in diff.removed]),
        ("Claims changed", [(Text("~", style="bold yellow"), _change_body(c)) for c in diff.changed]),
    ]
    for heading, rows in sections:
        if rows:
            parts += [Text(""), Text(heading, style="bold underline"), _grid(rows)]
    return Group(*parts)


def _positions(claim: Claim) -> Text:
    text = Text()
    for position in claim.positions:
        if text:
            text.append("\n")
        text.append_text(_position_line(position))
    return text


# -- Markdown ----------------------------------------------------------------------------

_MD_STANCE = {stance: f"{STANCE_MARKS[stance]} {stance}" for stance in STANCES}


def _md_claim(claim: Claim) -> str:
    return f"`{claim.id}` ({escape_inline(claim.topic)}): {escape_block(claim.text)}"


def _md_sides(claim: Claim) -> str:
    camps = []
    for stance in STANCES:
        sources = claim.sources_with(stance)
        if sources:
            camps.append(f"{_MD_STANCE[stance]}: " + ", ".join(f"`{s}`" for s in sources))
    return "; ".join(camps)


def _md_quote(label: str, text: str) -> str:
    return f"  > **{label}:** “{escape_block(text)}”"


def _md_before_after(old: str, new: str, *, quoted: bool) -> list[str]:
    if quoted:
        return [_md_quote("before", old), "  >", _md_quote("after", new)]
    return [f"  > **before:** {escape_block(old)}", "  >", f"  > **after:** {escape_block(new)}"]


def _md_change(change: ClaimChange) -> list[str]:
    lines = [f"- {_md_claim(change.new)}"]
    for field in change.fields:
        if field.field in _SHORT_FIELDS:
            old, new = escape_inline(_show(field.old)), escape_inline(_show(field.new))
            lines.append(f"  - **{field.field}**: {old} → {new}")
            continue
        lines.append(f"  - **{field.field}** changed:")
        lines += ["  " + line for line in _md_before_after(_show(field.old), _show(field.new), quoted=False)]
    if change.tags_added or change.tags_removed:
        tags = [f"+`{escape_inline(t)}`" for t in change.tags_added]
        tags += [f"−`{escape_inline(t)}`" for t in change.tags_removed]
        lines.append("  - **tags**: " + " ".join(tags))
    for stance in change.stance_changes:
        lines.append(
            f"  - **stance** of `{stance.source}`: {_MD_STANCE[stance.old]} → {_MD_STANCE[stance.new]}"
        )
        if stance.old_quote == stance.new_quote:
            lines.append("  " + _md_quote("quote (unchanged)", stance.new_quote))
        else:
            quotes = _md_before_after(stance.old_quote, stance.new_quote, quoted=True)
            lines += ["  " + line for line in quotes]
    for quote in change.quote_changes:
        lines.append(f"  - **quote** of `{quote.source}` ({_MD_STANCE[quote.stance]}) changed:")
        lines += ["  " + line for line in _md_before_after(quote.old, quote.new, quoted=True)]
    for position in change.positions_added:
        lines.append(
            f"  - **position added**: `{position.source}` {_MD_STANCE[position.stance]}: "
            f"“{escape_block(position.quote)}”"
        )
    for position in change.positions_removed:
        lines.append(
            f"  - **position removed**: `{position.source}` {_MD_STANCE[position.stance]}: "
            f"“{escape_block(position.quote)}”"
        )
    for item in change.position_fields:
        lines.append(f"  - **{item.field}** of `{item.source}`'s position changed:")
        lines += ["  " + line for line in _md_before_after(_show(item.old), _show(item.new), quoted=False)]
    return lines


def diff_markdown(diff: StoreDiff, old_label: str, new_label: str) -> str:
    """The diff as a pull-request comment: a title, a summary line, then sections."""
    lines = [f"### claimcmp diff: {escape_inline(old_label)} → {escape_inline(new_label)}", ""]
    lines += [f"**{summary(diff)}**" if diff.differs else summary(diff), ""]
    if diff.contradictions_new or diff.contradictions_resolved:
        lines += ["#### Contradictions", ""]
        for item in diff.contradictions_new:
            lines.append(f"- ⚡ **new** ({item.cause}): {_md_claim(item.claim)}  \n  {_md_sides(item.claim)}")
        for item in diff.contradictions_resolved:
            lines.append(
                f"- **resolved** ({item.cause}): {_md_claim(item.claim)}  \n  {_md_sides(item.claim)}"
            )
        lines.append("")
    if diff.added:
        lines += ["#### Claims added", ""]
        for claim in diff.added:
            lines.append(f"- {_md_claim(claim)}")
            lines += [
                f"  - `{p.source}` {_MD_STANCE[p.stance]}: “{escape_block(p.quote)}”" for p in claim.positions
            ]
        lines.append("")
    if diff.removed:
        lines += ["#### Claims removed", ""]
        lines += [f"- {_md_claim(claim)}" for claim in diff.removed]
        lines.append("")
    if diff.changed:
        lines += ["#### Claims changed", ""]
        for change in diff.changed:
            lines += _md_change(change)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
