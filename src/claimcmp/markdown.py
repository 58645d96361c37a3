"""The Markdown report: sources, a claims x sources table per topic, contested claims.

Everything that comes from the store is escaped, so no claim or quote (a ``|``,
a newline, HTML) can break a table or inject markup.
"""

from __future__ import annotations

import re

from .analysis import find_contradictions, summarize, topic_view
from .models import STANCES, Claim, Source, Store

MARKS = {"supports": "✔", "refutes": "✘", "qualifies": "◐"}
SILENT = "·"

_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]{}|~#!])")
_BLOCK_START = re.compile(r"^(\s*)([-+=>]|\d+[.)])")


def escape_inline(text: str) -> str:
    """Text safe inside a Markdown table cell or a line of prose."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    return "<br>".join(part.strip() for part in text.splitlines()) if "\n" in text or "\r" in text else text


def escape_block(text: str) -> str:
    """One line of prose that no leading character can turn into a list or heading."""
    flat = " ".join(text.split())
    return _BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escape_inline(flat))


def anchor_id(text: str) -> str:
    """The id GitHub gives a heading, for links inside the report."""
    slug = re.sub(r"[^\w\- ]", "", text.lower()).strip()
    return re.sub(r" ", "-", slug)


def _link(source: Source) -> str:
    title = escape_inline(source.title)
    if source.url:
        url = source.url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
        return f"[{title}](<{url.replace('<', '%3C').replace('>', '%3E')}>)"
    return title


def _stance_mark(claim: Claim, source_id: str) -> str:
    stance = claim.stance_of(source_id)
    return f"{MARKS[stance]} {stance}" if stance else SILENT


def render_markdown(store: Store, *, title: str = "claimcmp report") -> str:
    summary = summarize(store)
    lines: list[str] = [f"# {escape_inline(title)}", ""]
    lines.append(
        f"{summary.sources} sources, {summary.topics} topics, {summary.claims} claims, "
        f"{summary.positions} positions, {summary.contested} contested claims."
    )
    lines.append("")
    legend = ", ".join(f"{MARKS[s]} {s}" for s in STANCES)
    lines.append(f"Stances: {legend}; {SILENT} silent (the source takes no position).")
    lines += [
        "",
        "## Sources",
        "",
        "| id | title | author | publisher | published |",
        "|---|---|---|---|---|",
    ]
    for source in store.sources.values():
        lines.append(
            "| "
            + " | ".join(
                [
                    f"`{source.id}`",
                    _link(source),
                    escape_inline(source.author or ""),
                    escape_inline(source.publisher or ""),
                    source.published or "",
                ]
            )
            + " |"
        )
    perspectives = [s for s in store.sources.values() if s.perspective]
    if perspectives:
        lines.append("")
        for source in perspectives:
            lines.append(f"- `{source.id}`: {escape_block(source.perspective or '')}")

    lines += ["", "## Topics", ""]
    for topic in store.topics.values():
        view = topic_view(store, topic)
        lines += [f"### {escape_inline(topic.title)}", ""]
        if topic.description:
            lines += [escape_block(topic.description), ""]
        if not view.claims:
            lines += ["No claims yet.", ""]
            continue
        header = ["claim", *(f"`{s.id}`" for s in view.sources)]
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * len(header))
        for claim in view.claims:
            text = escape_inline(claim.text)
            if claim.contested:
                text = f"**{text}** ⚡ [contested](#{anchor_id(claim.id)})"
            if claim.date:
                text += f" ({claim.date})"
            cells = [text, *(_stance_mark(claim, s.id) for s in view.sources)]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")

    contested = find_contradictions(store)
    lines += ["## Contested claims", ""]
    if not contested:
        lines += ["No claim is supported by one source and refuted by another.", ""]
    for claim in contested:
        topic = store.topics.get(claim.topic)
        lines += [f"### {claim.id}", ""]
        lines.append(f"**{escape_inline(claim.text)}**")
        lines.append("")
        meta = f"Topic: {escape_inline(topic.title if topic else claim.topic)}"
        if claim.date:
            meta += f" · date: {claim.date}"
        lines += [meta, ""]
        for stance in STANCES:
            for position in claim.positions:
                if position.stance != stance:
                    continue
                source = store.sources[position.source]
                lines.append(f"> {escape_block(position.quote)}")
                lines.append(">")
                byline = ", ".join(p for p in (source.author, source.publisher, source.published) if p)
                attribution = f"— `{source.id}`" + (f", {escape_inline(byline)}" if byline else "")
                lines.append(f"> {MARKS[stance]} **{stance}** {attribution}")
                if position.note:
                    lines.append(">")
                    lines.append(f"> *Note:* {escape_block(position.note)}")
                lines.append("")
    return "\n".join(lines).rstrip() + "\n"
