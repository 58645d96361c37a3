"""The HTML report: one self-contained file that opens offline in any browser.

Everything the page needs is inside it: the CSS, a small vanilla script and,
for a large store, the claims as JSON. A Content-Security-Policy allows only
that inline style and script (by hash), so the page makes no request of any
kind. Every string from the store goes through Jinja2's autoescape; the script
writes data into the page with ``textContent`` only.

A store of up to ``LAZY_ABOVE`` claims is rendered in full on the server: the
page reads the same with JavaScript off. A larger one would make a page too big
to open (tens of megabytes of markup), so its claims travel as JSON and the
browser renders them one page at a time.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup  # installed with jinja2, which depends on it

from . import __version__
from .analysis import SourceStats, find_contradictions, source_stats, topic_view
from .models import STANCES, Claim, Position, Source, Store, Topic, summarize
from .quote_spans import SpanFinder, browser_text
from .rules import PairAgreement, agreement, consensus, date_sort_key, date_span

# Above this many claims the browser renders the claims page by page from JSON.
LAZY_ABOVE = 1500
# Claims a page when the browser draws them.
LAZY_PAGE = 50
# The heatmap shows at most this many sources (those with the most positions).
HEATMAP_MAX = 30
# A topic table with more source columns than this lists positions instead.
TABLE_MAX_SOURCES = 12


class PositionView(NamedTuple):
    """A position as the page shows it: its source and where its quote lies.

    Named tuples, not frozen dataclasses: a large store has 100k positions."""

    position: Position
    source: Source
    ranges: str | None  # "start-end start-end" (UTF-16 offsets in the source text), if found


class ClaimView(NamedTuple):
    claim: Claim
    consensus: str
    positions: list[PositionView]

    def at(self, source_id: str) -> PositionView | None:
        return next((p for p in self.positions if p.source.id == source_id), None)

    def by_stance(self, stance: str) -> list[PositionView]:
        return [p for p in self.positions if p.position.stance == stance]


@dataclass(frozen=True)
class TopicBlock:
    topic: Topic
    claims: list[ClaimView]
    sources: list[Source]
    as_table: bool


@dataclass(frozen=True)
class HeatCell:
    text: str  # what the cell says: "67%", "–" (nothing shared) or "" (the diagonal)
    bucket: int  # 0-4 for a rate, -1 for none
    label: str  # the cell's full meaning, for the title and screen readers
    dependent: bool


@dataclass(frozen=True)
class Heatmap:
    sources: list[Source]
    rows: list[list[HeatCell]]
    total: int  # how many sources the store has


@dataclass(frozen=True)
class TimelineEntry:
    date: str
    claim: ClaimView | None
    source: Source | None


@dataclass(frozen=True)
class SourceBlock:
    source: Source
    stats: SourceStats
    url: str | None  # only an http(s) URL becomes a link
    text: str | None


def safe_url(url: str | None) -> str | None:
    """The URL if it is http or https with a host; anything else is shown as text only."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url.strip()
    return None


def read_texts(store: Store) -> dict[str, str]:
    """Each source's text as the browser will hold it (the store checked they are readable)."""
    texts: dict[str, str] = {}
    for source_id, path in store.source_paths.items():
        if path is None:
            continue
        try:
            raw = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # the page says the text is not available
        texts[source_id] = browser_text(raw.removeprefix("\ufeff"))
    return texts


def quote_ranges(store: Store, texts: dict[str, str]) -> dict[tuple[str, str], str]:
    """(claim id, source id) -> the quote's segments in its source text, as "s-e s-e"."""
    jobs: dict[str, list[tuple[str, str]]] = {}
    for claim in store.claims.values():
        for position in claim.positions:
            if position.source in texts:
                jobs.setdefault(position.source, []).append((claim.id, position.quote))
    found: dict[tuple[str, str], str] = {}
    for source_id, quotes in jobs.items():
        finder = SpanFinder(texts[source_id])  # one source at a time keeps memory flat
        for claim_id, quote in quotes:
            spans = finder.spans(quote)
            if spans:
                found[(claim_id, source_id)] = " ".join(f"{s}-{e}" for s, e in spans)
    return found


def _claim_view(store: Store, claim: Claim, ranges: dict[tuple[str, str], str]) -> ClaimView:
    positions = [
        PositionView(p, store.sources[p.source], ranges.get((claim.id, p.source)))
        for p in claim.positions
        if p.source in store.sources
    ]
    return ClaimView(claim, consensus(claim), positions)


