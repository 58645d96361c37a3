"""Reading and checking a store.

``check_store`` reads every file of a store and validates it against the schema
(``_Checker``, one file alone, its results kept per file by the cache: ``Memo``,
``_Unit``), merges the files into one store, runs the rules of ``checks`` on it
(references, based_on, dates, similarity), then reads the source texts and
anchors every quote in its text (``_Anchoring``, the ``checks.quotes`` rule,
file by file for the cache). It never stops at the first problem: it returns
all of them, each with the file, line and column of the YAML node at fault.
The wording of schema errors is ``schema_messages``'s.

On a large store, parts of the check run in forked children on another core
(``forked.Beside``): some files (``_file_units``), a large file's guard
(``_guard_beside``), half of the quotes' search or the slow rules
(``_rules_and_search``). Each child computes what this process would, so
the result is the same without them.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import marshal
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import validators
from .checks import RULES, SLOW_RULES, CheckInput, Rule
from .checks.quotes import hidden_part, missing_quote, no_source_file, refused_text_file
from .checks.similarity import near_duplicate_problems, near_duplicates
from .checks.summary import ClaimsSummary, quiet, shared, summarize_claims
from .columns import claim_columns, claims_of
from .forked import Beside, can_fork
from .models import CheckReport, CheckResult, Claim, Counts, Position, Source, Store, Topic, summarize
from .problems import Problem, Severity, StoreError, problem_from_plain, problem_plain
from .quotes import SourceText
from .schema_messages import describe_error, error_code, top_level_message
from .storepath import display, real_path, store_files, store_root
from .thresholds import DEFAULT_THRESHOLD
from .yamlread import (
    Loc,
    Marks,
    YamlProblem,
    fast_reader,
    read_events,
    read_fast,
    read_fast_bytes,
    sequence_cuts,
    trusted_fast,
)

if TYPE_CHECKING:
    from pydantic_core import ValidationError

# The validators (``validators``, and perhaps pydantic) are built where a file
# is validated, not here: a check whose files all come from the cache does
# without them (~0.1 s).

# Larger source texts are refused rather than read into memory whole.
MAX_TEXT_BYTES = 64 * 1024 * 1024

_KINDS = {"sources": "source", "topics": "topic", "claims": "claim"}


@dataclass(eq=False)
class _File:
    """One YAML file being checked, with its positions found on demand."""

    path: Path
    shown: Path
    text: str | None  # None for a file whose results came from the cache: read on demand
    data: Any = None
    marks: Marks | None = None
    fast: bool = False  # data came from yaml_rs, not from the reference reader
    # The pieces of the file's claims past those in ``data`` (``_first_piece``).
    rest: _Pieces | None = None

    def content(self) -> str:
        """The file's text, read again if it was dropped."""
        if self.text is None:
            self.text = _read_text(self.path, self.shown, [], Path.read_bytes) or ""
        return self.text

    def locate(self, loc: Loc, *, key: bool = False) -> tuple[int | None, int | None]:
        if self.marks is None:
            try:
                self.marks = read_events(self.content()).marks
            except YamlProblem:
                self.marks = Marks()
        found = self.marks.locate(loc, key=key)
        return found if found is not None else (None, None)

    def problem(
        self,
        loc: Loc,
        message: str,
        *,
        code: str,
        key: bool = False,
        warning: bool = False,
        claim: str | None = None,
        source: str | None = None,
    ) -> Problem:
        line, column = self.locate(loc, key=key)
        severity: Severity = "warning" if warning else "error"
        return Problem(self.shown, line, column, message, severity, code, claim, source)


@dataclass(frozen=True, slots=True)
class _QuoteJob:
    """A quote to find in its source's text, and where to report it if absent."""

    file: _File
    loc: Loc
    quote: str
    anchor: tuple[str, str] | None  # (claim id, source id), None for a claim left out


ReadBytes = Callable[[Path], bytes]


class Memo:
    """What a cache offers a check, and what it learns from it.

    The check calls ``probe`` on every path before it uses it (YAML files and the
    source texts, as named, whether or not they exist), ``known_digest`` to learn a
    file's content digest without reading it, and ``read`` with the digest of each
    file it read. Results that depend on one YAML file alone come from
    ``load_unit`` and go back through ``save_unit``. This base class remembers
    nothing: it is the check without a cache.
    """

    # What a recording memo (the cache's) keeps for its manifest.
    started: int = 0  # when the check began, in ns: what "too recent to trust" is measured from
    listing: list[str] | None = None  # a folder store's YAML files, as listed
    states: dict[str, list[Any]]  # path as named -> [what it resolves to, signature, digest]
    rebuilt: bool = False  # whether any file or text was checked again
    used: set[tuple[str, bytes]]  # (path, digest) of the session's units this check used
    # Whether a file is best checked in a forked child, which saves its results
    # where this process then loads them from (a cache folder; not a session,
    # whose process holds the other files' results in memory already).
    units_beside: bool = False

    def probe(self, path: Path) -> None:
        """The check is about to look at ``path``."""

    def known_digest(self, path: Path) -> bytes | None:
        """The digest of the content at ``path`` if it is known without reading it."""
        return None

    def read(self, path: Path, digest: bytes) -> None:
        """The check read ``path`` (a YAML file, or a source text that decoded)."""

    def load_unit(self, path: Path, shown: Path, digest: bytes, *, lean: bool = False) -> _Unit | None:
        """The results for the YAML file at ``path`` with this content, if kept;
        ``lean``: without its claims, if the memo can (``_Unit.lean``)."""
        return None

    def save_unit(self, unit: _Unit) -> None:
        """Keep the results for one YAML file."""

    def previous_unit(self, unit: _Unit) -> _Unit | None:
        """The kept results for the version of this file the last check saw, if
        it differs from ``unit``'s (its quotes found then need no search now)."""
        return None

    def claim_texts(self, path: Path, digest: bytes) -> ClaimTexts | None:
        """The indices, ids and texts of the claims of the kept results for this
        content, read without the rest of them, if kept."""
        return None


class _NotLean(Exception):
    """What a check with lean units needed from the cache is gone: it is made
    again without them (``_report``)."""


# A file's valid claims: their indices in its list of claims, their ids, their texts.
ClaimTexts = tuple[list[int], list[str], list[str]]


def content_digest(data: bytes) -> bytes:
    """The digest that identifies a file's content in the cache."""
    return hashlib.blake2b(data, digest_size=20).digest()


# One file's quotes of one source text: the line where each claim's quote starts,
# by (claim id, source id); the quotes not found, as (claim id, claim index,
# problem); and the problems of the quotes of claims left out (they failed
# validation).
_Outcomes = tuple[dict[tuple[str, str], int], list[tuple[str, int, Problem]], list[Problem]]


def _found_before(previous: _Unit | None, source_id: str, key: tuple[str, bytes]) -> dict[str, int | None]:
    """Quote -> line, for the quotes of a source that a previous version of a
    file found in the same text."""
    done = previous.anchored.get(source_id) if previous is not None else None
    if previous is None or done is None or done[0] != key:
        return {}
    quotes = previous.quotes_of(source_id)
    counts: dict[str, int] = {}
    for claim_id, _, _, _ in quotes:
        counts[claim_id] = counts.get(claim_id, 0) + 1
    lines = done[1]
    return {
        quote: lines[(claim_id, source_id)]
        for claim_id, _, _, quote in quotes
        if counts[claim_id] == 1 and (claim_id, source_id) in lines
    }


