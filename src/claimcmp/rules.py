"""The contract's rules of agreement, consensus and dates (``store-format.md``).

Pure functions of the typed models: every view, export and check that speaks
of agreement, consensus, independence or anachronism computes it here, once.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from .models import Claim, Source

Consensus = Literal["single", "contested", "agreed", "mixed"]
CONSENSUS_ORDER: tuple[Consensus, ...] = ("contested", "mixed", "agreed", "single")


def consensus(claim: Claim) -> Consensus:
    """``single`` (one position), ``contested`` (one supports, one refutes),
    ``agreed`` (two or more, all the same stance) or ``mixed`` (the rest)."""
    if len(claim.positions) == 1:
        return "single"
    if claim.contested:
        return "contested"
    if len({p.stance for p in claim.positions}) == 1:
        return "agreed"
    return "mixed"


# -- dates ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8192)  # a store repeats its dates; the timeline sorts thousands
def date_span(value: str) -> tuple[dt.date, dt.date]:
    """The first and last day a partial date (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``) covers."""
    parts = [int(part) for part in value.split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
    year, month = parts[0], parts[1]
    if len(parts) == 2:
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    day = dt.date(year, month, parts[2])
    return day, day


def date_sort_key(claim: Claim) -> tuple[dt.date, str]:
    """A dated claim's place in time: the first day of its span, ties by id."""
    assert claim.date is not None
    return date_span(claim.date)[0], claim.id


def is_anachronistic(published: str | None, claim_date: str | None) -> bool:
    """Whether the whole span of ``published`` lies before the whole span of
    ``claim_date`` (``2022-12`` is not before ``2022-12-05``; ``2022-12-04`` is)."""
    if published is None or claim_date is None:
        return False
    return date_span(published)[1] < date_span(claim_date)[0]


# -- independence -------------------------------------------------------------------------


def ancestors(sources: Mapping[str, Source], source_id: str) -> frozenset[str]:
    """Every source ``source_id`` draws on, through any chain of ``based_on``
    (unknown ids and cycles are the checks' business: here they just stop)."""
    seen: set[str] = set()
    stack = list(sources[source_id].based_on) if source_id in sources else []
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        if current in sources:
            stack.extend(sources[current].based_on)
    seen.discard(source_id)
    return frozenset(seen)


def independent(sources: Mapping[str, Source], a: str, b: str) -> bool:
    """Two sources are independent unless one draws on the other or both draw
    on a common source."""
    return _independent(a, b, ancestors(sources, a), ancestors(sources, b))


def _independent(a: str, b: str, above_a: frozenset[str], above_b: frozenset[str]) -> bool:
    return not (a in above_b or b in above_a or above_a & above_b)


# -- agreement ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PairAgreement:
    """How two sources compare on the claims both take a position on."""

    a: str
    b: str
    shared: int
    agree: int
    partial: int
    contradict: int
    independent: bool

    @property
    def rate(self) -> float | None:
        """agree / shared, or None when nothing is shared."""
        return self.agree / self.shared if self.shared else None

    def as_json(self) -> dict[str, object]:
        return {
            "a": self.a,
            "b": self.b,
            "shared": self.shared,
            "agree": self.agree,
            "partial": self.partial,
            "contradict": self.contradict,
            "rate": self.rate,
            "independent": self.independent,
        }


def agreement(
    sources: Mapping[str, Source], claims: Iterable[Claim], order: Sequence[str] | None = None
) -> list[PairAgreement]:
    """Each unordered pair of sources once, in the order the sources are listed."""
    ids = list(order if order is not None else sources)
    index = {source_id: i for i, source_id in enumerate(ids)}
    n = len(ids)
    # Tallies of pair (i, j), i < j, at i * n + j; a flat list, as a store may
    # have hundreds of sources and hundreds of thousands of pairs of positions.
    shared, agree, contradict = [0] * (n * n), [0] * (n * n), [0] * (n * n)
    for claim in claims:
        stances = sorted((index[p.source], p.stance) for p in claim.positions if p.source in index)
        for k, (i, stance_a) in enumerate(stances):
            row = i * n
            for j, stance_b in stances[k + 1 :]:
                shared[row + j] += 1
                if stance_a == stance_b:
                    agree[row + j] += 1
                elif stance_a != "qualifies" and stance_b != "qualifies":
                    contradict[row + j] += 1  # one supports, the other refutes
    # Each source's ancestors once, not once per pair: a store may list hundreds.
    above = {source_id: ancestors(sources, source_id) for source_id in ids}
    pairs = []
    for i, a in enumerate(ids):
        for j in range(i + 1, n):
            b, at = ids[j], i * n + j
            partial = shared[at] - agree[at] - contradict[at]
            free = _independent(a, b, above[a], above[b])
            pairs.append(PairAgreement(a, b, shared[at], agree[at], partial, contradict[at], free))
    return pairs
