"""Finding, reading and checking a store.

``check_store`` reads every file of a store, validates it against the models,
checks the references between items and anchors every quote in its source
text. It never stops at the first problem: it returns all of them, each with the
file, line and column of the YAML node at fault.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .checks_similarity import DEFAULT_THRESHOLD, similarity_problems
from .models import STANCES, CheckResult, Claim, Position, Source, Store, Topic
from .problems import Problem, StoreError
from .quotes import SourceText
from .schema import CLAIMS, FIELDS, ITEMS, STORE_FILE
from .storepath import display, store_files, store_root
from .suggest import closest_names
from .yamlread import Loc, Marks, YamlProblem, read_events, read_fast

# Larger source texts are refused rather than read into memory whole.
MAX_TEXT_BYTES = 64 * 1024 * 1024

_KINDS = {"sources": "source", "topics": "topic", "claims": "claim"}


@dataclass
class _File:
    """One YAML file being checked, with its positions found on demand."""

    path: Path
    shown: Path
    text: str
    data: Any = None
    marks: Marks | None = None
    fast: bool = False  # data came from yaml_rs, not from the reference reader

    def locate(self, loc: Loc, *, key: bool = False) -> tuple[int | None, int | None]:
        if self.marks is None:
            try:
                self.marks = read_events(self.text).marks
            except YamlProblem:
                self.marks = Marks()
        found = self.marks.locate(loc, key=key)
        return found if found is not None else (None, None)

    def problem(self, loc: Loc, message: str, *, key: bool = False, warning: bool = False) -> Problem:
        line, column = self.locate(loc, key=key)
        return Problem(self.shown, line, column, message, "warning" if warning else "error")


@dataclass(frozen=True, slots=True)
class _QuoteJob:
    """A quote to find in its source's text, and where to report it if absent."""

    file: _File
    loc: Loc
    quote: str
    anchor: tuple[str, str] | None  # (claim id, source id), None for a claim left out


ReadBytes = Callable[[Path], bytes]