def heatmap(store: Store, stats: list[SourceStats]) -> Heatmap:
    """The agreement rate of every pair of sources, as a matrix (``rules.agreement``)."""
    chosen = [s.source for s in stats]
    if len(chosen) > HEATMAP_MAX:
        busiest = sorted(stats, key=lambda s: -s.total)[:HEATMAP_MAX]
        keep = {s.source.id for s in busiest}
        chosen = [s for s in chosen if s.id in keep]
    ids = [s.id for s in chosen]
    pairs: dict[tuple[str, str], PairAgreement] = {}
    for pair in agreement(store.sources, store.claims.values(), ids):
        pairs[(pair.a, pair.b)] = pairs[(pair.b, pair.a)] = pair
    rows = []
    for a in ids:
        row = []
        for b in ids:
            if a == b:
                row.append(HeatCell("", -1, "", False))
                continue
            pair = pairs[(a, b)]
            row.append(_heat_cell(pair, a, b))
        rows.append(row)
    return Heatmap(chosen, rows, len(store.sources))


def _heat_cell(pair: PairAgreement, a: str, b: str) -> HeatCell:
    dependent = not pair.independent
    note = " (not independent)" if dependent else ""
    if pair.rate is None:
        return HeatCell("–", -1, f"{a} and {b}: no claim in common{note}", dependent)
    percent = round(pair.rate * 100)
    label = (
        f"{a} and {b}: agree on {pair.agree} of {pair.shared} shared claims ({percent}%), "
        f"partly on {pair.partial}, contradict each other on {pair.contradict}{note}"
    )
    return HeatCell(f"{percent}%", min(4, int(pair.rate * 5)), label, dependent)


def timeline(store: Store, views: dict[str, ClaimView]) -> list[TimelineEntry]:
    """Dated claims in date order, with the sources' publication dates among them."""
    entries: list[tuple[tuple[Any, ...], TimelineEntry]] = []
    for claim in store.claims.values():
        if claim.date is not None:
            day, claim_id = date_sort_key(claim)
            entries.append(((day, 1, claim_id), TimelineEntry(claim.date, views[claim.id], None)))
    for source in store.sources.values():
        if source.published is not None:
            day = date_span(source.published)[0]
            entries.append(((day, 0, source.id), TimelineEntry(source.published, None, source)))
    entries.sort(key=lambda item: item[0])
    return [entry for _, entry in entries]