@dataclass
class _Unit:
    """What a check finds in one YAML file alone: its items, its own problems, and
    its quotes anchored in each source text (by the text's shown path and digest).

    A cache keeps one per file, keyed by the file's content, so that after an edit
    only the edited file is read, validated and anchored again.
    """

    file: _File
    digest: bytes
    problems: list[Problem] = field(default_factory=list)
    items: dict[str, list[tuple[int, Any]]] = field(default_factory=dict)
    broken: set[tuple[str, str]] = field(default_factory=set)
    broken_topic_refs: set[str] = field(default_factory=set)
    orphans: dict[str, list[_QuoteJob]] = field(default_factory=dict)
    # source id -> ((shown path of the text, its digest), *the outcomes in it)
    anchored: dict[
        str,
        tuple[tuple[str, bytes], dict[tuple[str, str], int], list[tuple[str, int, Problem]], list[Problem]],
    ] = field(default_factory=dict)
    dirty: bool = True  # not yet saved as it is
    lost: set[str] = field(default_factory=set)  # claim ids another file took first (this check)
    # Its claims' summary (``checks.summary``), where known: a lean unit's
    # (``cache.decode_unit``), whose claims are not built, always.
    summary: ClaimsSummary | None = None
    lean: bool = False
    # A lean unit's texts its outcomes are of, as columns: their sources, shown
    # paths and digests (only its outcomes with a problem are in ``anchored``).
    lean_texts: tuple[list[str], list[str], list[bytes]] | None = None
    _quotes: dict[str, list[tuple[str, int, int, str]]] | None = None

    def reused(self) -> _Unit:
        """A copy for another check of the same content, in the same process
        (``cache.Session``): what a check adds to a unit (which of its claims
        another file took first, its anchors in texts read since) is its own."""
        return replace(self, anchored=dict(self.anchored), lost=set(), dirty=False, _quotes=None)

    def quotes_of(self, source_id: str) -> list[tuple[str, int, int, str]]:
        """(claim id, claim index, position index, quote) of every quote of
        ``source_id`` in this file; of a claim id's first claim only (a second
        claim of an id in the file is left out)."""
        if self._quotes is None:
            self._quotes = {}
            first_index: dict[str, int] = {}
            for index, claim in self.items.get("claims", ()):
                if first_index.setdefault(claim.id, index) != index:
                    continue
                for p_index, position in enumerate(claim.positions):
                    entry = (claim.id, index, p_index, position.quote)
                    self._quotes.setdefault(position.source, []).append(entry)
        return self._quotes.get(source_id, [])


class _Text:
    """A source text whose quotes are to be found: its key, and the text on demand.

    The text is held as read (``raw``) only while the texts held stay small
    (``_RAW_KEPT``); else it is read again when needed, and used only if its
    digest is still the key's. Its normalized reading (``SourceText``) is built
    on demand and, by ``search``, dropped after use: one text's at a time.
    """

    def __init__(self, key: tuple[str, bytes], loader: Callable[[], str | None], raw: str | None) -> None:
        self.key = key
        self._loader = loader
        self._raw = raw
        self._text: SourceText | None = None
        self.failed = False

    def load(self) -> SourceText | None:
        """The text's reading, kept for what follows (a missing quote's closest passage)."""
        if self._text is None:
            self._text = self._reading()
        return self._text

    def search(self, quotes: list[str]) -> list[int | None] | None:
        """The line of each quote in the text (``SourceText.find_all``); None if the
        text cannot be read after all. Its reading is not kept."""
        text = self._text or self._reading()
        self.drop()  # read again if a missing quote's closest passage needs it
        return text.find_all(quotes) if text is not None else None

    def drop(self) -> None:
        """Let go of the text as read (it is read again if needed)."""
        self._raw = None

    def _reading(self) -> SourceText | None:
        raw = self._raw
        if raw is None and not self.failed:
            raw = self._loader()
            self.failed = raw is None
        return SourceText(raw) if raw is not None else None


# Source texts are held as read while together they take at most this much
# (a small store's all); the next ones are read again when their quotes are
# searched. Held during the rules, the 200 texts (11 MB as str) of the
# 20,000-claim store raised the check's peak from 244 to 251 MiB.
_RAW_KEPT = 2 * 1024 * 1024
# With at least this many quotes to look for, a forked child (``forked.Beside``)
# searches the first texts' share of them, ``_CHILD_SHARE``, while this process
# runs the rules and searches the rest (``_rules_and_search``). Fewer quotes are
# searched faster than a fork pays for.
PARALLEL_QUOTES = 20_000
_CHILD_SHARE = 0.64
# From this many claims on, and with no such search, the slow rules run in a
# forked child, while this process opens the texts and runs the other rules.
RULES_BESIDE_CLAIMS = 5_000
# From this size on, a YAML file's guard runs in a forked child (``_guard_beside``).
GUARD_BESIDE_BYTES = 4 * 1024 * 1024
_BOM = b"\xef\xbb\xbf"  # a UTF-8 byte order mark, dropped before a file is parsed
# From this size on, a trusted YAML file's claims are read a piece of about
# ``PIECE_BYTES`` at a time (``_first_piece``), and with a second core, a
# forked child reads the last ``_CHILD_PIECES`` of the pieces: a little under
# half, as the child also encodes its claims and this process decodes them.
PIECES_FROM_BYTES = 4 * 1024 * 1024
PIECE_BYTES = 2 * 1024 * 1024
_CHILD_PIECES = 0.47
# In a first check of a store in many files, the share of its bytes a forked
# child checks (``_files_beside``): a little under half, as the child also
# writes their results to the cache, and this process reads them back.
_FILES_BESIDE_SHARE = 0.45
# ... and only if this process has at least this many bytes of YAML to check or
# load meanwhile (else the child only costs a fork).
FILES_BESIDE_BYTES = 1024 * 1024


@dataclass
class _Checker:
    """Reads and validates one YAML file alone, collecting its problems."""

    problems: list[Problem] = field(default_factory=list)
    # Ids of items that failed validation (already reported): references to them
    # are not reported again, and the topics their claims name count as used.
    broken: set[tuple[str, str]] = field(default_factory=set)
    broken_topic_refs: set[str] = field(default_factory=set)
    # Quotes of claims that failed validation, by source id: checked all the same.
    orphan_quotes: dict[str, list[_QuoteJob]] = field(default_factory=dict)

    def parse(self, file: _File, raw: bytes | None = None, guard: Beside | None = None) -> _File | None:
        """The file with its data read, or None if it is not YAML (problems reported).

        With ``raw`` (the text's UTF-8 bytes), yaml_rs reads the bytes and the
        text is dropped first: a large store's text is not held three times
        over (as str, as the UTF-8 copy a str read makes, and as bytes).
        ``guard``: a child telling whether yaml_rs may read it (``_guard_beside``).
        """
        text = file.text or ""
        shown = file.shown
        if raw is not None and _trusted(text, raw, guard):
            file.text = text = None  # type: ignore[assignment]  # read again to place a problem
            data = _first_piece(file, raw) or read_fast_bytes(raw)
            if data is None:
                text = file.content()
        else:
            data = read_fast(text)
        file.fast = data is not None
        if data is None:
            try:
                result = read_events(text)
            except YamlProblem as problem:
                self.problems.append(_yaml_problem(shown, problem))
                return None
            data, file.marks = result.data, result.marks
            self.problems.extend(_yaml_problem(shown, d) for d in result.duplicates)
        file.data = data
        return file

    def validate(self, file: _File | None) -> dict[str, list[tuple[int, Any]]] | None:
        """The file's items, typed, each with its index (problems reported)."""
        if file is None:
            return None
        data = file.data
        if data is None:
            self.problems.append(
                file.problem(
                    (),
                    "the file is empty; a store file holds sources, topics or claims",
                    code="empty-file",
                    warning=True,
                )
            )
            return None
        if not isinstance(data, dict):
            self.problems.append(file.problem((), top_level_message(data), code="top-level-not-mapping"))
            return None
        file.data = None  # the raw data is not kept past its validation
        from pydantic_core import ValidationError

        rest, file.rest = file.rest, None
        try:
            items = _validate_whole(data, consume=file.fast)
            if rest is None or rest.add_to(items):
                return items
        except ValidationError:
            pass
        finally:
            if rest is not None:
                rest.close()
        if file.fast:
            # Problems are always found in what the reference reader reads, so
            # that they are the same, and placed, whichever reader ran first.
            try:
                result = read_events(file.content())
            except YamlProblem as problem:
                self.problems.append(_yaml_problem(file.shown, problem))
                return None
            data, file.marks, file.fast = result.data, result.marks, False
            self.problems.extend(_yaml_problem(file.shown, d) for d in result.duplicates)
            if not isinstance(data, dict):
                self.problems.append(file.problem((), top_level_message(data), code="top-level-not-mapping"))
                return None
        return self.validate_items(file, data)

    def validate_items(self, file: _File, data: dict[str, Any]) -> dict[str, list[tuple[int, Any]]]:
        """Validate item by item, so one bad item does not hide the others."""
        from pydantic import ValidationError

        from .schema import ITEMS, STORE_FILE

        items: dict[str, list[tuple[int, Any]]] = {section: [] for section in _KINDS}
        top = {key: value for key, value in data.items() if key not in _KINDS}
        top.update({section: [] for section in _KINDS if section in data})
        try:
            STORE_FILE.validate_python(top)
        except ValidationError as error:
            self.problems.extend(_validation_problems(file, (), error, None))
        for section, adapter in ITEMS.items():
            entries = data.get(section)
            if entries is None:
                continue
            if not isinstance(entries, list):
                self.problems.append(
                    file.problem(
                        (section,),
                        f"'{section}' must be a list (each item starting with '- ')",
                        code="wrong-type",
                    )
                )
                continue
            for index, entry in enumerate(entries):
                try:
                    items[section].append((index, _BUILD[section](adapter.validate_python(entry))))
                except ValidationError as error:
                    self.problems.extend(_validation_problems(file, (section, index), error, entry))
                    _remember_broken(self, _KINDS[section], entry, file, (section, index))
        return items


