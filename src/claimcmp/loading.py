"""Finding, reading and checking a store.

``check_store`` reads every file of a store, validates it against the models,
checks the references between items and anchors every quote in its source
text. It never stops at the first problem: it returns all of them, each with the
file, line and column of the YAML node at fault.
"""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .models import STANCES, CheckResult, Claim, Position, Source, Store, Topic
from .problems import Problem, Severity, StoreError
from .quotes import SourceText
from .rules import is_anachronistic
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
            read = self.read_file(path, root)
            if read is not None:
                self.collect(read, store)
        self.check_references(store)
        self.check_based_on(store)
        self.check_dates(store)
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
                self.problems.append(_yaml_problem(shown, problem))
                return None
            data, file.marks = result.data, result.marks
            self.problems.extend(_yaml_problem(shown, d) for d in result.duplicates)
        file.data = data
        return file

    def collect(self, file: _File, store: Store) -> None:
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
            return
        if not isinstance(data, dict):
            self.problems.append(file.problem((), _top_level_message(data), code="top-level-not-mapping"))
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
                    self.problems.append(_yaml_problem(file.shown, problem))
                    return
                data, file.marks, file.fast = result.data, result.marks, False
                self.problems.extend(_yaml_problem(file.shown, d) for d in result.duplicates)
                if not isinstance(data, dict):
                    self.problems.append(
                        file.problem((), _top_level_message(data), code="top-level-not-mapping")
                    )
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
                        code="no-source-file",
                        warning=True,
                        source=source_id,
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
                claim = job.anchor[0] if job.anchor is not None else None
                self.problems.append(
                    job.file.problem(job.loc, message, code="quote-not-found", claim=claim, source=source_id)
                )
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
        errors: list[Problem] = []
        text = _read_text(real, shown, errors, self.read_bytes)
        for found in errors:
            self.problems.append(
                file.problem(
                    loc, f"source {source_id!r}: {found.format()}", code=found.code, source=source_id
                )
            )
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
) -> CheckResult:
    """Every problem of the store at ``path``, and the store as far as it is valid.

    ``read_bytes`` reads every file the check uses (the cache records what it read).
    """
    with _collector_paused():
        return _Checker(path, cwd or Path.cwd(), read_bytes).run(anchor_quotes=anchor_quotes)


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


def _validate_whole(data: dict[str, Any]) -> dict[str, list[tuple[int, Any]]]:
    """A valid file's items, typed; raises ValidationError at the first problem.

    Claims are validated a thousand at a time, so that only one chunk of
    validated dicts exists at once next to the raw data and the typed claims.
    """
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
        raw = read_bytes(path)
    except OSError as error:
        problems.append(
            Problem(
                shown, None, None, f"cannot read the file: {error.strerror or error}", code="unreadable-file"
            )
        )
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
