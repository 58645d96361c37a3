"""``check --format json``, the stable problem codes, and the checks of issue 10:
based_on (unknown ids, cycles) and anachronisms."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner
from views_store import TEXT, VIEWS_STORE

from claimcmp.checkreport import check_json
from claimcmp.models import CheckResult, Store
from claimcmp.problems import Problem
from conftest import invoke


def _check(runner: CliRunner) -> tuple[int, dict[str, object]]:
    code, output = invoke(runner, "check", "--format", "json")
    return code, json.loads(output)


def test_anachronism_warning_in_json(runner: CliRunner, make_store: Callable[..., Path]) -> None:
    make_store(VIEWS_STORE, texts={"t.txt": TEXT})
    code, data = _check(runner)
    assert code == 0
    # Only a (2022-12-04) on k3 (2022-12-05): c (2022-12) on k3 and k5 (2022-12-20),
    # d (2022) on k2 (2022-12) cover the event's day and are not anachronisms.
    assert data == {
        "valid": True,
        "errors": 0,
        "warnings": 1,
        "problems": [
            {
                "file": "data/claims.yaml",
                "line": 65,
                "column": 9,
                "level": "warning",
                "code": "anachronism",
                "message": "anachronism: source 'a' (published 2022-12-04) takes a position on claim 'k3', "
                "dated 2022-12-05, an event after its publication; check the claim's date, "
                "the source's 'published' and the position",
                "claim": "k3",
                "source": "a",
            }
        ],
    }


def test_anachronism_in_text_output(runner: CliRunner, make_store: Callable[..., Path]) -> None:
    make_store(VIEWS_STORE, texts={"t.txt": TEXT})
    code, output = invoke(runner, "check")
    assert code == 0
    assert output.startswith("data/claims.yaml:65:9: warning: anachronism: source 'a' (published 2022-12-04)")
    assert "0 errors, 1 warning" in output


BASED_ON = """\
sources:
  - id: alpha
    title: Alpha
    file: ../seeds/t.txt
  - id: beta
    title: Beta
    file: ../seeds/t.txt
    based_on: [alpha, alpah]
topics:
  - {id: t, title: T}
claims:
  - id: c
    topic: t
    text: C.
    positions:
      - {source: alpha, stance: supports, quote: one two}
"""


def test_unknown_based_on_is_an_error_with_a_suggestion(
    runner: CliRunner, make_store: Callable[..., Path]
) -> None:
    make_store(BASED_ON, texts={"t.txt": TEXT})
    code, data = _check(runner)
    assert code == 1
    assert data["valid"] is False and data["errors"] == 1
    assert data["problems"] == [
        {
            "file": "data/claims.yaml",
            "line": 8,
            "column": 23,
            "level": "error",
            "code": "unknown-based-on",
            "message": "source 'beta' is based on an unknown source 'alpah'; did you mean 'alpha'?",
            "claim": None,
            "source": "beta",
        }
    ]
    code, output = invoke(runner, "check")
    assert code == 1
    assert "data/claims.yaml:8:23: source 'beta' is based on an unknown source 'alpah'" in output


CYCLES = """\
sources:
  - id: a
    title: A
    file: ../seeds/t.txt
    based_on: [b]
  - id: b
    title: B
    file: ../seeds/t.txt
    based_on: [x, c]
  - id: c
    title: C
    file: ../seeds/t.txt
    based_on: [a, b]
  - id: x
    title: X
    file: ../seeds/t.txt
  - id: self
    title: Self
    file: ../seeds/t.txt
    based_on: [self]
topics:
  - {id: t, title: T}
claims:
  - id: k
    topic: t
    text: K.
    positions:
      - {source: a, stance: supports, quote: one two}