def _first_piece(file: _File, raw: bytes) -> Any | None:
    """The data of a large trusted file with only the first piece of its
    claims (``yamlread.sequence_cuts``); the other pieces, in ``file.rest``, are
    read as the file is validated (``_Pieces``), the last ones by a forked
    child. None where the file is small or cannot be cut, or its first piece
    does not read as a mapping with claims: the caller reads the whole file.

    Read whole, each half of the 22 MB of 20,000 claims took yaml_rs 90 MB;
    read 2 MB at a time, each piece validated before the next is read, the
    largest process of a cold check peaks at 165 MB instead of 247 MB, all of
    its processes together at 174 MB (docs/performance.md, the sixth pass)."""
    if len(raw) < PIECES_FROM_BYTES:
        return None
    cuts = sequence_cuts(raw, b"claims", PIECE_BYTES)
    if not cuts:
        return None
    view = memoryview(raw)
    pieces = [view[start:end] for start, end in zip(cuts, [*cuts[1:], len(raw)], strict=True)]
    mine = len(pieces) - round((len(pieces) + 1) * _CHILD_PIECES) if can_fork() else len(pieces)
    # The child takes its pieces; this process lets go of them (a child that
    # fails gives None here: the file is then read again whole).
    handed = [pieces[mine:]]
    child = Beside(lambda: _encoded_claims(handed.pop()) if handed else None) if mine < len(pieces) else None
    handed.clear()
    if child is not None and not child.forked:
        child, mine = None, len(pieces)
    rest = _Pieces(pieces[:mine], child)
    try:
        data = read_fast_bytes(view[: cuts[0]])
    except BaseException:
        rest.close()
        raise
    if not isinstance(data, dict) or not isinstance(data.get("claims"), list):
        rest.close()
        return None
    file.rest = rest
    return data


@dataclass
class _Pieces:
    """The pieces of a file's claims past its first (``_first_piece``): those
    this process reads, then those a forked child read (marshal data of their
    columns, ``_encoded_claims``)."""

    mine: list[memoryview]
    child: Beside | None

    def add_to(self, items: dict[str, list[tuple[int, Any]]]) -> bool:
        """Each piece's claims after the first piece's, indexed on; False if a
        piece does not read as a sequence or a claim of it does not validate
        (the file is then read again whole, by the reference reader)."""
        claims = items["claims"]
        while self.mine:
            got = _claims_of_piece(self.mine.pop(0))
            if got is None:
                return False
            claims.extend(enumerate(got, len(claims)))
        if self.child is not None:
            encoded, self.child = self.child.result(), None
            if not isinstance(encoded, list):
                return False
            for chunk in encoded:
                try:
                    got = claims_of(marshal.loads(chunk))
                except (ValueError, TypeError, EOFError):
                    return False
                claims.extend(enumerate(got, len(claims)))
        return True

    def close(self) -> None:
        self.mine = []
        if self.child is not None:
            self.child.close()


def _claims_of_piece(piece: memoryview) -> list[Claim] | None:
    """The claims of one piece of a file (a sequence), validated and typed, a
    thousand at a time, each thousand of raw data let go of once validated;
    None if the piece does not read as a sequence or a claim does not validate."""
    from pydantic_core import ValidationError

    raw_claims = read_fast_bytes(piece, top=list)
    if raw_claims is None:
        return None
    claims: list[Claim] = []
    try:
        for start in range(0, len(raw_claims), _CHUNK):
            valid: list[Any] = validators.claims().validate_python(raw_claims[start : start + _CHUNK])
            raw_claims[start : start + _CHUNK] = [None] * len(valid)
            claims += map(_claim, valid)
    except ValidationError:
        return None
    return claims


def _encoded_claims(pieces: list[memoryview]) -> list[bytes] | None:
    """(In a forked child) The claims of these pieces as marshal data of their
    columns (``columns.claim_columns``), one part per piece; None as soon as a
    piece does not read or validate (``_claims_of_piece``)."""
    encoded = []
    for piece in pieces:
        claims = _claims_of_piece(piece)
        if claims is None:
            return None
        encoded.append(marshal.dumps(claim_columns(claims)))
    return encoded


@contextmanager
def _guard_beside(raw: bytes) -> Iterator[Beside | None]:
    """For a large file, a forked child that decodes it and runs
    ``yamlread.trusted_fast`` on it while this process works out the file's
    digest and, if it is not in the cache, decodes it and imports what
    validation needs next (``_trusted``). At 20,000 claims (22 MB), the guard
    took 0.08 s, the digest 0.02 s and the import of the schema (and pydantic)
    0.07 s. None for a small file, or where no child can be used: ``_trusted``
    then runs the guard in this process."""
    # Not held here while the caller's block runs (the file is validated in
    # it): the bytes of 20,000 claims are 22 MB.
    held = [raw] if len(raw) >= GUARD_BESIDE_BYTES and can_fork() else []
    del raw
    if not held:
        yield None
        return
    # If the child fails, the answer is False, and the file's reading
    # (``yamlread.read_fast``) runs the guard again.
    with Beside(lambda: _guard_of(held.pop()) if held else False) as guard:
        held.clear()
        yield guard if guard.forked else None


def _guard_of(raw: bytes) -> bool:
    """(In a forked child) ``yamlread.trusted_fast`` of a file's bytes, as
    ``_file_unit`` hands them to ``_Checker.parse``: without a BOM, decoded.
    A text that is not UTF-8 is never parsed: False."""
    raw = raw.removeprefix(_BOM)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return trusted_fast(text, raw)


def _trusted(text: str, raw: bytes, guard: Beside | None) -> bool:
    """``yamlread.trusted_fast`` of a file: the guard child's answer, once this
    process has built the validators meanwhile; else worked out here."""
    if guard is None:
        return trusted_fast(text, raw)
    validators.store_file()  # built (or pydantic imported) while the child runs the guard
    fast_reader()  # and yaml_rs
    return bool(guard.result())


def _remember_broken(checker: _Checker, kind: str, entry: Any, file: _File, loc: Loc) -> None:
    """Note an item that failed validation: its id, the topic its claim names,
    and its claim's quotes (checked all the same)."""
    if not isinstance(entry, dict):
        return
    if isinstance(entry.get("id"), str):
        checker.broken.add((kind, entry["id"]))
    if kind != "claim":
        return
    if isinstance(entry.get("topic"), str):
        checker.broken_topic_refs.add(entry["topic"])
    # The claim is left out, but its quotes are still checked, so that one
    # run reports every problem.
    positions = entry.get("positions")
    for index, position in enumerate(positions if isinstance(positions, list) else ()):
        if isinstance(position, dict):
            source, quote = position.get("source"), position.get("quote")
            if isinstance(source, str) and isinstance(quote, str) and quote.strip():
                job = _QuoteJob(file, (*loc, "positions", index, "quote"), quote, None)
                checker.orphan_quotes.setdefault(source, []).append(job)


