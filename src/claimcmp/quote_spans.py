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
from dataclasses import dataclass

from .quotes import _BREAK, _segment_pattern, plain_marks, quote_segments

Span = tuple[int, int]

_WORD = re.compile(r"\S+")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def browser_text(raw: str) -> str:
    """The text as a browser holds it after parsing: line ends are ``\\n``."""
    return raw.replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True, slots=True)
class _Reading:
    """A normalised reading of a text, with where each of its words starts in the text."""

    flat: str
    flat_starts: list[int]  # offset in ``flat`` where each word starts
    raw_starts: list[int]  # offset in the text where the same word starts

    def to_raw(self, offset: int) -> int:
        """The offset in the text of the (non-space) character at ``offset`` of ``flat``."""
        word = bisect.bisect_right(self.flat_starts, offset) - 1
        return self.raw_starts[word] + offset - self.flat_starts[word]


def _reading(translated: str, hyphen: str) -> _Reading:
    """Like ``quotes._flatten``: words joined by one space, lines by one space, and a
    line that ends in a hyphen after a letter glued to the next with ``hyphen``."""
    flat: list[str] = []
    flat_starts: list[int] = []
    raw_starts: list[int] = []
    length = 0
    glue = ""
    line_start = 0
    for line in translated.split("\n"):
        words = [(m.start() + line_start, m.group()) for m in _WORD.finditer(line)]
        line_start += len(line) + 1
        if not words:
            continue
        if flat:
            flat.append(glue)
            length += len(glue)
        glue = " "
        last_at, last = words[-1]
        if len(last) >= 2 and last[-1] == "-" and (last[-2].isalnum() or last[-2] == "_"):
            glue = ""
            words[-1] = (last_at, last[:-1] + hyphen)
        for index, (at, word) in enumerate(words):
            if index:
                flat.append(" ")
                length += 1
            flat_starts.append(length)
            raw_starts.append(at)
            flat.append(word)
            length += len(word)
    return _Reading("".join(flat), flat_starts, raw_starts)


class SpanFinder:
    """A source text, prepared once for finding the spans of all its quotes."""

    def __init__(self, text: str) -> None:
        self.text = text
        translated = plain_marks(text)
        self._readings = [_reading(translated, "-")]
        self._breaks = self._readings[0].flat != _reading(translated, "").flat
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
        for reading in self._readings:
            found = _find_plain(reading, segments)
            if found is not None:
                return self._utf16(found)
        if self._breaks:
            found = self._find_mixed(segments)
            if found is not None:
                return self._utf16(found)
        return None

    def _find_mixed(self, segments: list[str]) -> list[Span] | None:
        """A quote that writes some broken words with their hyphen and some without."""
        if self._marked is None:
            self._marked = _reading(self._translated.replace(_BREAK, ""), _BREAK)
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


def _find_plain(reading: _Reading, segments: list[str]) -> list[Span] | None:
    spans: list[Span] = []
    start = 0
    for segment in segments:
        found = reading.flat.find(segment, start)
        if found < 0:
            return None
        end = found + len(segment)
        spans.append((reading.to_raw(found), reading.to_raw(end - 1) + 1))
        start = end
    return spans
