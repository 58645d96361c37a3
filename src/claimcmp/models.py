"""The typed models of a checked store.

They are plain named tuples: immutable, typed, and cheap to build, so that a
store of tens of thousands of claims loads from the cache in a fraction of a
second without importing pydantic (which validates the input, in ``schema``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

from .problems import Problem, count_errors
from .vocabulary import STANCES as STANCES


class Source(NamedTuple):
    id: str
    title: str
    author: str | None = None
    publisher: str | None = None
    published: str | None = None  # a partial date: YYYY, YYYY-MM or YYYY-MM-DD
    url: str | None = None
    file: str | None = None  # as written in the store, relative to its YAML file
    perspective: str | None = None
    note: str | None = None
    based_on: tuple[str, ...] = ()  # ids of the sources this one draws on


class Topic(NamedTuple):
    id: str
    title: str
    description: str | None = None
    note: str | None = None


class Position(NamedTuple):
    source: str
    stance: str  # one of STANCES
    quote: str
    note: str | None = None
    # The stance follows from the quote only with the source's wider argument.
    inferred: bool = False


class Claim(NamedTuple):
    id: str
    topic: str
    text: str
    date: str | None
    tags: tuple[str, ...]
    note: str | None
    positions: tuple[Position, ...]

    def stance_of(self, source_id: str) -> str | None:
        for position in self.positions:
            if position.source == source_id:
                return position.stance
        return None

    def sources_with(self, stance: str) -> list[str]:
        return [p.source for p in self.positions if p.stance == stance]

    @property
    def contested(self) -> bool:
        """At least one source supports the claim and at least one refutes it."""
        supports = refutes = False
        for position in self.positions:
            if position.stance == "supports":
                supports = True
            elif position.stance == "refutes":
                refutes = True
        return supports and refutes


@dataclass
class Store:
    """A whole store, merged from its files and checked."""

    root: Path
    files: list[Path]
    sources: dict[str, Source] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    claims: dict[str, Claim] = field(default_factory=dict)
    # Resolved path of each source's text file (None when the source names none).
    source_paths: dict[str, Path | None] = field(default_factory=dict)
    # (claim id, source id) -> the 1-based line of the source text where the quote starts.
    anchors: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def position_count(self) -> int:
        return sum(len(c.positions) for c in self.claims.values())

    def claims_in(self, topic_id: str) -> list[Claim]:
        return [c for c in self.claims.values() if c.topic == topic_id]


class Counts(NamedTuple):
    """Counts of claims (``count_claims``), added up file by file by a lean check."""

    claims: int = 0
    positions: int = 0
    contested: int = 0
    multi_source: int = 0  # claims with two positions or more

    def __add__(self, other: object) -> Counts:
        if not isinstance(other, Counts):
            return NotImplemented
        return Counts(*(a + b for a, b in zip(self, other, strict=True)))


def count_claims(claims: Collection[Claim]) -> Counts:
    """The counts of these claims."""
    return Counts(
        len(claims),
        sum(len(claim.positions) for claim in claims),
        sum(claim.contested for claim in claims),
        sum(len(claim.positions) >= 2 for claim in claims),
    )


@dataclass(frozen=True)
class Summary:
    """What a store holds, in numbers (the line ``check`` ends with)."""

    sources: int
    topics: int
    claims: int
    positions: int
    contested: int
    multi_source: int


def summarize(store: Store, elsewhere: Counts = Counts()) -> Summary:
    """The store's counts, with those of claims counted ``elsewhere`` (not in
    the store: a lean check's, ``checks.summary``)."""
    counts = count_claims(store.claims.values()) + elsewhere
    return Summary(len(store.sources), len(store.topics), *counts)


class _Checked:
    """What a check found: its problems, counted."""

    problems: list[Problem]

    @property
    def errors(self) -> int:
        return count_errors(self.problems)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors


@dataclass
class CheckResult(_Checked):
    """A store as far as it is valid, and every problem found in it."""

    store: Store
    problems: list[Problem]

    def report(self) -> CheckReport:
        """The problems and the store's counts."""
        return CheckReport(self.problems, summarize(self.store), self.store)

    def readable(self) -> CheckResult:
        """This result, its store without the positions its errors name (a quote
        not found in its source, a stance the contract does not know): what the
        reading commands show, as a reader would take such a quote for a
        verbatim, checked one."""
        bad = {(p.claim, p.source) for p in self.problems if p.severity == "error" and p.claim and p.source}
        if not bad:
            return self
        claims = {
            claim_id: claim._replace(
                positions=tuple(p for p in claim.positions if (claim_id, p.source) not in bad)
            )
            if any((claim_id, p.source) in bad for p in claim.positions)
            else claim
            for claim_id, claim in self.store.claims.items()
        }
        return replace(self, store=replace(self.store, claims=claims))


@dataclass
class CheckReport(_Checked):
    """Every problem of a store, and its counts: what ``check`` prints, which a
    check can tell without building every claim (see ``checks.summary``)."""

    problems: list[Problem]
    summary: Summary
    # What the counts were taken from, freed with the report: a command that
    # ends its process at once then never frees it (0.04-0.08 s at 20,000 claims).
    _kept: object = field(default=None, repr=False, compare=False)
