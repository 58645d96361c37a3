"""The curator's workbench: a new store from a folder of texts, and finding passages.

``init_store`` writes a store with one source per text. ``locate`` finds the
passages of a source's text that best match a piece of text, exact or
paraphrased; ``suggest`` finds, for a claim, the passages of the sources silent
on it that most likely address it. How passages are cut and scored is told in
docs/workbench.md.
"""

from __future__ import annotations

import bisect
import heapq
import math
import re
import statistics
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

from .models import Claim, Store
from .problems import ClaimcmpError, UnknownNameError
from .quotes import _flatten, normalize
from .suggest import closest_names

TITLE_CHARS = 200

# -- init ---------------------------------------------------------------------------------


class InitError(ClaimcmpError):
    """A folder of texts that cannot become a store."""


@dataclass(frozen=True, slots=True)
class NewSource:
    """A source of a new store: its id, title, and text file relative to the YAML file."""

    id: str
    title: str
    file: str


def slug_of(name: str) -> str:
    """A source id from a file name: accents dropped, lowercase, runs of other
    characters turned into one '-'. Empty when nothing of the name is usable."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9._]+", "-", ascii_name.lower()).strip("-._")


def plan_store(folder: Path) -> tuple[Path, list[NewSource]]:
    """Where the new store goes, and its sources; InitError if it cannot be made."""
    store_file = folder / "data" / "claims.yaml"
    if not folder.is_dir():
        raise InitError(f"{folder}: no such folder; make it and put the texts in {folder / 'texts'}")
    if store_file.exists() or store_file.is_symlink():
        raise InitError(f"{store_file} already exists; init never overwrites a store (nothing changed)")
    texts = folder / "texts"
    found = texts.glob("*.txt") if texts.is_dir() else ()
    # Hidden files are left out: the store may not name them (store-format.md).
    visible = (p for p in found if not p.name.startswith("."))
    paths = sorted(visible, key=lambda p: (p.name.casefold(), p.name))
    if not paths:
        raise InitError(
            f"no texts in {texts}: put each source's plain text there as a UTF-8 file ending in .txt"
        )
    by_id: dict[str, Path] = {}
    sources = []
    for path in paths:
        slug = slug_of(path.stem)
        if not slug:
            raise InitError(f"{path}: the file name gives no usable id; rename it with letters a-z or digits")
        if slug in by_id:
            raise InitError(
                f"{by_id[slug].name} and {path.name} both give the source id {slug!r}; rename one of them"
            )
        by_id[slug] = path
        if not path.is_file():
            raise InitError(f"{path}: not a regular file")
        root = folder.resolve()
        if root not in path.resolve().parents:
            # check refuses a text outside the store's root (store-format.md).
            raise InitError(f"{path} links to a file outside {folder}; copy the text in instead")
        sources.append(NewSource(slug, _title_of(path), f"../texts/{path.name}"))
    return store_file, sources


def _title_of(path: Path) -> str:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        row = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise InitError(
            f"{path}:{row}:{column}: not UTF-8: byte 0x{raw[error.start]:02x} cannot be decoded; "
            "save the file as UTF-8 (e.g. iconv -f cp1252 -t utf-8)"
        ) from None
    for line in text.splitlines():
        # Control characters (a form feed, an escape) have no place in a title.
        title = " ".join("".join(c if c.isprintable() else " " for c in line).split())
        if title:
            return title[:TITLE_CHARS].rstrip()
    raise InitError(f"{path}: the text is empty; a source needs its text (or remove the file)")


def store_yaml(sources: Sequence[NewSource]) -> str:
    """The new store's YAML: written by PyYAML's emitter, then read back to make sure."""
    import yaml

    data: dict[str, Any] = {
        "version": 1,
        "sources": [{"id": s.id, "title": s.title, "file": s.file} for s in sources],
        "topics": [],
        "claims": [],
    }

    class Dumper(yaml.SafeDumper):
        """Lists indented under their key, as in the store format's examples."""

        def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
            super().increase_indent(flow, False)

    body = yaml.dump(
        data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False
    )
    header = (
        "# claimcmp store, format version 1: made by 'claimcmp init'.\n"
        "# Add topics and claims; 'claimcmp locate SOURCE TEXT' finds the quotes.\n"
    )
    text = header + body
    if yaml.safe_load(text) != data:  # never write a store that does not say what we meant
        raise InitError("internal error: the store YAML did not read back as written")
    return text


