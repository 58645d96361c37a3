"""Safe YAML reading with positions.

Two readers give the same data:

* ``read_events`` builds plain Python values from PyYAML's event stream, one event
  at a time (no recursion, so no depth can crash it), and records the 1-based
  line and column of every node. It refuses duplicate keys, tags, over-deep
  nesting and alias expansion past a budget. It is the reference, and the one
  that locates problems.
* ``yaml_rs`` (a Rust parser, about twenty times faster on large stores) reads
  valid files; it refuses duplicate keys and bounds alias expansion too. Whenever
  it fails, or the text might hold something it treats differently (tags, more
  than one document), the event reader decides, so every error gets a position.

Scalars follow the YAML 1.2 core schema in both: ``yes`` and ``no`` stay
strings, ``2022-12-01`` stays a string (the models parse dates themselves).
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml

# PyYAML (the reference reader) is imported where a text is read by it, not
# here: a check whose files all come from the cache, or are read by yaml_rs in
# a child, does without it (20 ms of every warm command).

# Nor is yaml_rs imported here (16-18 ms on a slow machine): a check whose
# files all come from the cache does without it.
_NOT_YET: Any = object()
_yaml_rs: Any = _NOT_YET


def fast_reader() -> Any | None:
    """The yaml_rs module, imported on first use; None if it cannot be (then
    every text goes to the reference reader)."""
    global _yaml_rs
    if _yaml_rs is _NOT_YET:
        try:
            _yaml_rs = import_module("yaml_rs")
        except ImportError:  # pragma: no cover - yaml-rs is a declared dependency
            _yaml_rs = None
    return _yaml_rs


@functools.cache
def _fast_reader_installed() -> bool:
    """Whether yaml_rs is there, without importing it (a guard run in a
    child must not wait for its import)."""
    return _yaml_rs is not None and (_yaml_rs is not _NOT_YET or find_spec("yaml_rs") is not None)


MAX_DEPTH = 64
# Nodes that aliases may add to a document, in all. A hand-written store needs a
# handful; an "alias bomb" asks for billions.
MAX_ALIAS_NODES = 100_000

Loc = tuple[str | int, ...]


class YamlProblem(Exception):
    """A YAML-level problem with a 1-based position."""

    def __init__(self, line: int | None, column: int | None, message: str, code: str = "yaml-syntax") -> None:
        self.line = line
        self.column = column
        self.message = message
        self.code = code  # the stable name of the kind of problem (docs/checks.md)
        super().__init__(message)


@dataclass
class Marks:
    """1-based (line, column) of every value node, and of every mapping key."""

    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def locate(self, loc: Loc, *, key: bool = False) -> tuple[int, int] | None:
        """Position of the node at ``loc``, else of its nearest ancestor."""
        if key and loc in self.keys:
            return self.keys[loc]
        while True:
            if loc in self.values:
                return self.values[loc]
            if not loc:
                return None
            loc = loc[:-1]


@dataclass
class ReadResult:
    data: Any
    marks: Marks
    duplicates: list[YamlProblem]


_CORE_NULL = {"", "~", "null", "Null", "NULL"}
_CORE_TRUE = {"true", "True", "TRUE"}
_CORE_FALSE = {"false", "False", "FALSE"}
_CORE_INT = re.compile(r"^[-+]?[0-9][0-9_]*$")
_CORE_OCT = re.compile(r"^0o[0-7_]+$")
_CORE_HEX = re.compile(r"^0x[0-9a-fA-F_]+$")
_CORE_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$")
_CORE_INF = re.compile(r"^[-+]?\.(inf|Inf|INF)$")
_CORE_NAN = {".nan", ".NaN", ".NAN"}

_STANDARD_TAGS = {
    "tag:yaml.org,2002:str": "str",
    "tag:yaml.org,2002:int": "int",
    "tag:yaml.org,2002:float": "float",
    "tag:yaml.org,2002:bool": "bool",
    "tag:yaml.org,2002:null": "null",
    "tag:yaml.org,2002:map": "map",
    "tag:yaml.org,2002:seq": "seq",
    "!": "str",
}


MAX_NUMBER_DIGITS = 4300  # Python's default int-to-text limit


def resolve_plain(value: str) -> Any:
    """The value of a plain (unquoted) scalar under the YAML 1.2 core schema."""
    if value in _CORE_NULL:
        return None
    if value in _CORE_TRUE:
        return True
    if value in _CORE_FALSE:
        return False
    if len(value) > MAX_NUMBER_DIGITS and (
        _CORE_INT.match(value) or _CORE_OCT.match(value) or _CORE_HEX.match(value)
    ):
        # Python reads a long hex or octal number but cannot print it (4,300 digits at
        # most), and a long decimal one not at all: refuse them alike, with our words.
        raise ValueError("too many digits")
    if _CORE_INT.match(value):
        return int(value.replace("_", ""))
    if _CORE_OCT.match(value):
        return int(value[2:].replace("_", ""), 8)
    if _CORE_HEX.match(value):
        return int(value[2:].replace("_", ""), 16)
    if _CORE_FLOAT.match(value):
        return float(value.replace("_", ""))
    if _CORE_INF.match(value):
        return -math.inf if value.startswith("-") else math.inf
    if value in _CORE_NAN:
        return math.nan
    return value


def _tagged_scalar(tag: str, value: str, line: int, column: int) -> Any:
    kind = _STANDARD_TAGS[tag]
    if kind == "str":
        return value
    resolved = resolve_plain(value)
    wanted = {"int": int, "float": float, "bool": bool, "null": type(None)}.get(kind)
    if wanted is float and isinstance(resolved, int) and not isinstance(resolved, bool):
        return float(resolved)
    if wanted is None or not isinstance(resolved, wanted) or (wanted is int and isinstance(resolved, bool)):
        raise YamlProblem(
            line, column, f"{value!r} is not a valid !!{kind}; remove the tag or fix the value", "yaml-tag"
        )
    return resolved


def _mark(event: Any) -> tuple[int, int]:
    return event.start_mark.line + 1, event.start_mark.column + 1


def _check_tag(event: Any, allowed: set[str]) -> None:
    tag = event.tag
    if tag is None or tag in allowed:
        return
    line, column = _mark(event)
    shown = tag.replace("tag:yaml.org,2002:", "!!")
    raise YamlProblem(
        line,
        column,
        f"YAML tag {shown!r} is not allowed in a store (claimcmp never constructs objects); "
        "remove the tag, or quote the value if it is text",
        "yaml-tag",
    )


_NO_KEY = object()  # the mapping awaits a key
_DUPLICATE = object()  # the pending value belongs to a duplicate key: drop it


class _Frame:
    """A mapping or sequence whose events are still arriving."""

    __slots__ = ("anchor", "key", "loc", "seen", "size", "value")

    def __init__(self, loc: Loc, value: dict[Any, Any] | list[Any], anchor: str | None) -> None:
        self.loc = loc
        self.value = value
        self.anchor = anchor
        self.key: Any = _NO_KEY
        self.seen: dict[Any, tuple[int, int]] = {}
        self.size = 1


def _awaiting_key(stack: list[_Frame]) -> bool:
    return bool(stack) and isinstance(stack[-1].value, dict) and stack[-1].key is _NO_KEY


def _scalar_value(event: Any, mark: tuple[int, int]) -> Any:
    """A scalar event's value: by its tag, else as a plain scalar (``resolve_plain``), else text."""
    try:
        if event.tag is not None:
            _check_tag(event, set(_STANDARD_TAGS))
            return _tagged_scalar(event.tag, event.value, *mark)
        if event.implicit[0]:
            return resolve_plain(event.value)
        return event.value
    except ValueError:  # int() refuses numbers of more than 4,300 digits
        raise YamlProblem(
            *mark,
            f"a number of {len(event.value):,} digits is too long; put it in quotes if it is meant as text",
            "yaml-long-number",
        ) from None