@dataclass
class _Checker:
    path: Path
    cwd: Path
    read_bytes: ReadBytes = Path.read_bytes
    problems: list[Problem] = field(default_factory=list)
    # Where each item came from: (kind, id) -> (file, loc of the item).
    origins: dict[tuple[str, str], tuple[_File, Loc]] = field(default_factory=dict)
    # Ids of items that failed validation (already reported): references to them
    # are not reported again, and the topics their claims name count as used.
    broken: set[tuple[str, str]] = field(default_factory=set)
    broken_topic_refs: set[str] = field(default_factory=set)
    # Quotes of claims that failed validation, by source id: checked all the same.
    orphan_quotes: dict[str, list[_QuoteJob]] = field(default_factory=dict)
    near_duplicate: float = DEFAULT_THRESHOLD  # checks_similarity's threshold

    def run(self, *, anchor_quotes: bool) -> CheckResult:
        files = store_files(self.path)
        root = store_root(self.path)
        store = Store(root=root, files=files)
        if not files:
            self.problems.append(
                Problem(self.shown(self.path), None, None, "the folder holds no .yaml or .yml file")
            )
        for path in files:
            read = self.read_file(path, root)
            if read is not None:
                self.collect(read, store)
        self.check_references(store)
        # Before the texts: its working memory is freed before their anchors fill it.
        self.problems.extend(similarity_problems(store, self.origins, self.near_duplicate))
        self.read_texts(store, anchor_quotes=anchor_quotes)
        self.problems.sort(key=_problem_order)
        return CheckResult(store, self.problems)

    def shown(self, path: Path) -> Path:
        return display(path, self.cwd)

    # -- reading and validating files ------------------------------------------------

    def read_file(self, path: Path, root: Path) -> _File | None:
        shown = self.shown(path)
        try:
            real = path.resolve()
        except (OSError, RuntimeError):  # a loop of symbolic links
            self.problems.append(Problem(shown, None, None, "cannot read the file: a loop of symbolic links"))
            return None
        if not _inside(real, root):
            self.problems.append(
                Problem(shown, None, None, "this YAML file lies outside the store's root (a link?); refused")
            )
            return None
        text = _read_text(path, shown, self.problems, self.read_bytes)
        if text is None:
            return None
        file = _File(path, shown, text)
        data = read_fast(text)
        file.fast = data is not None
        if data is None:
            try:
                result = read_events(text)
            except YamlProblem as problem:
                self.problems.append(Problem(shown, problem.line, problem.column, problem.message))
                return None
            data, file.marks = result.data, result.marks
            self.problems.extend(Problem(shown, d.line, d.column, d.message) for d in result.duplicates)
        file.data = data
        return file

    def collect(self, file: _File, store: Store) -> None:
        data = file.data
        if data is None:
            self.problems.append(
                file.problem(
                    (), "the file is empty; a store file holds sources, topics or claims", warning=True
                )
            )
            return
        if not isinstance(data, dict):
            self.problems.append(file.problem((), _top_level_message(data)))
            return
        file.data = None  # the raw data is not kept past its validation
        try:
            items = _validate_whole(data)
        except ValidationError:
            if file.fast:
                # Problems are always found in what the reference reader reads, so
                # that they are the same, and placed, whichever reader ran first.
                try:
                    result = read_events(file.text)
                except YamlProblem as problem:
                    self.problems.append(Problem(file.shown, problem.line, problem.column, problem.message))
                    return
                data, file.marks, file.fast = result.data, result.marks, False
                self.problems.extend(
                    Problem(file.shown, d.line, d.column, d.message) for d in result.duplicates
                )
                if not isinstance(data, dict):
                    self.problems.append(file.problem((), _top_level_message(data)))
                    return
            items = self.validate_items(file, data)
        for section, entries in items.items():
            table: dict[str, Any] = getattr(store, section)
            kind = _KINDS[section]
            for index, item in entries:
                loc: Loc = (section, index)
                if item.id in table:
                    first_file, first_loc = self.origins[(kind, item.id)]
                    first_line = first_file.locate((*first_loc, "id"))[0]
                    where = f"{first_file.shown}:{first_line}" if first_line else str(first_file.shown)
                    self.problems.append(
                        file.problem(
                            (*loc, "id"), f"duplicate {kind} id {item.id!r} (first defined at {where})"
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
                    file.problem((section,), f"'{section}' must be a list (each item starting with '- ')")
                )
                continue
            for index, entry in enumerate(entries):
                try:
                    items[section].append((index, _BUILD[section](adapter.validate_python(entry))))
                except ValidationError as error:
                    self.report(file, (section, index), error)
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

    def report(self, file: _File, base: Loc, error: ValidationError) -> None:
        for detail in error.errors(include_url=False, include_context=True, include_input=True):
            loc = (*base, *detail["loc"])
            if detail["type"] == "invalid_key":  # pydantic names the key 'None', not None
                loc = (*loc[:-1], detail["input"])
            message, key = describe_error(detail, loc)
            if detail["type"] == "missing":
                loc = loc[:-1]
            self.problems.append(file.problem(loc, message, key=key))

    # -- references between items ----------------------------------------------------

    def check_references(self, store: Store) -> None:
        topic_ids = list(store.topics)
        source_ids = list(store.sources)
        for claim in store.claims.values():
            file, loc = self.origins[("claim", claim.id)]
            if claim.topic not in store.topics and ("topic", claim.topic) not in self.broken:
                self.problems.append(
                    file.problem((*loc, "topic"), _unknown("topic", claim.topic, topic_ids, "topics"))
                )
            if claim.id in store.topics:
                self.problems.append(
                    file.problem(
                        (*loc, "id"),
                        f"claim id {claim.id!r} is also a topic id; 'claimcmp show {claim.id}' "
                        "will show the topic: rename one of them",
                        warning=True,
                    )
                )
            seen: dict[str, int] = {}
            for index, position in enumerate(claim.positions):
                ploc = (*loc, "positions", index)
                if position.source not in store.sources and ("source", position.source) not in self.broken:
                    self.problems.append(
                        file.problem(
                            (*ploc, "source"), _unknown("source", position.source, source_ids, "sources")
                        )
                    )
                if position.source in seen:
                    self.problems.append(
                        file.problem(
                            (*ploc, "source"),
                            f"a second position of source {position.source!r} on this claim "
                            f"(the first is position {seen[position.source] + 1}); "
                            "a source takes one stance per claim: merge them or split the claim",
                        )
                    )
                else:
                    seen[position.source] = index
        used_topics = {c.topic for c in store.claims.values()} | self.broken_topic_refs
        for topic_id in store.topics:
            if topic_id not in used_topics:
                file, loc = self.origins[("topic", topic_id)]
                self.problems.append(
                    file.problem((*loc, "id"), f"topic {topic_id!r} has no claims", warning=True)
                )

    # -- source texts and quotes -----------------------------------------------------

    def read_texts(self, store: Store, *, anchor_quotes: bool) -> None:
        """Read every source text and find each of its quotes in it.

        One source at a time: its normalized text and word index are dropped
        before the next one is read, so memory does not grow with the corpus.
        """
        quoted: dict[str, list[_QuoteJob]] = {source_id: [] for source_id in store.sources}
        if anchor_quotes:
            for claim in store.claims.values():
                file, loc = self.origins[("claim", claim.id)]
                for index, position in enumerate(claim.positions):
                    if position.source in quoted:
                        quote_loc = (*loc, "positions", index, "quote")
                        job = _QuoteJob(file, quote_loc, position.quote, (claim.id, position.source))
                        quoted[position.source].append(job)
            for source_id, jobs in self.orphan_quotes.items():
                if source_id in quoted:
                    quoted[source_id].extend(jobs)
        for source_id, path in store.source_paths.items():
            file, loc = self.origins[("source", source_id)]
            if path is None:
                self.problems.append(
                    file.problem(
                        (*loc, "id"),
                        f"source {source_id!r} has no 'file', so its quotes cannot be checked; "
                        "add the path of a plain-text copy",
                        warning=True,
                    )
                )
                continue
            raw = self.read_source_text(store, source_id, path, file, (*loc, "file"))
            if raw is not None:
                self.anchor_quotes(store, source_id, SourceText(raw), quoted[source_id])

    def anchor_quotes(self, store: Store, source_id: str, text: SourceText, jobs: list[_QuoteJob]) -> None:
        for job in jobs:
            line = text.find(job.quote)
            if line is None:
                message = self.missing_quote(job.quote, source_id, store, text)
                self.problems.append(job.file.problem(job.loc, message))
            elif job.anchor is not None:
                store.anchors[job.anchor] = line

    def read_source_text(self, store: Store, source_id: str, path: Path, file: _File, loc: Loc) -> str | None:
        shown = self.shown(path)
        try:
            real = path.resolve()
            exists, regular = real.exists(), real.is_file()
        except (OSError, ValueError, RuntimeError) as error:  # too long, a NUL, a link loop
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            if isinstance(error, RuntimeError):
                reason = "a loop of symbolic links"
            name = str(shown) if len(str(shown)) <= 120 else "..." + str(shown)[-117:]
            self.problems.append(
                file.problem(loc, f"source {source_id!r}: cannot use the path {name!r}: {reason}")
            )
            return None
        if not _inside(real, store.root):
            self.problems.append(
                file.problem(
                    loc,
                    f"source {source_id!r}: {shown} lies outside the store's root "
                    f"({self.shown(store.root)}); refused, a store may only name files inside it",
                )
            )
            return None
        if not exists:
            self.problems.append(
                file.problem(
                    loc, f"source {source_id!r}: no file {shown} (the path is relative to this YAML file)"
                )
            )
            return None
        if not regular:
            self.problems.append(file.problem(loc, f"source {source_id!r}: {shown} is not a regular file"))
            return None
        errors: list[Problem] = []
        text = _read_text(real, shown, errors, self.read_bytes)
        for error in errors:
            self.problems.append(file.problem(loc, f"source {source_id!r}: {error.format()}"))
        return text

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
    read_bytes: ReadBytes = Path.read_bytes,
    near_duplicate: float = DEFAULT_THRESHOLD,
) -> CheckResult:
    """Every problem of the store at ``path``, and the store as far as it is valid.

    ``read_bytes`` reads every file the check uses (the cache records what it read).
    """
    with _collector_paused():
        checker = _Checker(path, cwd or Path.cwd(), read_bytes, near_duplicate=near_duplicate)
        return checker.run(anchor_quotes=anchor_quotes)


