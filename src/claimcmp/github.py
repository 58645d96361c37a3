"""``check --format github``: problems as GitHub Actions workflow commands.

Each problem becomes one ``::error`` or ``::warning`` line, which GitHub shows as
an annotation on the file and line of a pull request. The escaping is the one
GitHub's own toolkit applies (``@actions/core``, ``command.ts``).
"""

from __future__ import annotations

from .problems import Problem
from .visible import visible


def escape_data(text: str) -> str:
    """A message: ``%``, CR and LF would end or corrupt the command; any other
    control character (an ESC sequence from a store) is shown as an escape."""
    return visible(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    """A property value: also ``:`` and ``,``, which separate the properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(problem: Problem) -> str:
    """One ``::error file=…,line=…,col=…,title=…::message`` line (no line end)."""
    properties: list[str] = []
    if problem.path is not None:
        # GitHub wants the path relative to the repository's root, with slashes:
        # check prints it relative to the current folder, the root in a CI job.
        properties.append("file=" + escape_property(problem.path.as_posix()))
        if problem.line is not None:
            properties.append(f"line={problem.line}")
            if problem.column is not None:
                properties.append(f"col={problem.column}")
    properties.append("title=" + escape_property(f"claimcmp {problem.code}"))
    return f"::{problem.severity} {','.join(properties)}::{escape_data(problem.message)}"


def workflow_commands(problems: list[Problem]) -> str:
    """Every problem as a workflow command, one a line."""
    return "".join(workflow_command(problem) + "\n" for problem in problems)
