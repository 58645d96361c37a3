"""check's near-duplicate and reused-quote warnings."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimcmp.checks.similarity import near_duplicate_pairs
from claimcmp.loading import check_store
from conftest import STORE, invoke

ROOT = Path(__file__).resolve().parent.parent

# A claim that repeats 'parukh' (its "- id" is line 27 of the store) with one more word;
# the store has 60 lines, so its text is on line 63.
NEAR_DUPLICATE = """\
  - id: parukh-again
    topic: incidents
    text: The peacekeepers prevented the capture of Parukh.
    positions:
      - source: gamma
        stance: qualifies
        quote: "Some say the corridor was open"
"""

# A claim backed by the quote beta already gives corridor-open (line 40),
# folded over two lines (YAML reads it as the same string).
REUSED = """\
  - id: road-open
    topic: incidents
    text: The road through the corridor stayed open.
    positions:
      - source: beta
        stance: supports
        quote: "they kept the
          road open"
"""


def _store(make_store: Callable[..., Path], extra: str) -> Path:
    return make_store(textwrap.dedent(STORE) + extra)


def test_near_duplicate_claims_warn_once_on_the_later(runner: CliRunner, make_store) -> None:
    path = _store(make_store, NEAR_DUPLICATE)
    problems = check_store(path).problems
    assert len(problems) == 1
    problem = problems[0]
    # Sorted words: "capture of parukh peacekeepers prevented the" (44 characters)
    # and the same with " the" (48): 2 * 44 / 92 = 95.65%.
    assert (problem.severity, problem.code, problem.claim, problem.source) == (
        "warning",
        "near-duplicate",
        "parukh-again",
        None,
    )
    assert (problem.line, problem.column) == (63, 11)
    assert problem.message.startswith("claim 'parukh-again' says nearly the same as claim 'parukh' (")
    assert "claims.yaml:27; 96% alike, threshold 90)" in problem.message
    code, output = invoke(runner, "check")
    assert code == 0, output
    assert "data/claims.yaml:63:11: warning: claim 'parukh-again' says nearly the same" in output
    assert "0 errors, 1 warning" in output
    assert invoke(runner, "check", "--strict")[0] == 1


def test_the_threshold_is_configurable(runner: CliRunner, make_store, monkeypatch) -> None:
    _store(make_store, NEAR_DUPLICATE)
    code, output = invoke(runner, "check", "--near-duplicate-threshold", "97")
    assert code == 0 and "0 warnings" in output
    assert invoke(runner, "check", "--strict", "--near-duplicate-threshold", "97")[0] == 0
    monkeypatch.setenv("CLAIMCMP_NEAR_DUPLICATE_THRESHOLD", "97")
    code, output = invoke(runner, "check")
    assert code == 0 and "0 warnings" in output
    code, output = invoke(runner, "check", "--near-duplicate-threshold", "95")
    assert "1 warning" in output  # the option wins over the environment
    monkeypatch.setenv("CLAIMCMP_NEAR_DUPLICATE_THRESHOLD", "lots")
    code, output = invoke(runner, "check")
    assert code == 1
    assert "$CLAIMCMP_NEAR_DUPLICATE_THRESHOLD must be a number from 0 to 100, not 'lots'" in output
    assert invoke(runner, "check", "--near-duplicate-threshold", "101")[0] == 2


def test_a_reused_quote_warns(runner: CliRunner, make_store) -> None:
    path = _store(make_store, REUSED)
    problems = check_store(path).problems
    assert [(p.code, p.claim, p.source, p.line, p.column) for p in problems] == [
        ("reused-quote", "road-open", "beta", 67, 16)
    ]
    assert problems[0].message.startswith(
        "the same quote of source 'beta' already backs claim 'corridor-open' ("
    )
    assert "claims.yaml:40)" in problems[0].message
    assert invoke(runner, "check")[0] == 0
    assert invoke(runner, "check", "--strict")[0] == 1


def test_near_duplicate_pairs_by_hand() -> None:
    texts = [
        "Peacekeepers prevented the capture of Parukh.",
        "Azerbaijan closed the road.",
        "The peacekeepers prevented the capture of Parukh.",
    ]
    assert [(i, j, round(score, 2)) for i, j, score in near_duplicate_pairs(texts, 90)] == [(0, 2, 95.65)]
    assert near_duplicate_pairs(texts, 96) == []
    # The two rarest words differ (april, may): the pair is still compared.
    # Sorted: "2024 april in left russian stepanakert troops" (45) and
    # "2024 in left may russian stepanakert troops" (43) share at least 39.
    months = [
        "Russian troops left Stepanakert in April 2024.",
        "Russian troops left Stepanakert in May 2024.",
    ]
    assert [(i, j) for i, j, _ in near_duplicate_pairs(months, 85)] == [(0, 1)]


@pytest.mark.parametrize("threshold", [90.0])
def test_the_bundled_store_has_no_near_duplicates(threshold: float) -> None:
    store = check_store(ROOT / "data" / "claims.yaml", cwd=ROOT).store
    assert near_duplicate_pairs([c.text for c in store.claims.values()], threshold) == []


def test_a_text_with_a_repeated_rare_word_is_no_duplicate_of_itself() -> None:
    texts = ["Zorya met Zorya at Quilp.", "Something else entirely was said."]
    assert near_duplicate_pairs(texts, 90) == []
    assert near_duplicate_pairs([*texts, "Zorya met Zorya at Quilp!"], 90) == [(0, 2, 100.0)]
