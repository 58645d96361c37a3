"""What the commands compute from a store: filters, views, counts, contradictions."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .models import STANCES, Claim, Source, Store, Topic
from .problems import UnknownNameError
from .suggest import closest_names


@dataclass(frozen=True)
class ClaimFilter:
    """Filters combine with AND; the values of one filter with OR."""

    topics: Sequence[str] = ()
    sources: Sequence[str] = ()
    stances: Sequence[str] = ()
    tags: Sequence[str] = ()
    contested: bool = False
    search: str | None = None
    search_in: Sequence[str] = ()  # fields to search (SEARCH_FIELDS); empty: DEFAULT_SEARCH


def require_names(store: Store, kind: str, names: Iterable[str]) -> None:
    """Raise UnknownNameError for the first name the store lacks."""
    names = list(names)
    if not names:
        return  # the tags are gathered only when asked for (a pass over every claim)
    table: Any = {"topic": store.topics, "source": store.sources}.get(kind)
    if table is None:
        table = tag_names(store)
    require_known(kind, names, table)


def require_known(kind: str, names: Iterable[str], known: Collection[str]) -> None:
    """Raise UnknownNameError for the first name not in ``known``."""
    for name in names:
        if name not in known:
            raise UnknownNameError(kind, name, closest_names(name, known))


def filter_claims(store: Store, spec: ClaimFilter) -> list[Claim]:
    """The claims that pass every filter, in store order (best match first with --search)."""
    require_names(store, "topic", spec.topics)
    require_names(store, "source", spec.sources)
    require_names(store, "tag", spec.tags)
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
    if spec.search is not None:
        chosen = search_claims(chosen, spec.search, spec.search_in)
    return chosen


def tag_names(store: Store) -> dict[str, None]:
    """Every tag of the store, in order of first use."""
    return {tag: None for claim in store.claims.values() for tag in claim.tags}


SEARCH_FIELDS = ("id", "text", "tags", "quotes", "notes")
DEFAULT_SEARCH = ("id", "text", "tags")
FUZZY_CUTOFF = 80.0  # how alike a misspelt word must be (rapidfuzz ratio, 0-100)
_WORD = re.compile(r"\w+")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})


def _fold(value: str) -> str:
    return value.casefold().translate(_APOSTROPHES)


def _search_fields(claim: Claim, fields: Sequence[str]) -> list[str]:
    """The claim's text in each searched field, case folded, in ranking order."""
    found: list[str] = []
    if "id" in fields:
        found.append(_fold(claim.id))
    if "text" in fields:
        found.append(_fold(claim.text))
    if "tags" in fields:
        found.extend(_fold(tag) for tag in claim.tags)
    if "quotes" in fields:
        found.extend(_fold(p.quote) for p in claim.positions)
    if "notes" in fields:
        found.extend(_fold(n) for n in (claim.note, *(p.note for p in claim.positions)) if n)
    return found


def _rank(query: str, words: list[str], fields: list[str]) -> int | None:
    """How well the fields match: 0 a field (an id, a tag) equal to the query, 1 the phrase as whole
    words, 2 every word as a whole word, 3 every word as the start of a word; None no match."""
    if any(f == query or _WORD.findall(f) == words for f in fields):
        return 0
    phrase = re.compile(r"(?<!\w)" + r"\W+".join(map(re.escape, words)) + r"(?!\w)")
    if any(phrase.search(f) for f in fields):
        return 1
    present = {w for f in fields for w in _WORD.findall(f)}
    if all(w in present for w in words):
        return 2
    if all(any(p.startswith(w) for p in present) for w in words):
        return 3
    return None


def search_claims(claims: list[Claim], query: str, fields: Sequence[str] = DEFAULT_SEARCH) -> list[Claim]:
    """The claims that mention the query, best first.

    Exact matches rank first: an id or tag equal to the query, then the query as a
    phrase of whole words, then all its words as whole words in any order, then all as
    the start of words (``suppl`` finds ``supplies``). Only when nothing matches so is
    the search fuzzy: each word may be misspelt (``Hakri`` finds ``Hakari``). Ties keep
    the store's order.
    """
    words = _WORD.findall(_fold(query))
    if not words:
        return []
    folded = " ".join(words)
    ranked: list[tuple[int, int]] = []
    per_claim = [_search_fields(claim, fields or DEFAULT_SEARCH) for claim in claims]
    for index, claim_fields in enumerate(per_claim):
        rank = _rank(folded, words, claim_fields)
        if rank is not None:
            ranked.append((rank, index))
    if ranked:
        return [claims[index] for _rank_, index in sorted(ranked)]
    return [claims[index] for index in _fuzzy(words, per_claim)]