class _Builder:
    """Plain data and the positions of its nodes, built from PyYAML's events."""

    def __init__(self) -> None:
        self.marks = Marks()
        self.duplicates: list[YamlProblem] = []
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.alias_nodes = 0
        self.documents = 0
        self.result: Any = None

    def child_loc(self) -> Loc:
        if not self.stack:
            return ()
        top = self.stack[-1]
        if isinstance(top.value, list):
            return (*top.loc, len(top.value))
        return (*top.loc, top.key)

    def attach(self, value: Any, size: int, mark: tuple[int, int], anchor: str | None) -> None:
        if anchor is not None:
            self.anchors[anchor] = (value, size)
        if not self.stack:
            self.result = value
            return
        top = self.stack[-1]
        top.size += size
        if isinstance(top.value, list):
            top.value.append(value)
            return
        if top.key is _NO_KEY:
            self.attach_key(top, value, mark)
            return
        if top.key is not _DUPLICATE:
            top.value[top.key] = value
        top.key = _NO_KEY

    def attach_key(self, top: _Frame, value: Any, mark: tuple[int, int]) -> None:
        """``value`` is the next key of the mapping ``top``."""
        if isinstance(value, (dict, list)):
            raise YamlProblem(
                *mark, "a mapping key must be plain text, not a list or mapping", "yaml-complex-key"
            )
        if value in top.seen:
            first_line = top.seen[value][0]
            self.duplicates.append(
                YamlProblem(
                    *mark,
                    f"duplicate key {value!r} (first at line {first_line}); "
                    "YAML would silently keep only one of them: remove or rename one",
                    "duplicate-key",
                )
            )
            top.key = _DUPLICATE
            return
        top.seen[value] = mark
        top.key = value
        self.marks.keys[(*top.loc, value)] = mark

    def scalar(self, event: Any) -> None:
        mark = _mark(event)
        value = _scalar_value(event, mark)
        if not _awaiting_key(self.stack):
            self.marks.values[self.child_loc()] = mark
        self.attach(value, 1, mark, event.anchor)

    def start(self, event: Any, is_map: bool) -> None:
        mark = _mark(event)
        _check_tag(event, {"tag:yaml.org,2002:map" if is_map else "tag:yaml.org,2002:seq"})
        if len(self.stack) >= MAX_DEPTH:
            raise YamlProblem(
                *mark, f"nesting deeper than {MAX_DEPTH} levels; a store needs six", "yaml-too-deep"
            )
        if _awaiting_key(self.stack):
            raise YamlProblem(
                *mark, "a mapping key must be plain text, not a list or mapping", "yaml-complex-key"
            )
        loc = self.child_loc()
        self.marks.values[loc] = mark
        self.stack.append(_Frame(loc, {} if is_map else [], event.anchor))

    def end(self) -> None:
        frame = self.stack.pop()
        self.attach(frame.value, frame.size, self.marks.values[frame.loc], frame.anchor)

    def alias(self, event: Any) -> None:
        mark = _mark(event)
        if event.anchor not in self.anchors:
            raise YamlProblem(
                *mark,
                f"alias *{event.anchor} refers to no finished anchor &{event.anchor} "
                "(anchors must come before their aliases and cannot contain them)",
                "yaml-alias",
            )
        value, size = self.anchors[event.anchor]
        self.alias_nodes += size
        if self.alias_nodes > MAX_ALIAS_NODES:
            raise YamlProblem(
                *mark,
                f"aliases expand to more than {MAX_ALIAS_NODES:,} nodes; "
                "write the values out instead of nesting anchors",
                "yaml-alias-expansion",
            )
        if not _awaiting_key(self.stack):
            self.marks.values[self.child_loc()] = mark
        self.attach(value, size, mark, None)

    def document(self, event: Any) -> None:
        self.documents += 1
        if self.documents > 1:
            raise YamlProblem(
                *_mark(event),
                "a second YAML document ('---'); a store file holds one document: "
                "split it into two files or remove the '---'",
                "yaml-multiple-documents",
            )


