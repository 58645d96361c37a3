"""The contradictions' JSON, kept as a view of the checked store (``cache.cached_view``).

``claimcmp contradictions --format json`` prints every contested claim whole:
8,041 claims and 11 MB at 20,000 claims. Made from the store, that took
decoding the store's cache entry, finding the contested claims, their dicts
and their JSON (0.3 s of a 0.45-0.55 s run, measured in the process). The
view is that JSON, made once while the store is unchanged, beside what its
filters need: each claim's topic and the sources that support or refute it.
A run then reads the view and prints it, or the items its filters keep,
without the store.

The view's bytes: the length of its head (8 bytes, big-endian), its head as
marshal data (the store's topic and source ids; each contested claim's topic,
its sides' sources and the length of its JSON, most contested first), then
the JSON of them all, as the command prints it unfiltered.
"""

from __future__ import annotations

import marshal
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, chain
from typing import Any

from .analysis import claims_json, find_contradictions, require_known
from .columns import TEXT, all_of
from .models import CheckResult, Store
from .output import json_array, json_items

NAME = "contradictions-json"


def build(result: CheckResult) -> bytes:
    """The view's bytes for a check's result: of its readable store."""
    return contradictions_view(result.readable().store)


def contradictions_view(store: Store) -> bytes:
    """The view's bytes for ``store``: what ``ContradictionsJson.read`` reads."""
    claims = find_contradictions(store)
    items = json_items(claims_json(store, claims))
    head = (
        list(store.topics),
        list(store.sources),
        [claim.topic for claim in claims],
        [tuple([p[0] for p in claim.positions if p[1] in _SIDES]) for claim in claims],
        list(map(len, items)),
    )
    data = marshal.dumps(head)
    return len(data).to_bytes(8, "big") + data + json_array(items)


_SIDES = ("supports", "refutes")
_COMMA, _NEWLINE = b",\n"


@dataclass(frozen=True)
class ContradictionsJson:
    """The contradictions' JSON of a store, and what its filters need."""

    topics: frozenset[str]  # the store's topic ids
    sources: frozenset[str]  # the store's source ids
    claim_topics: list[str]  # each contested claim's, most contested first
    claim_sides: list[tuple[str, ...]]  # the sources that support or refute it
    item_sizes: list[int]  # the length of its JSON
    whole: memoryview  # the JSON of every contested claim, one a line

    @classmethod
    def read(cls, data: memoryview) -> ContradictionsJson:
        """The view from ``contradictions_view``'s bytes; raises ValueError (or
        another exception) on anything of the wrong shape."""
        size = int.from_bytes(data[:8], "big")
        head: Any = marshal.loads(data[8 : 8 + size])
        topics, sources, claim_topics, claim_sides, item_sizes = head
        if any(type(column) is not list for column in head):
            raise ValueError("not a view's head")
        all_of(topics, TEXT)
        all_of(sources, TEXT)
        all_of(claim_topics, TEXT)
        all_of(claim_sides, frozenset({tuple}))
        all_of(chain.from_iterable(claim_sides), TEXT)
        all_of(item_sizes, frozenset({int}))
        whole = data[8 + size :]
        count = len(item_sizes)
        if not len(claim_topics) == len(claim_sides) == count or min(item_sizes, default=0) < 0:
            raise ValueError("not a view's head")
        # ``json_array``: "[\n", the items joined by ",\n", "\n]\n"; "[]\n" for none.
        if len(whole) != (sum(item_sizes) + 2 * count + 3 if count else 3):
            raise ValueError("not the JSON its head describes")
        ends = list(accumulate((size + 2 for size in item_sizes), initial=0))[1:]
        if any(whole[end] != _COMMA or whole[end + 1] != _NEWLINE for end in ends[:-1]):
            raise ValueError("not the JSON its head describes")
        return cls(frozenset(topics), frozenset(sources), claim_topics, claim_sides, item_sizes, whole)

    def json(self, topics: Sequence[str] = (), sources: Sequence[str] = ()) -> memoryview | bytes:
        """What ``contradictions --format json`` prints: the JSON of the
        contested claims of these topics in which one of these sources takes
        a side (``analysis.find_contradictions``'s filters)."""
        require_known("topic", topics, self.topics)
        require_known("source", sources, self.sources)
        if not topics and not sources:
            return self.whole
        wanted = set(sources)
        # Each item's start: after "[\n", then after each item and its ",\n"
        # (one start more than items: where the closing bracket begins).
        starts = accumulate((size + 2 for size in self.item_sizes), initial=2)
        return json_array(
            [
                self.whole[start : start + size]
                for start, size, topic, sides in zip(
                    starts, self.item_sizes, self.claim_topics, self.claim_sides, strict=False
                )
                if (not topics or topic in topics) and (not wanted or not wanted.isdisjoint(sides))
            ]
        )