"""


def test_based_on_cycles_are_errors_naming_the_cycle(
    runner: CliRunner, make_store: Callable[..., Path]
) -> None:
    make_store(CYCLES, texts={"t.txt": TEXT})
    code, data = _check(runner)
    assert code == 1
    found = [(p["line"], p["column"], p["code"], p["source"], p["message"]) for p in data["problems"]]  # type: ignore[index, union-attr]
    hint = "; a source cannot draw on itself, even through others: remove one of these links"
    # a, b and c draw on each other: one error, at a's link that starts the shortest way round.
    assert found == [
        (5, 16, "based-on-cycle", "a", "based_on cycle: a -> b -> c -> a" + hint),
        (20, 16, "based-on-cycle", "self", "based_on cycle: self -> self" + hint),
    ]
    # The views refuse an invalid store.
    code, output = invoke(runner, "agreement")
    assert code == 1 and "based_on cycle: a -> b -> c -> a" in output


PROBLEMS = """\
sources:
  - id: s
    title: S
    file: ../seeds/t.txt
  - id: s
    title: S again
  - id: nofile
    title: No file
  - id: typo
    title: Typo
    publised: 2020
topics:
  - {id: t, title: T}
  - {id: unused, title: Unused}
claims:
  - id: c1
    topic: t
    text: C1.
    date: 2022-13
    positions:
      - {source: s, stance: suports, quote: one two}
  - id: c2
    topic: tt
    text: C2.
    positions:
      - {source: s, stance: supports, quote: not in the text}
      - {source: ghost, stance: refutes, quote: one}
  - id: c3
    topic: t
    positions:
      - {source: s, stance: supports, quote: one two}
"""


def test_every_problem_has_a_stable_code(runner: CliRunner, make_store: Callable[..., Path]) -> None:
    make_store(PROBLEMS, texts={"t.txt": TEXT})
    code, data = _check(runner)
    assert code == 1
    problems = data["problems"]
    assert isinstance(problems, list)
    found = [(p["line"], p["code"], p["claim"], p["source"]) for p in problems]
    assert found == [
        (5, "duplicate-id", None, "s"),
        (7, "no-source-file", None, "nofile"),
        (11, "unknown-key", None, "typo"),
        (14, "empty-topic", None, None),
        (19, "invalid-date", "c1", None),
        (21, "unknown-stance", "c1", "s"),
        (23, "unknown-topic", "c2", None),
        (26, "quote-not-found", "c2", "s"),
        (27, "unknown-source", "c2", "ghost"),
        (28, "missing-field", "c3", None),
    ]
    assert all(p["level"] == "error" for p in problems if p["code"] not in ("no-source-file", "empty-topic"))


def test_yaml_problems_have_codes(runner: CliRunner, make_store: Callable[..., Path]) -> None:
    make_store(
        "sources:\n  - id: a\n    id: b\n    title: T\n    file: ../seeds/t.txt\n", texts={"t.txt": TEXT}
    )
    code, data = _check(runner)
    assert code == 1
    assert [(p["line"], p["column"], p["code"]) for p in data["problems"]] == [(3, 5, "duplicate-key")]  # type: ignore[index, union-attr]
    make_store('sources: [{id: "a}\n', texts={"t.txt": TEXT})
    code, data = _check(runner)
    assert [p["code"] for p in data["problems"]] == ["yaml-syntax"]  # type: ignore[index, union-attr]


def test_problems_without_a_line_come_last_in_their_file() -> None:
    one, two = Path("data/one.yaml"), Path("data/two.yaml")
    problems = [
        Problem(two, 3, 1, "late", code="x-late"),
        Problem(one, None, None, "whole file", code="x-file"),
        Problem(one, 7, 2, "second", code="x-second"),
        Problem(one, 7, 1, "first", severity="warning", code="x-first"),
    ]
    data = check_json(CheckResult(Store(root=Path("."), files=[]), problems))
    assert [p["message"] for p in data["problems"]] == ["first", "second", "whole file", "late"]
    assert (data["valid"], data["errors"], data["warnings"]) == (False, 3, 1)


def test_check_format_is_checked(runner: CliRunner, make_store: Callable[..., Path]) -> None:
    make_store(VIEWS_STORE, texts={"t.txt": TEXT})
    code, _output = invoke(runner, "check", "--format", "yaml")
    assert code == 2