def _validation_problems(file: _File, base: Loc, error: ValidationError, entry: Any) -> Iterator[Problem]:
    """Each of a validation error's details as a problem. ``entry`` is the item
    that failed (None for the top level): the claim or source it is, and the
    source a position of it names, go into the problems about them."""
    for detail in error.errors(include_url=False, include_context=True, include_input=True):
        loc = (*base, *detail["loc"])
        if detail["type"] == "invalid_key":  # pydantic names the key 'None', not None
            loc = (*loc[:-1], detail["input"])
        message, key = describe_error(detail, loc)
        if detail["type"] == "missing":
            loc = loc[:-1]
        claim, source = _item_ids(base, entry, detail["loc"])
        yield file.problem(loc, message, code=error_code(detail, loc), key=key, claim=claim, source=source)


def _item_ids(base: Loc, entry: Any, loc: Loc) -> tuple[str | None, str | None]:
    """(claim, source) that a problem at ``loc`` in an item of section
    ``base[0]`` concerns: the item's own id if it is text, and for a problem
    in a claim's position, the source that position names."""
    if not base or not isinstance(entry, dict):
        return None, None
    item_id = entry.get("id")
    item_id = item_id if isinstance(item_id, str) else None
    if base[0] == "sources":
        return None, item_id
    if base[0] != "claims":
        return None, None
    source = None
    positions = entry.get("positions")
    if len(loc) > 1 and loc[0] == "positions" and isinstance(loc[1], int) and isinstance(positions, list):
        position = positions[loc[1]] if loc[1] < len(positions) else None
        named = position.get("source") if isinstance(position, dict) else None
        source = named if isinstance(named, str) else None
    return item_id, source


@dataclass
class _StoreCheck:
    """The check of a whole store: its files read (or taken from the cache),
    merged, the rules run, the source texts read and the quotes anchored."""

    path: Path
    cwd: Path
    memo: Memo = field(default_factory=Memo)
    problems: list[Problem] = field(default_factory=list)
    # Where each item came from: (kind, id) -> (file, loc of the item).
    origins: dict[tuple[str, str], tuple[_File, Loc]] = field(default_factory=dict)
    # Ids of items that failed validation, and the topics their claims name.
    broken: set[tuple[str, str]] = field(default_factory=set)
    broken_topic_refs: set[str] = field(default_factory=set)
    units: list[_Unit] = field(default_factory=list)
    near_duplicate: float = DEFAULT_THRESHOLD  # checks.similarity's threshold
    # Where each of the store's files leads (``os.path.realpath``), found once
    # per check: once per source text cost 20,000 ``realpath``s (0.5-0.9 s) for
    # 200 sources in 100 files.
    real_files: frozenset[str] | None = None
    raw_kept: int = 0  # characters of source text held as read (``_RAW_KEPT``)
    # The child of ``_file_units`` that finds the near-duplicates after an edit,
    # and the edited files (whose claims it read as they validate, or not).
    near_child: Beside | None = None
    near_changed: list[Path] = field(default_factory=list)
    # Whether the files' results may come from the cache without their claims
    # (lean units: ``report``), when only problems and counts are wanted.
    lean: bool = False

    def run(self, *, anchor_quotes: bool) -> CheckResult:
        try:
            return self._run(anchor_quotes=anchor_quotes)
        finally:
            if self.near_child is not None:
                self.near_child.close()

    def _run(self, *, anchor_quotes: bool) -> CheckResult:
        files = store_files(self.path)
        root = store_root(self.path)
        store = Store(root=root, files=files)
        if not files:
            message = "the folder holds no .yaml or .yml file"
            self.problems.append(Problem(self.shown(self.path), None, None, message, code="no-store-files"))
        self.units = _file_units(self, files, root)
        for unit in self.units:
            _merge(self, unit, store, ("sources", "topics"))
        anchoring = _Anchoring(self, store)
        opened: list[Problem] = []
        texts: list[tuple[str, _Text]] = []

        def open_texts() -> list[tuple[str, _Text]]:
            # The texts' problems follow the rules' (opened first, kept aside).
            before = len(self.problems)
            texts.extend(anchoring.open_texts())
            opened.extend(self.problems[before:])
            del self.problems[before:]
            return texts

        found_beside: dict[Rule, Callable[[], list[Problem] | None]] = {}
        if self.near_child is not None:  # after an edit, ``_file_units``'s child finds the near-duplicates
            found_beside[near_duplicates] = _near_duplicates_from(self)
        lean = any(unit.lean for unit in self.units)
        if lean:
            _build_where_needed(self, open_texts())
            found_beside[near_duplicates] = _near_duplicates_lean(
                self, files, found_beside.get(near_duplicates)
            )
        for unit in self.units:
            _merge(self, unit, store, ("claims",))
        elsewhere = self.broken_topic_refs.union(
            *(unit.summary.topics for unit in self.units if unit.summary is not None and unit.lean)
        )
        check = CheckInput(store, self.origins, self.broken, elsewhere, self.near_duplicate)

        def plans() -> list[_Plan]:
            if not lean:
                open_texts()
            return [anchoring.plan(source_id, text) for source_id, text in texts] if anchor_quotes else []

        texts_first = anchor_quotes and _quotes_to_find(self.units) >= PARALLEL_QUOTES
        applied: list[Problem] = []  # the quotes' problems follow the texts'

        def apply(plans: list[_Plan], results: list[list[int | None] | None]) -> None:
            before = len(self.problems)
            for plan, searched in zip(plans, results, strict=True):
                anchoring.apply(plan, searched)
                plan.todo, plan.wanted = [], []  # freed as it is applied
            applied.extend(self.problems[before:])
            del self.problems[before:]

        searching = _rules_and_search(check, plans, texts_first=texts_first, found_beside=found_beside)
        with searching as (planned, finish):
            self.problems.extend(finish(functools.partial(apply, planned)))
            self.problems.extend(opened)
            self.problems.extend(applied)
        for unit in self.units:
            unit._quotes = None  # only needed while anchoring
        self.problems.sort(key=_problem_order)
        for unit in self.units:
            if unit.dirty:
                self.memo.save_unit(unit)
        return CheckResult(store, self.problems)

    def shown(self, path: Path) -> Path:
        return display(path, self.cwd)


def _merge(check: _StoreCheck, unit: _Unit, store: Store, sections: tuple[str, ...]) -> None:
    """Add one file's items of these sections to the store (with sources,
    its own problems); report ids defined twice (``duplicate-id``)."""
    if "sources" in sections:
        check.problems.extend(unit.problems)
        check.broken |= unit.broken
        check.broken_topic_refs |= unit.broken_topic_refs
    file = unit.file
    for section in sections:
        entries = unit.items.get(section, ())
        table: dict[str, Any] = getattr(store, section)
        kind = _KINDS[section]
        for index, item in entries:
            loc: Loc = (section, index)
            if item.id in table:
                first_file, first_loc = check.origins[(kind, item.id)]
                if kind == "claim" and first_file is not file:
                    unit.lost.add(item.id)
                first_line = first_file.locate((*first_loc, "id"))[0]
                where = f"{first_file.shown}:{first_line}" if first_line else str(first_file.shown)
                check.problems.append(
                    file.problem(
                        (*loc, "id"),
                        f"duplicate {kind} id {item.id!r} (first defined at {where})",
                        code="duplicate-id",
                        claim=item.id if kind == "claim" else None,
                        source=item.id if kind == "source" else None,
                    )
                )
                continue
            table[item.id] = item
            check.origins[(kind, item.id)] = (file, loc)
            if section == "sources":
                store.source_paths[item.id] = (
                    (file.path.parent / item.file) if item.file is not None else None
                )


def _report(check: _StoreCheck) -> CheckReport:
    """Every problem and the store's counts, without building the claims of
    the files whose summaries say the rules find nothing in them (lean
    units, ``checks.summary``). The same as ``run``'s, counted."""
    try:
        result = check.run(anchor_quotes=True)
    except _NotLean:  # what a lean unit needed is gone from the cache: checked whole
        check = _StoreCheck(check.path, check.cwd, check.memo, near_duplicate=check.near_duplicate)
        result = check.run(anchor_quotes=True)
    lean = (unit.summary.counts for unit in check.units if unit.summary is not None and unit.lean)
    return CheckReport(result.problems, summarize(result.store, sum(lean, Counts())), result.store)


