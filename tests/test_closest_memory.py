"""The closest-passage hint's word index stays small beside its text (issue 17):
a 52 MB text whose one quote was a near miss peaked at ~1 GB, because the index
split the whole text at once and kept a list of Python ints per word."""

from __future__ import annotations

import random
import tracemalloc

from claimcmp.quotes import ClosestSearch, _word_offsets, normalize


def _flat_text(words: int, seed: int, vocabulary: int = 3000) -> str:
    rng = random.Random(seed)
    vocab = ["".join(rng.choice("abcdefghij") for _ in range(rng.randint(2, 8))) for _ in range(vocabulary)]
    return " ".join(rng.choice(vocab) for _ in range(words))


def test_the_word_index_costs_less_than_twice_the_text() -> None:
    flat = _flat_text(400_000, seed=5)  # about 2 MB of ASCII: 1 byte a character
    assert 1_500_000 < len(flat) < 2_500_000
    tracemalloc.start()
    try:
        index = _word_offsets(flat)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # 400,000 offsets at 4 bytes, 3,000 words: well under 2 bytes a character.
    # The whole-text split with int lists took about 14 bytes a character here.
    assert peak < 2 * len(flat), peak
    assert sum(map(len, index.values())) == 400_000


def test_the_word_index_is_exact() -> None:
    # worked out by hand: word -> offsets where it starts
    index = _word_offsets("ab c ab  d ")
    assert {word: list(found) for word, found in index.items()} == {
        "ab": [0, 5],
        "c": [3],
        "": [8, 11],
        "d": [9],
    }


def test_slices_cut_at_spaces_give_the_same_index_as_one_split() -> None:
    flat = _flat_text(60_000, seed=7)  # several slices of 64 KB
    whole: dict[str, list[int]] = {}
    at = 0
    for word in flat.split(" "):
        whole.setdefault(word, []).append(at)
        at += len(word) + 1
    assert {word: list(found) for word, found in _word_offsets(flat).items()} == whole


def test_a_near_miss_in_a_long_text_still_finds_its_passage() -> None:
    # 200,000 words from 40,000: rare words (at most 50 occurrences) vote for the start
    flat = normalize(_flat_text(200_000, seed=9, vocabulary=40_000))
    start = flat.index(" ", 700_000) + 1
    quote = flat[start : start + 200]
    quote = quote[:100] + "#" + quote[101:]
    passage = ClosestSearch(flat, [0]).closest(quote)
    assert passage is not None
    assert passage.similarity >= 95
    assert flat[start + 20 : start + 80] in passage.text
