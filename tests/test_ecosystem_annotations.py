"""`export --annotations`: W3C Web Annotations whose selectors point at exactly
the quoted text of each source's file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from claimcmp.quotes import _BREAK, SourceText, _flatten, _flatten_mapped, locate_segments, quote_segments
from conftest import ALPHA, STORE, invoke

ROOT = Path(__file__).resolve().parent.parent


def read_text(path: Path) -> str:
    """A source text as a Web Annotation client reads it: every character kept."""
    return path.read_bytes().decode("utf-8").removeprefix("\ufeff")


def check_selectors(collection: dict[str, Any], root: Path) -> int:
    """Assert every target's selectors point at exactly their text; the number of targets."""
    assert collection["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert collection["type"] == "AnnotationCollection"
    page = collection["first"]
    assert page["type"] == "AnnotationPage"
    assert page["partOf"] == collection["id"]
    assert collection["total"] == len(page["items"])
    targets = 0
    for item in page["items"]:
        assert item["type"] == "Annotation"
        assert item["id"].startswith("urn:uuid:")
        for target in item["target"]:
            quote, position = target["selector"]
            text = read_text(root / target["source"])
            start, end = position["start"], position["end"]
            assert position["type"] == "TextPositionSelector"
            assert quote["type"] == "TextQuoteSelector"
            assert text[start:end] == quote["exact"]
            assert quote["prefix"] == text[max(0, start - 32) : start]
            assert quote["suffix"] == text[end : end + 32]
            targets += 1
    return targets


def test_the_test_store_by_hand(runner: CliRunner, store: Path) -> None:
    code, output = invoke(runner, "export", "--annotations")
    assert code == 0
    collection = json.loads(output)
    assert collection["total"] == 6
    assert check_selectors(collection, store.parent.parent) == 7  # the ellipsis quote has two targets
    items = collection["first"]["items"]
    # parukh / alpha: a word broken across lines, found exactly as the file has it.
    refutes = items[1]
    assert refutes["body"] == [
        {
            "type": "TextualBody",
            "purpose": "describing",
            "format": "text/plain",
            "value": "Peacekeepers prevented the capture of Parukh.",
        },
        {"type": "TextualBody", "purpose": "classifying", "value": "refutes"},
        {
            "type": "TextualBody",
            "purpose": "commenting",
            "format": "text/plain",
            "value": "hyphen at a line end in the text",
        },
    ]
    [target] = refutes["target"]
    assert target["source"] == "seeds/alpha.txt"
    assert target["scope"] == "https://example.org/alpha"
    quote, position = target["selector"]
    assert quote["exact"] == "The peace-\nkeepers did not prevent the capture of Parukh village"
    assert quote["suffix"] == " in March 2022.\n"
    assert quote["prefix"] == "wed automatically — unless one side objects.\n\n"[-32:]
    assert position["start"] == ALPHA.index("The peace-\nkeepers")
    # five-year-term / alpha: one target per segment of the ellipsis quote.
    first, second = items[4]["target"]
    assert first["selector"][0]["exact"] == "a five-year term that\nrenews automatically"
    assert second["selector"][0]["exact"] == "unless one side objects"
    assert first["selector"][1]["end"] < second["selector"][1]["start"]
    # beta has no url: no scope.
    assert "scope" not in items[0]["target"][0]


def test_the_bundled_store(runner: CliRunner, tmp_path: Path) -> None:
    bundled = ROOT / "data" / "claims.yaml"
    code, output = invoke(runner, "--store", str(bundled), "export", "--annotations", "-o", "anno.jsonld")
    assert code == 0, output
    collection = json.loads((tmp_path / "anno.jsonld").read_text(encoding="utf-8"))
    positions = sum(
        len(claim["positions"])
        for claim in json.loads(invoke(runner, "--store", str(bundled), "export", "--json")[1])["claims"]
    )
    assert collection["total"] == positions
    assert check_selectors(collection, ROOT) >= positions
    # Deterministic: the same store gives the same file.
    assert invoke(runner, "--store", str(bundled), "export", "--annotations")[1] == (
        tmp_path / "anno.jsonld"
    ).read_text(encoding="utf-8")


def test_refuses_to_overwrite_a_source_text(runner: CliRunner, store: Path) -> None:
    text = store.parent.parent / "seeds" / "beta.txt"
    before = text.read_bytes()
    code, output = invoke(runner, "export", "--annotations", "-o", str(text))
    assert code == 1
    assert "refusing to overwrite a file of the store" in output
    assert text.read_bytes() == before


def test_typographic_marks_and_spaces_are_kept_in_exact() -> None:
    raw = "He said: “the  corridor\u00a0is — open”.\r\nEnd"
    assert locate_segments(raw, 'said: "the corridor is - open"') == [(3, 34)]
    assert raw[3:34] == "said: “the  corridor\u00a0is — open”"
    assert locate_segments(raw, "said ... End") == [(3, 7), (37, 40)]
    assert locate_segments(raw, "closed") is None
    assert locate_segments(raw, "...") is None


def test_a_mixed_reading_of_broken_words() -> None:
    # "peace-keepers" keeps its hyphen, "Nagorno Karabakh" drops it: only the slow path finds this.
    raw = "the peace-\nkeepers of Nagorno-\nKarabakh left"
    assert locate_segments(raw, "peace-keepers of NagornoKarabakh") == [(4, 39)]
    assert SourceText(raw).find("peace-keepers of NagornoKarabakh") == 1


TEXT = "ab -\n\u00a0“”'‘—…x\r"
ALPHABET = st.sampled_from(list(TEXT))
WITH_NUL = st.sampled_from([*TEXT, "\x00"])  # the slow path's marker, which it drops from a text


@settings(max_examples=300, deadline=None)
@given(raw=st.text(WITH_NUL, max_size=40))
def test_the_mapped_readings_are_the_readings(raw: str) -> None:
    for hyphen in ("-", ""):
        flat, offsets, breaks = _flatten_mapped(raw, hyphen=hyphen)
        assert (flat, breaks) == tuple(_flatten(raw, hyphen=hyphen)[::2])
        assert len(offsets) == len(flat)
        assert offsets == sorted(offsets)
    flat, offsets, _ = _flatten_mapped(raw, hyphen=_BREAK, skip=_BREAK)
    assert flat == _flatten(raw.replace(_BREAK, ""), hyphen=_BREAK)[0]


@settings(max_examples=300, deadline=None)
@given(raw=st.text(ALPHABET, max_size=40), data=st.data())
def test_found_exactly_when_check_finds_it(raw: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(raw)))
    end = data.draw(st.integers(start, len(raw)))
    quote = raw[start:end]
    spans = locate_segments(raw, quote)
    assert (spans is None) == (SourceText(raw).find(quote) is None)
    if spans is not None:
        assert len(spans) == len(quote_segments(quote))
        for (a, b), segment in zip(spans, quote_segments(quote), strict=True):
            assert 0 <= a < b <= len(raw)
            # The span, read as check reads a text, holds the segment.
            assert SourceText(raw[a:b]).find(segment) == 1


def test_sources_without_a_text_file(runner: CliRunner, make_store: Callable[..., Path]) -> None:
    text = STORE.replace("    file: ../seeds/beta.txt\n", "    url: https://example.org/beta\n").replace(
        "    file: ../seeds/gamma.txt\n", ""
    )
    make_store(text)
    code, output = invoke(runner, "export", "--annotations")
    assert code == 0, output
    items = json.loads(output)["first"]["items"]
    assert items[0]["target"] == [
        {
            "type": "SpecificResource",
            "source": "https://example.org/beta",
            "selector": {
                "type": "TextQuoteSelector",
                "exact": "Peacekeepers prevented the capture of Parukh village",
            },
        }
    ]
    assert items[3]["target"] == [
        {
            "type": "SpecificResource",
            "source": {"type": "Text", "title": "A Third Voice"},
            "selector": {
                "type": "TextQuoteSelector",
                "exact": "Some say the corridor was open; others disagree.",
            },
        }
    ]