def read_events(text: str) -> ReadResult:
    """Plain data and positions from YAML text; raises ``YamlProblem``."""
    import yaml

    try:  # the C parser is much faster; fall back to the pure-Python one
        from yaml import CSafeLoader as Loader
    except ImportError:  # pragma: no cover - depends on how PyYAML was built
        from yaml import SafeLoader as Loader  # type: ignore[assignment]

    builder = _Builder()
    try:
        event: Any  # PyYAML's stubs type events as the base class, without their fields
        for event in yaml.parse(text, Loader=Loader):
            kind = type(event)
            if kind is yaml.ScalarEvent:
                builder.scalar(event)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                builder.start(event, kind is yaml.MappingStartEvent)
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                builder.end()
            elif kind is yaml.AliasEvent:
                builder.alias(event)
            elif kind is yaml.DocumentStartEvent:
                builder.document(event)
    except yaml.MarkedYAMLError as error:
        raise _syntax_problem(error, text) from None
    except yaml.reader.ReaderError as error:  # a character YAML forbids, e.g. NUL
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        raise YamlProblem(
            line,
            column,
            f"the file holds a control character (U+{error.character:04X}) that YAML does not allow; "
            'remove it, or write it as an escape such as "\\x1b" inside double quotes',
            "yaml-control-character",
        ) from None
    except yaml.YAMLError as error:  # pragma: no cover - PyYAML marks its errors
        raise YamlProblem(None, None, f"YAML error: {error}") from None
    except RecursionError:  # pragma: no cover - the reader does not recurse
        raise YamlProblem(None, None, "nesting too deep", "yaml-too-deep") from None
    return ReadResult(builder.result, builder.marks, builder.duplicates)