def _build_where_needed(check: _StoreCheck, texts: list[tuple[str, _Text]]) -> None:
    """Build the claims of each lean unit whose summary cannot tell that
    the rules find nothing in it (``checks.summary``), or whose quotes'
    outcomes in a text are not known (an edited text): the rules and the
    anchoring then run on them as on any file's."""
    sources: dict[str, Source] = {}  # as ``merge`` takes them: the first of an id
    for unit in check.units:
        for _, source in unit.items.get("sources", ()):
            sources.setdefault(source.id, source)
    topics = {topic.id for unit in check.units for _, topic in unit.items.get("topics", ())}
    summaries: list[ClaimsSummary] = []
    for unit in check.units:
        if unit.summary is None:  # kept: the unit's entry is written with it
            unit.summary = summarize_claims([claim for _, claim in unit.items.get("claims", ())])
        summaries.append(unit.summary)
    opened = (
        [source_id for source_id, _ in texts],
        [t.key[0] for _, t in texts],
        [t.key[1] for _, t in texts],
    )
    for at, (unit, summary, crossing) in enumerate(
        zip(check.units, summaries, shared(summaries), strict=True)
    ):
        if not unit.lean or unit.lean_texts is None:
            continue
        # Most often the same texts in the same order: one comparison.
        known = unit.lean_texts == opened or _knows(unit.lean_texts, texts)
        if known and not crossing and quiet(summary, sources, topics):
            continue
        whole = check.memo.load_unit(unit.file.path, unit.file.shown, unit.digest)
        if whole is None or whole.lean:
            raise _NotLean
        check.units[at] = whole


def _knows(lean_texts: tuple[list[str], list[str], list[bytes]], texts: list[tuple[str, _Text]]) -> bool:
    """Whether a lean unit's outcomes are of these very texts (its own may
    include others, since gone)."""
    keys = dict(zip(lean_texts[0], zip(lean_texts[1], lean_texts[2], strict=True), strict=True))
    return all(keys.get(source_id) == text.key for source_id, text in texts)


def _near_duplicates_lean(
    check: _StoreCheck, files: list[Path], from_child: Callable[[], list[Problem] | None] | None
) -> Callable[[], list[Problem] | None]:
    """The near-duplicates of a check with lean units, which never run on
    the store's claims (a part of them): the child's, else found here
    from the claims' texts in the cache (``_near_duplicates_of``)."""

    def problems() -> list[Problem] | None:
        found = from_child() if from_child is not None else None
        if found is not None:
            return found
        units = {unit.file.path: unit for unit in check.units}
        own = {
            path: _claims_checked(units.get(path))
            for path in files
            if path not in units or not units[path].lean
        }
        # A lean unit's digest: a file just written is hashed again (racy), not known.
        digests = {path: unit.digest for path, unit in units.items()}
        plain = _near_duplicates_of(check, files, own, digests)
        if plain is None:
            raise _NotLean
        return [problem_from_plain(problem) for problem in plain[1]]

    return problems


def _near_duplicates_from(check: _StoreCheck) -> Callable[[], list[Problem] | None]:
    """The near-duplicate rule's problems from ``check.near_child``, asked for
    when the rule runs: None unless it ran on this store's very claims (the
    same files' contents, in the same order, and the edited files' claims
    read as they validated)."""

    def problems() -> list[Problem] | None:
        child, check.near_child = check.near_child, None
        found = child.result() if child is not None else None
        units = {unit.file.path: unit for unit in check.units}
        with contextlib.suppress(Exception):  # anything wrong with what came back: found here
            digests, read, plain = found  # type: ignore[misc]
            checked = [_claims_checked(units.get(path)) for path in check.near_changed]
            if digests == [unit.digest for unit in check.units] and read == checked:
                return [problem_from_plain(problem) for problem in plain]
        return None

    return problems


def _file_units(check: _StoreCheck, files: list[Path], root: Path) -> list[_Unit]:
    """Each file's results, in order (``_file_unit``).

    When the cache keeps files' results on disk, a first check of a store in
    many files forks a child that checks the last files and saves their
    results while this process checks the others, then loads the child's
    (``_files_beside`` says which): each process checks about half of them.

    After an edit (the cache knows every other file), this process checks
    the edited files while a child finds the near-duplicate claims
    (``_near_duplicates_beside``), which ``run`` takes from it
    (``check.near_child``).
    """
    beside, after_edit = _files_beside(check, files)
    units: dict[Path, _Unit | None] = {}
    if after_edit:
        check.near_child = Beside(lambda: _near_duplicates_beside(check, files, beside))
        check.near_changed = [path for path in files if path in beside]
    elif beside:
        with Beside(lambda: _save_units_of(check, beside, root)) as child:
            for path in files:
                if path not in beside:
                    units[path] = _file_unit(check, path, root, lean=check.lean)
            # Their claims' summaries, which their cache entries keep, while
            # the child, which also writes entries, works on.
            for unit in units.values():
                if unit is not None and unit.summary is None:
                    unit.summary = summarize_claims([claim for _, claim in unit.items.get("claims", ())])
            child.result()
    for path in files:
        if path not in units:
            units[path] = _file_unit(check, path, root, lean=check.lean and path not in beside)
    return [unit for unit in (units[path] for path in files) if unit is not None]


def _files_beside(check: _StoreCheck, files: list[Path]) -> tuple[set[Path], bool]:
    """The files to check in a child (``_file_units``): those whose content the
    cache does not know, if it knows some others'; if it knows none, the last
    files, up to ``_FILES_BESIDE_SHARE`` of the bytes (the child also writes
    their results, and this process reads them). And whether the cache knows
    every other file (a check after an edit)."""
    if len(files) < 2 or not check.memo.units_beside or not can_fork():
        return set(), False
    changed = set()
    for path in files:
        check.memo.probe(path)
        if check.memo.known_digest(path) is None:
            changed.add(path)
    sizes = {path: _size(path) for path in files}
    first = len(changed) == len(files)  # the cache knows none of them
    meanwhile = sum(size for path, size in sizes.items() if first or path not in changed)
    if meanwhile < FILES_BESIDE_BYTES:
        return set(), False  # too little for this process to do meanwhile: the child only costs a fork
    if not first:
        return changed, True
    share, beside = sum(sizes.values()) * _FILES_BESIDE_SHARE, set()
    for path in reversed(files):
        share -= sizes[path]
        if share < 0:
            break
        beside.add(path)
    return beside, False


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _save_units_of(check: _StoreCheck, files: set[Path], root: Path) -> int:
    """Check these files and keep their results in the cache (in a child: see
    ``_file_units``)."""
    for path in files:
        unit = _file_unit(check, path, root)
        if unit is not None and unit.dirty:
            check.memo.save_unit(unit)
    return len(files)


def _near_duplicates_beside(
    check: _StoreCheck, files: list[Path], changed: set[Path]
) -> tuple[list[bytes], list[tuple[bytes, ClaimTexts] | None], list[tuple[Any, ...]]] | None:
    """(In the child of ``_file_units``, after an edit) the near-duplicates
    of the claims of the edited files as the fast reader reads them, not
    validated (``_claims_as_read``), and of the other files' claims in the
    cache (``_near_duplicates_of``); with the edited files' claims it read,
    in order, so that ``_near_duplicates_from`` uses the problems only if
    they are the claims this process validated. Meanwhile this process
    validates the edited files itself and reads the others' summaries: the
    two take about as long (0.1 s after an edit at 20,000 claims)."""
    read = {path: _claims_as_read(path) for path in files if path in changed}
    if None in read.values():
        return None  # not the claims that validate: found by this process
    found = _near_duplicates_of(check, files, read)
    if found is None:
        return None
    return found[0], list(read.values()), found[1]


def _claims_as_read(path: Path) -> tuple[bytes, ClaimTexts] | None:
    """A YAML file's content digest, and the indices, ids and texts of its
    claims as the fast reader reads them (validated or not); None if any
    claim has no id or text, or the file cannot be read so."""
    raw = _read_raw(path, path, [])
    if raw is None or not _guard_of(raw):
        return None
    data = read_fast_bytes(raw.removeprefix(_BOM))
    claims = data.get("claims", []) if isinstance(data, dict) else None
    if not isinstance(claims, list):
        return None
    ids: list[str] = []
    texts: list[str] = []
    for claim in claims:
        claim_id, text = (claim.get("id"), claim.get("text")) if isinstance(claim, dict) else (None, None)
        if not isinstance(claim_id, str) or not isinstance(text, str):
            return None
        ids.append(claim_id)
        texts.append(text)
    return content_digest(raw), (list(range(len(claims))), ids, texts)


