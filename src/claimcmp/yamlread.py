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

import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # the C parser is much faster; fall back to the pure-Python one
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

try:
    import yaml_rs
except ImportError:  # pragma: no cover - yaml-rs is a declared dependency
    yaml_rs = None

MAX_DEPTH = 64
# Nodes that aliases may add to a document, in all. A hand-written store needs a
# handful; an "alias bomb" asks for billions.
MAX_ALIAS_NODES = 100_000

Loc = tuple[str | int, ...]


class YamlProblem(Exception):
    """A YAML-level problem with a 1-based position."""

    def __init__(self, line: int | None, column: int | None, message: str) -> None:
        self.line = line
        self.column = column
        self.message = message
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


def resolve_plain(value: str) -> Any:
    """The value of a plain (unquoted) scalar under the YAML 1.2 core schema."""
    if value in _CORE_NULL:
        return None
    if value in _CORE_TRUE:
        return True
    if value in _CORE_FALSE:
        return False
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
        raise YamlProblem(line, column, f"{value!r} is not a valid !!{kind}; remove the tag or fix the value")
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


def read_events(text: str) -> ReadResult:
    """Plain data and positions from YAML text; raises ``YamlProblem``."""
    marks = Marks()
    duplicates: list[YamlProblem] = []
    stack: list[_Frame] = []
    anchors: dict[str, tuple[Any, int]] = {}
    alias_nodes = 0
    documents = 0
    result: Any = None

    def child_loc() -> Loc:
        if not stack:
            return ()
        top = stack[-1]
        if isinstance(top.value, list):
            return (*top.loc, len(top.value))
        return (*top.loc, top.key)

    def attach(value: Any, size: int, mark: tuple[int, int], anchor: str | None) -> None:
        nonlocal result
        if anchor is not None:
            anchors[anchor] = (value, size)
        if not stack:
            result = value
            return
        top = stack[-1]
        top.size += size
        if isinstance(top.value, list):
            top.value.append(value)
            return
        if top.key is _NO_KEY:
            # This node is a key.
            if isinstance(value, (dict, list)):
                raise YamlProblem(*mark, "a mapping key must be plain text, not a list or mapping")
            if value in top.seen:
                first_line = top.seen[value][0]
                duplicates.append(
                    YamlProblem(
                        *mark,
                        f"duplicate key {value!r} (first at line {first_line}); "
                        "YAML would silently keep only one of them: remove or rename one",
                    )
                )
                top.key = _DUPLICATE
                return
            else:
                top.seen[value] = mark
                top.key = value
                marks.keys[(*top.loc, value)] = mark
            return
        if top.key is not _DUPLICATE:
            top.value[top.key] = value
        top.key = _NO_KEY

    try:
        for event in yaml.parse(text, Loader=_Loader):
            kind = type(event)
            if kind is yaml.ScalarEvent:
                mark = _mark(event)
                try:
                    if event.tag is not None:
                        _check_tag(event, set(_STANDARD_TAGS))
                        value = _tagged_scalar(event.tag, event.value, *mark)
                    elif event.implicit[0]:
                        value = resolve_plain(event.value)
                    else:
                        value = event.value
                except ValueError:  # int() refuses numbers of more than 4,300 digits
                    raise YamlProblem(
                        *mark,
                        f"a number of {len(event.value):,} digits is too long; "
                        "put it in quotes if it is meant as text",
                    ) from None
                if not _awaiting_key(stack):
                    marks.values[child_loc()] = mark
                attach(value, 1, mark, event.anchor)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                mark = _mark(event)
                is_map = kind is yaml.MappingStartEvent
                _check_tag(event, {"tag:yaml.org,2002:map" if is_map else "tag:yaml.org,2002:seq"})
                if len(stack) >= MAX_DEPTH:
                    raise YamlProblem(*mark, f"nesting deeper than {MAX_DEPTH} levels; a store needs six")
                if _awaiting_key(stack):
                    raise YamlProblem(*mark, "a mapping key must be plain text, not a list or mapping")
                loc = child_loc()
                marks.values[loc] = mark
                stack.append(_Frame(loc, {} if is_map else [], event.anchor))
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                frame = stack.pop()
                attach(frame.value, frame.size, marks.values[frame.loc], frame.anchor)
            elif kind is yaml.AliasEvent:
                mark = _mark(event)
                if event.anchor not in anchors:
                    raise YamlProblem(
                        *mark,
                        f"alias *{event.anchor} refers to no finished anchor &{event.anchor} "
                        "(anchors must come before their aliases and cannot contain them)",
                    )
                value, size = anchors[event.anchor]
                alias_nodes += size
                if alias_nodes > MAX_ALIAS_NODES:
                    raise YamlProblem(
                        *mark,
                        f"aliases expand to more than {MAX_ALIAS_NODES:,} nodes; "
                        "write the values out instead of nesting anchors",
                    )
                if not _awaiting_key(stack):
                    marks.values[child_loc()] = mark
                attach(value, size, mark, None)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise YamlProblem(
                        *_mark(event),
                        "a second YAML document ('---'); a store file holds one document: "
                        "split it into two files or remove the '---'",
                    )
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
        ) from None
    except yaml.YAMLError as error:  # pragma: no cover - PyYAML marks its errors
        raise YamlProblem(None, None, f"YAML error: {error}") from None
    except RecursionError:  # pragma: no cover - the reader does not recurse
        raise YamlProblem(None, None, "nesting too deep") from None
    return ReadResult(result, marks, duplicates)


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


