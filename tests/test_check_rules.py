"""Checks as rules (issue 16): the registry, the rule modules' documented codes,
docs/checks.md held to them and to the source, and the claim and source carried
by a problem in a position."""

from __future__ import annotations

import ast
import json
from collections.abc import Callable
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

import claimcmp
from claimcmp import checks
from claimcmp.checks import RULE_MODULES, RULES, documented_codes, rules_markdown
from conftest import invoke

PACKAGE = Path(claimcmp.__file__).parent
DOCS = Path(__file__).parent.parent / "docs" / "checks.md"

STANCE_TYPO = """\
version: 1
sources:
  - {id: krivosheev-2022, title: K, file: ../seeds/t.txt}
topics:
  - {id: t, title: T}
claims:
  - id: c1
    topic: t
    text: C1.
    positions:
      - source: krivosheev-2022
        stance: support
        quote: one two
      - {source: 7, stance: suports, quote: one}
      - {stance: refuted, quote: one}
  - topic: t
    text: No id.
    positions:
      - {source: krivosheev-2022, stance: agree, quote: one}
"""


def test_an_unknown_stance_names_the_claim_and_the_positions_source(
    runner: CliRunner, make_store: Callable[..., Path]
) -> None:
    make_store(STANCE_TYPO, texts={"t.txt": "one two three\n"})
    code, output = invoke(runner, "check", "--format", "json")
    assert code == 1
    found = [(p["line"], p["code"], p["claim"], p["source"]) for p in json.loads(output)["problems"]]
    assert found == [
        (12, "unknown-stance", "c1", "krivosheev-2022"),
        # a source that is not text names no source; nor does a position without one
        (14, "wrong-type", "c1", None),
        (14, "unknown-stance", "c1", None),
        (15, "missing-field", "c1", None),
        (15, "unknown-stance", "c1", None),
        # a claim without an id names no claim, but its position's source
        (16, "missing-field", None, None),
        (19, "unknown-stance", None, "krivosheev-2022"),
    ]


def test_the_registry_runs_the_cross_item_rules_in_order() -> None:
    names = [f"{rule.__module__.rsplit('.', 1)[-1]}.{rule.__name__}" for rule in RULES]
    assert names == [
        "references.claim_references",
        "references.empty_topics",
        "based_on.unknown_based_on",
        "based_on.based_on_cycle",
        "dates.anachronism",
        "similarity.near_duplicates",
        "similarity.reused_quotes",
    ]


def test_a_rule_is_a_function_of_the_merged_store(make_store: Callable[..., Path], tmp_path: Path) -> None:
    # The dates rule alone, on a store with one anachronism (edm, 2019, on a 2020 event).
    make_store(
        """\
version: 1
sources:
  - {id: edm, title: E, published: 2019-01, file: ../seeds/t.txt}
topics:
  - {id: t, title: T}
claims:
  - id: c1
    topic: t
    text: C1.
    date: 2020-11
    positions:
      - {source: edm, stance: supports, quote: one two}
""",
        texts={"t.txt": "one two three\n"},
    )
    from claimcmp.loading import _StoreCheck

    checker = _StoreCheck(tmp_path / "data", tmp_path)
    result = checker.run(anchor_quotes=False)
    check = checks.CheckInput(result.store, checker.origins, set(), set(), 90.0)
    found = [(p.line, p.column, p.code, p.claim, p.source) for p in checks.dates.anachronism(check)]
    assert found == [(12, 9, "anachronism", "c1", "edm")]


def test_each_rule_module_documents_the_codes_it_reports() -> None:
    for module in RULE_MODULES:
        documented = {code for code, _, _ in documented_codes(module)}
        used = _codes_in(Path(module.__file__ or ""))
        assert documented >= used, module.__name__
        assert documented, module.__name__


def test_docs_checks_lists_each_rule_modules_codes_with_its_level() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert rules_markdown() in text
    for module in RULE_MODULES:
        for code, level, _ in documented_codes(module):
            assert f"| `{code}` | {level} |" in text, code


