"""The store's input schema (format version 1), validated by pydantic.

Validation happens here, at the boundary, and only when a store is read from
its files: the checked store is then made of the light typed models in
``models``, which load from the cache without importing pydantic at all.

The schema is written as TypedDicts because pydantic validates those into
plain dicts several times faster than into model instances.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Annotated, Any

from pydantic import (
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
)
from typing_extensions import NotRequired, TypedDict

from .vocabulary import Stance

SLUG_PATTERN = r"^[a-z0-9._-]+$"
URL_PATTERN = r"^https?://[^\s]+$"
DATE_HINT = "write YYYY, YYYY-MM or YYYY-MM-DD"

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", re.ASCII)


def parse_partial_date(value: Any) -> str:
    """Canonical ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` from what YAML gives."""
    if isinstance(value, bool):
        raise ValueError(f"expected a date, got {str(value).lower()}; {DATE_HINT}")
    if isinstance(value, dt.datetime):
        raise ValueError(f"a date here has no time of day; {DATE_HINT}")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        if not 1 <= value <= 9999:
            raise ValueError(f"{value} is not a year; {DATE_HINT}")
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"expected a date, got {type(value).__name__}; {DATE_HINT}")
    match = _PARTIAL_DATE.match(value.strip())
    if match is None:
        shown = value if len(value) <= 40 else value[:37] + "..."
        raise ValueError(f"{shown!r} is not a date; {DATE_HINT}")
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


def check_version(value: Any) -> int:
    # A plain Literal[1] would accept true and 1.0 (they equal 1 in Python).
    if type(value) is not int or value != 1:
        raise ValueError(f"unsupported version {value!r}: this claimcmp reads store format version 1")
    return value


Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
Text = Annotated[str, StringConstraints(pattern=r"\S")]  # not empty, not only white space
Url = Annotated[str, StringConstraints(pattern=URL_PATTERN)]
# The JSON Schema of a partial date (``claimcmp schema``, for editors): what a YAML 1.2
# editor sees, a string or a year. It cannot know month lengths; ``check`` does.
PARTIAL_DATE_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "pattern": r"^(?!0000)\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"},
        {"type": "integer", "minimum": 1, "maximum": 9999},
    ],
    "description": "A partial date: YYYY, YYYY-MM or YYYY-MM-DD.",
}
PartialDate = Annotated[str, PlainValidator(parse_partial_date), WithJsonSchema(PARTIAL_DATE_SCHEMA)]
Version = Annotated[int, PlainValidator(check_version), WithJsonSchema({"const": 1})]
StanceName = Stance

_STRICT = ConfigDict(extra="forbid", strict=True)


class SourceInput(TypedDict):
    __pydantic_config__ = _STRICT  # type: ignore[misc]
    id: Slug
    title: Text
    author: NotRequired[Text | None]
    publisher: NotRequired[Text | None]
    published: NotRequired[PartialDate | None]
    url: NotRequired[Url | None]
    file: NotRequired[Text | None]
    perspective: NotRequired[Text | None]
    note: NotRequired[Text | None]
    based_on: NotRequired[list[Slug] | None]


class TopicInput(TypedDict):
    __pydantic_config__ = _STRICT  # type: ignore[misc]
    id: Slug
    title: Text
    description: NotRequired[Text | None]
    note: NotRequired[Text | None]


class PositionInput(TypedDict):
    __pydantic_config__ = _STRICT  # type: ignore[misc]
    source: Slug
    stance: StanceName
    quote: Text
    note: NotRequired[Text | None]
    inferred: NotRequired[bool | None]


class ClaimInput(TypedDict):
    __pydantic_config__ = _STRICT  # type: ignore[misc]
    id: Slug
    topic: Slug
    text: Text
    date: NotRequired[PartialDate | None]
    tags: NotRequired[list[Text] | None]
    note: NotRequired[Text | None]
    positions: Annotated[list[PositionInput], Field(min_length=1)]


class StoreFileInput(TypedDict):
    __pydantic_config__ = _STRICT  # type: ignore[misc]
    version: NotRequired[Version | None]
    sources: NotRequired[list[SourceInput] | None]
    topics: NotRequired[list[TopicInput] | None]
    claims: NotRequired[list[ClaimInput] | None]


STORE_FILE = TypeAdapter(StoreFileInput)
CLAIMS = TypeAdapter(list[ClaimInput])


def is_valid_store_file(data: Any) -> bool:
    """Whether ``data`` is a valid store file: the only data the loader takes
    from the fast YAML reader as it is (anything else is read again)."""
    try:
        STORE_FILE.validate_python(data)
    except ValidationError:
        return False
    return True


ITEMS: dict[str, TypeAdapter[Any]] = {
    "sources": TypeAdapter(SourceInput),
    "topics": TypeAdapter(TopicInput),
    "claims": TypeAdapter(ClaimInput),
}
FIELDS: dict[str, list[str]] = {
    "top level": list(StoreFileInput.__annotations__),
    "source": list(SourceInput.__annotations__),
    "topic": list(TopicInput.__annotations__),
    "claim": list(ClaimInput.__annotations__),
    "position": list(PositionInput.__annotations__),
}
