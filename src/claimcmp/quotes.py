"""Finding a quote in its source text.

Matching ignores differences in white space (line breaks, runs of spaces,
non-breaking spaces, a line break after a hyphen), between typographic and
straight quotation marks and apostrophes, and between kinds of dash. It does
not ignore case or any other character. An ellipsis (``...`` or ``…``) splits a
quote into segments that must be found in that order.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_QUOTE_MARKS = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′‹›`´", "'"),
        **dict.fromkeys("“”„‟″«»", '"'),
        **dict.fromkeys("‐‑‒–—―−⁃﹘﹣－", "-"),
    }
)
_WHITESPACE = re.compile(r"\s+")
# A hyphen that ends a line right after a letter: either a word broken across
# lines ("peace-\nkeepers") or a compound that happens to wrap ("Nagorno-\nKarabakh").
_HYPHEN_AT_END = re.compile(r"\w-[^\S\n]*\n")
_ELLIPSIS = re.compile(r"\.\.\.|…")


def normalize(text: str) -> str:
    """The form in which quotes and texts are compared."""
    return _WHITESPACE.sub(" ", text.translate(_QUOTE_MARKS)).strip()


def quote_segments(quote: str) -> list[str]:
    """The non-empty, normalized pieces of a quote between ellipses."""
    return [s for s in (normalize(part) for part in _ELLIPSIS.split(quote)) if s]


@dataclass(frozen=True, slots=True)
class Passage:
    """The passage of a text closest to a quote that was not found."""

    text: str
    line: int
    similarity: float


class SourceText:
    """A source's text, normalized once for all of its quotes."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        translated = raw.translate(_QUOTE_MARKS)
        # Two readings of a hyphen at a line end: kept ("Nagorno-Karabakh") and
        # dropped ("peacekeepers"). A segment matches if either reading has it.
        self._translated = translated
        self._readings = [_flatten(translated, hyphen="-")]
        self._has_breaks = bool(_HYPHEN_AT_END.search(translated))
        if self._has_breaks:
            self._readings.append(_flatten(translated, hyphen=""))
        self._marked: tuple[str, list[int]] | None = None

    def find(self, quote: str) -> int | None:
        """The 1-based line where the quote starts, or None if it is not in the text."""
        segments = quote_segments(quote)
        if not segments:
            return None
        for flat, line_starts in self._readings:
            start = 0
            first = -1
            for segment in segments:
                found = flat.find(segment, start)
                if found < 0:
                    break
                if first < 0:
                    first = found
                start = found + len(segment)
            else:
                return bisect.bisect_right(line_starts, first)
        if self._has_breaks:
            return self._find_mixed(segments)
        return None

    def _find_mixed(self, segments: list[str]) -> int | None:
        """Slow path for a quote that spans several broken words, some of which
        it writes with their hyphen and some without."""
        if self._marked is None:
            self._marked = _flatten(self._translated.replace(_BREAK, ""), hyphen=_BREAK)
        flat, line_starts = self._marked
        start = 0
        first = -1
        for segment in segments:
            match = _segment_pattern(segment).search(flat, start)
            if match is None:
                return None
            if first < 0:
                first = match.start()
            start = match.end()
        return bisect.bisect_right(line_starts, first)

    def closest(self, quote: str) -> Passage | None:
        """The passage most like the quote's first missing segment (for a hint)."""
        from rapidfuzz import fuzz

        flat, line_starts = self._readings[0]
        segments = quote_segments(quote)
        if not segments or not flat:
            return None
        target = max(segments, key=len)
        for segment in segments:
            if flat.find(segment) < 0:
                target = segment
                break
        alignment = fuzz.partial_ratio_alignment(target, flat)
        if alignment is None:
            return None
        start, end = alignment.dest_start, alignment.dest_end
        start, end = _widen_to_words(flat, start, end)
        line = bisect.bisect_right(line_starts, start)
        return Passage(flat[start:end], line, round(alignment.score, 1))


_BREAK = "\x00"  # marks a hyphen at a line end in the slow path's reading


def _segment_pattern(segment: str) -> re.Pattern[str]:
    """A pattern where a marked line-end hyphen stands for '-' or for nothing."""
    out: list[str] = []
    for i, char in enumerate(segment):
        if char == "-":
            out.append("[-\x00]")
            continue
        out.append(re.escape(char))
        if char.isalnum() and i + 1 < len(segment) and segment[i + 1].isalnum():
            out.append("\x00?")
    return re.compile("".join(out))


def _flatten(text: str, *, hyphen: str) -> tuple[str, list[int]]:
    """Normalized text, and the offset in it where each original line starts."""
    parts: list[str] = []
    line_starts: list[int] = []
    length = 0
    glue = ""
    for line in text.split("\n"):
        words = line.split()
        if not words:
            line_starts.append(length + (len(glue) if parts else 0))
            continue
        if parts:
            parts.append(glue)
            length += len(glue)
        line_starts.append(length)
        joined = " ".join(words)
        glue = " "
        if len(joined) >= 2 and joined[-1] == "-" and (joined[-2].isalnum() or joined[-2] == "_"):
            glue = ""
            joined = joined[:-1] + hyphen
        parts.append(joined)
        length += len(joined)
    return "".join(parts), line_starts


def _widen_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end