def test_every_code_in_the_source_is_listed_in_docs_checks() -> None:
    text = DOCS.read_text(encoding="utf-8")
    used: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        used |= _codes_in(path)
    # the finder itself must find codes of each way they are given
    ways = {"yaml-syntax", "duplicate-key", "unknown-stance", "wrong-type", "near-duplicate", "anachronism"}
    assert ways <= used
    assert sorted(code for code in used if f"| `{code}` |" not in text) == []


def _codes_in(path: Path) -> set[str]:
    """The problem codes a module gives: ``code=`` keywords, the code argument
    of ``Problem``, ``YamlProblem`` and similarity's ``place``, the default of
    a ``code`` parameter, and what ``error_code`` returns or maps to."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()

    def text(node: ast.AST | None) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.add(node.value)

    positions = {"Problem": 5, "YamlProblem": 3, "place": 2}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "code":
                    text(keyword.value)
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name in positions:
                # "*mark" stands for (line, column): two arguments
                at = positions[name]
                for arg in node.args:
                    if at == 0:
                        text(arg)
                    at -= 2 if isinstance(arg, ast.Starred) else 1
        elif isinstance(node, ast.arguments):
            args = node.args[len(node.args) - len(node.defaults) :]
            for arg, default in zip(args, node.defaults, strict=True):
                if arg.arg == "code":
                    text(default)
        elif isinstance(node, ast.FunctionDef) and node.name == "error_code":
            for inner in ast.walk(node):
                if isinstance(inner, ast.Return):
                    text(inner.value)
                    if isinstance(inner.value, ast.IfExp):
                        text(inner.value.body)
                        text(inner.value.orelse)
                    elif isinstance(inner.value, ast.Call):
                        for arg in inner.value.args:
                            text(arg)
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
            names = {getattr(target, "id", "") for target in node.targets}
            for value in node.value.values if "_ERROR_CODES" in names else ():
                text(value)
    return {code for code in found if code and code == code.lower() and " " not in code}


_PARTIAL_DATES = st.builds(
    lambda year, month, day, parts: "-".join([f"{year:04d}", f"{month:02d}", f"{day:02d}"][:parts]),
    st.integers(2019, 2023),
    st.integers(1, 12),
    st.integers(1, 28),
    st.integers(1, 3),
)


@given(
    published=st.lists(st.none() | _PARTIAL_DATES, min_size=1, max_size=4),
    dates=st.lists(st.none() | _PARTIAL_DATES, min_size=1, max_size=6),
)
def test_the_dates_rule_warns_where_the_contract_says(
    published: list[str | None], dates: list[str | None]
) -> None:
    """The rule works out each span once; it warns exactly where
    ``rules.is_anachronistic`` holds."""
    from claimcmp.checks.base import CheckInput
    from claimcmp.checks.dates import anachronism
    from claimcmp.models import Claim, Position, Source, Store
    from claimcmp.rules import is_anachronistic

    class Anywhere:
        shown = Path("claims.yaml")

        def problem(self, loc, message, **details):  # type: ignore[no-untyped-def]
            return (details["claim"], details["source"])

    sources = {f"s{i}": Source(f"s{i}", "S", published=when) for i, when in enumerate(published)}
    claims = {
        f"c{i}": Claim(
            f"c{i}", "t", "C", date, (), None, tuple(Position(s, "supports", "q") for s in sources)
        )
        for i, date in enumerate(dates)
    }
    store = Store(root=Path("."), files=[], sources=sources, claims=claims)
    origins = {("claim", c): (Anywhere(), ("claims", i)) for i, c in enumerate(claims)}
    found = list(anachronism(CheckInput(store, origins, set(), set(), 90.0)))  # type: ignore[arg-type]
    expected = [
        (claim.id, source.id)
        for claim in claims.values()
        for source in sources.values()
        if is_anachronistic(source.published, claim.date)
    ]
    assert found == expected