def init_store(folder: Path) -> tuple[Path, list[NewSource]]:
    """Make FOLDER/data/claims.yaml from FOLDER/texts/*.txt; never overwrites."""
    store_file, sources = plan_store(folder)
    text = store_yaml(sources)
    store_file.parent.mkdir(parents=True, exist_ok=True)
    try:
        # 'x': fails if the file appeared since we looked, rather than overwrite it.
        with open(store_file, "x", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
    except FileExistsError:
        raise InitError(f"{store_file} already exists; init never overwrites a store") from None
    except OSError as error:
        raise InitError(f"{store_file}: cannot write: {error.strerror or error}") from None
    return store_file, sources


# -- passages -----------------------------------------------------------------------------

# A sentence ends at . ! ? or … (with any closing quotes or brackets), before
# white space and what can begin a sentence: a quotation mark, a bracket, a
# digit, or a letter that is not a lowercase ASCII one ("U.S. officials" is
# one sentence; "Мы" and "Élysée" may begin one).
_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s+[\"'“‘«(\[\d]|\s+[^\W\d_a-z])")
# Words a full stop follows without ending the sentence.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st gen col lt sgt maj capt prof no vs etc e.g i.e cf fig approx ca "  # noqa: SIM905
    "jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n".split()
)
MAX_WINDOW = 3  # sentences per passage


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a text: its character offsets, and its paragraph's number."""

    start: int
    end: int
    paragraph: int


def sentences(text: str) -> list[Sentence]:
    """The sentences of a text, in order.

    A paragraph ends at a blank line, or at a line break after a line clearly
    shorter than the text's usual line (a heading, a paragraph's last line in a
    text wrapped at a fixed width, or any line of a text with one paragraph a line).
    """
    lines = text.split("\n")
    lengths = [len(line.strip()) for line in lines if line.strip()]
    usual = statistics.median(lengths) if lengths else 0
    found: list[Sentence] = []
    offset = 0
    paragraph = 0
    block_start: int | None = None
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped and block_start is None:
            block_start = offset
        offset += len(line) + 1
        last = index == len(lines) - 1
        short = bool(stripped) and len(stripped) < 0.75 * usual and not stripped.endswith(("-", ","))
        if block_start is not None and (not stripped or short or last):
            end = offset - 1 if stripped else offset - len(line) - 1
            _split_block(text, block_start, min(end, len(text)), paragraph, found)
            paragraph += 1
            block_start = None
    return found


def _split_block(text: str, start: int, end: int, paragraph: int, found: list[Sentence]) -> None:
    here = start
    for match in _END.finditer(text, start, end):
        word = text[max(start, match.start() - 6) : match.start()].split()
        before = word[-1].lower() if word else ""
        if (len(before) == 1 and before.isalpha()) or before in _ABBREVIATIONS:
            continue  # an initial ("A. Author") or an abbreviation ("Dr. Smith")
        _add(text, here, match.end(), paragraph, found)
        here = match.end()
    _add(text, here, end, paragraph, found)


