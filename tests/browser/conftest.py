"""Browser tests of the HTML report: Playwright driving the system's Chromium.

No browser is ever downloaded (``playwright install`` is not used): the tests
launch Debian's ``chromium-headless-shell`` (``.ci/run`` installs it with apt),
or the path in ``CLAIMCMP_CHROMIUM``. Without one they skip, except under
``CI=true``, where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

_NAMES = ("chromium-headless-shell", "chromium", "chromium-browser")
_PLACES = ("/usr/lib/chromium/chromium-headless-shell", "/usr/lib/chromium/chromium")


def find_chromium() -> str | None:
    """The Chromium to drive: $CLAIMCMP_CHROMIUM, else one on PATH or where Debian puts it."""
    wanted = os.environ.get("CLAIMCMP_CHROMIUM")
    if wanted:
        return wanted if Path(wanted).is_file() else None
    for name in _NAMES:
        found = shutil.which(name)
        if found:
            return found
    return next((place for place in _PLACES if Path(place).is_file()), None)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        reason = (
            "no Chromium found (apt-get install chromium-headless-shell, or set CLAIMCMP_CHROMIUM); "
            "the browser tests of the HTML report need one"
        )
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason)
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any], chromium_path: str) -> dict[str, Any]:
    """pytest-playwright's launch arguments, with the system's Chromium."""
    return {**browser_type_launch_args, "executable_path": chromium_path}