# Text that yaml_rs might read differently from the event reader: tags (it
# ignores them), anchors and aliases (it reads a recursive alias as null), and
# document markers. A false alarm only costs the slower, exact path.
_FAST_PATH_DOUBT = re.compile(r"(?:^|[\s\[\]{},:?-])[!&*]|^---|^\.\.\.", re.MULTILINE)


# Characters YAML forbids in a stream. yaml_rs does not always refuse them: it
# silently ends the document at a NUL, dropping everything after it.
_NON_PRINTABLE = re.compile(r"[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Where the readers disagree: the event reader (YAML 1.1) takes NEL and the line
# and paragraph separators for line breaks, and refuses a tab at the start of a
# line even when the line is blank, a byte order mark inside the text, an empty
# key (": value"), a plain scalar that starts with ':' and, in a flow collection,
# one with a ':' inside (``{title:x}``) or one that starts with '|' or '>'; yaml_rs
# accepts them all. In a flow collection the event reader takes ``?b`` for an
# explicit key, yaml_rs for text.
_READERS_DIFFER = re.compile(
    # (anchored at the start of the line, from its first bracket, so that it stays linear)
    r"[\x85\u2028\u2029\ufeff]|^ *\t|(?:^|[ \t\[{,]):"
    r"|^[^\n\[{]*[\[{][^\n]*?(?::[^ \t\r\n]|[\[{,:][ \t]*[?|>])",
    re.MULTILINE,
)


# A line that starts with 200 characters of indentation and block indicators
# ("- - - - ..."): block nesting that deep makes yaml_rs overflow its stack and
# kill the process (at some 20,000 levels), so the event reader takes it.
_DEEP_BLOCK = re.compile(r"^(?:[ \t]|[-?:](?=[ \t]))" + "{200}", re.MULTILINE)


def _ordinary(data: Any) -> bool:
    """Whether yaml_rs gave what the event reader would: every mapping key a scalar
    (yaml_rs turns ``[a]: 1`` into a tuple key), no nesting past ``MAX_DEPTH`` and no
    integer too long to print (the event reader refuses those, with a position)."""
    pending = [(data, 0)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, (dict, list)) and depth >= MAX_DEPTH:
            return False
        if isinstance(value, dict):
            if any(isinstance(key, (tuple, frozenset)) for key in value):
                return False
            pending.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            pending.extend((item, depth + 1) for item in value)
        elif isinstance(value, int) and value.bit_length() > 14_000:  # about 4,200 digits
            return False
    return True


_BLOCK_HEADER = re.compile(r"(?:^|[\s:-])[|>][-+0-9]*[ \t]*(?:#.*)?$", re.MULTILINE)


def _block_scalar_at_end(text: str) -> bool:
    """Whether the last block scalar (``|`` or ``>``) runs to the end of the text.

    There yaml_rs keeps a line break that is not in the text (``a: |\n  x`` gives
    ``"x\n"``, and ``a: |\n`` gives ``"\n"``); YAML, and the event reader, do not.
    """
    last = None
    for last in _BLOCK_HEADER.finditer(text):  # noqa: B007 - only the last one matters
        pass
    if last is None:
        return False
    start = text.rfind("\n", 0, last.start()) + 1
    indent = len(text[start:]) - len(text[start:].lstrip(" "))
    for line in text[last.end() :].split("\n")[1:]:
        if line.strip() and len(line) - len(line.lstrip(" ")) <= indent:
            return False
    return True


def read_fast(text: str) -> Any | None:
    """Data from yaml_rs when it can be trusted, else None (use ``read_events``)."""
    if (
        yaml_rs is None
        or _FAST_PATH_DOUBT.search(text)
        or _NON_PRINTABLE.search(text)
        or _READERS_DIFFER.search(text)
        or _DEEP_BLOCK.search(text)
        or _block_scalar_at_end(text)
    ):
        return None
    try:
        data = yaml_rs.loads(
            text,
            parse_datetime=False,
            alias_limits=yaml_rs.AliasLimits(
                max_total_replayed_events=MAX_ALIAS_NODES, max_replay_stack_depth=MAX_DEPTH
            ),
        )
    except Exception:  # any refusal: let the reference reader find and place it
        return None
    if not isinstance(data, dict) or not _ordinary(data):
        return None
    return data
