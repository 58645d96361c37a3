"""Finding, reading and checking a store.

``check_store`` reads every file of a store, validates it against the models,
checks the references between items and anchors every quote in its source
text. It never stops at the first problem: it returns all of them, each with the
file, line and column of the YAML node at fault.
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .checks_similarity import DEFAULT_THRESHOLD, similarity_problems
from .models import STANCES, CheckResult, Claim, Position, Source, Store, Topic
from .problems import Problem, Severity, StoreError
from .quotes import SourceText
from .rules import is_anachronistic
from .storepath import display, store_files, store_root
from .suggest import closest_names
from .yamlread import Loc, Marks, YamlProblem, read_events, read_fast, read_fast_bytes, trusted_fast

if TYPE_CHECKING:
    from pydantic import ValidationError

# pydantic and the schema are imported where a file is validated, not here: a
# check whose files all come from the cache does without them (~0.1 s).

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

    def probe(self, path: Path) -> None:
        """The check is about to look at ``path``."""

    def known_digest(self, path: Path) -> bytes | None:
        """The digest of the content at ``path`` if it is known without reading it."""
        return None

    def read(self, path: Path, digest: bytes) -> None:
        """The check read ``path`` (a YAML file, or a source text that decoded)."""

    def load_unit(self, path: Path, shown: Path, digest: bytes) -> _Unit | None:
        """The results for the YAML file at ``path`` with this content, if kept."""
        return None

    def save_unit(self, unit: _Unit) -> None:
        """Keep the results for one YAML file."""

    def previous_unit(self, unit: _Unit) -> _Unit | None:
        """The kept results for the version of this file the last check saw, if
        it differs from ``unit``'s (its quotes found then need no search now)."""
        return None


def content_digest(data: bytes) -> bytes:
    """The digest that identifies a file's content in the cache."""
    return hashlib.blake2b(data, digest_size=20).digest()


# One file's quotes of one source text: the line where each claim's quote starts,
# by (claim id, source id); the quotes not found, as (claim id, claim index,
# problem); and the problems of the quotes of claims left out (they failed
# validation).
_Outcomes = tuple[dict[tuple[str, str], int], list[tuple[str, int, Problem]], list[Problem]]


def _found_before(previous: _Unit | None, source_id: str, key: tuple[str, bytes]) -> dict[str, int]:
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
    _quotes: dict[str, list[tuple[str, int, int, str]]] | None = None

    def quotes_of(self, source_id: str) -> list[tuple[str, int, int, str]]:
        """(claim id, claim index, position index, quote) of every quote of
        ``source_id`` in this file."""
        if self._quotes is None:
            self._quotes = {}
            for index, claim in self.items.get("claims", ()):
                for p_index, position in enumerate(claim.positions):
                    entry = (claim.id, index, p_index, position.quote)
                    self._quotes.setdefault(position.source, []).append(entry)
        return self._quotes.get(source_id, [])


class _Text:
    """A source text whose quotes are to be found: its key, and the text on demand."""

    def __init__(self, key: tuple[str, bytes], loader: Callable[[], str | None], raw: str | None) -> None:
        self.key = key
        self._loader = loader
        self._text: SourceText | None = SourceText(raw) if raw is not None else None
        self.failed = False

    def load(self) -> SourceText | None:
        if self._text is None and not self.failed:
            raw = self._loader()
            self.failed = raw is None
            self._text = SourceText(raw) if raw is not None else None
        return self._text


