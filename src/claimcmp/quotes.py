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
from array import array
from dataclasses import dataclass
from itertools import accumulate, count, repeat
from operator import add

_EQUIVALENTS = {
    **dict.fromkeys("‘’‚‛′‹›`´", "'"),
    **dict.fromkeys("“”„‟″«»", '"'),
    **dict.fromkeys("‐‑‒–—―−⁃﹘﹣－", "-"),
}
# A hyphen that ends a line right after a letter: either a word broken across
# lines ("peace-\nkeepers") or a compound that happens to wrap ("Nagorno-\nKarabakh").
_ELLIPSIS = re.compile(r"\.\.\.|…")


def plain_marks(text: str) -> str:
    """Straight quotation marks and hyphens for typographic ones."""
    if text.isascii() and "`" not in text:
        return text
    # One C-speed scan per kind of mark, a replace for those present: 1.6x faster
    # on quotes and 6x on texts than a regex with a callback per match, and
    # str.translate with a table was slower still (measured).
    for mark, plain in _EQUIVALENTS.items():
        if mark in text:
            text = text.replace(mark, plain)
    return text


def normalize(text: str) -> str:
    """The form in which quotes and texts are compared."""
    return " ".join(plain_marks(text).split())


def quote_segments(quote: str) -> list[str]:
    """The non-empty, normalized pieces of a quote between ellipses."""
    if "..." not in quote and "…" not in quote:
        single = normalize(quote)
        return [single] if single else []
    return [s for s in (normalize(part) for part in _ELLIPSIS.split(quote)) if s]


def normalize_all(texts: list[str]) -> list[str]:
    """``normalize`` of each of many texts, in one pass over them all.

    The texts are joined with a NUL between them, normalized at once and cut
    again: 100,000 quotes take 0.1 s, against 0.18 s one call at a time
    (measured). Normalizing never moves a NUL or adds one, and white space
    next to a cut is trimmed, so each piece is exactly ``normalize`` of its text.
    """
    joined = "\x00".join(texts)
    if not texts or joined.count("\x00") != len(texts) - 1:  # a text holds a NUL itself
        return [normalize(text) for text in texts]
    joined = plain_marks(joined)
    # Quotes are mostly written on one line with single spaces: then there is
    # nothing to collapse, and the two checks (0.04 s for 100,000 quotes) save
    # the split and join (0.12 s). Every white space character but the space is
    # unprintable, and so is the NUL between the texts.
    if "  " in joined or not joined.replace("\x00", "").isprintable():
        joined = " ".join(joined.split())
    return list(map(str.strip, joined.split("\x00"), repeat(" ")))


def segments_all(quotes: list[str]) -> list[list[str]]:
    """``quote_segments`` of each of many quotes (see ``normalize_all``). A quote
    is cut at its ellipses after it is normalized: normalizing neither makes
    nor breaks a ``...`` or a ``…``."""
    segmented: list[list[str]] = []
    for quote in normalize_all(quotes):
        if "..." in quote or "…" in quote:
            segmented.append([s for s in map(str.strip, _ELLIPSIS.split(quote), repeat(" ")) if s])
        else:
            segmented.append([quote] if quote else [])
    return segmented


def word_index(flat: str) -> dict[str, int]:
    """Each word's first ``_KEY`` characters in a reading, with the offset of
    the first word that begins with them. Built at C speed (map, zip,
    accumulate): a Python loop over every word of every text cost a fifth of
    the anchoring."""
    starts = list(map(add, accumulate(map(len, flat.split(" ")), initial=0), count()))
    keys = map(flat.__getitem__, map(slice, starts, map(add, starts, repeat(_KEY))))
    return dict(zip(reversed(list(keys)), reversed(starts), strict=True))


def at_word(flat: str, segment: str, index: dict[str, int] | None = None) -> int:
    """Where ``segment`` stands at the first word of the reading that begins
    with its first ``_KEY`` characters, or -1 (also for a shorter segment).
    ``index`` (``word_index(flat)``) only makes it faster: a scan gives the same."""
    if len(segment) < _KEY:
        return -1
    key = segment[:_KEY]
    if index is not None:
        offset = index.get(key, -1)
    else:
        offset = flat.find(key)
        while offset > 0 and flat[offset - 1] != " ":
            offset = flat.find(key, offset + 1)
    return offset if offset >= 0 and flat.startswith(segment, offset) else -1