def _digest(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def _asset(name: str) -> str:
    return (resources.files("claimcmp") / "templates" / name).read_text(encoding="utf-8")


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("claimcmp", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def script_json(value: Any) -> Markup:
    """JSON safe inside a ``<script type="application/json">``: no ``<`` can end the element."""
    return Markup("".join(script_json_parts(value)))


# Items of a list or a dict encoded at a time by ``script_json_parts``.
_JSON_CHUNK = 1000


def script_json_parts(value: Any) -> Iterator[str]:
    """``script_json`` in pieces: a dict's lists and dicts an item at a time.

    Encoded whole, the page's data at 20,000 claims (the claims and the texts,
    20 million characters) took 104 MB more than the data itself: the
    encoder's pieces, the joined text and a copy per escape. The pieces are
    compact JSON (``separators=(",", ":")``) and join to exactly that text.
    """
    if not isinstance(value, dict):
        yield _script_safe(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
        return
    yield "{"
    for number, (key, item) in enumerate(value.items()):
        yield ("," if number else "") + _script_safe(json.dumps(key, ensure_ascii=False)) + ":"
        if isinstance(item, list):
            yield "["
            yield from _joined(map(_compact, item))
            yield "]"
        elif isinstance(item, dict):
            yield "{"
            yield from _joined(_compact(k) + ":" + _compact(v) for k, v in item.items())
            yield "}"
        else:
            yield _script_safe(_compact(item))
    yield "}"


def _joined(pieces: Iterator[str]) -> Iterator[str]:
    """``",".join(pieces)``, script-safe, ``_JSON_CHUNK`` pieces at a time."""
    for number, chunk in enumerate(iter(lambda: list(itertools.islice(pieces, _JSON_CHUNK)), [])):
        yield ("," if number else "") + _script_safe(",".join(chunk))


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _script_safe(text: str) -> str:
    """No ``<`` (which could end the script element), ``>`` or ``&`` in the text:
    JSON escapes instead, which only strings can hold."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def lazy_data(store: Store, views: list[ClaimView], texts: dict[str, str]) -> dict[str, Any]:
    """The claims and texts as compact JSON, for the browser to render page by page."""
    source_index = {source_id: i for i, source_id in enumerate(store.sources)}
    topic_index = {topic_id: i for i, topic_id in enumerate(store.topics)}
    stance_index = {stance: i for i, stance in enumerate(STANCES)}
    claims = []
    for view in views:
        claim = view.claim
        positions = [
            [
                source_index[p.source.id],
                stance_index[p.position.stance],
                p.position.quote,
                int(p.position.inferred),
                p.position.note,
                p.ranges,
            ]
            for p in view.positions
        ]
        claims.append(
            [
                claim.id,
                topic_index.get(claim.topic, -1),
                claim.text,
                claim.date,
                view.consensus,
                claim.note,
                positions,
            ]
        )
    # Indices into ``claims`` (store order) of the dated claims, in date order: the timeline.
    ordered = [view.claim for view in views]
    by_date = sorted(
        (i for i, claim in enumerate(ordered) if claim.date is not None),
        key=lambda i: date_sort_key(ordered[i]),
    )
    return {
        "sources": [[s.id, s.title] for s in store.sources.values()],
        "topics": [[t.id, t.title] for t in store.topics.values()],
        "stances": list(STANCES),
        "claims": claims,
        "byDate": by_date,
        "texts": texts,
    }


def render_html(store: Store, *, title: str = "claimcmp report", lazy: bool | None = None) -> str:
    """The whole report as one HTML document."""
    return "".join(render_html_parts(store, title=title, lazy=lazy))


def render_html_parts(
    store: Store, *, title: str = "claimcmp report", lazy: bool | None = None
) -> Iterator[str]:
    """``render_html`` in pieces, for a writer that need not hold the whole
    page (23.5 MB at 20,000 claims) at once; the claims' views and quote ranges
    are dropped once the page's data is made from them."""
    if lazy is None:
        lazy = len(store.claims) > LAZY_ABOVE
    texts = read_texts(store)
    ranges = quote_ranges(store, texts)
    views = {claim.id: _claim_view(store, claim, ranges) for claim in store.claims.values()}
    stats = source_stats(store)
    sources = [SourceBlock(s.source, s, safe_url(s.source.url), texts.get(s.source.id)) for s in stats]
    topics: list[TopicBlock] = []
    contested: list[ClaimView] = []
    dated: list[TimelineEntry] = []
    data: Markup | None = None
    data_parts: Iterator[str] | None = None
    mark = ""
    if lazy:
        data_parts = script_json_parts(lazy_data(store, list(views.values()), texts))
        # Where the data goes in the page, piece by piece: a mark no store can guess.
        mark = f"\x00{secrets.token_hex(16)}\x00"
        data = Markup(mark)
        views, ranges = {}, {}  # in the data now: 20,000 claims' views are 30-40 MB
    else:
        for topic in store.topics.values():
            view = topic_view(store, topic)
            claims = [views[c.id] for c in view.claims]
            topics.append(TopicBlock(topic, claims, view.sources, len(view.sources) <= TABLE_MAX_SOURCES))
        contested = [views[c.id] for c in find_contradictions(store)]
        dated = timeline(store, views)
    css, script = _asset("report.css"), _asset("report.js")
    policy = (
        f"default-src 'none'; style-src '{_digest(css)}'; script-src '{_digest(script)}'; "
        "base-uri 'none'; form-action 'none'"
    )
    template = _environment().get_template("report.html.j2")
    page = template.generate(
        title=title,
        version=__version__,
        policy=policy,
        css=Markup(css),
        script=Markup(script),
        summary=summarize(store),
        sources=sources,
        heat=heatmap(store, stats),
        topics=topics,
        all_topics=list(store.topics.values()),
        contested=contested,
        timeline=dated,
        lazy=lazy,
        page_size=LAZY_PAGE,
        data=data,
        stances=STANCES,
        topic_titles={t.id: t.title for t in store.topics.values()},
    )
    for piece in page:
        if data_parts is not None and mark in piece:
            before, after = piece.split(mark, 1)
            yield before
            yield from data_parts
            yield after
        else:
            yield piece