_SYNTAX_HINTS = (
    ("mapping values are not allowed", "a value that contains ': ' must be put in quotes"),
    ("found undefined alias", "an alias '*name' needs an anchor '&name' before it"),
    ("found unexpected end of stream", "a quotation mark or bracket is not closed"),
    ("while scanning a quoted scalar", "a quotation mark is not closed, or an inner quote is not escaped"),
    ("expected <block end>", "check the indentation of this line against the lines above"),
    ("did not find expected key", "check the indentation of this line against the lines above"),
    ("special characters are not allowed", "the file holds a control character; remove it"),
)


def _syntax_problem(error: yaml.MarkedYAMLError, source: str) -> YamlProblem:
    mark = error.problem_mark or error.context_mark
    problem = error.problem or "invalid YAML"
    if mark is not None and 0 <= mark.index < len(source) and source[mark.index] == "\t":
        problem = problem.replace("found character", "found a tab character")
        problem += "; indent with spaces, not tabs"
    text = f"YAML syntax error: {problem}"
    if error.context and error.context_mark is not None and error.context_mark is not mark:
        text += f" ({error.context} at line {error.context_mark.line + 1})"
    whole = f"{error.context} {problem}"
    for needle, hint in _SYNTAX_HINTS:
        if needle in whole:
            text += f"; {hint}"
            break
    if mark is None:
        return YamlProblem(None, None, text)
    line, column = mark.line + 1, mark.column + 1
    lines = source.split("\n")
    if line > len(lines):  # the end of the stream, past a last line with no line break
        line, column = len(lines), len(lines[-1]) + 1
    return YamlProblem(line, column, text)


