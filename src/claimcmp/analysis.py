"""What the commands compute from a store: filters, views, counts, contradictions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .models import STANCES, Claim, Source, Store, Topic
from .problems import UnknownNameError
from .suggest import closest_names

SEARCH_CUTOFF = 60.0


@dataclass(frozen=True)
class ClaimFilter:
    """Filters combine with AND; the values of one filter with OR."""

    topics: Sequence[str] = ()
    sources: Sequence[str] = ()
    stances: Sequence[str] = ()
    tags: Sequence[str] = ()
    contested: bool = False
    search: str | None = None


def require_names(store: Store, kind: str, names: Iterable[str]) -> None:
    """Raise UnknownNameError for the first name the store lacks."""
    table: dict[str, Any] = {"topic": store.topics, "source": store.sources}[kind]
    for name in names:
        if name not in table:
            raise UnknownNameError(kind, name, closest_names(name, table))


def filter_claims(store: Store, spec: ClaimFilter) -> list[Claim]:
    """The claims that pass every filter, in store order (best match first with --search)."""
    require_names(store, "topic", spec.topics)
    require_names(store, "source", spec.sources)
    topics, sources, stances, tags = set(spec.topics), set(spec.sources), set(spec.stances), set(spec.tags)
    chosen: list[Claim] = []
    for claim in store.claims.values():
        if topics and claim.topic not in topics:
            continue
        if tags and not tags.intersection(claim.tags):
            continue
        if spec.contested and not claim.contested:
            continue
        if (sources or stances) and not any(
            (not sources or p.source in sources) and (not stances or p.stance in stances)
            for p in claim.positions
        ):
            continue
        chosen.append(claim)
    if spec.search:
        chosen = search_claims(chosen, spec.search)
    return chosen


def search_claims(claims: list[Claim], query: str) -> list[Claim]:
    """Claims whose text fuzzily contains the query, best match first."""
    from rapidfuzz import fuzz, process, utils

    matches = process.extract(
        query,
        [c.text for c in claims],
        scorer=fuzz.partial_ratio,
        processor=utils.default_process,
        limit=None,
        score_cutoff=SEARCH_CUTOFF,
    )
    order = sorted(matches, key=lambda m: (-m[1], m[2]))
    return [claims[index] for _text, _score, index in order]


def contestedness(claim: Claim) -> tuple[int, int]:
    """How contested a claim is: the smaller camp first, then both camps together."""
    supports = len(claim.sources_with("supports"))
    refutes = len(claim.sources_with("refutes"))
    return min(supports, refutes), supports + refutes


def find_contradictions(store: Store, topics: Sequence[str] = (), sources: Sequence[str] = ()) -> list[Claim]:
    """Contested claims (one source supports, another refutes), most contested first.

    With ``sources``, only contradictions in which one of them takes a side.
    """
    require_names(store, "topic", topics)
    require_names(store, "source", sources)
    wanted = set(sources)
    found = [
        claim
        for claim in store.claims.values()
        if claim.contested
        and (not topics or claim.topic in topics)
        and (
            not wanted
            or any(p.source in wanted and p.stance in ("supports", "refutes") for p in claim.positions)
        )
    ]
    topic_order = {topic_id: i for i, topic_id in enumerate(store.topics)}
    claim_order = {claim_id: i for i, claim_id in enumerate(store.claims)}
    found.sort(
        key=lambda c: (
            tuple(-n for n in contestedness(c)),
            topic_order.get(c.topic, 0),
            claim_order[c.id],
        )
    )
    return found


def resolve_name(store: Store, name: str) -> Topic | Claim:
    """The topic, or else the claim, of that id (a topic wins a tie)."""
    if name in store.topics:
        return store.topics[name]
    if name in store.claims:
        return store.claims[name]
    raise UnknownNameError("topic or claim", name, closest_names(name, [*store.topics, *store.claims]))


def sources_of(store: Store, claims: Iterable[Claim]) -> list[Source]:
    """Sources that take a position on any of the claims, in store order."""
    used = {p.source for claim in claims for p in claim.positions}
    return [source for source_id, source in store.sources.items() if source_id in used]


@dataclass(frozen=True)
class TopicView:
    topic: Topic
    claims: list[Claim]
    sources: list[Source]


def topic_view(store: Store, topic: Topic) -> TopicView:
    claims = store.claims_in(topic.id)
    return TopicView(topic, claims, sources_of(store, claims))


@dataclass(frozen=True)
class SourceStats:
    source: Source
    stances: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.stances.values())


def source_stats(store: Store) -> list[SourceStats]:
    counts = {source_id: dict.fromkeys(STANCES, 0) for source_id in store.sources}
    for claim in store.claims.values():
        for position in claim.positions:
            if position.source in counts:
                counts[position.source][position.stance] += 1
    return [SourceStats(store.sources[sid], stances) for sid, stances in counts.items()]


@dataclass(frozen=True)
class TopicStats:
    topic: Topic
    claims: int
    contested: int


def topic_stats(store: Store) -> list[TopicStats]:
    claims = dict.fromkeys(store.topics, 0)
    contested = dict.fromkeys(store.topics, 0)
    for claim in store.claims.values():
        if claim.topic in claims:
            claims[claim.topic] += 1
            contested[claim.topic] += claim.contested
    return [TopicStats(store.topics[t], claims[t], contested[t]) for t in store.topics]


@dataclass(frozen=True)
class Summary:
    sources: int
    topics: int
    claims: int
    positions: int
    contested: int
    multi_source: int


def summarize(store: Store) -> Summary:
    claims = store.claims.values()
    return Summary(
        sources=len(store.sources),
        topics=len(store.topics),
        claims=len(store.claims),
        positions=store.position_count,
        contested=sum(c.contested for c in claims),
        multi_source=sum(len(c.positions) >= 2 for c in claims),
    )


# -- JSON ------------------------------------------------------------------------------


def claim_json(store: Store, claim: Claim) -> dict[str, Any]:
    """A claim as the format page's JSON shape (plus line, note and contested)."""
    return {
        "id": claim.id,
        "topic": claim.topic,
        "text": claim.text,
        "date": claim.date,
        "tags": list(claim.tags),
        "note": claim.note,
        "contested": claim.contested,
        "positions": [
            {
                "source": p.source,
                "stance": p.stance,
                "quote": p.quote,
                "note": p.note,
                "inferred": p.inferred,
                "line": store.anchors.get((claim.id, p.source)),
            }
            for p in claim.positions
        ],
    }


def claims_json(store: Store, claims: Iterable[Claim]) -> list[dict[str, Any]]:
    return [claim_json(store, claim) for claim in claims]


def store_json(store: Store) -> dict[str, Any]:
    """The whole store: what ``export --json`` prints."""
    return {
        "version": 1,
        "sources": [source._asdict() for source in store.sources.values()],
        "topics": [topic._asdict() for topic in store.topics.values()],
        "claims": claims_json(store, store.claims.values()),
    }