def _claims_checked(unit: _Unit | None) -> tuple[bytes, ClaimTexts] | None:
    """A file's content digest, and its valid claims' indices, ids and texts."""
    if unit is None:
        return None
    claims = unit.items.get("claims", ())
    texts = (
        [index for index, _ in claims],
        [claim.id for _, claim in claims],
        [claim.text for _, claim in claims],
    )
    return unit.digest, texts


def _near_duplicates_of(
    check: _StoreCheck,
    files: list[Path],
    own: Mapping[Path, tuple[bytes, ClaimTexts] | None],
    digests_known: Mapping[Path, bytes] | None = None,
) -> tuple[list[bytes], list[tuple[Any, ...]]] | None:
    """The near-duplicate rule's problems (as plain data), and the content
    digests of the files whose claims it ran on, in order; or None.

    ``own``: the digest and claims of some files, as this process has them
    (None: a file with no claims); the others' claims' ids and texts come from
    the cache, a tenth of their results (``Memo.claim_texts``), for the digest
    ``digests_known`` gives, else the cache's. The claims are merged as
    ``_merge`` does (the first claim of an id wins). The digests let ``run``
    use the problems only for the very claims it merged (a file's claims are
    those of its content).
    """
    digests: list[bytes] = []
    ids: list[str] = []
    texts: list[str] = []
    places: list[tuple[_File, int]] = []  # each claim's file and index there
    for path in files:
        file = _File(path, check.shown(path), None)
        got: tuple[bytes, ClaimTexts] | None
        if path in own:
            got = own[path]
            if got is None:
                continue
        else:
            digest = digests_known.get(path) if digests_known is not None else check.memo.known_digest(path)
            claims = check.memo.claim_texts(path, digest) if digest is not None else None
            if digest is None or claims is None:
                return None
            got = digest, claims
        digests.append(got[0])
        indices, claim_ids, claim_texts = got[1]
        ids += claim_ids
        texts += claim_texts
        places += zip(repeat(file), indices)
    if len(set(ids)) != len(ids):  # an id given twice: its first claim wins
        first_of: dict[str, int] = {}
        for i, claim_id in enumerate(ids):
            first_of.setdefault(claim_id, i)
        first = sorted(first_of.values())
        ids = [ids[i] for i in first]
        texts = [texts[i] for i in first]
        places = [places[i] for i in first]
    problems = near_duplicate_problems(ids, texts, _ClaimOrigins(ids, places), check.near_duplicate)
    return digests, [problem_plain(problem) for problem in problems]


class _ClaimOrigins(Mapping[tuple[str, str], tuple[_File, Loc]]):
    """Each claim's node, as ``_StoreCheck.origins`` gives it, made at the first
    lookup: 20,000 claims' keys took 0.015-0.02 s of a re-check's path (the
    columns 0.004-0.008 s), and most checks find no near-duplicate to place."""

    def __init__(self, ids: list[str], places: list[tuple[_File, int]]) -> None:
        self._ids = ids
        self._places = places
        self._made: dict[tuple[str, str], tuple[_File, Loc]] | None = None

    def _origins(self) -> dict[tuple[str, str], tuple[_File, Loc]]:
        if self._made is None:
            pairs = zip(self._ids, self._places, strict=True)
            self._made = {("claim", claim_id): (file, ("claims", index)) for claim_id, (file, index) in pairs}
        return self._made

    def __getitem__(self, key: tuple[str, str]) -> tuple[_File, Loc]:
        return self._origins()[key]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._origins())

    def __len__(self) -> int:
        return len(self._ids)


def _file_unit(check: _StoreCheck, path: Path, root: Path, *, lean: bool = False) -> _Unit | None:
    """The results of one YAML file alone: from the cache if its content is
    unchanged (``lean``: without its claims, if the cache can), else read,
    parsed and validated now."""
    shown = check.shown(path)
    memo = check.memo
    memo.probe(path)
    try:
        real = path.resolve()
    except (OSError, RuntimeError):  # a loop of symbolic links
        message = "cannot read the file: a loop of symbolic links"
        check.problems.append(Problem(shown, None, None, message, code="unreadable-file"))
        return None
    if not _inside(real, root):
        message = "this YAML file lies outside the store's root (a link?); refused"
        check.problems.append(Problem(shown, None, None, message, code="outside-root"))
        return None
    digest = memo.known_digest(path)
    if digest is not None:
        unit = memo.load_unit(path, shown, digest, lean=lean)
        if unit is not None:
            return unit
    raw = _read_raw(path, shown, check.problems)
    if raw is None:
        return None
    with _guard_beside(raw) as guard:
        digest = content_digest(raw)
        memo.read(path, digest)
        unit = memo.load_unit(path, shown, digest, lean=lean)
        if unit is not None:
            return unit
        # A checker of its own collects this file's problems apart from the store's.
        own = _Checker()
        unit = _Unit(_File(path, shown, None), digest)
        text = _decode(raw, shown, own.problems)
        if text is not None:
            unit.file.text, text = text, None
            parsed = own.parse(unit.file, raw.removeprefix(_BOM), guard)
            del raw  # not held while the file is validated (22 MB at 20,000 claims)
            items = own.validate(parsed)
            unit.items = items or {}
            if not own.problems and unit.file.fast:
                unit.file.text = None  # a valid file's text is read again only to place a problem
    unit.problems = own.problems
    unit.broken, unit.broken_topic_refs = own.broken, own.broken_topic_refs
    unit.orphans = own.orphan_quotes
    return unit


@dataclass
class _Plan:
    """One source's quotes to anchor: each file whose outcomes in its text are
    not known yet, with its quotes and those its previous version found; and
    the quotes to look for, file after file, in order (each file's quotes not
    found before, then those of its claims left out)."""

    source_id: str
    text: _Text
    todo: list[tuple[_Unit, list[tuple[str, int, int, str]], dict[str, int | None]]]
    wanted: list[str]


@dataclass
class _Anchoring:
    """Reading the source texts and finding every quote in its text (the
    ``checks.quotes`` rule), file by file so that the cache keeps each file's
    outcome."""

    check: _StoreCheck
    store: Store

    def open_texts(self) -> list[tuple[str, _Text]]:
        """Open every source text that can be used (its problem reported if not).

        A text whose quotes every file knows from the cache (same file, same
        text) is not read again (see ``plan``).
        """
        opened: list[tuple[str, _Text]] = []
        for source_id, path in self.store.source_paths.items():
            file, loc = self.check.origins[("source", source_id)]
            if path is None:
                self.check.problems.append(
                    file.problem(
                        (*loc, "id"),
                        no_source_file(source_id),
                        code="no-source-file",
                        warning=True,
                        source=source_id,
                    )
                )
                continue
            text = _open_text(self.check, self.store, source_id, path, (file, (*loc, "file")))
            if text is not None:
                opened.append((source_id, text))
        return opened

    def plan(self, source_id: str, text: _Text) -> _Plan:
        """What to look for in one source's text. A quote the previous version
        of a file found in the same text is not looked for again."""
        plan = _Plan(source_id, text, [], [])
        for unit in self.check.units:
            done = unit.anchored.get(source_id)
            if unit.lean or (done is not None and done[0] == text.key):
                continue  # known (a lean unit's outcomes are: ``_build_where_needed``)
            found = _found_before(self.check.memo.previous_unit(unit), source_id, text.key)
            quotes = unit.quotes_of(source_id)
            if found:
                plan.wanted += [quote for _, _, _, quote in quotes if quote not in found]
            else:
                plan.wanted += map(itemgetter(3), quotes)
            plan.wanted += [job.quote for job in unit.orphans.get(source_id, ())]
            plan.todo.append((unit, quotes, found))
        return plan

    def apply(self, plan: _Plan, searched: list[int | None] | None) -> None:
        """One source's outcomes, file by file: the kept claims' quotes in store
        order, then those of claims left out. ``searched``: the line of each of
        the plan's wanted quotes, None if the text could not be read after all
        (then only the outcomes known before count)."""
        source_id, text = plan.source_id, plan.text
        lines_found = iter(searched or ())
        todo = {id(unit): (quotes, found) for unit, quotes, found in plan.todo}
        left_out: list[Problem] = []
        origins = self.check.origins
        for unit in self.check.units:
            planned = todo.get(id(unit))
            if planned is not None:
                if searched is None:
                    continue
                outcomes = _outcomes(unit, source_id, *planned, lines_found, self.missing_quote(text))
                done = unit.anchored[source_id] = (text.key, *outcomes)
                unit.dirty = True
            elif unit.lean and source_id not in unit.anchored:
                continue  # a lean unit's outcome without a problem (its lines are not applied)
            else:
                done = unit.anchored[source_id]
            _, lines, problems, orphans = done
            if unit.lost:  # claims whose ids another file took first are left out
                lines = {key: line for key, line in lines.items() if key[0] not in unit.lost}
            self.store.anchors.update(lines)
            for claim_id, index, problem in problems:
                # A lean unit's claims are all in the store (no id of theirs is shared).
                if unit.lean or origins.get(("claim", claim_id)) == (
                    unit.file,
                    ("claims", index),
                ):
                    self.check.problems.append(problem)
            left_out.extend(orphans)
        self.check.problems.extend(left_out)

    def missing_quote(self, text: _Text) -> Callable[[str, str], str]:
        """The message for a quote of a source not found in its text."""

        def message(quote: str, source_id: str) -> str:
            path = self.store.source_paths[source_id]
            shown = self.check.shown(path) if path is not None else source_id
            return missing_quote(quote, source_id, shown, text.load())  # type: ignore[arg-type]

        return message


