"""What the agreement, coverage and timeline views compute from a store.

Each view is a small frozen dataclass built from the contract's rules
(``rules``), plus its JSON (and for agreement CSV) form. Rendering for the
terminal lives in ``render_views``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, NamedTuple

from .analysis import claim_json, require_names
from .csvtext import csv_rows
from .models import Claim, Source, Store, Topic
from .rules import CONSENSUS_ORDER, Consensus, PairAgreement, agreement, consensus, date_sort_key, date_span


def _claims_of(store: Store, topics: Sequence[str]) -> list[Claim]:
    """The store's claims, in store order; only those of ``topics`` if any are given."""
    require_names(store, "topic", topics)
    if not topics:
        return list(store.claims.values())
    wanted = set(topics)
    return [c for c in store.claims.values() if c.topic in wanted]


# -- agreement ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AgreementView:
    """Every pair of sources compared on the claims both take a position on."""

    sources: list[Source]  # in store order
    pairs: list[PairAgreement]  # each unordered pair once, in store order
    claims: int  # how many claims were compared

    def most_agreeing(self) -> PairAgreement | None:
        """The pair with the highest rate of agreement; ties go to the pair that
        shares more claims, then to the first listed. None if no pair shares a claim."""
        shared = [(i, p) for i, p in enumerate(self.pairs) if p.shared and p.agree]
        if not shared:
            return None
        return max(shared, key=lambda item: (item[1].agree / item[1].shared, item[1].shared, -item[0]))[1]

    def most_contradicting(self) -> PairAgreement | None:
        """The pair with the most contradictions (one supports what the other
        refutes); ties go to the larger share of the claims both address, then to
        the first listed. None if no pair contradicts."""
        found = [(i, p) for i, p in enumerate(self.pairs) if p.contradict]
        if not found:
            return None
        return max(
            found, key=lambda item: (item[1].contradict, item[1].contradict / item[1].shared, -item[0])
        )[1]


def agreement_view(store: Store, topics: Sequence[str] = ()) -> AgreementView:
    """Agreement between every two sources, on the claims of ``topics`` (all if none)."""
    claims = _claims_of(store, topics)
    return AgreementView(list(store.sources.values()), agreement(store.sources, claims), len(claims))


def agreement_json(view: AgreementView) -> dict[str, Any]:
    return {"sources": [s.id for s in view.sources], "pairs": [p.as_json() for p in view.pairs]}


def agreement_csv(view: AgreementView) -> str:
    """One row per pair: a, b, shared, agree, partial, contradict, rate (4 decimals), independent."""
    header = ("a", "b", "shared", "agree", "partial", "contradict", "rate", "independent")
    rows = (
        (
            p.a,
            p.b,
            p.shared,
            p.agree,
            p.partial,
            p.contradict,
            None if p.rate is None else round(p.rate, 4),
            p.independent,
        )
        for p in view.pairs
    )
    return csv_rows(header, rows)


# -- coverage ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicCoverage:
    topic: Topic
    claims: int
    positions: dict[str, int]  # source id -> positions on the topic's claims (0: silent)


class ClaimCoverage(NamedTuple):
    """A claim, its consensus, and (on demand) who is silent on it. A named
    tuple: coverage makes one per claim, and these build several times faster."""

    claim: Claim
    consensus: Consensus
    sources: Sequence[str]  # every source id of the store, in store order

    @property
    def silent(self) -> list[str]:
        """The sources with no position on the claim, in store order (computed
        on demand: for a store of 200 sources, 20,000 claims it is 4 million names)."""
        speakers = {p.source for p in self.claim.positions}
        return [s for s in self.sources if s not in speakers]


@dataclass(frozen=True)
class CoverageView:
    """Who speaks on what: counts by topic and source, and the claims by consensus."""

    sources: list[Source]
    topics: list[TopicCoverage]
    claims: list[ClaimCoverage]  # by consensus (contested, mixed, agreed, single), then store order
    silent_source: str | None = None  # with --silent: only the claims this source is silent on


def coverage_view(store: Store, topics: Sequence[str] = (), silent: str | None = None) -> CoverageView:
    """Coverage of the claims of ``topics`` (all if none); with ``silent``, the
    claims list holds only those that source says nothing about."""
    claims = _claims_of(store, topics)
    if silent is not None:
        require_names(store, "source", [silent])
    chosen = [store.topics[t] for t in topics] if topics else list(store.topics.values())
    counts: dict[str, dict[str, int]] = {t.id: dict.fromkeys(store.sources, 0) for t in chosen}
    sizes = dict.fromkeys(counts, 0)
    # One list per consensus, in CONSENSUS_ORDER; each keeps store order.
    buckets: dict[str, list[ClaimCoverage]] = {name: [] for name in CONSENSUS_ORDER}
    all_ids = tuple(store.sources)
    for claim in claims:
        row = counts.get(claim.topic)
        if row is not None:
            sizes[claim.topic] += 1
            for position in claim.positions:
                if position.source in row:
                    row[position.source] += 1
        if silent is not None and any(p.source == silent for p in claim.positions):
            continue
        level = consensus(claim)
        buckets[level].append(ClaimCoverage(claim, level, all_ids))
    return CoverageView(
        list(store.sources.values()),
        [TopicCoverage(t, sizes[t.id], counts[t.id]) for t in chosen],
        [row for name in CONSENSUS_ORDER for row in buckets[name]],
        silent,
    )