def first_places(
    flat: str, segments: list[str], *, at_word_first: bool = False, index: dict[str, int] | None = None
) -> list[int] | None:
    """Where each segment of a quote stands in a reading, or None.

    The first segment: with ``at_word_first``, at the first word where it
    stands (``at_word``) if the others follow it there; else at its leftmost
    place. Each later segment: at its first place after the one before. (A
    quote nearly always starts at a word: with an index, a lookup instead of a
    scan.) ``SourceText``, ``MappedText`` and ``quote_spans.SpanFinder`` all
    place quotes by this one rule, so the line ``check`` reports, the span the
    HTML report marks and the selector of an annotation agree.
    """
    if at_word_first:
        starts = _following(flat, segments, at_word(flat, segments[0], index))
        if starts is not None:
            return starts
    return _following(flat, segments, flat.find(segments[0]))


def _following(flat: str, segments: list[str], head: int) -> list[int] | None:
    """The first segment at ``head``, each later one at its first place after
    the one before; None if ``head`` is -1 or a segment is missing."""
    if head < 0:
        return None
    starts = [head]
    end = head + len(segments[0])
    for segment in segments[1:]:
        found = flat.find(segment, end)
        if found < 0:
            return None
        starts.append(found)
        end = found + len(segment)
    return starts


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
        translated = plain_marks(raw)
        self._translated = translated
        # Two readings of a hyphen at a line end: kept ("Nagorno-Karabakh") and
        # dropped ("peacekeepers"). A segment matches if either reading has it.
        flat, line_starts, self._has_breaks = _flatten(translated, hyphen="-")
        self._readings = [(flat, line_starts)]
        if self._has_breaks:
            self._readings.append(_flatten(translated, hyphen="")[:2])
        self._marked: tuple[str, list[int]] | None = None
        self._lookups = 0
        self._word_index: dict[str, int] | None = None
        self._closest: ClosestSearch | None = None  # for the closest passage, built on demand

    def find(self, quote: str) -> int | None:
        """The 1-based line where the quote starts, or None if it is not in the text."""
        segments = quote_segments(quote)
        return self.find_segments(segments) if segments else None

    def find_all(self, quotes: list[str]) -> list[int | None]:
        """``find`` of each quote, normalizing them all at once (``segments_all``)."""
        segmented = segments_all(quotes)
        if self._word_index is None and len(quotes) >= _INDEX_AFTER:
            self._build_index()
        find = self.find_segments
        return [find(segments) if segments else None for segments in segmented]

    def find_segments(self, segments: list[str]) -> int | None:
        """The 1-based line where the quote of these (normalized, non-empty)
        segments starts, or None.

        The rule every finder of quotes follows (``first_places``): in the
        first reading, from the first word at which the first segment stands,
        else from its leftmost place; then the leftmost place in the other
        reading; then the slow path for a quote that writes some broken words
        with their hyphen and some without. The answer depends on the quote and
        the text alone, never on which quotes were looked for before.
        """
        index = self._word_index
        if index is None and len(segments[0]) >= _KEY:
            self._lookups += 1
            if self._lookups >= _INDEX_AFTER:  # a scan is cheaper for a text's first few quotes
                self._build_index()
                index = self._word_index
        for number, (flat, line_starts) in enumerate(self._readings):
            starts = first_places(flat, segments, at_word_first=number == 0, index=index)
            if starts is not None:
                return bisect.bisect_right(line_starts, starts[0])
        if self._has_breaks:
            return self._find_mixed(segments)
        return None

    def _build_index(self) -> None:
        self._word_index = word_index(self._readings[0][0])

    def _find_mixed(self, segments: list[str]) -> int | None:
        """Slow path for a quote that spans several broken words, some of which
        it writes with their hyphen and some without."""
        if self._marked is None:
            self._marked = _flatten(self._translated.replace(_BREAK, ""), hyphen=_BREAK)[:2]
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
        """The passage most like the quote's first missing segment (for a hint);
        see ``ClosestSearch``."""
        if self._closest is None:
            self._closest = ClosestSearch(*self._readings[0])
        return self._closest.closest(quote)


