"""``check --watch`` and ``claimcmp.Watch``: one process checks a store again
after each change, keeping the unchanged files' results in memory. Each check
must give what a check without the cache gives, and ``changed()`` must never
miss a change that alters the result."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from test_incremental_cache import _EDITS, MORE, _apply, _folder_store
from typer.testing import CliRunner

from claimcmp import api
from conftest import GAMMA, invoke, sigint_as_at_a_terminal


def _texts_with_a_link(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    (seeds / "gamma.txt").rename(seeds / "gamma-real.txt")
    (seeds / "gamma-other.txt").write_text(
        GAMMA.replace("others disagree", "others agree!!"), encoding="utf-8"
    )
    (seeds / "gamma.txt").symlink_to("gamma-real.txt")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=_EDITS)
def test_each_check_is_a_fresh_check_and_no_change_is_missed(
    tmp_path_factory: pytest.TempPathFactory, edits: list[str]
) -> None:
    tmp_path = tmp_path_factory.mktemp("watch")
    env = {**os.environ, "CLAIMCMP_CACHE_DIR": str(tmp_path / "cache")}
    data = _folder_store(tmp_path)
    _texts_with_a_link(tmp_path)
    watch = api.Watch(data, env=env)
    last = watch.check()
    for edit in edits:
        _apply(edit, tmp_path, data)
        changed = watch.changed()
        fresh = api.check(data, cache=False, env=env)
        if not changed:
            # Nothing seen to change: the last result must still be the right one.
            assert (last.problems, last.store) == (fresh.problems, fresh.store), (edits, edit)
        last = watch.check()
        assert (last.problems, last.store) == (fresh.problems, fresh.store), (edits, edit)
        assert not watch.changed(), (edits, edit)


def test_an_edit_is_seen_and_only_that_file_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimcmp import loading

    data = _folder_store(tmp_path)
    watch = api.Watch(data, cache=False)  # memory only: the cache folder is never used
    first = watch.check()
    assert first.errors == 0 and len(first.store.claims) == 3
    assert not (tmp_path / "cache").exists() and not watch.changed()
    parsed: list[str] = []
    real_parse = loading._Checker.parse

    def counting_parse(self, file, raw=None, guard=None):  # type: ignore[no-untyped-def]
        parsed.append(file.path.name)
        return real_parse(self, file, raw, guard)

    monkeypatch.setattr(loading._Checker, "parse", counting_parse)
    (data / "c-more.yaml").write_text(MORE.replace("stance: supports", "stance: suports"), encoding="utf-8")
    assert watch.changed()
    second = watch.check()
    assert parsed == ["c-more.yaml"]
    assert second.errors == 1 and "suports" in second.problems[0].message
    assert not watch.changed()
    (data / "c-more.yaml").unlink()
    assert watch.changed()
    third = watch.check()
    assert third.errors == 0 and sorted(third.store.claims) == ["corridor-open", "parukh"]
    assert parsed == ["c-more.yaml"]  # the other files came from memory


def test_watch_prints_text_only(runner: CliRunner, store: Path) -> None:
    code, output = invoke(runner, "--store", str(store), "check", "--watch", "--format", "json")
    assert code == 2 and "--watch prints text only" in output


def _read_until(process: subprocess.Popen[str], marker: str, seconds: float = 60) -> str:
    """The lines the process prints up to and including one that holds ``marker``."""
    assert process.stdout is not None
    deadline = time.monotonic() + seconds
    lines = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if marker in line:
            return "".join(lines)
    process.kill()
    raise AssertionError(f"no {marker!r} in: {''.join(lines)}")


def test_check_watch_in_a_terminal_session(tmp_path: Path) -> None:
    data = _folder_store(tmp_path)
    env = {**os.environ, "CLAIMCMP_CACHE_DIR": str(tmp_path / "cache"), "COLUMNS": "100"}
    command = [
        sys.executable,
        "-c",
        "from claimcmp.cli import main; main()",
        "--store",
        str(data),
        "check",
        "-w",
    ]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=sigint_as_at_a_terminal,
    )
    try:
        first = _read_until(process, "watching")
        assert "valid: 3 sources, 2 topics, 3 claims" in first
        (data / "c-more.yaml").write_text(
            MORE.replace("stance: supports", "stance: suports"), encoding="utf-8"
        )
        second = _read_until(process, "watching")
        assert "c-more.yaml:8:17: unknown stance 'suports'" in second and "; 1 error, 0 warnings" in second
        (data / "c-more.yaml").write_text(MORE, encoding="utf-8")
        assert "valid: 3 sources" in _read_until(process, "watching")
        process.send_signal(signal.SIGINT)
        _, errors = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, errors
    assert "Traceback" not in errors and "Aborted" not in errors