def _fuzzy(words: list[str], per_claim: list[list[str]]) -> list[int]:
    """Claims each of whose query words is like some word of theirs, most alike first."""
    from rapidfuzz import fuzz, process

    scored: list[tuple[float, int]] = []
    for index, claim_fields in enumerate(per_claim):
        vocabulary = list({w for f in claim_fields for w in _WORD.findall(f)})
        scores = []
        for word in words:
            best = process.extractOne(word, vocabulary, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
            if best is None:
                break
            scores.append(best[1])
        else:
            scored.append((-sum(scores) / len(scores), index))
    return [index for _score, index in sorted(scored)]


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
    topic_order = {topic_id: i for i, topic_id in enumerate(store.topics)}
    # One pass over the claims' stances (tuples unpacked, no property calls):
    # the contested claims with their sort key, as ``contestedness`` orders them.
    keyed: list[tuple[int, int, int, int, Claim]] = []
    for order, claim in enumerate(store.claims.values()):
        stances = [position[1] for position in claim.positions]
        supports = stances.count("supports")
        refutes = stances.count("refutes")
        if not supports or not refutes or (topics and claim.topic not in topics):
            continue
        if wanted and not any(
            p.source in wanted and p.stance in ("supports", "refutes") for p in claim.positions
        ):
            continue
        keyed.append(
            (-min(supports, refutes), -(supports + refutes), topic_order.get(claim.topic, 0), order, claim)
        )
    keyed.sort(key=_without_claim)
    return [entry[4] for entry in keyed]


def _without_claim(entry: tuple[int, int, int, int, Claim]) -> tuple[int, int, int, int]:
    return entry[:4]


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
class TagStats:
    tag: str
    claims: int
    contested: int


def tag_stats(store: Store) -> list[TagStats]:
    """Each tag with its number of claims and of contested claims, most used first."""
    claims: dict[str, int] = {}
    contested: dict[str, int] = {}
    for claim in store.claims.values():
        for tag in dict.fromkeys(claim.tags):
            claims[tag] = claims.get(tag, 0) + 1
            contested[tag] = contested.get(tag, 0) + claim.contested
    order = sorted(claims, key=lambda t: (-claims[t], t))
    return [TagStats(tag, claims[tag], contested[tag]) for tag in order]


# -- JSON ------------------------------------------------------------------------------


def claim_json(store: Store, claim: Claim) -> dict[str, Any]:
    """A claim as the format page's JSON shape (plus line, note and contested)."""
    return _claim_json(claim, store.anchors.get)


def _claim_json(claim: Claim, line: Callable[[tuple[str, str]], int | None]) -> dict[str, Any]:
    # Positions unpacked as tuples: a named field's lookup per value cost a
    # third of building the JSON of 8,000 contested claims.
    claim_id = claim.id
    return {
        "id": claim_id,
        "topic": claim.topic,
        "text": claim.text,
        "date": claim.date,
        "tags": list(claim.tags),
        "note": claim.note,
        "contested": claim.contested,
        "positions": [
            {
                "source": source,
                "stance": stance,
                "quote": quote,
                "note": note,
                "inferred": inferred,
                "line": line((claim_id, source)),
            }
            for source, stance, quote, note, inferred in claim.positions
        ],
    }


def claims_json(store: Store, claims: Iterable[Claim]) -> list[dict[str, Any]]:
    line = store.anchors.get
    return [_claim_json(claim, line) for claim in claims]


def store_json(store: Store) -> dict[str, Any]:
    """The whole store: what ``export --json`` prints."""
    return {
        "version": 1,
        "sources": [source._asdict() for source in store.sources.values()],
        "topics": [topic._asdict() for topic in store.topics.values()],
        "claims": claims_json(store, store.claims.values()),
    }


# -- tables as data (json and csv of the listing commands) -----------------------------------


def sources_rows(stats: Sequence[SourceStats]) -> list[dict[str, Any]]:
    """``sources --format json``: each source's fields and its positions by stance."""
    rows = []
    for row in stats:
        item = row.source._asdict()
        item["based_on"] = list(row.source.based_on)
        item["positions"] = dict(row.stances)
        item["total"] = row.total
        rows.append(item)
    return rows


def topics_rows(stats: Sequence[TopicStats]) -> list[dict[str, Any]]:
    """``topics --format json``."""
    return [{**row.topic._asdict(), "claims": row.claims, "contested": row.contested} for row in stats]


def tags_rows(stats: Sequence[TagStats]) -> list[dict[str, Any]]:
    """``tags --format json``."""
    return [{"tag": row.tag, "claims": row.claims, "contested": row.contested} for row in stats]


def claims_rows(claims: Iterable[Claim]) -> list[dict[str, Any]]:
    """``list --format csv``: one flat row a claim, the sources of each stance joined by ``;``."""
    rows = []
    for claim in claims:
        row: dict[str, Any] = {
            "id": claim.id,
            "topic": claim.topic,
            "date": claim.date or "",
            "contested": claim.contested,
            "text": claim.text,
            "tags": ";".join(claim.tags),
        }
        for stance in STANCES:
            row[stance] = ";".join(
                p.source + ("*" if p.inferred else "") for p in claim.positions if p.stance == stance
            )
        rows.append(row)
    return rows
