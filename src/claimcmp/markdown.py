"""The Markdown report: sources, then per topic a claims x sources table and every
claim with its id and each position's verbatim quote, then the contested claims.

Everything that comes from the store is escaped for CommonMark and GitHub's
tables (GFM), so that once rendered it reads exactly as in the store: no quote
can start a list, a heading or a table, open a link, a code span or HTML, or
break a table row. Control characters are made visible first (``visible``).
The tests render the report with markdown-it-py and compare the text.
"""

from __future__ import annotations

import re

from .analysis import find_contradictions, topic_view
from .models import STANCES, Claim, Position, Source, Store, summarize
from .visible import plural, visible
from .vocabulary import STANCE_MARKS

SILENT = "·"
INFERRED = "\\*"  # an escaped star after a stance: inferred
INFERRED_NOTE = "\\* inferred: follows from the quote only with the source's wider argument."

# Characters that mean something anywhere in a line of CommonMark or GFM: escapes,
# code, emphasis, links and images, table cells, strikethrough. A backslash before
# any ASCII punctuation is always read as that character, so over-escaping is
# harmless; these are the ones that are needed. Raw HTML, autolinks and entities
# (``<``, ``>``, ``&``) are written as entities instead: plainer to read in the source.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
# What a line may begin with to become a block: a heading, a quote, a list item
# (``-``, ``+``, ``1.``, ``1)``), a thematic break or a setext underline.
_BLOCK_START = re.compile(r"^([#>+=-])|^(\d{1,9})([.)])")


def escape_inline(value: str) -> str:
    """Store text as one line of Markdown inline text (a table cell, a heading, a span)."""
    flat = " ".join(visible(value).split())
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _INLINE_SPECIAL.sub(r"\\\1", flat)


def escape_block(value: str) -> str:
    """Store text as a paragraph of one line that no leading character can turn into a block."""

    def escape(match: re.Match[str]) -> str:
        if match.group(1):
            return f"\\{match.group(1)}"
        return f"{match.group(2)}\\{match.group(3)}"  # `1\.`: a backslash before a digit is literal

    return _BLOCK_START.sub(escape, escape_inline(value))


def escape_heading(value: str) -> str:
    """Text for an ATX heading: also its trailing ``#`` (which would be dropped as a closing sequence)."""
    return escape_block(value).replace("#", "\\#")


def code(value: str) -> str:
    """An id as a code span: ids are slugs, but a code span must not hold a backtick or a pipe."""
    flat = " ".join(visible(value).split()).replace("`", "'").replace("|", "¦")
    return f"`{flat}`"


def anchor_id(value: str) -> str:
    """The anchor GitHub gives a heading, for links inside the report."""
    slug = re.sub(r"[^\w\- ]", "", value.lower()).strip()
    return slug.replace(" ", "-")


def link_destination(url: str) -> str:
    """A URL as a link destination in angle brackets: the characters that would end or
    break it there (``<``, ``>``, a backslash, a space, a table's ``|``, controls) are
    percent-encoded; ``&`` is escaped so no entity is decoded."""
    out = []
    for char in url:
        if char in '<>\\| "' or ord(char) < 0x20 or ord(char) == 0x7F:
            out.append("".join(f"%{byte:02X}" for byte in char.encode("utf-8")))
        elif char == "&":
            out.append("\\&")
        else:
            out.append(char)
    return "<" + "".join(out) + ">"


def _link(source: Source) -> str:
    title = escape_inline(source.title)
    return f"[{title}]({link_destination(source.url)})" if source.url else title


def _mark(position: Position | None) -> str:
    if position is None:
        return SILENT
    return STANCE_MARKS[position.stance] + (INFERRED if position.inferred else "")


def _position(claim: Claim, source_id: str) -> Position | None:
    for position in claim.positions:
        if position.source == source_id:
            return position
    return None


def _byline(source: Source | None) -> str:
    if source is None:
        return ""
    return ", ".join(p for p in (source.author, source.publisher, source.published) if p)


def render_markdown(store: Store, *, title: str = "claimcmp report") -> str:
    """The whole report as one Markdown string."""
    lines: list[str] = [f"# {escape_heading(title)}", ""]
    lines += _summary(store)
    lines += _sources(store)
    lines += ["## Topics", ""]
    if not store.topics:
        # A heading over nothing reads as a broken report: say why it is empty.
        lines += ["No topics yet: add topics and claims to the store.", ""]
    for topic in store.topics.values():
        lines += _topic(store, topic.id)
    lines += _contested(store)
    return "\n".join(lines).rstrip() + "\n"