# The closest passage: a text up to this long is searched whole for a short
# segment (a 500-character quote in 20,000 characters: ~10 ms); beyond it, only
# windows where the segment's rarer words (at most _RARE occurrences) vote for a
# start, in buckets of _BUCKET characters. A segment longer than 2 * _PIECE is
# compared in pieces of _PIECE characters.
_CLOSEST_TEXT = 20_000
_RARE = 50
_FEW = 6
_BUCKET = 64
_PIECE = 256


# After this many quotes of one source, index its words: cheaper than scanning.
# (Either way a quote is found at the same place: see ``find_segments``.)
_INDEX_AFTER = 24
_KEY = 16
_BREAK = "\x00"  # marks a hyphen at a line end in the slow path's reading


# The closest passage's word index is built a slice of the text at a time
# (each cut at a space), so the words split out at once stay few: splitting a
# 52 MB text whole, with a list of Python ints per word, peaked at ~1 GB.
_SLICE = 1 << 16


def _word_offsets(flat: str) -> dict[str, array[int]]:
    """Each word of a flat text (the text split at every space), with the
    offsets where it occurs, in order; the offsets in a compact ``array``
    (4 bytes each) instead of a list of Python ints (36 bytes each)."""
    typecode = "i" if len(flat) < 2**31 else "q"
    index: dict[str, array[int]] = {}
    get = index.get
    end = len(flat)
    low = 0
    while low <= end:
        high = flat.find(" ", low + _SLICE)
        if high < 0:
            high = end
        words = flat[low:high].split(" ")
        # offset of word i: the lengths of the words before it, plus a space each
        starts = map(add, accumulate(map(len, words), initial=0), count(low))
        for word, at in zip(words, starts, strict=False):  # starts has one more
            found = get(word)
            if found is None:
                found = index[word] = array(typecode)
            found.append(at)
        low = high + 1
    return index


