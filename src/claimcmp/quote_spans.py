"""Where exactly a quote lies in its source text, as character offsets.

``check`` only needs the line a quote starts on (``quotes.SourceText.find``);
the HTML report must wrap the very passage in a ``<mark>``. This module finds
each segment of a quote with the same normalised matching as ``check`` (white
space, typographic marks, dashes, a hyphen at a line end read both ways) and
maps the match back to offsets in the text as written.

Offsets are counted in UTF-16 code units, because that is how a browser's
strings count (a character outside the Basic Multilingual Plane is two units).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from itertools import accumulate
from operator import add

from .quotes import _BREAK, _segment_pattern, first_places, plain_marks, quote_segments, word_index

Span = tuple[int, int]

_WORD = re.compile(r"\S+")
_LINE_END_HYPHEN = re.compile(r"-[^\S\n]*(?=\n)")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def browser_text(raw: str) -> str:
    """The text as the page holds it, so that offsets agree: line ends are ``\\n``
    (an HTML parser turns ``\\r\\n`` into ``\\n``), and a NUL, which the parser
    drops, is a replacement character."""
    return raw.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")


@dataclass(frozen=True, slots=True)
class _Reading:
    """A normalised reading of a text, with where each of its words starts in the text."""

    flat: str
    flat_starts: list[int]  # offset in ``flat`` where each word starts
    raw_starts: list[int]  # offset in the text where the same word starts
    # ``quotes.word_index`` of ``flat``, built on first use.
    index: dict[str, int] = field(default_factory=dict)

    def word_index(self) -> dict[str, int]:
        if not self.index and self.flat:
            self.index.update(word_index(self.flat))
        return self.index

    def to_raw(self, offset: int) -> int:
        """The offset in the text of the (non-space) character at ``offset`` of ``flat``."""
        word = bisect.bisect_right(self.flat_starts, offset) - 1
        return self.raw_starts[word] + offset - self.flat_starts[word]


def _reading(translated: str, hyphen: str) -> _Reading:
    """Like ``quotes._flatten``: the words joined by one space, except that a word
    ending a line in a hyphen after a letter is glued to the next, its hyphen read
    as ``hyphen``. Built with whole-text operations: a source has ~100k words."""
    raw_starts = [m.start() for m in _WORD.finditer(translated)]
    words = translated.split()
    if not words:
        return _Reading("", [], [])
    breaks = _line_end_hyphens(translated, raw_starts)
    glue = [1] * len(words)
    for index in breaks:
        glue[index] = 0
        words[index] = words[index][:-1] + hyphen
    pieces: list[str] = []
    previous = 0
    for index in breaks:
        pieces.append(" ".join(words[previous : index + 1]))
        previous = index + 1
    pieces.append(" ".join(words[previous:]))
    flat_starts = [0, *accumulate(map(add, map(len, words[:-1]), glue[:-1]))]
    return _Reading("".join(pieces), flat_starts, raw_starts)


def _line_end_hyphens(translated: str, raw_starts: list[int]) -> list[int]:
    """Indices of the words that end a line with a hyphen right after a letter, digit or ``_``."""
    found: list[int] = []
    for match in _LINE_END_HYPHEN.finditer(translated):
        at = match.start()
        before = translated[at - 1] if at else " "
        if before.isalnum() or before == "_":
            found.append(bisect.bisect_right(raw_starts, at) - 1)
    return found


class SpanFinder:
    """A source text, prepared once for finding the spans of all its quotes."""

    def __init__(self, text: str) -> None:
        self.text = text
        translated = plain_marks(text)
        self._readings = [_reading(translated, "-")]
        self._breaks = _LINE_END_HYPHEN.search(translated) is not None
        if self._breaks:
            self._readings.append(_reading(translated, ""))
        self._translated = translated
        self._marked: _Reading | None = None
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]

    def spans(self, quote: str) -> list[Span] | None:
        """The ``[start, end)`` offsets of each segment of the quote, in UTF-16 units;
        None when the quote is not in the text."""
        segments = quote_segments(quote)
        if not segments:
            return None
        for number, reading in enumerate(self._readings):
            # The place check finds (``quotes.first_places``), as offsets in the text.
            starts = first_places(
                reading.flat, segments, at_word_first=number == 0, index=reading.word_index()
            )
            if starts is not None:
                return self._utf16(
                    [
                        (reading.to_raw(start), reading.to_raw(start + len(segment) - 1) + 1)
                        for start, segment in zip(starts, segments, strict=True)
                    ]
                )
        if self._breaks:
            found = self._find_mixed(segments)
            if found is not None:
                return self._utf16(found)
        return None

    def _find_mixed(self, segments: list[str]) -> list[Span] | None:
        """A quote that writes some broken words with their hyphen and some without."""
        if self._marked is None:
            # A NUL in the text becomes a space, not nothing as in ``quotes``: offsets stay put.
            self._marked = _reading(self._translated.replace(_BREAK, " "), _BREAK)
        reading = self._marked
        spans: list[Span] = []
        start = 0
        for segment in segments:
            match = _segment_pattern(segment).search(reading.flat, start)
            if match is None:
                return None
            spans.append((reading.to_raw(match.start()), reading.to_raw(match.end() - 1) + 1))
            start = match.end()
        return spans

    def _utf16(self, spans: list[Span]) -> list[Span]:
        if not self._astral:
            return spans
        # Each character outside the BMP before an offset adds one UTF-16 unit.
        return [
            (s + bisect.bisect_left(self._astral, s), e + bisect.bisect_left(self._astral, e))
            for s, e in spans
        ]
