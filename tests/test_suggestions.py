"""'Did you mean': typos and shortenings are suggested, unrelated names are not."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimcmp.suggest import closest_names
from conftest import invoke

IDS = [
    "lachin-corridor",
    "ts-lachin-safe-passage-guarantee",
    "pk-deployed-along-lachin",
    "frontline-incidents",
    "contingent-future",
    "no-realistic-alternative",
    "ts-dated-9-november",
]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("lachin-coridor", ["lachin-corridor"]),  # a typo: the one clear winner alone
        ("frontline", ["frontline-incidents"]),  # a shortening
        ("FRONTLINE-INCIDENTS", ["frontline-incidents"]),  # case does not matter
        ("nope", []),  # nothing like it: no wild guesses
        ("gaz", []),  # nothing one letter off among these ids
        # held whole in three ids: the shorter the id, the more of it the name covers
        ("lachin", ["lachin-corridor", "pk-deployed-along-lachin", "ts-lachin-safe-passage-guarantee"]),
        ("", []),
    ],
)
def test_closest_names(typed: str, expected: list[str]) -> None:
    assert closest_names(typed, IDS) == expected


def test_one_letter_off_is_a_typo_even_in_a_short_name() -> None:
    assert closest_names("gaz", ["gas", "humanitarian", "un"]) == ["gas"]
    assert closest_names("un", ["gas", "humanitarian", "un"]) == ["un"]  # exact, whatever the case
    assert closest_names("xy", ["gas", "un"]) == []


def test_unknown_name_on_the_command_line(runner: CliRunner, store: Path) -> None:
    code, output = invoke(runner, "show", "incident")
    assert code == 1
    assert "no topic or claim named 'incident' in the store; did you mean 'incidents'?" in output
    code, output = invoke(runner, "show", "zzz")
    assert code == 1 and "did you mean" not in output


def test_the_side_by_side_topic_view_keeps_the_description(runner: CliRunner, store: Path) -> None:
    code, output = invoke(runner, "show", "incidents", "--layout", "grid")
    assert code == 0
    lines = output.splitlines()
    assert lines[0].startswith("Incidents  (incidents)")
    assert lines[1] == "What the peacekeepers did or did not prevent."