class ClosestSearch:
    """The passage of a text closest to a quote that is not in it, for the hint
    of a ``quote-not-found`` problem; built from a text's first reading, with
    its word index on demand."""

    def __init__(self, flat: str, line_starts: list[int]) -> None:
        self._flat = flat
        self._line_starts = line_starts
        self._word_offsets: dict[str, array[int]] | None = None

    def closest(self, quote: str) -> Passage | None:
        """The passage most like the quote's first missing segment (for a hint).

        Bounded in time whatever the lengths: a short segment is aligned with
        the whole of a short text, else with a few windows of the text where its
        rarer words occur; a long segment is compared piece by piece along the
        passage where it starts, and the passage shown is where the first piece
        differs (see ``_CLOSEST_TEXT`` and ``_PIECE``).
        """
        flat, line_starts = self._flat, self._line_starts
        segments = quote_segments(quote)
        if not segments or not flat:
            return None
        target = max(segments, key=len)
        for segment in segments:
            if flat.find(segment) < 0:
                target = segment
                break
        long = len(target) > _PIECE * 2
        found = self._closest_long(target) if long else self._closest_short(target)
        if found is None:
            return None
        start, end, score = found
        start, end = _trim_to_quote(flat, *_widen_to_words(flat, start, end), target)
        line = bisect.bisect_right(line_starts, start)
        # Never "100% similar": the segment is not in the text.
        return Passage(flat[start:end], line, min(round(score, 1), 99.0))

    def _closest_short(self, target: str) -> tuple[int, int, float] | None:
        """(start, end, score) of the best alignment of a short segment."""
        from rapidfuzz import fuzz

        flat = self._flat
        if len(flat) <= _CLOSEST_TEXT:
            windows = [(0, len(flat))]
        else:
            margin = len(target) // 2 + 32
            windows = [(max(0, at - margin), at + len(target) + margin) for at in self._likely_starts(target)]
        best: tuple[int, int, float] | None = None
        for low, high in windows:
            alignment = fuzz.partial_ratio_alignment(target, flat[low:high])
            if alignment is not None and (best is None or alignment.score > best[2]):
                best = (low + alignment.dest_start, low + alignment.dest_end, alignment.score)
        return best

    def _closest_long(self, target: str) -> tuple[int, int, float] | None:
        """(start, end, score) for a long segment: where it most likely starts,
        then piece by piece along the text from there (each piece found exactly
        near where it is expected, or aligned within a small window). The score
        is the pieces' mean; the passage is the first piece that differs."""
        from rapidfuzz import fuzz

        flat = self._flat
        starts = self._likely_starts(target[: _PIECE * 8])
        if not starts:
            return None
        expected = starts[0]
        total = 0.0
        first_miss: tuple[int, int, float] | None = None
        for offset in range(0, len(target), _PIECE):
            piece = target[offset : offset + _PIECE]
            low, high = max(0, expected - _PIECE), expected + len(piece) + _PIECE
            at = flat.find(piece, low, high)
            if at >= 0:
                total += 100.0 * len(piece)
                expected = at + len(piece)
                continue
            alignment = fuzz.partial_ratio_alignment(piece, flat[low:high])
            if alignment is None:
                expected += len(piece)
                continue
            total += alignment.score * len(piece)
            if first_miss is None:
                # Show the text around the first character that differs.
                same = _common_prefix(piece, flat[expected : expected + len(piece)])
                show = max(0, expected + same - 60)
                first_miss = (show, show + 240, alignment.score)
            expected = low + alignment.dest_end
        if first_miss is None:
            return None
        return first_miss[0], first_miss[1], total / len(target)

    def _likely_starts(self, target: str) -> list[int]:
        """Up to three offsets of the text where the segment most likely starts:
        voted for by the occurrences of its rarer words."""
        flat = self._flat
        if self._word_offsets is None:
            self._word_offsets = _word_offsets(flat)
        words: list[tuple[int, int, array[int]]] = []  # (occurrences, offset in target, offsets in text)
        at = 0
        for word in target.split(" "):
            found = self._word_offsets.get(word)
            if found is not None:
                words.append((len(found), at, found))
            at += len(word) + 1
        # The rare words, or failing those the least common few.
        words.sort(key=lambda entry: entry[0])
        chosen = [entry for entry in words if entry[0] <= _RARE] or words[:_FEW]
        votes: dict[int, int] = {}
        for _count, offset, found in chosen[: _FEW * 4]:
            for where in found[: _RARE * 20]:
                bucket = (where - offset) // _BUCKET
                votes[bucket] = votes.get(bucket, 0) + 1
        best = sorted(votes, key=lambda bucket: (-votes[bucket], bucket))[:3]
        return [max(0, bucket * _BUCKET) for bucket in best]


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


def _flatten(text: str, *, hyphen: str) -> tuple[str, list[int], bool]:
    """Normalized text, the offset in it where each original line starts, and
    whether any line ends in a hyphen after a letter (read as ``hyphen``)."""
    breaks = False
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
            breaks = True
            joined = joined[:-1] + hyphen
        parts.append(joined)
        length += len(joined)
    return "".join(parts), line_starts, breaks


def _common_prefix(a: str, b: str) -> int:
    """The length of the longest common prefix of two strings."""
    n = 0
    while n < len(a) and n < len(b) and a[n] == b[n]:
        n += 1
    return n


# How far into a closest passage the quote's own first (or last) word is looked for.
_SLACK = 40


def _trim_to_quote(text: str, start: int, end: int, target: str) -> tuple[int, int]:
    """The passage from the quote's own first word to its last, where the
    alignment also took in the end of the sentence before ("kindergartens.
    There were eyewitness reports ...") or the start of the one after, and
    that word stands at a word's start (or end) within ``_SLACK`` characters."""
    words = target.split()
    if not words:
        return start, end
    first, last = words[0], words[-1]
    head = text.find(first, start, min(end, start + _SLACK + len(first)))
    while head > start and text[head - 1] != " ":
        head = text.find(first, head + 1, min(end, start + _SLACK + len(first)))
    if head > start:
        start = head
    tail = text.rfind(last, max(start, end - _SLACK - len(last)), end)
    while tail >= 0 and tail + len(last) < end and text[tail + len(last)] != " ":
        tail = text.rfind(last, max(start, end - _SLACK - len(last)), tail + len(last) - 1)
    if tail >= 0 and start < tail + len(last) < end:
        end = tail + len(last)
    return start, end


