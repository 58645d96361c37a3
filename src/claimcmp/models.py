"""The store's schema (format version 1) as pydantic models, and the merged store.

Input is validated strictly: unknown keys are errors (they are almost always
typos), strings must be strings, ids must be slugs.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, StringConstraints

STANCES: tuple[str, ...] = ("supports", "refutes", "qualifies")
Stance = Literal["supports", "refutes", "qualifies"]

SLUG_PATTERN = r"^[a-z0-9._-]+$"
URL_PATTERN = r"^https?://[^\s]+$"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=False)]
Url = Annotated[str, StringConstraints(pattern=URL_PATTERN)]

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
DATE_HINT = "write YYYY, YYYY-MM or YYYY-MM-DD"


def parse_partial_date(value: Any) -> str:
    """Canonical ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` from what YAML gives."""
    if isinstance(value, bool):
        raise ValueError(f"expected a date, got {str(value).lower()}; {DATE_HINT}")
    if isinstance(value, dt.datetime):
        raise ValueError(f"a date here has no time of day; {DATE_HINT}")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"expected a date, got {type(value).__name__}; {DATE_HINT}")
    match = _PARTIAL_DATE.match(value.strip())
    if match is None:
        raise ValueError(f"{value!r} is not a date; {DATE_HINT}")
    year, month, day = match.groups()
    if int(year) == 0:
        raise ValueError(f"{value!r} has year 0; {DATE_HINT}")
    if month is not None and not 1 <= int(month) <= 12:
        raise ValueError(f"{value!r} has no month {int(month)}; months are 01 to 12")
    if day is not None:
        last = calendar.monthrange(int(year), int(month))[1]
        if not 1 <= int(day) <= last:
            raise ValueError(f"{value!r} is not a day of the calendar ({year}-{month} has {last} days)")
    return value.strip()


PartialDate = Annotated[str, PlainValidator(parse_partial_date)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Source(_Strict):
    id: Slug
    title: Text
    author: Text | None = None
    publisher: Text | None = None
    published: PartialDate | None = None
    url: Url | None = None
    file: Text | None = None
    perspective: Text | None = None
    note: Text | None = None


class Topic(_Strict):
    id: Slug
    title: Text
    description: Text | None = None
    note: Text | None = None


class Position(_Strict):
    source: Slug
    stance: Stance
    quote: Text
    note: Text | None = None


class Claim(_Strict):
    id: Slug
    topic: Slug
    text: Text
    date: PartialDate | None = None
    tags: list[Text] = Field(default_factory=list)
    note: Text | None = None
    positions: Annotated[list[Position], Field(min_length=1)]

    def stance_of(self, source_id: str) -> str | None:
        for position in self.positions:
            if position.source == source_id:
                return position.stance
        return None

    def sources_with(self, stance: str) -> list[str]:
        return [p.source for p in self.positions if p.stance == stance]

    @property
    def contested(self) -> bool:
        stances = {p.stance for p in self.positions}
        return "supports" in stances and "refutes" in stances


class StoreFile(_Strict):
    """What one YAML file of a store may hold."""

    version: Literal[1] | None = None
    sources: list[Source] = Field(default_factory=list)
    topics: list[Topic] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)


@dataclass(frozen=True, slots=True)
class QuoteAnchor:
    """Where a quote was found: the 1-based line of its first segment."""

    line: int


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
    # (claim id, source id) -> where the quote was found in the source text.
    anchors: dict[tuple[str, str], QuoteAnchor] = field(default_factory=dict)

    @property
    def position_count(self) -> int:
        return sum(len(c.positions) for c in self.claims.values())

    def claims_in(self, topic_id: str) -> list[Claim]:
        return [c for c in self.claims.values() if c.topic == topic_id]
