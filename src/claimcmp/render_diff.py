"""The views of a store diff: a terminal view (rich) and a Markdown pull-request comment.

Every string from a store (claim text, quotes, notes, tags) reaches rich as
``Text`` and Markdown escaped, so it is shown, never interpreted.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.text import Text

from .diff import ClaimChange, ContradictionChange, StoreDiff
from .markdown import escape_block, escape_inline
from .models import STANCES, Claim, Position
from .rendering import STANCE_STYLES, stance_label
from .visible import visible
from .vocabulary import STANCE_MARKS


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
    return visible(value)


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


class Hanging:
    """Text after a marker, its wrapped lines indented under the text's start.

    Unlike a rich table cell, no line is padded with spaces to the full width,
    so the output piped to a file or pasted into a review has no trailing blanks.
    """

    def __init__(self, marker: Text | str, body: Text, indent: int) -> None:
        self.marker = marker if isinstance(marker, Text) else Text(marker)
        self.body = body
        self.indent = indent

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(options.max_width - self.indent, 20)
        for number, line in enumerate(self.body.wrap(console, width)):
            line.rstrip()
            prefix = self.marker if number == 0 else Text("")
            gap = max(self.indent - prefix.cell_len, 1 if prefix else 0)
            yield Text.assemble(prefix, " " * gap, line, overflow="fold")


def _lines(marker: Text | str, body: Text, indent: int) -> list[Hanging]:
    """A Hanging per line of ``body`` (rich wraps each one on its own)."""
    parts = body.split("\n")
    return [Hanging(marker if i == 0 else "", part, indent) for i, part in enumerate(parts)]


def _claim_lines(claim: Claim, marker: Text | str, indent: int) -> list[Hanging]:
    head = Text(claim.id, style="bold cyan")
    head.append(f"  [{claim.topic}]", style="dim")
    return [Hanging(marker, head, indent), Hanging("", Text(visible(claim.text)), indent)]


def _position_text(position: Position) -> Text:
    line = stance_label(position.stance)
    line.append(f"  {position.source}: ", style="bold")
    line.append(f"“{visible(position.quote)}”")
    return line


def _before_after(old: str, new: str, indent: int, *, quoted: bool = False) -> list[Hanging]:
    wrap = (lambda s: f"“{visible(s)}”") if quoted else visible
    return [
        *_lines(Text(" " * indent + "-", style="bold red"), Text(wrap(old)), indent + 2),
        *_lines(Text(" " * indent + "+", style="bold green"), Text(wrap(new)), indent + 2),
    ]


def _change_lines(change: ClaimChange) -> list[Hanging]:
    lines = _claim_lines(change.new, Text("~", style="bold yellow"), 2)
    at, under = 2, 4  # where a detail starts, and its before/after lines
    for field in change.fields:
        if field.field in _SHORT_FIELDS:
            line = Text(f"{field.field}: ", style="italic")
            line.append(f"{_show(field.old)} → {_show(field.new)}", style="not italic")
            lines.append(Hanging("", line, at))
        else:
            lines.append(Hanging("", Text(f"{field.field} changed:", style="italic"), at))
            lines += _before_after(_show(field.old), _show(field.new), under)
    if change.tags_added or change.tags_removed:
        tags = Text("tags:", style="italic")
        for tag in change.tags_added:
            tags.append(" +", style="bold green")
            tags.append(visible(tag))
        for tag in change.tags_removed:
            tags.append(" -", style="bold red")
            tags.append(visible(tag))
        lines.append(Hanging("", tags, at))
    for stance in change.stance_changes:
        line = Text(f"stance of {stance.source}: ", style="italic")
        line.append_text(stance_label(stance.old))
        line.append(" → ")
        line.append_text(stance_label(stance.new))
        lines.append(Hanging("", line, at))
        if stance.old_quote == stance.new_quote:
            unchanged = Text(f"“{visible(stance.new_quote)}” ")
            unchanged.append("(quote unchanged)", style="dim")
            lines += _lines(" " * under + "=", unchanged, under + 2)
        else:
            lines += _before_after(stance.old_quote, stance.new_quote, under, quoted=True)
    for quote in change.quote_changes:
        line = Text(f"quote of {quote.source} (", style="italic")
        line.append_text(stance_label(quote.stance))
        line.append("):", style="italic")
        lines.append(Hanging("", line, at))
        lines += _before_after(quote.old, quote.new, under, quoted=True)
    for position in change.positions_added:
        lines += _lines(Text("  + position", style="green"), _position_text(position), 13)
    for position in change.positions_removed:
        lines += _lines(Text("  - position", style="red"), _position_text(position), 13)
    for item in change.position_fields:
        lines.append(Hanging("", Text(f"{item.field} of {item.source}'s position:", style="italic"), at))
        lines += _before_after(_show(item.old), _show(item.new), under)
    return lines


def _contradiction_lines(item: ContradictionChange, marker: Text) -> list[Hanging]:
    lines = _claim_lines(item.claim, marker, 9)
    sides = Text(f"({item.cause}) ", style="dim")
    lines.append(Hanging("", sides.append_text(_sides(item.claim)), 9))
    return lines


def diff_view(diff: StoreDiff, old_label: str, new_label: str) -> RenderableType:
    """The diff for a terminal: a summary line, then a section per kind of change."""
    title = Text("claimcmp diff: ", style="bold")
    title.append(visible(old_label))
    title.append(" → ", style="bold")
    title.append(visible(new_label))
    head = Text(summary(diff), style="bold" if diff.differs else "dim")
    parts: list[RenderableType] = [Hanging("", title, 0), Hanging("", head, 0)]
    contradictions: list[Hanging] = []
    for item in diff.contradictions_new:
        contradictions += _contradiction_lines(item, Text("⚡ new", style="bold magenta"))
    for item in diff.contradictions_resolved:
        contradictions += _contradiction_lines(item, Text("resolved", style="bold"))
    added: list[Hanging] = []
    for claim in diff.added:
        added += _claim_lines(claim, Text("+", style="bold green"), 2)
        for position in claim.positions:
            added += _lines("", _position_text(position), 4)
    removed: list[Hanging] = []
    for claim in diff.removed:
        removed += _claim_lines(claim, Text("-", style="bold red"), 2)
    changed: list[Hanging] = []
    for change in diff.changed:
        changed += _change_lines(change)
    sections = [
        ("Contradictions", contradictions),
        ("Claims added", added),
        ("Claims removed", removed),
        ("Claims changed", changed),
    ]
    for heading, lines in sections:
        if lines:
            parts += [Text(""), Text(heading, style="bold underline"), *lines]
    return Group(*parts)


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
