"""No function or class in the package is over 120 lines (issue 16): a long
one is split into named steps before it grows further."""

from __future__ import annotations

import ast
from pathlib import Path

import claimcmp

PACKAGE = Path(claimcmp.__file__).parent
LIMIT = 120


def _too_long(source: str, name: str) -> list[str]:
    """``name:line: kind name is N lines`` for each def or class over LIMIT."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            length = (node.end_lineno or node.lineno) - first + 1
            if length > LIMIT:
                kind = "class" if isinstance(node, ast.ClassDef) else "function"
                found.append(f"{name}:{node.lineno}: {kind} {node.name} is {length} lines")
    return found


def test_no_function_or_class_over_120_lines() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        found += _too_long(path.read_text(encoding="utf-8"), str(path.relative_to(PACKAGE)))
    assert found == []


def test_the_rule_catches_a_long_function_and_class() -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(119))
    # 1 line of def + 119 of body = 120: allowed; one more is not.
    assert _too_long(f"def ok():\n{body}", "m.py") == []
    assert _too_long(f"def long():\n{body}    y = 0\n", "m.py") == ["m.py:1: function long is 121 lines"]
    nested = "class Big:\n    def method(self):\n" + "".join(f"        x{i} = {i}\n" for i in range(119))
    assert _too_long(nested, "m.py") == ["m.py:1: class Big is 121 lines"]
