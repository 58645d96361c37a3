"""The store's input schema (format version 1), validated by pydantic.

Validation happens here, at the boundary, and only when a store is read from
its files: the checked store is then made of the light typed models in
``models``, which load from the cache without importing pydantic at all.

The schema is written as TypedDicts because pydantic validates those into
plain dicts several times faster than into model instances.
"""

from __future__ import annotations

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

from .input_values import check_version, parse_partial_date
from .vocabulary import Stance

SLUG_PATTERN = r"^[a-z0-9._-]+$"
URL_PATTERN = r"^https?://[^\s]+$"
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