def load_store(path: Path, *, cwd: Path | None = None) -> tuple[Store, list[Problem]]:
    """The store, checked; raises StoreError if it has errors. Returns its warnings too."""
    result = check_store(path, cwd=cwd)
    if result.errors:
        raise StoreError(result.problems)
    return result.store, result.problems


# -- helpers ------------------------------------------------------------------------------


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


def _validate_whole(data: dict[str, Any]) -> dict[str, list[tuple[int, Any]]]:
    """A valid file's items, typed; raises ValidationError at the first problem.

    Claims are validated a thousand at a time, so that only one chunk of
    validated dicts exists at once next to the raw data and the typed claims.
    """
    claims = data.get("claims")
    parsed = STORE_FILE.validate_python({**data, "claims": []} if isinstance(claims, list) else data)
    items: dict[str, list[tuple[int, Any]]] = {
        section: list(enumerate(map(_BUILD[section], parsed.get(section) or ()))) for section in _KINDS
    }
    if isinstance(claims, list):
        built = items["claims"]
        for start in range(0, len(claims), _CHUNK):
            chunk = CLAIMS.validate_python(claims[start : start + _CHUNK])
            built.extend(enumerate(map(_claim, chunk), start))
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


def _read_text(path: Path, shown: Path, problems: list[Problem], read_bytes: ReadBytes) -> str | None:
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            problems.append(
                Problem(
                    shown,
                    None,
                    None,
                    f"file is {size:,} bytes; claimcmp reads files up to {MAX_TEXT_BYTES:,}",
                )
            )
            return None
        raw = read_bytes(path)
    except OSError as error:
        problems.append(Problem(shown, None, None, f"cannot read the file: {error.strerror or error}"))
        return None
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
