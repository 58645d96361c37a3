"""Claims as columns of plain values, and back: how claims travel as ``marshal`` data.

Two clients: the cache writes its entries' claims this way, and a forked child
(``loading``) sends back the claims it read. Columns of strings decode faster
than rows of tuples (marshal builds no tuple per position), and their types are
checked a column at a time, so that what comes back is never anything but
claims made of plain values.
"""

from __future__ import annotations

from itertools import accumulate, repeat
from typing import Any

from .models import STANCES, Claim, Position

TEXT: frozenset[type] = frozenset({str})
OPTIONAL: frozenset[type] = frozenset({str, type(None)})
_BOOL: frozenset[type] = frozenset({bool})
_TUPLE: frozenset[type] = frozenset({tuple})


def all_of(values: Any, allowed: frozenset[type]) -> None:
    """Raise ValueError unless every value is of an allowed type (one pass at C speed)."""
    if not set(map(type, values)) <= allowed:
        raise ValueError("a value of the wrong type")


def claim_columns(claims: list[Claim]) -> tuple[list[Any], ...]:
    """Claims as columns: one list per field of the claims, then the number of
    positions of each, then one list per field of all their positions."""
    positions = [p for claim in claims for p in claim.positions]
    columns: tuple[list[Any], ...] = (
        *([claim[field] for claim in claims] for field in range(6)),
        [len(claim.positions) for claim in claims],
        *([p[field] for p in positions] for field in range(len(Position._fields))),
    )
    # The topics, sources and stances repeat: each value made one object, which
    # marshal then writes once and refers back to (decoded 20-25% faster, one
    # string per distinct value instead of one per position).
    for column in (columns[1], columns[7], columns[8]):
        shared: dict[Any, Any] = {}
        column[:] = [shared.setdefault(value, value) for value in column]
    return columns


def claims_of(columns: Any) -> list[Claim]:
    """Claims from ``claim_columns``, checked for shape in bulk: the fields'
    types, every stance one of the format's, every claim with positions.
    Raises ValueError (or another exception) on anything of the wrong shape."""
    ids, topics, texts, dates, tags, notes, counts, *fields = columns
    if len(fields) != len(Position._fields):
        raise ValueError("a position of the wrong shape")
    for column, allowed in (
        (ids, TEXT), (topics, TEXT), (texts, TEXT), (dates, OPTIONAL), (tags, _TUPLE), (notes, OPTIONAL),
        (fields[0], TEXT), (fields[2], TEXT), (fields[3], OPTIONAL), (fields[4], _BOOL),
    ):  # fmt: skip
        all_of(column, allowed)
    all_of((tag for claim_tags in tags for tag in claim_tags), TEXT)
    if not set(fields[1]) <= set(STANCES):
        raise ValueError("an unknown stance")
    all_of(counts, frozenset({int}))
    if counts and min(counts) < 1:
        raise ValueError("a claim without positions")
    # Built by tuple.__new__ itself: the named tuples' own constructors are Python
    # functions, a call per claim and per position (120,000 at 20k claims).
    # ``zip(strict=True)`` refuses columns of different lengths.
    new = tuple.__new__
    positions = tuple(map(new, repeat(Position), zip(*fields, strict=True)))
    ends = list(accumulate(counts))
    if (ends[-1] if ends else 0) != len(positions):
        raise ValueError("positions miscounted")
    groups = map(positions.__getitem__, map(slice, [0, *ends[:-1]], ends))
    return list(map(new, repeat(Claim), zip(ids, topics, texts, dates, tags, notes, groups, strict=True)))
