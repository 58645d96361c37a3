"""docs/api.md's example runs as written, on the bundled store."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def test_the_api_example_runs_on_the_bundled_store(monkeypatch: pytest.MonkeyPatch) -> None:
    page = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", page, re.DOTALL)
    assert blocks, "docs/api.md has no python example"
    monkeypatch.chdir(REPO)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        for block in blocks:
            exec(compile(block, "docs/api.md", "exec"), {})
    lines = printed.getvalue().splitlines()
    # the bundled store: five sources; it checks clean
    assert re.fullmatch(r"5 sources, \d+ claims", lines[0])
    assert "0 errors, 0 warnings" in lines
    assert any(re.fullmatch(r"\S+ \['[^]]+'\] vs \['[^]]+'\]", line) for line in lines)