def _summary(store: Store) -> list[str]:
    summary = summarize(store)
    legend = ", ".join(f"{STANCE_MARKS[s]} {s}" for s in STANCES)
    counts = [
        plural(summary.sources, "source"),
        plural(summary.topics, "topic"),
        plural(summary.claims, "claim"),
        plural(summary.positions, "position"),
        plural(summary.contested, "contested claim"),
    ]
    lines = [
        ", ".join(counts) + ".",
        "",
        f"Stances: {legend}; {SILENT} silent (the source takes no position); "
        "⚡ contested (one source supports the claim, another refutes it).",
    ]
    if any(p.inferred for c in store.claims.values() for p in c.positions):
        lines += ["", INFERRED_NOTE]
    return [*lines, ""]


def _sources(store: Store) -> list[str]:
    lines = ["## Sources", "", "| id | title | author | publisher | published |", "|---|---|---|---|---|"]
    for source in store.sources.values():
        cells = [
            code(source.id),
            _link(source),
            escape_inline(source.author or ""),
            escape_inline(source.publisher or ""),
            escape_inline(source.published or ""),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    perspectives = [s for s in store.sources.values() if s.perspective]
    if perspectives:
        lines.append("")
        for source in perspectives:
            lines.append(f"- {code(source.id)}: {escape_block(source.perspective or '')}")
    return [*lines, ""]


def _topic(store: Store, topic_id: str) -> list[str]:
    """A topic: its claims x sources table of stance marks, then each claim with its quotes."""
    topic = store.topics[topic_id]
    view = topic_view(store, topic)
    lines = [f"### {escape_heading(topic.title)}", ""]
    if topic.description:
        lines += [escape_block(topic.description), ""]
    if not view.claims:
        return [*lines, "No claims yet.", ""]
    header = ["claim", *(code(s.id) for s in view.sources)]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "---|" * len(header))
    for claim in view.claims:
        cell = f"[{code(claim.id)}](#{anchor_id(claim.id)}) {escape_inline(claim.text)}"
        if claim.contested:
            cell += " ⚡"
        cells = [cell, *(_mark(_position(claim, s.id)) for s in view.sources)]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    for claim in view.claims:
        lines += _claim(store, claim)
    return lines


def _claim(store: Store, claim: Claim) -> list[str]:
    """A claim's heading (its id), its text and facts, and one block quote per position."""
    lines = [f"#### {code(claim.id)}", "", f"**{escape_inline(claim.text)}**", ""]
    facts = []
    if claim.date:
        facts.append(f"date: {escape_inline(claim.date)}")
    if claim.contested:
        facts.append("⚡ contested")
    if claim.tags:
        facts.append("tags: " + ", ".join(escape_inline(tag) for tag in claim.tags))
    if facts:
        lines += [" · ".join(facts), ""]
    if claim.note:
        lines += [f"*Note:* {escape_inline(claim.note)}", ""]
    for stance in STANCES:
        for position in claim.positions:
            if position.stance != stance:
                continue
            source = store.sources.get(position.source)
            byline = _byline(source)
            attribution = f"{code(position.source)}" + (f", {escape_inline(byline)}" if byline else "")
            star = INFERRED if position.inferred else ""
            lines.append(f"> {escape_block(position.quote)}")
            lines.append(">")
            lines.append(f"> — {STANCE_MARKS[stance]} **{stance}**{star}: {attribution}")
            if position.note:
                lines.append(">")
                lines.append(f"> *Note:* {escape_inline(position.note)}")
            lines.append("")
    return lines


def _contested(store: Store) -> list[str]:
    contested = find_contradictions(store)
    lines = ["## Contested claims", ""]
    if not contested:
        return [*lines, "No claim is supported by one source and refuted by another.", ""]
    lines.append("Most contested first (the most sources on the smaller side).")
    lines.append("")
    for claim in contested:
        # Each side under its mark: a bare "a vs b" does not say who supports.
        sides = " vs ".join(
            f"{STANCE_MARKS[stance]} " + ", ".join(code(s) for s in claim.sources_with(stance))
            for stance in ("supports", "refutes")
        )
        lines.append(f"- [{code(claim.id)}](#{anchor_id(claim.id)}) {escape_inline(claim.text)} ({sides})")
    return [*lines, ""]
