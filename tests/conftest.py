"""Small stores built in tmp_path, and a CLI runner."""

from __future__ import annotations

import os
import signal
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from claimcmp.cli import app

# The tests of forking run in a process of their own (tests/test_forked.py
# starts it): a process with other threads never forks, and the browser tests
# leave threads behind.
collect_ignore = [] if os.environ.get("CLAIMCMP_FORKING_TESTS") else ["forking"]

ALPHA = """\
The Mission Report
By A. Author

The peacekeepers arrived on 10 November 2020 and took control of the
“Lachin corridor” at once. Their mandate is a five-year term that
renews automatically — unless one side objects.

The peace-
keepers did not prevent the capture of Parukh village in March 2022.
"""

BETA = """\
Another View

Peacekeepers prevented the capture of Parukh village, and they kept the
road open. The mission’s size was 1,960 troops.
"""

GAMMA = """\
A Third Voice

The mission's mandate was never written down. Some say the corridor
was open; others disagree.
"""

STORE = """\
version: 1
sources:
  - id: alpha
    title: The Mission Report
    author: A. Author
    publisher: Alpha Press
    published: 2022-12
    url: https://example.org/alpha
    file: ../seeds/alpha.txt
    perspective: an observer
  - id: beta
    title: Another View
    publisher: Beta Weekly
    published: 2023
    file: ../seeds/beta.txt
  - id: gamma
    title: A Third Voice
    published: 2021-05-04
    file: ../seeds/gamma.txt
topics:
  - id: incidents
    title: Incidents
    description: What the peacekeepers did or did not prevent.
  - id: mandate
    title: The mandate
claims:
  - id: parukh
    topic: incidents
    text: Peacekeepers prevented the capture of Parukh.
    date: 2022-03
    tags: [ceasefire]
    positions:
      - source: beta
        stance: supports
        quote: "Peacekeepers prevented the capture of Parukh village"
      - source: alpha
        stance: refutes
        quote: "The peacekeepers did not prevent the capture of Parukh village"
        note: hyphen at a line end in the text
  - id: corridor-open
    topic: incidents
    text: The peacekeepers kept the Lachin corridor open.
    positions:
      - source: beta
        stance: supports
        quote: "they kept the road open"
      - source: gamma
        stance: qualifies
        quote: "Some say the corridor was open; others disagree."
  - id: five-year-term
    topic: mandate
    text: The mandate runs for five years and renews automatically.
    tags: [mandate, term]
    positions:
      - source: alpha
        stance: supports
        quote: 'a five-year term that renews automatically ... unless one side objects'
      - source: gamma
        stance: refutes
        quote: "The mission's mandate was never written down."
"""


class _Runner(CliRunner):
    """Each invocation as a process of its own: the consoles are made at their
    first use, from the environment of that moment (rich reads COLUMNS and
    NO_COLOR then), so they are made again for each invocation."""

    def invoke(self, *args: Any, **kwargs: Any) -> Result:
        from claimcmp.commands import common

        for console in (common.out, common.err):
            console._console = None  # type: ignore[attr-defined]
        return super().invoke(*args, **kwargs)


@pytest.fixture
def runner() -> CliRunner:
    return _Runner()


@pytest.fixture
def make_store(tmp_path: Path) -> Callable[..., Path]:
    """Write a store under tmp_path; returns the path of its claims.yaml."""

    def make(yaml_text: str = STORE, texts: dict[str, str] | None = None, name: str = "claims.yaml") -> Path:
        seeds = tmp_path / "seeds"
        seeds.mkdir(exist_ok=True)
        for file_name, content in (
            texts or {"alpha.txt": ALPHA, "beta.txt": BETA, "gamma.txt": GAMMA}
        ).items():
            (seeds / file_name).write_text(content, encoding="utf-8")
        data = tmp_path / "data"
        data.mkdir(exist_ok=True)
        path = data / name
        path.write_text(textwrap.dedent(yaml_text), encoding="utf-8")
        return path

    return make


@pytest.fixture
def store(make_store: Callable[..., Path]) -> Path:
    return make_store()


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test has its own cache and runs in its tmp_path, with no colours."""
    monkeypatch.setenv("CLAIMCMP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CLAIMCMP_STORE", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(tmp_path)


def sigint_as_at_a_terminal() -> None:
    """For a child that a test sends Ctrl-C (``preexec_fn``): SIGINT handled as a
    terminal's shell leaves it. A test run started in the background (``&``
    without job control, ``nohup``) ignores SIGINT, and its children would
    inherit that and never see the Ctrl-C."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def invoke(runner: CliRunner, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.output