# yaml_rs reads valid stores as the event reader does, but not every text:
# ``_may_differ`` sends to the event reader every text where the two have been
# seen to differ (by the fuzz campaign, see docs/reliability.md), or where yaml_rs
# could crash. Each test is a scan at C speed, so the fast path stays fast on a
# store of 20 MB; a false alarm only costs the slower, exact path. Anything else
# yaml_rs reads differently fails validation, and ``loading`` then reads the
# file again with the event reader before it reports a problem.

# ASCII control characters YAML forbids (yaml_rs ends the document at a NUL,
# silently dropping the rest): the bytes left after deleting every allowed one.
_ALLOWED_BYTES = bytes(b for b in range(256) if b in (0x09, 0x0A, 0x0D) or 0x20 <= b <= 0x7E or b >= 0x80)
# C1 controls but NEL, NEL itself, the line and paragraph separators (line breaks
# to the event reader only), a byte order mark inside the text, and U+FFFE/FFFF.
# Looked for one literal at a time: one pattern with the four alternatives ran
# at a third of the speed of memchr-led searches (0.044 s against 0.008 s on 22 MB).
_SPECIAL_UTF8 = (
    re.compile(rb"\xc2[\x80-\x9f]"),
    re.compile(rb"\xe2\x80[\xa8\xa9]"),
    re.compile(rb"\xef\xbb\xbf"),
    re.compile(rb"\xef\xbf[\xbe\xbf]"),
)
# Node properties: a tag ('!', which yaml_rs ignores), an anchor or an alias (it
# reads a recursive alias as null), where a node may start.
_PROPERTY_START = frozenset(b" \t\r\n[]{},:?-")
# A tab at the start of a line, even a blank one (only the event reader refuses it).
# A tab in a line's indentation, also after block indicators ("-\tid: a") and
# after a CR-only line break (the event reader breaks lines at a lone CR).
_LEADING_TAB = re.compile(rb"(?:^|\r)[ ?:-]*\t", re.MULTILINE)
# A \u or \U escape of a UTF-16 surrogate: the event reader refuses it, yaml_rs
# pairs two of them into one character.
_SURROGATE_ESCAPE = re.compile(rb"\\(?:u|U0000)[dD][89a-fA-F]")
# An empty key (": value") or a plain scalar that starts with ':'. (The pattern
# starts with a literal, which the regex engine finds at memchr speed.)
_BARE_COLON = re.compile(rb":(?<=[ \t\[{,\n]:)")
# In a flow collection: a ':' inside a plain scalar (``{title:x}``), or one that
# starts with '?', '|' or '>'.
# (Matched from the start of the line, from its first bracket on, so that it
# stays linear in the length of the line.)
_FLOW_ODDITY = re.compile(rb"[^\n\[{]*[\[{][^\n]*?(?::[^ \t\r\n]|[\[{,:][ \t]*[?|>])")
# A line that starts with 200 characters of indentation and block indicators:
# block nesting that deep (some 20,000 levels) overflows yaml_rs's stack and
# kills the process.
# A line that starts a document or ends one (a pattern led by its first byte
# runs at memchr speed: 8 ms on 22 MB, against 20 ms for two ``in`` tests).
_DOCUMENT_MARK = re.compile(rb"\n(?:---|\.\.\.)")
_DEEP_BLOCK = re.compile(rb"\n[ \t?:-]{200}")
_BLOCK_HEADER = re.compile(r"(?:^|[\s:-])[|>][-+0-9]*[ \t]*(?:#.*)?$")