def _add(text: str, start: int, end: int, paragraph: int, found: list[Sentence]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if any(c.isalnum() for c in text[start:end]):
        found.append(Sentence(start, end, paragraph))


def quote_form(passage: str) -> str:
    """A passage as one line, as a quote in the store: white space runs made one
    space, a line-end hyphen kept and joined ('Nagorno-\\nKarabakh' ->
    'Nagorno-Karabakh'); every other character as in the file."""
    return _flatten(passage, hyphen="-")[0]


# English function words: they match anywhere and say nothing of the topic.
_STOPWORDS = frozenset(
    "the and for from with that this these those was were are has have had been being not but "  # noqa: SIM905
    "its their they them than then there which who whom whose what when where while will would "
    "can could should may might must also into onto over under about after before between "
    "such very more most some any all each other only own same our your his her him she".split()
)


def _stems(text: str) -> str:
    """What the scorers compare: lowercase words of letters and digits, each cut
    to its first six characters (a crude stemmer: 'prevented' and 'preventing'
    both read 'preven'); words under three letters and function words left out."""
    words = re.findall(r"\w+", plain_lower(text))
    return " ".join(w[:6] for w in words if (len(w) > 2 or w.isdigit()) and w not in _STOPWORDS)


def plain_lower(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


@dataclass(frozen=True, slots=True)
class Window:
    """Up to MAX_WINDOW consecutive sentences of one paragraph."""

    start: int
    end: int
    flat: str  # the passage normalized as quotes are compared
    stems: str
    terms: frozenset[str]


# How a window's score is made (docs/workbench.md tells why): the share of the
# query's word weight the window holds (recall) and of the window's it matches
# (precision), words weighted by rarity in this text; blended with rapidfuzz's
# token_set_ratio, which gives partial credit to spelling variants.
RECALL, PRECISION, FUZZY = 0.8 * 0.8, 0.8 * 0.2, 0.2


class SourcePassages:
    """A source's text cut into passages, ready to score."""

    def __init__(self, source_id: str, text: str) -> None:
        self.source_id = source_id
        self.text = text
        self.line_starts = [0, *(i + 1 for i, c in enumerate(text) if c == "\n")]
        found = sentences(text)
        windows: list[Window] = []
        for i, first in enumerate(found):
            for j in range(i, min(i + MAX_WINDOW, len(found))):
                if found[j].paragraph != first.paragraph:
                    break
                raw = text[first.start : found[j].end]
                stems = _stems(raw)
                flat = normalize(quote_form(raw))
                windows.append(Window(first.start, found[j].end, flat, stems, frozenset(stems.split())))
        self.windows = windows
        frequency: dict[str, int] = {}
        for window in windows:
            for term in window.terms:
                frequency[term] = frequency.get(term, 0) + 1
        count = len(windows)
        self._weights = {t: math.log((count + 1) / (f + 0.5)) for t, f in frequency.items()}
        self._unseen = math.log((count + 1) / 0.5)  # a word the text does not have
        self._totals = [sum(self._weights[t] for t in w.terms) or 1.0 for w in windows]
        self._postings: dict[str, list[int]] = {}
        for w, window in enumerate(windows):
            for term in window.terms:
                self._postings.setdefault(term, []).append(w)

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based line and column (in characters) of an offset."""
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def scores(self, queries: Sequence[str]) -> list[list[float]]:
        """For each query, the score (0-100) of every window: 100 when the window
        holds the query's exact words, else at most 99."""
        return [self._row(query) for query in queries]

    def _row(self, query: str) -> list[float]:
        from rapidfuzz import fuzz, process

        stems = _stems(query)
        terms = set(stems.split())
        fuzzy = [0.0] * len(self.windows)
        # extract() runs in C over every window (cdist would need numpy).
        choices = [w.stems for w in self.windows]
        for _, score, w in process.extract(stems, choices, scorer=fuzz.token_set_ratio, limit=None):
            fuzzy[w] = score
        shared = [0.0] * len(self.windows)
        for term in terms:
            weight = self._weights.get(term, 0.0)
            for w in self._postings.get(term, ()):
                shared[w] += weight
        query_total = sum(self._weights.get(t, self._unseen) for t in terms) or 1.0
        flat = normalize(query)
        row = []
        for w, window in enumerate(self.windows):
            if flat and flat in window.flat:
                row.append(100.0)
                continue
            overlap = RECALL * shared[w] / query_total + PRECISION * shared[w] / self._totals[w]
            row.append(min(99.0, 100 * overlap + FUZZY * fuzzy[w]))
        return row

    def candidates(self, query: str, keep: int = 40) -> dict[int, float]:
        """The scores of the ``keep`` windows that share the most word weight with
        the query (the others share none or little, and score low): for the
        many queries of suggest, where scoring every window of every text for
        every claim would cost seconds."""
        from rapidfuzz import fuzz

        stems = _stems(query)
        terms = set(stems.split())
        shared: dict[int, float] = {}
        for term in terms:
            weight = self._weights.get(term)
            if weight is not None:
                for w in self._postings[term]:
                    shared[w] = shared.get(w, 0.0) + weight
        query_total = sum(self._weights.get(t, self._unseen) for t in terms) or 1.0
        overlap = {
            w: RECALL * weight / query_total + PRECISION * weight / self._totals[w]
            for w, weight in shared.items()
        }
        if len(overlap) > keep:
            overlap = dict(heapq.nlargest(keep, overlap.items(), key=itemgetter(1)))
        flat = normalize(query)
        scores = {}
        for w, part in overlap.items():
            window = self.windows[w]
            if flat and flat in window.flat:
                scores[w] = 100.0
            else:
                scores[w] = min(99.0, 100 * part + FUZZY * fuzz.token_set_ratio(stems, window.stems))
        return scores


@dataclass(frozen=True, slots=True)
class Hit:
    """A passage of a source's text, and how well it matches."""

    source: str
    line: int
    column: int
    passage: str  # exactly as in the file
    quote: str  # the passage as a quote for the store
    score: float
    claim: str | None = None  # for suggest: the claim it may address

    def as_json(self, *, with_yaml: bool = False) -> dict[str, Any]:
        item: dict[str, Any] = {}
        if self.claim is not None:
            item["claim"] = self.claim
        item |= {
            "source": self.source,
            "line": self.line,
            "column": self.column,
            "passage": self.passage,
            "score": self.score,
        }
        if with_yaml:
            item["yaml"] = position_yaml(self.source, self.quote)
        return item


def best_hits(
    passages: SourcePassages, scores: Mapping[int, float], limit: int, claim: str | None = None
) -> list[Hit]:
    """The best ``limit`` windows by score (window number -> score), none
    overlapping a better one.

    Ties go to the shorter window (so an exact sentence beats the windows that
    merely contain it), then to the earlier one.
    """
    windows = passages.windows
    order = sorted(scores, key=lambda w: (-scores[w], windows[w].end - windows[w].start, windows[w].start))
    taken: list[tuple[int, int]] = []
    hits: list[Hit] = []
    for w in order:
        if len(hits) >= limit or scores[w] <= 0:
            break
        window = passages.windows[w]
        if any(window.start < end and start < window.end for start, end in taken):
            continue
        taken.append((window.start, window.end))
        raw = passages.text[window.start : window.end]
        line, column = passages.position(window.start)
        hits.append(Hit(passages.source_id, line, column, raw, quote_form(raw), round(scores[w], 1), claim))
    return hits


def read_passages(store: Store, source_id: str) -> SourcePassages:
    """A source's text, cut into passages; ClaimcmpError if it has none."""
    if source_id not in store.sources:
        raise UnknownNameError("source", source_id, closest_names(source_id, store.sources))
    path = store.source_paths.get(source_id)
    if path is None:
        raise ClaimcmpError(f"source {source_id!r} has no 'file': add the path of a plain-text copy")
    return SourcePassages(source_id, _read(path))


def _read(path: Path) -> str:
    # The store was checked: the file is inside its root, a UTF-8 regular file.
    try:
        return path.read_text(encoding="utf-8").removeprefix("\ufeff")
    except (OSError, UnicodeDecodeError) as error:
        raise ClaimcmpError(f"cannot read {path}: {error}") from None


def locate(store: Store, source_id: str, text: str, *, limit: int = 5) -> list[Hit]:
    """The passages of the source's text that best match ``text``, best first."""
    if not text.strip():
        raise ClaimcmpError("the text to locate is empty")
    passages = read_passages(store, source_id)
    return best_hits(passages, dict(enumerate(passages.scores([text])[0])), limit)


# -- suggest ------------------------------------------------------------------------------


def _claim_scores(passages: SourcePassages, claims: Sequence[Claim]) -> list[dict[int, float]]:
    """Per claim, its candidate windows' scores: the best over the claim's text
    and its quotes, the text counting fully and a quote at 90% (a quote speaks
    in one source's words, the text for the claim)."""
    best: list[dict[int, float]] = []
    for claim in claims:
        mine = passages.candidates(claim.text)
        for position in claim.positions:
            for w, score in passages.candidates(position.quote).items():
                if score * 0.9 > mine.get(w, 0.0):
                    mine[w] = score * 0.9
        best.append(mine)
    return best


def silent_sources(store: Store, claim: Claim) -> list[str]:
    """The sources with a text that take no position on the claim, in store order."""
    taken = {p.source for p in claim.positions}
    return [s for s in store.sources if s not in taken and store.source_paths.get(s) is not None]


def suggest(store: Store, claim_id: str, *, limit: int = 3) -> list[Hit]:
    """For each source silent on the claim, its ``limit`` passages most likely to
    address it; all of them best first."""
    if claim_id not in store.claims:
        raise UnknownNameError("claim", claim_id, closest_names(claim_id, store.claims))
    claim = store.claims[claim_id]
    hits: list[Hit] = []
    for source_id in silent_sources(store, claim):
        passages = read_passages(store, source_id)
        hits.extend(best_hits(passages, _claim_scores(passages, [claim])[0], limit, claim.id))
    return sorted(hits, key=lambda h: -h.score)


def suggest_all(
    store: Store, *, limit: int | None = None, progress: Callable[[int, int], None] | None = None
) -> list[Hit]:
    """The store's coverage gaps: for every claim and every source silent on it,
    that source's best passage; strongest first (then by claim and source order)."""
    order = {claim_id: i for i, claim_id in enumerate(store.claims)}
    hits: list[Hit] = []
    with_text = [s for s in store.sources if store.source_paths.get(s) is not None]
    for done, source_id in enumerate(with_text):
        claims = [c for c in store.claims.values() if c.stance_of(source_id) is None]
        if claims:
            passages = read_passages(store, source_id)
            for claim, scores in zip(claims, _claim_scores(passages, claims), strict=True):
                hits.extend(best_hits(passages, scores, 1, claim.id))
        if progress is not None:
            progress(done + 1, len(with_text))
    source_order = {s: i for i, s in enumerate(store.sources)}
    hits.sort(key=lambda h: (-h.score, order[h.claim or ""], source_order[h.source]))
    return hits if limit is None else hits[:limit]


# -- YAML for a position ------------------------------------------------------------------

# Characters a YAML double-quoted scalar must escape: its own quote and
# backslash, and what a YAML reader takes as a line break or refuses.
_YAML_BREAKS = {"\x85", "\u2028", "\u2029", "\ufeff"}


def yaml_string(value: str) -> str:
    """``value`` as a YAML double-quoted scalar that reads back exactly."""
    out = ['"']
    for char in value:
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif char in _YAML_BREAKS or not char.isprintable():
            code = ord(char)
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def position_yaml(source_id: str, quote: str, stance: str = "supports") -> str:
    """A position ready to paste under a claim's ``positions:``."""
    return f"- source: {source_id}\n  stance: {stance}\n  quote: {yaml_string(quote)}\n"