def coverage_json(view: CoverageView) -> dict[str, Any]:
    return {
        "topics": [_topic_coverage_json(t) for t in view.topics],
        "claims": list(map(_claim_coverage_json, view.claims)),
    }


def _topic_coverage_json(row: TopicCoverage) -> dict[str, Any]:
    return {"topic": row.topic.id, "claims": row.claims, "positions": row.positions}


def _claim_coverage_json(row: ClaimCoverage) -> dict[str, Any]:
    return {"id": row.claim.id, "topic": row.claim.topic, "consensus": row.consensus, "silent": row.silent}


# Claims encoded at a time by ``coverage_json_text``.
_JSON_CHUNK = 500


def coverage_json_text(view: CoverageView) -> Iterator[str]:
    """``json.dumps(coverage_json(view), ensure_ascii=False)``, in pieces.

    The claims' lists of silent sources are written a few hundred claims at a
    time: whole, at 50,000 claims and 500 sources, they are 25 million names
    (``coverage --format json`` peaked at 973 MB; written in pieces, 217 MB).
    Each list is cut from the JSON of all the sources (``_SilentJson``) rather
    than built name by name: at 20,000 claims and 200 sources, 0.05 s instead
    of 0.5 s for the 4 million names.
    """
    topics = json.dumps([_topic_coverage_json(t) for t in view.topics], ensure_ascii=False)
    yield f'{{"topics": {topics}, "claims": ['
    claims = view.claims
    silent = _SilentJson([source.id for source in view.sources])
    encode = _encode_json_string
    for start in range(0, len(claims), _JSON_CHUNK):
        # Each item as json.dumps writes a dict of these four keys (", " and ": ").
        items = [
            f'{{"id": {encode(row.claim.id)}, "topic": {encode(row.claim.topic)}, '
            f'"consensus": {encode(row.consensus)}, "silent": [{silent.without(row.claim.positions)}]}}'
            for row in claims[start : start + _JSON_CHUNK]
        ]
        yield (", " if start else "") + ", ".join(items)
    yield "]}"


# The standard library's encoder of one string, as json.dumps(..., ensure_ascii=False) uses it.
_encode_json_string = json.encoder.encode_basestring


class _SilentJson:
    """The JSON list items of the store's sources (``"a", "b", ...``) and, for
    a claim, the same without the sources that take a position on it: the
    runs between those sources, cut from one text, so a claim costs its
    speakers, not the store's sources."""

    def __init__(self, sources: Sequence[str]) -> None:
        encoded = [_encode_json_string(s) for s in sources]
        self.text = ", ".join(encoded)
        self.index = {s: i for i, s in enumerate(sources)}
        self.starts: list[int] = []  # where each source's item begins in the text
        self.ends: list[int] = []  # and ends
        offset = 0
        for item in encoded:
            self.starts.append(offset)
            self.ends.append(offset + len(item))
            offset += len(item) + 2  # the item and its ", "

    def without(self, positions: Sequence[Any]) -> str:
        index = self.index
        speakers = sorted({index[p.source] for p in positions if p.source in index})
        if not speakers:
            return self.text
        runs = []
        first = 0  # the first source of the current run of silent ones
        for speaker in speakers:
            if speaker > first:
                runs.append(self.text[self.starts[first] : self.ends[speaker - 1]])
            first = speaker + 1
        if first < len(self.starts):
            runs.append(self.text[self.starts[first] :])
        return ", ".join(runs)


# -- timeline ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Marker:
    """A source's publication, placed among the claims at the last day its
    date can mean: every claim above it began no later than that day."""

    source: Source

    @property
    def published(self) -> str:
        assert self.source.published is not None
        return self.source.published


@dataclass(frozen=True)
class TimelineView:
    """Dated claims in date order, with the sources' publications among them."""

    entries: list[Claim | Marker]
    claims: list[Claim]  # the dated claims alone, in date order
    undated: int  # claims that passed the filters but have no date


def timeline_view(store: Store, topics: Sequence[str] = (), sources: Sequence[str] = ()) -> TimelineView:
    """The dated claims of ``topics`` (all if none) on which one of ``sources``
    (any if none) takes a position, in date order (ties by claim id).

    Markers are the publications of the sources that take a position on a
    shown claim. A claim sorts at the first day of its date's span, a marker at
    the last day of its source's: a claim below the marker of a source that
    takes a position on it is exactly an anachronism (``rules.is_anachronistic``).
    """
    require_names(store, "source", sources)
    wanted = set(sources)
    chosen = [
        c for c in _claims_of(store, topics) if not wanted or any(p.source in wanted for p in c.positions)
    ]
    # (day, 0 for a claim / 1 for a marker, id): claims as date_sort_key orders them.
    keyed: list[tuple[tuple[Any, int, str], Claim | Marker]] = [
        ((date_sort_key(c)[0], 0, c.id), c) for c in chosen if c.date is not None
    ]
    keyed.sort(key=itemgetter(0))
    dated = [entry for _key, entry in keyed if isinstance(entry, Claim)]
    speakers = {p.source for c in dated for p in c.positions}
    markers = [
        ((date_span(source.published)[1], 1, source.id), Marker(source))
        for source in store.sources.values()
        if source.published is not None and source.id in speakers
    ]
    if markers:
        keyed.extend(markers)
        keyed.sort(key=itemgetter(0))
    return TimelineView([entry for _key, entry in keyed], dated, len(chosen) - len(dated))


def timeline_json(store: Store, view: TimelineView) -> list[dict[str, Any]]:
    return [claim_json(store, claim) for claim in view.claims]