def _may_differ(text: str, raw: bytes | None = None) -> bool:
    """Whether yaml_rs might read ``text`` otherwise than the event reader, or crash.

    ``raw``: the text's UTF-8 bytes, if the caller has them. The checks run on
    the bytes (the patterns are ASCII, and a multibyte character is bytes of
    0x80 and above, which no pattern names): on 22 MB of typographic text, a
    str of 2 bytes a character, that took the guard from 0.14 s to 0.04 s.
    """
    if raw is None:
        raw = text.encode("utf-8", "surrogatepass")
    if raw.translate(None, _ALLOWED_BYTES):
        return True
    if not raw.isascii() and any(special.search(raw) for special in _SPECIAL_UTF8):
        return True
    for mark in b"!&*":
        at = raw.find(mark)
        while at >= 0:
            if at == 0 or raw[at - 1] in _PROPERTY_START:
                return True
            at = raw.find(mark, at + 1)
    if raw.startswith((b"---", b"...")) or _DOCUMENT_MARK.search(raw):
        return True
    if b"\t" in raw and _LEADING_TAB.search(raw):
        return True
    if b"\\" in raw and _SURROGATE_ESCAPE.search(raw):
        return True
    if raw.startswith(b":") or _BARE_COLON.search(raw):
        return True
    if _DEEP_BLOCK.search(b"\n" + raw[:256]) or _DEEP_BLOCK.search(raw):
        return True
    return _flow_oddity(raw) or _block_scalar_at_end(text)


_KEY_LINE = re.compile(rb"[ \t]*(?:#[^\n]*)?\n")
_FIRST_ITEM = re.compile(rb"(?:[ \t]*(?:#[^\n]*)?\n)*( *)- ")
_OTHER_LINE = re.compile(rb"\n[^ \n#]")
_OTHER_LINE_0 = re.compile(rb"\n[^ \n#-]")


def sequence_cuts(raw: bytes, key: bytes, every: int) -> list[int]:
    """Where a text that ``trusted_fast`` accepted may be cut into pieces of
    about ``every`` bytes, so that yaml_rs reads the first piece, up to
    ``cuts[0]``, as the whole text with only the first items of ``key``'s
    sequence, and each other piece (``raw[cut:next_cut]``, the last to the
    end) as a sequence of the next items. If a piece reads as anything else,
    the caller must not use the pieces. Each cut is the start of an item.

    No cut (an empty list) unless ``key`` is a top-level key (at the start of
    a line, once in the text) that holds a block sequence, and no other key
    lies between it and the last cut (one after it leaves the last piece
    unreadable as a sequence). A construct that ran across a cut (a quoted
    scalar or a flow collection over several lines) would leave a piece
    unreadable, and a block or plain scalar ends at a line indented as its
    item is, so the caller, which uses the pieces only if all read, gets the
    whole text's data. The trusted text has no anchors, aliases, tags or
    document marks (``_may_differ``) that one piece could need from another.
    """
    if b"\r" in raw:
        return []
    line = b"\n" + key + b":"
    first = 0 if raw.startswith(line[1:]) else raw.find(line) + 1
    if (first == 0 and not raw.startswith(line[1:])) or raw.find(line, first + 1) >= 0:
        return []
    header = _KEY_LINE.match(raw, first + len(line) - 1)
    item = _FIRST_ITEM.match(raw, header.end()) if header else None
    if header is None or item is None:
        return []
    body, indent = header.end(), item.group(1)
    cuts: list[int] = []
    at = item.end()
    while True:
        at = raw.find(b"\n" + indent + b"- ", max(at, body + (len(cuts) + 1) * every))
        if at < 0:
            break
        # yaml_rs reads an empty block scalar at the very end of a text
        # otherwise (``_block_scalar_at_end``): a piece's last line that holds
        # anything must not be a block scalar's header.
        if _block_header_before(raw, at, body):
            return []
        cuts.append(at + 1)
        at += 1
    # Another top-level key before the last cut: a line starting with anything
    # but a space, a comment or (for a sequence at column 0) an item.
    if cuts and (_OTHER_LINE if indent else _OTHER_LINE_0).search(raw, body - 1, cuts[-1]):
        return []
    return cuts


def _block_header_before(raw: bytes, end: int, start_of_search: int) -> bool:
    """Whether the last line before the line break at ``end`` that holds
    anything is a block scalar's header."""
    start = raw.rfind(b"\n", 0, end) + 1
    while start > start_of_search and not raw[start:end].strip():
        end = start - 1
        start = raw.rfind(b"\n", 0, end) + 1
    return _block_scalar_at_end(raw[start : end + 1].decode("utf-8", "replace"))


