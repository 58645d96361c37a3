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
        assert re.search(r"^12 passed", result.stdout, re.M), result.stdout
