"""The tests of forking (tests/forking), run in a fresh process of their own.

``forked.Beside`` never forks a process with other threads running, and the
browser tests leave some behind in this one: the tests of the search beside
the check would fall back to one process here, and test nothing.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def test_the_forking_tests_pass_in_a_process_of_their_own() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-o",
            "addopts=",
            "-q",
            "-p",
            "no:cacheprovider",
            str(HERE / "forking"),
        ],
        env={**os.environ, "CLAIMCMP_FORKING_TESTS": "1"},
        cwd=HERE.parent,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    if sys.platform.startswith("linux"):
        # Each test ran (none skipped), each forked (asserted within).
        assert re.search(r"^33 passed", result.stdout, re.M), result.stdout


def test_no_child_on_one_core_or_beside_other_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    from claimcmp import forked

    monkeypatch.setattr(forked.sys, "platform", "linux")
    monkeypatch.setattr(forked.threading, "active_count", lambda: 1)
    monkeypatch.setattr(forked.os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert not forked.can_fork()
    monkeypatch.setattr(forked.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert forked.can_fork() == hasattr(os, "fork")
    monkeypatch.setattr(forked.threading, "active_count", lambda: 2)
    assert not forked.can_fork()
    child = forked.Beside(lambda: "computed here, when asked")
    assert not child.forked and child.result() == "computed here, when asked"
