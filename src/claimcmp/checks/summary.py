"""A file's claims in summary: what the rules need to know of them to tell
that they find nothing there, and the counts ``check`` prints.

A check that prints only problems and counts (``claimcmp check``) need not
build the claims of a file whose results come from the cache: its summary,
kept in the file's cache entry, tells whether any rule could find anything in
it. The files whose summaries cannot tell are read whole, and the rules run on
those claims alone, as they would on the whole store (``loading``):

* the references (``references.claim_references``): every topic and source its
  claims name exists, no claim id is a topic id, no claim has two positions of
  one source;
* the dates (``dates.anachronism``): no source it quotes was published, to the
  last day, before the first day of the latest dated claim it takes a position on;
* the ids (``duplicate-id``) and the quotes (``similarity.reused_quotes``):
  no claim id and no quote of a source is also in another file, or twice in
  this one (a quote by a fingerprint: equal fingerprints send both files to be
  read, where the quotes themselves are compared);
* the topics (``references.empty_topics``): the topics its claims name count as used.

The near-duplicates need every claim's text, which the cache keeps apart
(``cache.unit_claim_texts``).
"""

from __future__ import annotations

import zlib
from array import array
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import NamedTuple, TypeVar

from ..models import Claim, Counts, Source, count_claims
from ..rules import date_span

T = TypeVar("T")


class ClaimsSummary(NamedTuple):
    """What the rules need of one file's claims (see the module's docstring)."""

    ids: list[str]
    topics: list[str]  # the topics its claims name, each once
    sources: list[str]  # the sources its positions name, each once
    doubled: bool  # a claim with two positions of one source
    # source -> the first day (``date.toordinal``) of the latest dated claim it takes a position on
    latest: dict[str, int]
    quote_keys: array[int]  # a fingerprint of each position's (source, quote)
    counts: Counts


def summarize_claims(claims: Collection[Claim]) -> ClaimsSummary:
    """The summary of one file's claims."""
    positions = [position for claim in claims for position in claim.positions]
    sources = sorted({position.source for position in positions})
    latest: dict[str, int] = {}
    for claim in claims:
        if claim.date is None:
            continue
        start = date_span(claim.date)[0].toordinal()
        for position in claim.positions:
            if latest.get(position.source, -1) < start:
                latest[position.source] = start
    # The source's fingerprint above the quote's: two sources' same quote meet only
    # if their ids' fingerprints do (a false match only sends files to be read).
    above = {source: _fingerprint(source) << 32 for source in sources}
    keys = array("Q", [above[position.source] | _fingerprint(position.quote) for position in positions])
    return ClaimsSummary(
        ids=[claim.id for claim in claims],
        topics=sorted({claim.topic for claim in claims}),
        sources=sources,
        doubled=any(len({p.source for p in claim.positions}) < len(claim.positions) for claim in claims),
        latest=latest,
        quote_keys=keys,
        counts=count_claims(claims),
    )


def _fingerprint(text: str) -> int:
    # CRC-32: stable from one process to the next, unlike ``hash``, and cheap
    # (0.03 s for 100,000 quotes). Within one source, a false match among 500
    # quotes is a chance in 30,000, and it only costs reading the two files.
    return zlib.crc32(text.encode("utf-8", "surrogatepass"))


def quiet(summary: ClaimsSummary, sources: Mapping[str, Source], topics: Collection[str]) -> bool:
    """Whether the rules that look at one claim at a time (the references, the
    dates) surely find nothing in these claims, given the store's sources and
    topics."""
    if summary.doubled or not all(topic in topics for topic in summary.topics):
        return False
    if not all(source in sources for source in summary.sources):
        return False
    if any(claim_id in topics for claim_id in summary.ids):
        return False
    for source_id, start in summary.latest.items():
        published = sources[source_id].published
        if published is not None and date_span(published)[1].toordinal() < start:
            return False
    return True


def shared(summaries: Iterable[ClaimsSummary]) -> list[bool]:
    """For each summary, whether one of its claim ids or quote fingerprints is
    also in another (or twice in it): then its claims must be read for the
    rules across claims (``duplicate-id``, ``reused-quote``)."""
    summaries = list(summaries)
    ids = _twice([summary.ids for summary in summaries])
    keys = _twice([summary.quote_keys for summary in summaries])
    if not ids and not keys:
        return [False] * len(summaries)
    return [
        not ids.isdisjoint(summary.ids) or not keys.isdisjoint(summary.quote_keys) for summary in summaries
    ]


def _twice(groups: list[Sequence[T]]) -> set[T]:
    """The values in two groups, or twice in one."""
    every: set[T] = set()
    for values in groups:
        every.update(values)
    if len(every) == sum(map(len, groups)):  # most stores: told at C speed (0.008 s for 100,000 quotes)
        return set()
    seen: set[T] = set()
    twice: set[T] = set()
    for values in groups:
        distinct = set(values)
        twice |= seen & distinct
        if len(distinct) < len(values):
            twice |= {value for value, count in Counter(values).items() if count > 1}
        seen |= distinct
    return twice
