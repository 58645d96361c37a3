"""Warnings about claims that repeat each other: ``near-duplicate`` and ``reused-quote``.

A *near-duplicate* is a pair of claims whose texts say nearly the same:
rapidfuzz's ``token_sort_ratio`` of the two texts (lowercased, punctuation
dropped, words sorted) is at least the threshold, 90 by default
(``check --near-duplicate-threshold`` or ``$CLAIMCMP_NEAR_DUPLICATE_THRESHOLD``).
Comparing every pair would cost n²/2 comparisons (200 million at 20,000
claims); instead claims are put in buckets by pairs of their three rarest words
(rarest in the store's claim texts), and only claims that share a bucket are
compared. Two texts that score 90 share nearly all their words, so they share a
pair of their rarest ones unless they differ in two of those. See
docs/workbench.md.

A *reused quote* is one source's same quote (the same text, character for
character, as YAML reads it) backing two claims.

Codes:

- `near-duplicate` (warning): two claims whose texts say nearly the same;
  merge them, or make each say what the other does not.
- `reused-quote` (warning): one source's same quote backs two claims; a quote
  usually supports one claim, so one of the two may need a quote of its own.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from itertools import chain
from operator import attrgetter
from typing import Any

from ..models import Store
from ..problems import Problem
from .base import CheckInput

RARE_WORDS = 3  # a claim's rarest words, whose pairs are its bucket keys


Origins = Mapping[tuple[str, str], tuple[Any, Any]]
# Near-duplicate claims: (index of the first, index of the later, score), in store order.
NearPairs = list[tuple[int, int, float]]


def near_duplicate_pairs(texts: list[str], threshold: float) -> NearPairs:
    """Pairs (i, j, score) with i < j of texts whose token_sort_ratio is at least
    ``threshold``, found by blocking on rare words (see the module's docstring)."""
    from rapidfuzz import utils

    # Every step here runs once per claim (20,000 in a large store): kept to
    # comprehensions of C-level calls, which cost a third of explicit loops. The
    # words are split once and kept until the keys are made (15 MB at 20,000
    # claims, freed before the source texts are read; splitting them twice cost
    # 0.02 s of every check).
    clean = utils.default_process
    split_texts = [clean(text).split() for text in texts]
    frequency = Counter(chain.from_iterable(split_texts))
    # Each word's rank by rarity (then longer first, then alphabetical): a claim's
    # rarest words are then its smallest ranks.
    by_rarity = sorted(frequency, key=lambda w: (frequency[w], -len(w), w))
    rank = dict(zip(by_rarity, range(len(by_rarity)), strict=True)).__getitem__
    n = len(by_rarity)
    # A claim's keys: each pair of its three rarest words, as one number. (A word
    # twice in one text may fill two of its three places: so it does in a
    # near-duplicate of it too, and a set per claim would cost a quarter more.)
    keys = [_keys(sorted(map(rank, words))[:RARE_WORDS], n) for words in split_texts]
    del split_texts
    counts = Counter(chain.from_iterable(keys))
    shared = {key for key, count in counts.items() if count > 1}
    buckets: defaultdict[int, list[int]] = defaultdict(list)
    for index in [i for i, claim_keys in enumerate(keys) if not shared.isdisjoint(claim_keys)]:
        for key in set(keys[index]):  # a repeated word can repeat a key
            if key in shared:
                buckets[key].append(index)
    found: dict[tuple[int, int], float] = {}
    sorted_texts: dict[int, str] = {}  # token_sort_ratio's form, made for bucketed claims only
    for members in buckets.values():
        if len(members) < 2:
            continue
        from rapidfuzz import fuzz, process

        for member in members:
            if member not in sorted_texts:
                sorted_texts[member] = " ".join(sorted(utils.default_process(texts[member]).split()))
        for position, first in enumerate(members[:-1]):
            others = [sorted_texts[m] for m in members[position + 1 :]]
            for _, score, offset in process.extract(
                sorted_texts[first], others, scorer=fuzz.ratio, score_cutoff=threshold, limit=None
            ):
                found[(first, members[position + 1 + offset])] = score
    return sorted((i, j, score) for (i, j), score in found.items())


def _keys(rare: list[int], n: int) -> tuple[int, ...]:
    """A claim's bucket keys from the ranks of its rarest words: each pair as one
    number; with fewer than three words, its pair, else its word (negative), else -1."""
    if len(rare) == 3:
        a, b, c = rare
        return (a * n + b, a * n + c, b * n + c)
    if len(rare) == 2:
        return (rare[0] * n + rare[1],)
    return (-2 - rare[0],) if rare else (-1,)


def near_duplicates(check: CheckInput) -> list[Problem]:
    """The rule: near-duplicate claims, at the registry's threshold. Each warning
    is placed on its claim's node (``check.origins``)."""
    claims = check.store.claims
    texts = [claim.text for claim in claims.values()]
    return near_duplicate_problems(list(claims), texts, check.origins, check.near_duplicate)


def reused_quotes(check: CheckInput) -> list[Problem]:
    """The rule: one source's same quote backing two claims."""
    return _reused_quotes(check.store, check.origins)


# A block-style item that begins with its id: "  - id: some-claim".
_ID_LINE = re.compile(r"""^( *)- id: *(["']?)([a-z0-9._-]+)\2 *(?:#.*)?$""", re.M)


class _Places:
    """Where each warning goes: the line and column of a node of a claim.

    A file read by the fast reader has no positions yet, and reading them for
    the whole file costs seconds on a large store. So the claim's own lines are
    found (its "- id:" line, up to the next line indented no deeper) and only they
    are read for positions; the whole file is read only if that fails.
    """

    def __init__(self, origins: Origins, claim_ids: set[str]) -> None:
        self.origins = origins
        # claim id -> (offset, line and indentation of its "- id:" line), for the
        # claims to be placed that sit in a file without positions.
        self.starts: dict[str, tuple[int, int, int]] = {}
        self.blocks: dict[str, Any] = {}  # claim id -> positions in its own lines
        by_file: dict[int, tuple[Any, set[str]]] = {}
        for claim_id in claim_ids:
            file = origins[("claim", claim_id)][0]
            if getattr(file, "marks", None) is None and isinstance(getattr(file, "text", None), str):
                by_file.setdefault(id(file), (file, set()))[1].add(claim_id)
        for file, wanted in by_file.values():
            self._find_starts(file.text, wanted)

    def _find_starts(self, text: str, wanted: set[str]) -> None:
        found: dict[str, list[tuple[int, int]]] = {}
        for match in _ID_LINE.finditer(text):
            if match.group(3) in wanted:
                found.setdefault(match.group(3), []).append((match.start(), len(match.group(1))))
        # Only an id found once is surely the claim (a source or topic may share it).
        unique = sorted((spots[0], claim_id) for claim_id, spots in found.items() if len(spots) == 1)
        line, previous = 1, 0
        for (offset, indent), claim_id in unique:  # one sweep counts every line number
            line += text.count("\n", previous, offset)
            previous = offset
            self.starts[claim_id] = (offset, line, indent)

    def line_of(self, claim_id: str) -> tuple[Any, int | None]:
        """The file and first line of a claim."""
        file, loc = self.origins[("claim", claim_id)]
        if claim_id in self.starts:
            return file.shown, self.starts[claim_id][1]
        return file.shown, file.locate(loc)[0]

    def locate(self, claim_id: str, path: tuple[Any, ...]) -> tuple[Any, int | None, int | None]:
        file, loc = self.origins[("claim", claim_id)]
        if claim_id in self.starts:
            found = self._in_block(file.text, claim_id, path)
            if found is not None:
                return file.shown, *found
        line, column = file.locate((*loc, *path))
        return file.shown, line, column

    def _in_block(self, text: str, claim_id: str, path: tuple[Any, ...]) -> tuple[int, int] | None:
        from ..yamlread import YamlProblem, read_events

        start, first_line, indent = self.starts[claim_id]
        if claim_id not in self.blocks:
            end_of_block = re.compile(rf"^(?!\s*$)(?!\s*#)(?! {{{indent + 1}}})", re.M)
            following = end_of_block.search(text, text.find("\n", start) + 1)
            try:
                read = read_events(text[start : following.start() if following else len(text)])
            except YamlProblem:
                read = None
            data = read.data if read is not None else None
            item = data[0] if isinstance(data, list) and len(data) == 1 else None
            ok = isinstance(item, dict) and item.get("id") == claim_id and "positions" in item
            self.blocks[claim_id] = read.marks if ok and read is not None else None
        marks = self.blocks[claim_id]
        found = marks.locate((0, *path)) if marks is not None else None
        if found is None:
            return None
        return found[0] + first_line - 1, found[1]


Place = Callable[[str, tuple[Any, ...], str, str, "str | None"], Problem]


def _placer(origins: Origins, claim_ids: set[str]) -> tuple[Place, Callable[[str], str]]:
    """A maker of warnings on a claim's node, and a teller of where a claim is."""
    places = _Places(origins, claim_ids)

    def place(claim_id: str, path: tuple[Any, ...], code: str, message: str, source: str | None) -> Problem:
        shown, line, column = places.locate(claim_id, path)
        return Problem(shown, line, column, message, "warning", code, claim_id, source)

    def where(claim_id: str) -> str:
        shown, line = places.line_of(claim_id)
        return f"{shown}:{line}" if line else str(shown)

    return place, where


def near_duplicate_problems(
    ids: list[str], texts: list[str], origins: Origins, threshold: float
) -> list[Problem]:
    """The near-duplicate warnings of claims with these ids and texts, in store
    order, each placed on its claim's node (``origins``)."""
    pairs = near_duplicate_pairs(texts, threshold)
    if not pairs:
        return []
    place, where = _placer(origins, {ids[i] for pair in pairs for i in pair[:2]})
    problems = []
    for first, later, score in pairs:
        message = (
            f"claim {ids[later]!r} says nearly the same as claim {ids[first]!r} "
            f"({where(ids[first])}; {score:.0f}% alike, threshold {threshold:g}): "
            "merge them, or reword one so that each states its own proposition"
        )
        problems.append(place(ids[later], ("text",), "near-duplicate", message, None))
    return problems


def _reused_quotes(store: Store, origins: Origins) -> list[Problem]:
    # Quotes are compared as written: normalizing each (white space, typographic
    # marks) would triple the cost on 100,000 quotes, and a quote pasted twice is
    # the same string anyway. Most stores quote no text twice at all: one set
    # of the quotes (no new objects: 4 MB at 100,000 quotes) says so.
    claims = store.claims.values()
    quotes = list(map(attrgetter("quote"), chain.from_iterable(map(attrgetter("positions"), claims))))
    if len(set(quotes)) == len(quotes):  # C-level: 0.02 s at 100,000 quotes, half the loop's
        return []
    del quotes
    first_use: dict[tuple[str, str], str] = {}
    reused: list[tuple[str, int, str, str]] = []
    for claim in claims:
        for index, position in enumerate(claim.positions):
            earlier = first_use.setdefault((position.source, position.quote), claim.id)
            if earlier != claim.id:
                reused.append((claim.id, index, position.source, earlier))
    if not reused:
        return []
    place, where = _placer(origins, {r[0] for r in reused} | {r[3] for r in reused})
    problems = []
    for claim_id, index, source_id, earlier in reused:
        message = (
            f"the same quote of source {source_id!r} already backs claim {earlier!r} ({where(earlier)}); "
            "one passage rarely settles two claims: quote the words that address this one, "
            "or merge the claims"
        )
        problems.append(place(claim_id, ("positions", index, "quote"), "reused-quote", message, source_id))
    return problems
