"""The command line's layout: every command registered, in the order --help lists
them, and every command's help ending with an example."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from claimcmp.cli import app

# Written out by hand: the commands `claimcmp --help` lists, in its order.
COMMANDS = [
    "check",
    "sources",
    "topics",
    "list",
    "show",
    "contradictions",
    "export",
    "schema",
    "init",
    "locate",
    "suggest",
    "diff",
    "agreement",
    "coverage",
    "timeline",
    "tags",
]


def test_help_lists_every_command_in_order(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    listed = re.findall(r"^  (\S+)\s", result.output.split("Commands:\n", 1)[1], flags=re.MULTILINE)
    assert listed == COMMANDS


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_help_ends_with_an_example(runner: CliRunner, command: str) -> None:
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "Example:" in result.output
    # The example is the last paragraph of the description, before the options.
    description = result.output.split("\nOptions:", 1)[0].split("\nArguments:", 1)[0].rstrip()
    assert re.search(rf"\n  Example:  claimcmp {command}( [^\n]*)?$", description), description


def test_the_commands_annotations_are_objects_not_strings() -> None:
    # typer reads every command's signature on each run: string annotations
    # (``from __future__ import annotations``) cost it 0.01 s to evaluate.
    import inspect

    from claimcmp.cli import COMMANDS as REGISTERED
    from claimcmp.cli import main_options

    for name, command in [*REGISTERED, ("the app's options", main_options)]:
        annotations = inspect.get_annotations(inspect.unwrap(command))
        assert annotations and not any(isinstance(a, str) for a in annotations.values()), name