def _widen_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end


# -- where a quote stands in the raw text (for annotations) ------------------------------


def locate_segments(raw: str, quote: str) -> list[tuple[int, int]] | None:
    """The ``(start, end)`` offsets in ``raw`` of each segment of ``quote``, in
    order, or None where ``SourceText(raw).find(quote)`` finds nothing."""
    return MappedText(raw).locate(quote)


class MappedText:
    """A source's text, read as ``SourceText`` reads it, where every character
    of a reading remembers the offset in the raw text it came from.

    ``locate`` does the matching of ``SourceText.find`` (the same readings, tried
    in the same order) and answers with offsets, so that ``raw[start:end]`` is
    each segment exactly as it stands in the file: line breaks, typographic
    marks and broken words included.
    """

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self._translated = plain_marks(raw)  # one character for one: offsets stay those of raw
        self._readings: dict[str, tuple[str, list[int], bool]] = {}

    def _reading(self, hyphen: str) -> tuple[str, list[int], bool]:
        if hyphen not in self._readings:
            skip = _BREAK if hyphen == _BREAK else ""
            self._readings[hyphen] = _flatten_mapped(self._translated, hyphen=hyphen, skip=skip)
        return self._readings[hyphen]

    def locate(self, quote: str) -> list[tuple[int, int]] | None:
        """The raw ``(start, end)`` of each segment of ``quote``, or None if not found."""
        segments = quote_segments(quote)
        if not segments:
            return None
        for hyphen in ("-", ""):
            flat, offsets, has_breaks = self._reading(hyphen)
            starts = first_places(flat, segments, at_word_first=hyphen == "-")
            if starts is not None:
                return [
                    (offsets[start], offsets[start + len(segment) - 1] + 1)
                    for start, segment in zip(starts, segments, strict=True)
                ]
            if not has_breaks:
                return None  # the other readings are this one
        flat, offsets, _ = self._reading(_BREAK)
        spans: list[tuple[int, int]] = []
        start = 0
        for segment in segments:
            match = _segment_pattern(segment).search(flat, start)
            if match is None:
                return None
            start = match.end()
            spans.append((offsets[match.start()], offsets[match.end() - 1] + 1))
        return spans


def _flatten_mapped(text: str, *, hyphen: str, skip: str = "") -> tuple[str, list[int], bool]:
    """``_flatten``'s reading of ``text`` with the ``skip`` characters removed
    (as the slow path reads it), for each of its characters the offset in
    ``text`` it stands for, and whether any line ends in a broken word."""
    breaks = False
    chars: list[str] = []
    offsets: list[int] = []
    glue = ""
    line_start = 0
    for line in text.split("\n"):
        words: list[list[int]] = []  # each word as the offsets of its characters
        for match in _WORD.finditer(line):
            word = [line_start + i for i in range(match.start(), match.end()) if line[i] != skip]
            if word:
                words.append(word)
        line_start += len(line) + 1
        if not words:
            continue
        if chars and glue:
            chars.append(glue)  # the space that stands for the line break
            offsets.append(words[0][0] - 1)
        glue = " "
        for index, word in enumerate(words):
            if index:
                chars.append(" ")
                offsets.append(word[0] - 1)
            chars.extend(text[i] for i in word)
            offsets.extend(word)
        last = words[-1]
        if len(last) >= 2 and text[last[-1]] == "-" and (text[last[-2]].isalnum() or text[last[-2]] == "_"):
            glue = ""
            breaks = True
            if hyphen:
                chars[-1] = hyphen
            else:
                chars.pop()
                offsets.pop()
    return "".join(chars), offsets, breaks


# A run of characters that are not white space by ``str.split``'s reckoning.
_WORD = re.compile(r"\S+")