def _outcomes(
    unit: _Unit,
    source_id: str,
    quotes: list[tuple[str, int, int, str]],
    found: dict[str, int | None],
    lines_found: Iterator[int | None],
    missing: Callable[[str, str], str],
) -> _Outcomes:
    """The outcomes of one file's quotes of one source: each quote's line from
    ``found`` (by the file's previous version), else the next of ``lines_found``
    (in the plan's order), and the messages of those not found (``missing``)."""
    lines: dict[tuple[str, str], int] = {}
    problems: list[tuple[str, int, Problem]] = []
    for claim_id, index, p_index, quote in quotes:
        line = found[quote] if found and quote in found else next(lines_found)
        if line is None:
            loc: Loc = ("claims", index, "positions", p_index, "quote")
            problem = unit.file.problem(
                loc, missing(quote, source_id), code="quote-not-found", claim=claim_id, source=source_id
            )
            problems.append((claim_id, index, problem))
        else:
            lines[(claim_id, source_id)] = line
    left_out: list[Problem] = []
    for job in unit.orphans.get(source_id, ()):
        if next(lines_found) is None:
            claim = job.anchor[0] if job.anchor is not None else None
            message = missing(job.quote, source_id)
            left_out.append(
                job.file.problem(job.loc, message, code="quote-not-found", claim=claim, source=source_id)
            )
    return lines, problems, left_out


def _search(plans: list[_Plan]) -> list[list[int | None] | None]:
    """The line of each plan's wanted quotes in its text (None: the text cannot
    be read after all)."""
    return [plan.text.search(plan.wanted) if plan.wanted else [] for plan in plans]


def _quotes_to_find(units: list[_Unit]) -> int:
    """How many quotes a check will look for, about: those of the files with no
    outcome in any text yet (a file whose quotes were all found before counts
    too: ``plan`` finds out)."""
    return sum(
        len(claim.positions)
        for unit in units
        if not unit.anchored
        for _, claim in unit.items.get("claims", ())
    )


_Apply = Callable[[list[list[int | None] | None]], None]  # each plan's lines found, applied


@contextmanager
def _rules_and_search(
    check: CheckInput,
    open_texts: Callable[[], list[_Plan]],
    *,
    texts_first: bool,
    found_beside: Mapping[Rule, Callable[[], list[Problem] | None]],
) -> Iterator[tuple[list[_Plan], Callable[[_Apply], list[Problem]]]]:
    """The rules and the search of the quotes, started: gives the plans (from
    ``open_texts``) and a function that hands each plan's lines to its
    argument, then returns the rules' problems, rule by rule in the registry's
    order. ``found_beside``: rules whose problems a child is finding already
    (a call that gives them, or None if the rule must run here after all).

    With ``PARALLEL_QUOTES`` quotes or more to look for (``texts_first``),
    this process opens the texts and plans the search, then a forked child
    searches the first texts' share of the quotes, ``_CHILD_SHARE``, while
    this process runs every rule and searches the rest. Else, on a store of
    ``RULES_BESIDE_CLAIMS`` claims or more, a forked child runs the slow rules
    (``SLOW_RULES``) while this process opens the texts and runs the others.

    After a fork, each page of objects that either process touches is copied,
    and the rules touch every claim: at 20,000 claims, the processes of a
    cold check together held 352 MiB with the rules run beside the search
    (fifth pass), so the rules then ran before the fork (245 MiB, 0.03 s
    more). Since a large file is read in pieces (``_first_piece``), the check
    holds less before it forks: with the rules beside the search, 214 MiB
    together, against 174 MiB with the rules before it, and the rules' 0.1 s
    (0.3 s on a slow machine) off the check's time.
    """
    large = len(check.store.claims) >= RULES_BESIDE_CLAIMS
    slow = [rule for rule in RULES if rule in SLOW_RULES and rule not in found_beside]
    slow = slow if large and not texts_first else []
    here = [rule for rule in RULES if rule not in slow]
    mine: dict[Any, list[Problem]] = {}
    plans: list[_Plan] = []
    theirs: list[_Plan] = []
    if texts_first:
        plans = open_texts()
        theirs = _child_share(plans)

    def in_child() -> tuple[list[list[tuple[Any, ...]]], list[list[int | None] | None]]:
        return [[problem_plain(problem) for problem in rule(check)] for rule in slow], _search(theirs)

    with Beside(in_child) if slow or theirs else contextlib.nullcontext() as child:
        if not texts_first:
            plans = open_texts()
        if child is not None and child.forked and theirs:
            # The child has the texts as read; this process reads its share
            # again as it searches it.
            for plan in plans:
                plan.text.drop()

        def finish(apply: _Apply) -> list[Problem]:
            waiting = [rule for rule in here if rule in found_beside]
            mine.update({rule: list(rule(check)) for rule in here if rule not in waiting})
            own = _search(plans[len(theirs) :])
            slow_plain, found = child.result() if child is not None else ([], [])
            # A text the child could not read is searched here, so that its problem is reported.
            found = [
                got if got is not None else _search([plan])[0]
                for plan, got in zip(theirs, found, strict=True)
            ]
            # The lines found are applied before the rules that wait for a
            # child (``found_beside``) run: work done while it finishes.
            apply([*found, *own])
            for rule in waiting:
                got = found_beside[rule]()
                mine[rule] = got if got is not None else list(rule(check))
            besides = {
                rule: list(map(problem_from_plain, plain))
                for rule, plain in zip(slow, slow_plain, strict=True)
            }
            return [
                problem for rule in RULES for problem in (besides[rule] if rule in besides else mine[rule])
            ]

        yield plans, finish


def _child_share(plans: list[_Plan]) -> list[_Plan]:
    """The first plans, whose quotes the child searches: ``_CHILD_SHARE`` of them
    (none below ``PARALLEL_QUOTES``)."""
    total = sum(len(plan.wanted) for plan in plans)
    if total < PARALLEL_QUOTES:
        return []
    cut, running = 0, 0
    while cut < len(plans) and running < total * _CHILD_SHARE:
        running += len(plans[cut].wanted)
        cut += 1
    return plans[:cut]