def _flow_oddity(raw: bytes) -> bool:
    """Whether a line with a flow collection holds a construct the readers differ on."""
    checked: set[int] = set()
    for bracket in b"[{":
        at = raw.find(bracket)
        while at >= 0:
            start = raw.rfind(b"\n", 0, at) + 1
            end = raw.find(b"\n", at)
            end = len(raw) if end < 0 else end
            if start not in checked:
                checked.add(start)
                if _FLOW_ODDITY.match(raw, start, end):
                    return True
            at = raw.find(bracket, end)
    return False


def _block_scalar_at_end(text: str) -> bool:
    """Whether a block scalar (``|`` or ``>``) runs to the end of the text where
    yaml_rs reads it otherwise: it keeps a line break that is not in the text
    (``a: |\n  x`` gives ``"x\n"``) and reads an empty one at the end as ``"\n"``.

    With a final line break, only an empty block at the very end differs: the
    last line that is not blank is its header. Without one, every block scalar
    that reaches the end does: read the lines backwards, as far as needed.
    """
    lowest: int | None = None  # the smallest indentation of the lines below
    end = len(text)
    while end > 0:
        start = text.rfind("\n", 0, end - 1) + 1 if end > 1 else 0
        line = text[start:end].rstrip("\r\n")
        end = start
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        if (lowest is None or indent < lowest) and _BLOCK_HEADER.search(line):
            return True
        if text.endswith("\n"):
            return False
        lowest = indent if lowest is None else min(lowest, indent)
        if lowest == 0:
            return False
    return False


def trusted_fast(text: str, raw: bytes | None = None) -> bool:
    """Whether yaml_rs may read ``text`` (see ``_may_differ``; ``raw``: its UTF-8 bytes)."""
    return _fast_reader_installed() and not _may_differ(text, raw)


def read_fast(text: str) -> Any | None:
    """Data from yaml_rs when it can be trusted, else None (use ``read_events``)."""
    yaml_rs = fast_reader() if trusted_fast(text) else None
    if yaml_rs is None:
        return None
    return _yaml_rs_read(yaml_rs, yaml_rs.loads, text)


def read_fast_bytes(raw: bytes | memoryview, *, top: type = dict) -> Any | None:
    """Data from yaml_rs, reading UTF-8 bytes (no byte order mark) whose text
    ``trusted_fast`` accepted. The same reader as ``read_fast`` (yaml_rs decodes
    the bytes strictly as UTF-8), without a str of the whole text: 43 MB less at
    20,000 claims, measured. ``top``: the type the data must have (a mapping,
    or the list of a piece of a text, ``sequence_cuts``), else None."""
    yaml_rs = fast_reader()
    if yaml_rs is None:
        return None
    # yaml_rs takes a memoryview as a sequence of ints, one at a time: a
    # piece of 2 MB read twice as slowly as its bytes copied (0.64 s against
    # 0.33 s for the 20 MB of claims of 20,000, measured).
    data = bytes(raw) if isinstance(raw, memoryview) else raw
    return _yaml_rs_read(
        yaml_rs,
        lambda data, **options: yaml_rs.load(data, encoding="utf-8", encoder_errors="strict", **options),
        data,
        top,
    )


def _yaml_rs_read(
    yaml_rs: Any, reader: Any, source: str | bytes | memoryview, top: type = dict
) -> Any | None:
    try:
        data = reader(
            source,
            parse_datetime=False,
            alias_limits=yaml_rs.AliasLimits(
                max_total_replayed_events=MAX_ALIAS_NODES, max_replay_stack_depth=MAX_DEPTH
            ),
        )
    except Exception:  # any refusal: let the reference reader find and place it
        return None
    if not isinstance(data, top):
        return None
    return data
