"""Property tests: a mutated store never crashes, hangs or prints a traceback.

The mutators live in ``tools/fuzz_campaign.py`` (the long campaign run outside
CI); here hypothesis drives a few hundred examples of them.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from claimcmp.cli import app
from claimcmp.schema import is_valid_store_file
from claimcmp.yamlread import (
    YamlProblem,
    read_events,
    read_fast,
    read_fast_bytes,
    sequence_cuts,
    trusted_fast,
)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from fuzz_campaign import MUTATORS, SEED_PLAIN, SEED_STORE, same_data, write_seed

TIME_BOUND = 3.0  # seconds per example

edits = st.lists(
    st.tuples(st.sampled_from(MUTATORS), st.randoms(use_true_random=False)), min_size=1, max_size=4
)
raw_bytes = st.one_of(st.none(), st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=8)))


def apply(text: str, steps: list[tuple]) -> str:
    for mutator, rng in steps:
        text = mutator(rng, text)
    return text


def with_bytes(data: bytes, raw: tuple[float, bytes] | None) -> bytes:
    if raw is None:
        return data
    where, chunk = raw
    at = int(where * len(data))
    return data[:at] + chunk + data[at:]


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(steps=edits, raw=raw_bytes)
def test_check_never_crashes_on_a_mutated_store(steps: list[tuple], raw: tuple[float, bytes] | None) -> None:
    data = with_bytes(
        apply(SEED_STORE if len(steps) % 2 else SEED_PLAIN, steps).encode("utf-8", "surrogatepass"), raw
    )
    with tempfile.TemporaryDirectory() as folder:
        store = write_seed(Path(folder), data)
        started = time.perf_counter()
        result = CliRunner().invoke(app, ["--store", str(store), "check"], catch_exceptions=True)
        elapsed = time.perf_counter() - started
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    assert elapsed < TIME_BOUND, f"took {elapsed:.1f}s"


@settings(max_examples=300, deadline=None)
@given(steps=edits)
def test_both_yaml_readers_read_a_mutated_store_alike(steps: list[tuple]) -> None:
    """Whatever the fast reader accepts, the reference reader reads the same way."""
    text = apply(SEED_PLAIN, steps)
    fast = read_fast(text)
    if fast is None or not is_valid_store_file(fast):
        return  # the loader only ever uses what the fast reader gives when it is valid
    try:
        reference = read_events(text)
    except YamlProblem as problem:
        raise AssertionError(f"only the fast reader accepts it: {problem.message}") from None
    assert not reference.duplicates
    assert same_data(fast, reference.data)


# Claims whose scalars run over several lines, with blank lines and comments
# between them: where a text is cut into pieces (``sequence_cuts``), each of
# these ends, or leaves a piece unreadable.
MORE_CLAIMS = """\
  - id: over-lines
    topic: incidents
    text: "A quoted text
      - that runs on"
    positions:
      - {source: beta, stance: supports, quote: "they kept
          the road open"}

  # a comment between claims
  - id: plain-lines
    topic: incidents
    text: a plain text
      that runs on
    positions:
    - source: gamma
      stance: qualifies
      quote: |
        Some say the corridor
        was open
  - id: folded
    topic: mandate
    text: >-
      folded
  - id: last
    topic: mandate
    text: |
      kept
"""


@settings(max_examples=300, deadline=None)
@given(steps=edits, every=st.integers(1, 600))
def test_a_text_cut_into_pieces_reads_as_the_whole(steps: list[tuple], every: int) -> None:
    """Where every piece of a text cut by ``sequence_cuts`` reads as the loader
    wants it (the first a mapping with claims, the others sequences), the
    whole text reads, as the pieces together."""
    text = apply(SEED_PLAIN + MORE_CLAIMS, steps)
    raw = text.encode("utf-8", "surrogatepass")
    if not trusted_fast(text, raw):
        return
    cuts = sequence_cuts(raw, b"claims", every)
    if not cuts:
        return
    first = read_fast_bytes(raw[: cuts[0]])
    pieces = [
        read_fast_bytes(raw[start:end], top=list)
        for start, end in zip(cuts, [*cuts[1:], len(raw)], strict=True)
    ]
    if not isinstance(first, dict) or not isinstance(first.get("claims"), list) or None in pieces:
        return
    whole = read_fast_bytes(raw)
    assert isinstance(whole, dict), "the pieces read, the whole does not"
    assert same_data(whole, {**first, "claims": first["claims"] + [c for piece in pieces for c in piece]})


@pytest.mark.parametrize(
    ("text", "every", "pieces"),
    [
        ("a: 1\nclaims:\n- x: 1\n\n- y\n", 1, ["a: 1\nclaims:\n- x: 1\n\n", "- y\n"]),
        ("claims:\n- x: 1\n- y\n", 1, ["claims:\n- x: 1\n", "- y\n"]),
        # pieces of about 12 bytes, counted from the sequence's start
        (
            "a: 1\nclaims:\n  - x: 1\n  - y\n  - z\n  - w\n",
            12,
            ["a: 1\nclaims:\n  - x: 1\n  - y\n", "  - z\n  - w\n"],
        ),
        ("a: 1\nclaims:\n  - x: 1\n  - y\n  - z\n", 1000, None),  # smaller than a piece
        # the first item is always in the first piece
        (
            "a: 1\nclaims: # c\n\n  # x\n  - x: 1\n  - y\n",
            1,
            ["a: 1\nclaims: # c\n\n  # x\n  - x: 1\n", "  - y\n"],
        ),
        # a key after the last cut goes to the last piece (which then does not read)
        ("a: 1\nclaims:\n- x: 1\n- y\nb: 2\n", 1, ["a: 1\nclaims:\n- x: 1\n", "- y\nb: 2\n"]),
        ("a: 1\nclaims:\n- x: |\n\n- y\n", 1, None),  # an empty block scalar would end a piece
        ("a: 1\nclaimsx:\n- x: 1\n- y\n", 1, None),  # no claims key
        ("claims:\n- x: 1\nclaims:\n- y\n", 1, None),  # two
        ("a: 1\nclaims:\n  - x: 1\nb:\n  - y\n", 1, None),  # another key before the last cut
        ("a: 1\nclaims: [x, y]\n", 1, None),  # not a block sequence
        ("a: 1\nclaims:\n  - x: 1\n", 1, None),  # one item: nowhere to cut
        ("a: 1\r\nclaims:\r\n  - x: 1\r\n  - y\r\n", 1, None),  # CR line breaks: not cut
    ],
)
def test_where_a_text_is_cut(text: str, every: int, pieces: list[str] | None) -> None:
    cuts = sequence_cuts(text.encode(), b"claims", every)
    got = (
        [text[start:end] for start, end in zip([0, *cuts], [*cuts, len(text)], strict=True)] if cuts else None
    )
    assert got == pieces


def test_mutators_are_reproducible() -> None:
    first = apply(SEED_STORE, [(m, random.Random(7)) for m in MUTATORS])
    again = apply(SEED_STORE, [(m, random.Random(7)) for m in MUTATORS])
    assert first == again


@pytest.mark.parametrize(
    "text",
    [
        "a: b\x00c\nd: 1\n",  # yaml_rs ended the document at the NUL: 'd' vanished
        "d: |\n  no line break at the end",  # yaml_rs added a line break
        "d: |\n",
        "a: |+\n  x",
        "{[a]: 1}\n",  # yaml_rs made a tuple key
        "a: " + "[" * 70 + "]" * 70 + "\n",  # deeper than the event reader allows
        "a: " + "9" * 5000 + "\n",  # an integer too long to print
        "# the s\x85,ources\na: 1\n",  # NEL is a line break to one reader only
        "sources:\n\t\t\n  - x\n",  # a blank line with a tab
        "a: 1\n    : b\n",  # an empty key
        "a: 1\n\ufeff    b: 2\n",  # a byte order mark inside the text
        "a: {id: x, title:? 'y'}\n",  # ':' inside a plain scalar of a flow mapping
        "a: {id: x, p: :021}\n",
        "a: {x: 1, ?b: 2}\n",  # '?b' is a key to one reader, text to the other
        "a: {x: 1, y: >z}\n",  # a plain scalar starting with '>' in a flow mapping
        "a: [x, |y]\n",
        "a:\n" + "- " * 100_000 + "x\n",  # made yaml_rs overflow its stack (a segfault)
        "topics:\n-\tid: a\n  title: x\n",  # a tab after a block indicator
        "topics:\n  - id: a\n    title: x\r\t\r",  # a tab after a CR-only line break
        'topics:\n  - id: a\n    title: "\\ud83d\\ude00"\n',  # yaml_rs paired two surrogate escapes
        "topics:\n  - id: a\n    title: x\nversion: 0x" + "f" * 5000 + "\n",  # readable, not printable
    ],
)
def test_the_readers_agree_on_what_the_campaign_found(text: str) -> None:
    fast = read_fast(text)
    if fast is not None and not is_valid_store_file(fast):
        fast = None  # the loader reads an invalid file again with the event reader
    try:
        reference = read_events(text)
    except YamlProblem:
        assert fast is None
        return
    assert fast is None or same_data(fast, reference.data)