def _text_path(check: _StoreCheck, store: Store, source_id: str, path: Path) -> Path | tuple[str, str]:
    """Where a source's text path leads, if it may be used; else (code, message)."""
    shown = check.shown(path)
    try:
        real = path.resolve()
        exists, regular = real.exists(), real.is_file()
    except (OSError, ValueError, RuntimeError) as error:  # too long, a NUL, a link loop
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        if isinstance(error, RuntimeError):
            reason = "a loop of symbolic links"
        name = str(shown) if len(str(shown)) <= 120 else "..." + str(shown)[-117:]
        return "bad-source-path", f"source {source_id!r}: cannot use the path {name!r}: {reason}"
    if not _inside(real, store.root):
        return "outside-root", (
            f"source {source_id!r}: {shown} lies outside the store's root "
            f"({check.shown(store.root)}); refused, a store may only name files inside it"
        )
    refusal = hidden_part(path, real, store.root)
    if refusal is not None:
        return "hidden-source-file", f"source {source_id!r}: {shown} {refusal}"
    if not exists:
        return "missing-source-file", (
            f"source {source_id!r}: no file {shown} (the path is relative to this YAML file)"
        )
    if not regular:
        return "not-regular-file", f"source {source_id!r}: {shown} is not a regular file"
    if check.real_files is None:
        folders: dict[str, str] = {}
        check.real_files = frozenset(real_path(str(store_file), folders) for store_file in store.files)
    refusal = refused_text_file(path, real, store, check.real_files)
    if refusal is not None:
        return "not-a-text-file", f"source {source_id!r}: {shown} {refusal}"
    return real


def _open_text(
    check: _StoreCheck, store: Store, source_id: str, path: Path, at: tuple[_File, Loc]
) -> _Text | None:
    """The source's text, if it can be used (else its problem is reported at ``at``)."""
    file, loc = at
    shown = check.shown(path)
    check.memo.probe(path)
    real = _text_path(check, store, source_id, path)
    if not isinstance(real, Path):
        code, message = real
        check.problems.append(file.problem(loc, message, code=code, source=source_id))
        return None

    def read() -> tuple[bytes, str] | None:
        errors: list[Problem] = []
        raw = _read_raw(real, shown, errors)
        text = _decode(raw, shown, errors) if raw is not None else None
        for found in errors:
            message = f"source {source_id!r}: {found.format()}"
            check.problems.append(file.problem(loc, message, code=found.code, source=source_id))
        return (raw, text) if raw is not None and text is not None else None

    def reread(digest: bytes) -> Callable[[], str | None]:
        def again() -> str | None:
            got = read()
            return got[1] if got is not None and content_digest(got[0]) == digest else None

        return again

    digest = check.memo.known_digest(path)
    if digest is not None:
        return _Text((str(shown), digest), reread(digest), None)
    got = read()
    if got is None:
        return None
    digest = content_digest(got[0])
    check.memo.read(path, digest)
    keep = check.raw_kept + len(got[1]) <= _RAW_KEPT
    check.raw_kept += len(got[1]) if keep else 0
    return _Text((str(shown), digest), reread(digest), got[1] if keep else None)


def check_store(
    path: Path,
    *,
    cwd: Path | None = None,
    anchor_quotes: bool = True,
    memo: Memo | None = None,
    near_duplicate: float = DEFAULT_THRESHOLD,
) -> CheckResult:
    """Every problem of the store at ``path``, and the store as far as it is valid.

    ``memo`` is the cache's view of the check: what it already knows, and a record
    of every path the check looks at (see ``Memo``).
    """
    with _collector_paused():
        checker = _StoreCheck(path, cwd or Path.cwd(), memo or Memo(), near_duplicate=near_duplicate)
        return checker.run(anchor_quotes=anchor_quotes)


def check_report(
    path: Path,
    *,
    cwd: Path | None = None,
    memo: Memo | None = None,
    near_duplicate: float = DEFAULT_THRESHOLD,
) -> CheckReport:
    """Every problem of the store at ``path``, and its counts: ``check_store``'s,
    without building the claims of files whose results come from the cache
    and whose summaries say the rules find nothing in them."""
    with _collector_paused():
        checker = _StoreCheck(
            path, cwd or Path.cwd(), memo or Memo(), near_duplicate=near_duplicate, lean=True
        )
        return _report(checker)


def load_store(path: Path, *, cwd: Path | None = None) -> tuple[Store, list[Problem]]:
    """The store, checked; raises StoreError if it has errors. Returns its warnings too."""
    result = check_store(path, cwd=cwd)
    if result.errors:
        raise StoreError(result.problems)
    return result.store, result.problems


# -- helpers ------------------------------------------------------------------------------


def _yaml_problem(shown: Path, problem: YamlProblem) -> Problem:
    return Problem(shown, problem.line, problem.column, problem.message, code=problem.code)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a store is built.

    A large store is millions of small objects and no cycles; with the collector
    running, parsing and validating it take three to five times as long.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_CHUNK = 1000


def _validate_whole(data: dict[str, Any], *, consume: bool = False) -> dict[str, list[tuple[int, Any]]]:
    """A valid file's items, typed; raises ValidationError at the first problem.

    Claims are validated a thousand at a time, so that only one chunk of
    validated dicts exists at once next to the raw data and the typed claims.
    With ``consume``, each chunk of raw claims is dropped once validated (the
    caller reads the file again if validation fails): at 20,000 claims the raw
    and the typed claims then never all exist at once (about 40 MB less).
    """
    claims = data.get("claims")
    parsed: dict[str, Any] = dict(
        validators.store_file().validate_python({**data, "claims": []} if isinstance(claims, list) else data)
    )
    items: dict[str, list[tuple[int, Any]]] = {
        section: list(enumerate(map(_BUILD[section], parsed.get(section) or ()))) for section in _KINDS
    }
    if isinstance(claims, list):
        built = items["claims"]
        for start in range(0, len(claims), _CHUNK):
            chunk: list[Any] = validators.claims().validate_python(claims[start : start + _CHUNK])
            built.extend(enumerate(map(_claim, chunk), start))
            if consume:
                claims[start : start + _CHUNK] = [None] * len(chunk)
    return items


def _source(item: dict[str, Any]) -> Source:
    get = item.get
    return Source(
        item["id"],
        item["title"],
        get("author"),
        get("publisher"),
        get("published"),
        get("url"),
        get("file"),
        get("perspective"),
        get("note"),
        tuple(get("based_on") or ()),
    )


def _topic(item: dict[str, Any]) -> Topic:
    return Topic(item["id"], item["title"], item.get("description"), item.get("note"))


def _claim(item: dict[str, Any]) -> Claim:
    get = item.get
    return Claim(
        item["id"],
        item["topic"],
        item["text"],
        get("date"),
        tuple(get("tags") or ()),
        get("note"),
        tuple(
            Position(p["source"], p["stance"], p["quote"], p.get("note"), bool(p.get("inferred")))
            for p in item["positions"]
        ),
    )


_BUILD: dict[str, Callable[[dict[str, Any]], Any]] = {"sources": _source, "topics": _topic, "claims": _claim}


def _problem_order(problem: Problem) -> tuple[str, int, int]:
    return (str(problem.path or ""), problem.line or 0, problem.column or 0)


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _read_text(path: Path, shown: Path, problems: list[Problem], read_bytes: ReadBytes) -> str | None:
    raw = _read_raw(path, shown, problems, read_bytes)
    return _decode(raw, shown, problems) if raw is not None else None


def _read_raw(
    path: Path, shown: Path, problems: list[Problem], read_bytes: ReadBytes = Path.read_bytes
) -> bytes | None:
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            problems.append(
                Problem(
                    shown,
                    None,
                    None,
                    f"file is {size:,} bytes; claimcmp reads files up to {MAX_TEXT_BYTES:,}",
                    code="file-too-large",
                )
            )
            return None
        return read_bytes(path)
    except OSError as error:
        problems.append(
            Problem(
                shown, None, None, f"cannot read the file: {error.strerror or error}", code="unreadable-file"
            )
        )
        return None


def _decode(raw: bytes, shown: Path, problems: list[Problem]) -> str | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        problems.append(
            Problem(
                shown,
                line,
                column,
                f"not UTF-8: byte 0x{raw[error.start]:02x} cannot be decoded; "
                "save the file as UTF-8 (e.g. iconv -f cp1252 -t utf-8)",
                code="not-utf8",
            )
        )
        return None
    return text.removeprefix("\ufeff")