@dataclass
class _Checker:
    path: Path
    cwd: Path
    memo: Memo = field(default_factory=Memo)
    problems: list[Problem] = field(default_factory=list)
    # Where each item came from: (kind, id) -> (file, loc of the item).
    origins: dict[tuple[str, str], tuple[_File, Loc]] = field(default_factory=dict)
    # Ids of items that failed validation (already reported): references to them
    # are not reported again, and the topics their claims name count as used.
    broken: set[tuple[str, str]] = field(default_factory=set)
    broken_topic_refs: set[str] = field(default_factory=set)
    # Quotes of claims that failed validation, by source id: checked all the same.
    orphan_quotes: dict[str, list[_QuoteJob]] = field(default_factory=dict)
    units: list[_Unit] = field(default_factory=list)
    near_duplicate: float = DEFAULT_THRESHOLD  # checks_similarity's threshold

    def run(self, *, anchor_quotes: bool) -> CheckResult:
        files = store_files(self.path)
        root = store_root(self.path)
        store = Store(root=root, files=files)
        if not files:
            self.problems.append(
                Problem(
                    self.shown(self.path),
                    None,
                    None,
                    "the folder holds no .yaml or .yml file",
                    code="no-store-files",
                )
            )
        for path in files:
            unit = self.file_unit(path, root)
            if unit is not None:
                self.units.append(unit)
                self.merge(unit, store)
        self.check_references(store)
        self.check_based_on(store)
        self.check_dates(store)
        # Before the texts: its working memory is freed before their anchors fill it.
        self.problems.extend(similarity_problems(store, self.origins, self.near_duplicate))
        self.read_texts(store, anchor_quotes=anchor_quotes)
        for unit in self.units:
            unit._quotes = None  # only needed while anchoring
        self.problems.sort(key=_problem_order)
        for unit in self.units:
            if unit.dirty:
                self.memo.save_unit(unit)
        return CheckResult(store, self.problems)

    def shown(self, path: Path) -> Path:
        return display(path, self.cwd)

    # -- reading and validating files ------------------------------------------------

    def file_unit(self, path: Path, root: Path) -> _Unit | None:
        """The results of one YAML file alone: from the cache if its content is
        unchanged, else read, parsed and validated now."""
        shown = self.shown(path)
        self.memo.probe(path)
        try:
            real = path.resolve()
        except (OSError, RuntimeError):  # a loop of symbolic links
            self.problems.append(
                Problem(
                    shown,
                    None,
                    None,
                    "cannot read the file: a loop of symbolic links",
                    code="unreadable-file",
                )
            )
            return None
        if not _inside(real, root):
            self.problems.append(
                Problem(
                    shown,
                    None,
                    None,
                    "this YAML file lies outside the store's root (a link?); refused",
                    code="outside-root",
                )
            )
            return None
        digest = self.memo.known_digest(path)
        if digest is not None:
            unit = self.memo.load_unit(path, shown, digest)
            if unit is not None:
                return unit
        raw = _read_raw(path, shown, self.problems)
        if raw is None:
            return None
        digest = content_digest(raw)
        self.memo.read(path, digest)
        unit = self.memo.load_unit(path, shown, digest)
        if unit is not None:
            return unit
        # A checker of its own collects this file's problems apart from the store's.
        own = _Checker(self.path, self.cwd)
        unit = _Unit(_File(path, shown, None), digest)
        text = _decode(raw, shown, own.problems)
        if text is not None:
            unit.file.text, text = text, None
            items = own.validate(own.parse(unit.file, raw.removeprefix(b"\xef\xbb\xbf")))
            unit.items = items or {}
            if not own.problems and unit.file.fast:
                unit.file.text = None  # a valid file's text is read again only to place a problem
        unit.problems = own.problems
        unit.broken, unit.broken_topic_refs = own.broken, own.broken_topic_refs
        unit.orphans = own.orphan_quotes
        return unit

    def parse(self, file: _File, raw: bytes | None = None) -> _File | None:
        """The file with its data read, or None if it is not YAML (problems reported).

        With ``raw`` (the text's UTF-8 bytes), yaml_rs reads the bytes and the
        text is dropped first: a large store's text is not held three times
        over (as str, as the UTF-8 copy a str read makes, and as bytes).
        """
        text = file.text or ""
        shown = file.shown
        if raw is not None and trusted_fast(text):
            file.text = text = None  # type: ignore[assignment]  # read again to place a problem
            data = read_fast_bytes(raw)
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
            self.problems.append(file.problem((), _top_level_message(data), code="top-level-not-mapping"))
            return None
        file.data = None  # the raw data is not kept past its validation
        from pydantic import ValidationError

        try:
            items = _validate_whole(data, consume=file.fast)
        except ValidationError:
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
                    self.problems.append(
                        file.problem((), _top_level_message(data), code="top-level-not-mapping")
                    )
                    return None
            items = self.validate_items(file, data)
        return items

    def merge(self, unit: _Unit, store: Store) -> None:
        """Add one file's results to the store; report ids defined twice."""
        self.problems.extend(unit.problems)
        self.broken |= unit.broken
        self.broken_topic_refs |= unit.broken_topic_refs
        for source_id, jobs in unit.orphans.items():
            self.orphan_quotes.setdefault(source_id, []).extend(jobs)
        file = unit.file
        for section, entries in unit.items.items():
            table: dict[str, Any] = getattr(store, section)
            kind = _KINDS[section]
            for index, item in entries:
                loc: Loc = (section, index)
                if item.id in table:
                    first_file, first_loc = self.origins[(kind, item.id)]
                    if kind == "claim" and first_file is not file:
                        unit.lost.add(item.id)
                    first_line = first_file.locate((*first_loc, "id"))[0]
                    where = f"{first_file.shown}:{first_line}" if first_line else str(first_file.shown)
                    self.problems.append(
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
                self.origins[(kind, item.id)] = (file, loc)
                if section == "sources":
                    store.source_paths[item.id] = (
                        (file.path.parent / item.file) if item.file is not None else None
                    )

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
            self.report(file, (), error)
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
                    self.report(file, (section, index), error, _item_ids(section, entry))
                    self.remember_broken(_KINDS[section], entry, file, (section, index))
        return items

    def remember_broken(self, kind: str, entry: Any, file: _File, loc: Loc) -> None:
        if not isinstance(entry, dict):
            return
        if isinstance(entry.get("id"), str):
            self.broken.add((kind, entry["id"]))
        if kind != "claim":
            return
        if isinstance(entry.get("topic"), str):
            self.broken_topic_refs.add(entry["topic"])
        # The claim is left out, but its quotes are still checked, so that one
        # run reports every problem.
        positions = entry.get("positions")
        for index, position in enumerate(positions if isinstance(positions, list) else ()):
            if isinstance(position, dict):
                source, quote = position.get("source"), position.get("quote")
                if isinstance(source, str) and isinstance(quote, str) and quote.strip():
                    job = _QuoteJob(file, (*loc, "positions", index, "quote"), quote, None)
                    self.orphan_quotes.setdefault(source, []).append(job)

    def report(
        self,
        file: _File,
        base: Loc,
        error: ValidationError,
        ids: tuple[str | None, str | None] = (None, None),
    ) -> None:
        """Each of a validation error's details as a problem; ``ids`` are the
        (claim, source) the failed item is, when it has an id."""
        for detail in error.errors(include_url=False, include_context=True, include_input=True):
            loc = (*base, *detail["loc"])
            if detail["type"] == "invalid_key":  # pydantic names the key 'None', not None
                loc = (*loc[:-1], detail["input"])
            message, key = describe_error(detail, loc)
            if detail["type"] == "missing":
                loc = loc[:-1]
            code = _error_code(detail, loc)
            claim, source = ids
            self.problems.append(file.problem(loc, message, code=code, key=key, claim=claim, source=source))

    # -- references between items ----------------------------------------------------

    def check_references(self, store: Store) -> None:
        topic_ids = list(store.topics)
        source_ids = list(store.sources)
        for claim in store.claims.values():
            file, loc = self.origins[("claim", claim.id)]
            if claim.topic not in store.topics and ("topic", claim.topic) not in self.broken:
                self.problems.append(
                    file.problem(
                        (*loc, "topic"),
                        _unknown("topic", claim.topic, topic_ids, "topics"),
                        code="unknown-topic",
                        claim=claim.id,
                    )
                )
            if claim.id in store.topics:
                self.problems.append(
                    file.problem(
                        (*loc, "id"),
                        f"claim id {claim.id!r} is also a topic id; 'claimcmp show {claim.id}' "
                        "will show the topic: rename one of them",
                        code="id-clash",
                        warning=True,
                        claim=claim.id,
                    )
                )
            seen: dict[str, int] = {}
            for index, position in enumerate(claim.positions):
                ploc = (*loc, "positions", index)
                if position.source not in store.sources and ("source", position.source) not in self.broken:
                    self.problems.append(
                        file.problem(
                            (*ploc, "source"),
                            _unknown("source", position.source, source_ids, "sources"),
                            code="unknown-source",
                            claim=claim.id,
                            source=position.source,
                        )
                    )
                if position.source in seen:
                    self.problems.append(
                        file.problem(
                            (*ploc, "source"),
                            f"a second position of source {position.source!r} on this claim "
                            f"(the first is position {seen[position.source] + 1}); "
                            "a source takes one stance per claim: merge them or split the claim",
                            code="duplicate-position",
                            claim=claim.id,
                            source=position.source,
                        )
                    )
                else:
                    seen[position.source] = index
        used_topics = {c.topic for c in store.claims.values()} | self.broken_topic_refs
        for topic_id in store.topics:
            if topic_id not in used_topics:
                file, loc = self.origins[("topic", topic_id)]
                self.problems.append(
                    file.problem(
                        (*loc, "id"), f"topic {topic_id!r} has no claims", code="empty-topic", warning=True
                    )
                )

    # -- based_on and dates ------------------------------------------------------------

    def check_based_on(self, store: Store) -> None:
        """Every id in a ``based_on`` names a source, and no source draws on itself
        through any chain (``a -> b -> a``): one error per cycle found."""
        source_ids = list(store.sources)
        for source in store.sources.values():
            file, loc = self.origins[("source", source.id)]
            for index, target in enumerate(source.based_on):
                if target not in store.sources and ("source", target) not in self.broken:
                    message = _unknown("source", target, source_ids, "sources").replace(
                        "unknown source", f"source {source.id!r} is based on an unknown source", 1
                    )
                    self.problems.append(
                        file.problem(
                            (*loc, "based_on", index), message, code="unknown-based-on", source=source.id
                        )
                    )
        for cycle in based_on_cycles(store.sources):
            first = store.sources[cycle[0]]
            file, loc = self.origins[("source", first.id)]
            index = first.based_on.index(cycle[1])
            path = " -> ".join(cycle)
            self.problems.append(
                file.problem(
                    (*loc, "based_on", index),
                    f"based_on cycle: {path}; a source cannot draw on itself, even through others: "
                    "remove one of these links",
                    code="based-on-cycle",
                    source=first.id,
                )
            )

    def check_dates(self, store: Store) -> None:
        """A position whose source was published before the claimed event is an anachronism."""
        published = {s.id: s.published for s in store.sources.values() if s.published is not None}
        if not published:
            return
        for claim in store.claims.values():
            if claim.date is None:
                continue
            for index, position in enumerate(claim.positions):
                when = published.get(position.source)
                if when is None or not is_anachronistic(when, claim.date):
                    continue
                file, loc = self.origins[("claim", claim.id)]
                self.problems.append(
                    file.problem(
                        (*loc, "positions", index),
                        f"anachronism: source {position.source!r} (published {when}) takes a position "
                        f"on claim {claim.id!r}, dated {claim.date}, an event after its publication; "
                        "check the claim's date, the source's 'published' and the position",
                        code="anachronism",
                        warning=True,
                        claim=claim.id,
                        source=position.source,
                    )
                )

    # -- source texts and quotes -----------------------------------------------------

    def read_texts(self, store: Store, *, anchor_quotes: bool) -> None:
        """Read every source text and find each of its quotes in it.

        One source at a time: its normalized text and word index are dropped
        before the next one is read, so memory does not grow with the corpus. A
        file whose quotes of this text are known from the cache (same file, same
        text) is not anchored again, and a text no file needs is not read at all.
        """
        for source_id, path in store.source_paths.items():
            file, loc = self.origins[("source", source_id)]
            if path is None:
                self.problems.append(
                    file.problem(
                        (*loc, "id"),
                        f"source {source_id!r} has no 'file', so its quotes cannot be checked; "
                        "add the path of a plain-text copy",
                        code="no-source-file",
                        warning=True,
                        source=source_id,
                    )
                )
                continue
            text = self.open_text(store, source_id, path, file, (*loc, "file"))
            if text is not None and anchor_quotes:
                self.anchor_source(store, source_id, text)

    def anchor_source(self, store: Store, source_id: str, text: _Text) -> None:
        """Every quote of one source, file by file: the kept claims' quotes in
        store order, then those of claims left out."""
        left_out: list[Problem] = []
        for unit in self.units:
            done = unit.anchored.get(source_id)
            if done is None or done[0] != text.key:
                outcomes = self.anchor_unit(unit, store, source_id, text)
                if outcomes is None:
                    return  # the text changed while we read it and is no longer usable
                done = (text.key, *outcomes)
                unit.anchored[source_id] = done
                unit.dirty = True
            _, lines, problems, orphans = done
            if unit.lost:  # claims whose ids another file took first are left out
                lines = {key: line for key, line in lines.items() if key[0] not in unit.lost}
            store.anchors.update(lines)
            for claim_id, index, problem in problems:
                if self.origins.get(("claim", claim_id)) == (unit.file, ("claims", index)):
                    self.problems.append(problem)
            left_out.extend(orphans)
        self.problems.extend(left_out)

    def anchor_unit(self, unit: _Unit, store: Store, source_id: str, text: _Text) -> _Outcomes | None:
        """The outcomes of one file's quotes of one source (None if the text
        cannot be read after all). A quote the previous version of the file
        found in the same text is not looked for again."""
        found_before = _found_before(self.memo.previous_unit(unit), source_id, text.key)
        lines: dict[tuple[str, str], int] = {}
        problems: list[tuple[str, int, Problem]] = []
        first_index: dict[str, int] = {}
        for claim_id, index, p_index, quote in unit.quotes_of(source_id):
            if first_index.setdefault(claim_id, index) != index:
                continue  # a second claim of this id in the file: left out
            line = found_before.get(quote)
            if line is None:
                source_text = text.load()
                if source_text is None:
                    return None
                line = source_text.find(quote)
            if line is None:
                message = self.missing_quote(quote, source_id, store, text.load())  # type: ignore[arg-type]
                loc: Loc = ("claims", index, "positions", p_index, "quote")
                problems.append(
                    (
                        claim_id,
                        index,
                        unit.file.problem(
                            loc, message, code="quote-not-found", claim=claim_id, source=source_id
                        ),
                    )
                )
            else:
                lines[(claim_id, source_id)] = line
        left_out: list[Problem] = []
        for job in unit.orphans.get(source_id, ()):
            source_text = text.load()
            if source_text is None:
                return None
            if source_text.find(job.quote) is None:
                message = self.missing_quote(job.quote, source_id, store, source_text)
                claim = job.anchor[0] if job.anchor is not None else None
                left_out.append(
                    job.file.problem(job.loc, message, code="quote-not-found", claim=claim, source=source_id)
                )
        return lines, problems, left_out

    def open_text(self, store: Store, source_id: str, path: Path, file: _File, loc: Loc) -> _Text | None:
        """The source's text, if it can be used (else its problem is reported)."""
        shown = self.shown(path)
        self.memo.probe(path)
        try:
            real = path.resolve()
            exists, regular = real.exists(), real.is_file()
        except (OSError, ValueError, RuntimeError) as error:  # too long, a NUL, a link loop
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            if isinstance(error, RuntimeError):
                reason = "a loop of symbolic links"
            name = str(shown) if len(str(shown)) <= 120 else "..." + str(shown)[-117:]
            self.problems.append(
                file.problem(
                    loc,
                    f"source {source_id!r}: cannot use the path {name!r}: {reason}",
                    code="bad-source-path",
                    source=source_id,
                )
            )
            return None
        if not _inside(real, store.root):
            self.problems.append(
                file.problem(
                    loc,
                    f"source {source_id!r}: {shown} lies outside the store's root "
                    f"({self.shown(store.root)}); refused, a store may only name files inside it",
                    code="outside-root",
                    source=source_id,
                )
            )
            return None
        refusal = _hidden_part(path, real, store.root)
        if refusal is not None:
            self.problems.append(
                file.problem(
                    loc,
                    f"source {source_id!r}: {shown} {refusal}",
                    code="hidden-source-file",
                    source=source_id,
                )
            )
            return None
        if not exists:
            self.problems.append(
                file.problem(
                    loc,
                    f"source {source_id!r}: no file {shown} (the path is relative to this YAML file)",
                    code="missing-source-file",
                    source=source_id,
                )
            )
            return None
        if not regular:
            self.problems.append(
                file.problem(
                    loc,
                    f"source {source_id!r}: {shown} is not a regular file",
                    code="not-regular-file",
                    source=source_id,
                )
            )
            return None
        refusal = _refused_text_file(path, real, store)
        if refusal is not None:
            self.problems.append(
                file.problem(
                    loc, f"source {source_id!r}: {shown} {refusal}", code="not-a-text-file", source=source_id
                )
            )
            return None

        def read() -> tuple[bytes, str] | None:
            errors: list[Problem] = []
            raw = _read_raw(real, shown, errors)
            text = _decode(raw, shown, errors) if raw is not None else None
            for found in errors:
                self.problems.append(
                    file.problem(
                        loc, f"source {source_id!r}: {found.format()}", code=found.code, source=source_id
                    )
                )
            return (raw, text) if raw is not None and text is not None else None

        digest = self.memo.known_digest(path)
        if digest is not None:

            def reread() -> str | None:
                got = read()
                return got[1] if got is not None and content_digest(got[0]) == digest else None

            return _Text((str(shown), digest), reread, None)
        got = read()
        if got is None:
            return None
        digest = content_digest(got[0])
        self.memo.read(path, digest)
        return _Text((str(shown), digest), lambda: None, got[1])

    def missing_quote(self, quote: str, source_id: str, store: Store, text: SourceText) -> str:
        path = store.source_paths[source_id]
        shown = self.shown(path) if path is not None else source_id
        message = f"quote not found in source {source_id!r} ({shown})"
        passage = text.closest(quote)
        if passage is not None and passage.similarity >= 50:
            excerpt = passage.text if len(passage.text) <= 240 else passage.text[:237] + "..."
            message += (
                f'; closest passage, line {passage.line} ({passage.similarity:.0f}% similar): "{excerpt}"'
            )
        return message


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
        checker = _Checker(path, cwd or Path.cwd(), memo or Memo(), near_duplicate=near_duplicate)
        return checker.run(anchor_quotes=anchor_quotes)


def load_store(path: Path, *, cwd: Path | None = None) -> tuple[Store, list[Problem]]:
    """The store, checked; raises StoreError if it has errors. Returns its warnings too."""
    result = check_store(path, cwd=cwd)
    if result.errors:
        raise StoreError(result.problems)
    return result.store, result.problems


def based_on_cycles(sources: Mapping[str, Source]) -> list[list[str]]:
    """One cycle of ``based_on`` links per strongly connected group of sources
    that draw on each other, as ``[a, b, ..., a]``: it starts at the group's
    first source in store order and takes the shortest way back to it."""
    order = {source_id: i for i, source_id in enumerate(sources)}
    edges = {sid: [t for t in s.based_on if t in sources] for sid, s in sources.items()}
    cycles = []
    for group in _strongly_connected(list(sources), edges):
        start = min(group, key=order.__getitem__)
        if len(group) == 1 and start not in edges[start]:
            continue
        members = set(group)
        # Breadth first from start's successors back to start: the shortest cycle.
        parent: dict[str, str] = {}
        queue = [start]
        found = False
        while queue and not found:
            following = []
            for node in queue:
                for target in edges[node]:
                    if target not in members:
                        continue
                    if target == start:
                        parent[start] = node
                        found = True
                        break
                    if target not in parent:
                        parent[target] = node
                        following.append(target)
                if found:
                    break
            queue = following
        path = [start]
        node = parent[start]
        while node != start:
            path.append(node)
            node = parent[node]
        path.append(start)
        path.reverse()
        cycles.append(path)
    cycles.sort(key=lambda c: order[c[0]])
    return cycles


def _strongly_connected(nodes: list[str], edges: Mapping[str, list[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, without recursion."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, next_edge = work.pop()
            if next_edge == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            targets = edges[node]
            while next_edge < len(targets):
                target = targets[next_edge]
                next_edge += 1
                if target not in index:
                    work.append((node, next_edge))
                    work.append((target, 0))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    groups.append(group)
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
    return groups


# -- helpers ------------------------------------------------------------------------------


def _yaml_problem(shown: Path, problem: YamlProblem) -> Problem:
    return Problem(shown, problem.line, problem.column, problem.message, code=problem.code)


def _item_ids(section: str, entry: Any) -> tuple[str | None, str | None]:
    """(claim, source) that an item of ``section`` is, if it has a text id."""
    item_id = entry.get("id") if isinstance(entry, dict) else None
    if not isinstance(item_id, str):
        return None, None
    return (
        (item_id, None) if section == "claims" else (None, item_id) if section == "sources" else (None, None)
    )


# The stable code of each kind of validation error (docs/checks.md).
_ERROR_CODES = {
    "missing": "missing-field",
    "invalid_key": "invalid-key",
    "extra_forbidden": "unknown-key",
    "string_type": "wrong-type",
    "list_type": "wrong-type",
    "model_type": "wrong-type",
    "dict_type": "wrong-type",
    "model_attributes_type": "wrong-type",
    "bool_type": "wrong-type",
    "string_too_short": "empty-value",
}


def _error_code(detail: Mapping[str, Any], loc: Loc) -> str:
    """The stable code of a validation error (``describe_error`` words it)."""
    kind = detail["type"]
    name = loc[-1] if loc else ""
    if name == "version":
        return "unsupported-version"
    if kind == "literal_error" and name == "stance":
        return "unknown-stance"
    if kind == "string_pattern_mismatch":
        pattern = str((detail.get("ctx") or {}).get("pattern", ""))
        if "https" in pattern:
            return "invalid-url"
        return "invalid-id" if "a-z0-9" in pattern else "empty-value"
    if kind == "too_short":
        return "no-positions" if name == "positions" else "wrong-type"
    if kind == "value_error" and name in ("date", "published"):
        return "invalid-date"
    return _ERROR_CODES.get(kind, "invalid")


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
    from .schema import CLAIMS, STORE_FILE

    claims = data.get("claims")
    parsed: dict[str, Any] = dict(
        STORE_FILE.validate_python({**data, "claims": []} if isinstance(claims, list) else data)
    )
    items: dict[str, list[tuple[int, Any]]] = {
        section: list(enumerate(map(_BUILD[section], parsed.get(section) or ()))) for section in _KINDS
    }
    if isinstance(claims, list):
        built = items["claims"]
        for start in range(0, len(claims), _CHUNK):
            chunk: list[Any] = CLAIMS.validate_python(claims[start : start + _CHUNK])
            built.extend(enumerate(map(_claim, chunk), start))
            if consume:
                claims[start : start + _CHUNK] = [None] * len(chunk)
    return items


def _top_level_message(data: Any) -> str:
    return (
        f"the top level is {_kind_of(data)}; it must be a mapping with the keys "
        "version, sources, topics and claims"
    )


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


TEXT_SUFFIXES = (".txt", ".md")


def _hidden_part(path: Path, real: Path, root: Path) -> str | None:
    """Why a source's text path may not even be looked at, or None.

    A store someone sends you must not make claimcmp read or print your other
    files: besides staying inside the root, a text is never a hidden file or in
    a hidden folder (``.ssh/``, ``.env``, ``.git/``). Both the path as written
    (links not followed) and where it leads count. Checked before existence,
    so a store cannot even probe which hidden files exist.
    """
    for candidate in (Path(os.path.normpath(path)), real):
        try:
            below = candidate.relative_to(root).parts
        except ValueError:
            continue
        hidden = [part for part in below if part.startswith(".")]
        if hidden:
            return (
                f"is in a hidden file or folder ({hidden[0]!r}); refused: a source text may not be "
                "a hidden file or lie in a hidden folder"
            )
    return None


def _refused_text_file(path: Path, real: Path, store: Store) -> str | None:
    """Why an existing regular file may not be read as a source text, or None:
    only ``.txt`` and ``.md`` files (as named and where a link leads), and
    never one of the store's own YAML files."""
    if real.suffix.lower() not in TEXT_SUFFIXES or path.suffix.lower() not in TEXT_SUFFIXES:
        return "is not a .txt or .md file; refused: a source text must be a plain-text .txt or .md file"
    if any(str(real) == os.path.realpath(store_file) for store_file in store.files):
        return "is a file of the store itself; refused: name the source's own plain-text copy"
    return None


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


def _kind_of(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"{'true' if value else 'false'} (a yes/no value)"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _unknown(kind: str, name: str, known: list[str], section: str) -> str:
    message = f"unknown {kind} {name!r}"
    suggestions = closest_names(name, known)
    if suggestions:
        message += "; did you mean " + " or ".join(repr(s) for s in suggestions) + "?"
    else:
        message += f"; it must be the id of one of the store's {section}"
    return message


_ITEM_KIND = {"sources": "source", "topics": "topic", "claims": "claim", "positions": "position"}
_SLUG_HINT = "use lowercase letters a-z, digits and '-', '_' or '.'"


def _item_kind(loc: Loc) -> str:
    kind = "top level"
    for part in loc:
        if isinstance(part, str) and part in _ITEM_KIND:
            kind = _ITEM_KIND[part]
    return kind


def _slugify(value: str) -> str:
    slug = re.sub(r"[^a-z0-9._-]+", "-", value.lower()).strip("-")
    return slug or "my-id"


def describe_error(detail: Mapping[str, Any], loc: Loc) -> tuple[str, bool]:
    """A pydantic error in the curator's words; and whether it concerns a key."""
    kind = detail["type"]
    value = detail.get("input")
    ctx = detail.get("ctx") or {}
    item = _item_kind(loc[:-1]) if loc else "top level"
    name = loc[-1] if loc else ""
    if isinstance(name, int):
        field_name = f"item {name + 1} of '{loc[-2]}'" if len(loc) > 1 else f"item {name + 1}"
    else:
        field_name = f"'{name}'"
    if kind == "missing":
        return f"{item} has no {field_name}, which is required", False
    from .schema import FIELDS

    if kind == "invalid_key":
        allowed = FIELDS.get(_item_kind(loc), [])
        return (
            f"a key must be text, not {_kind_of(value)}; put it in quotes if it is meant as text "
            f"(allowed keys: {', '.join(allowed)})",
            True,
        )
    if kind == "extra_forbidden":
        allowed = FIELDS.get(item, [])
        message = f"unknown key {name!r} in {'the ' if item == 'top level' else 'a '}{item}"
        suggestions = closest_names(str(name), allowed)
        if suggestions:
            message += f"; did you mean {suggestions[0]!r}?"
        return message + f" (allowed: {', '.join(allowed)})", True
    if kind == "literal_error" and name == "stance":
        message = f"unknown stance {value!r}"
        suggestions = closest_names(str(value), list(STANCES))
        if suggestions:
            message += f"; did you mean {suggestions[0]!r}?"
        return message + f" (allowed: {', '.join(STANCES)})", False
    if kind == "literal_error" and name == "version":
        return f"unsupported version {value!r}: this claimcmp reads store format version 1", False
    if kind == "string_type":
        if value is None:
            return f"{field_name} is empty; give it a value or remove the key", False
        hint = ""
        if isinstance(value, (int, float, bool)):
            hint = "; if it is meant as text, put it in quotes"
        return f"{field_name} must be text, not {_kind_of(value)}{hint}", False
    if kind == "string_too_short":
        return f"{field_name} must not be empty", False
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        if "https" in pattern:
            if isinstance(value, str) and value.startswith(("http://", "https://")):
                # It starts right; what the pattern refused is white space inside it.
                return (
                    f"{field_name} must not contain spaces or line breaks, got {value!r}; "
                    "write a space as %20",
                    False,
                )
            return (
                f"{field_name} must be a web address starting with http:// or https://, got {value!r}",
                False,
            )
        if "a-z0-9" in pattern:
            what = "id" if name == "id" else f"{name} id"
            return f"{value!r} is not a valid {what}: {_SLUG_HINT} (e.g. {_slugify(str(value))!r})", False
        return f"{field_name} must not be empty", False
    if kind == "too_short" and name == "positions":
        return "a claim needs at least one position (source, stance, quote)", False
    if kind in ("list_type", "too_short"):
        if value is None:
            return f"{field_name} is empty; give it a list or remove the key", False
        return (
            f"{field_name} must be a list (e.g. [a, b] or lines starting with '- '), not {_kind_of(value)}",
            False,
        )
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        what = item if isinstance(name, int) else name
        return (
            f"each {what} must be a mapping of keys to values, not {_kind_of(value)}",
            False,
        )
    if kind == "value_error" and name == "version":
        return str(ctx.get("error") or detail.get("msg")), False
    if kind == "value_error":
        error = ctx.get("error")
        return f"{field_name}: {error}" if error else str(detail.get("msg")), False
    return f"{field_name}: {detail.get('msg')}", False
