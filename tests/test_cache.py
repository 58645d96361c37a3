"""The cache of checked stores: used when nothing changed, never stale."""

from __future__ import annotations

import os
from pathlib import Path

from typer.testing import CliRunner

from conftest import invoke


def _entries(tmp_path: Path, kind: str = "store") -> list[Path]:
    return sorted((tmp_path / "cache").glob(f"*.{kind}"))


def test_second_run_uses_the_cache_and_gives_the_same_output(
    runner: CliRunner, store: Path, tmp_path: Path
) -> None:
    first = invoke(runner, "show", "incidents")
    assert len(_entries(tmp_path)) == 1
    stamp = _entries(tmp_path)[0].stat().st_mtime_ns
    second = invoke(runner, "show", "incidents")
    assert first == second
    assert len(_entries(tmp_path)) == 1 and _entries(tmp_path)[0].stat().st_mtime_ns >= stamp


def test_a_changed_store_file_is_a_miss(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    invoke(runner, "list", "-f", "json")
    store.write_text(
        store.read_text(encoding="utf-8").replace(
            "Peacekeepers prevented the capture of Parukh.", "Changed."
        ),
        encoding="utf-8",
    )
    code, output = invoke(runner, "list", "-f", "json")
    assert code == 0 and "Changed." in output
    # One entry per store, replaced; one per content of each of its files.
    assert len(_entries(tmp_path)) == 1 and len(_entries(tmp_path, "unit")) == 2


def test_a_changed_source_text_is_a_miss(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    assert invoke(runner, "check")[0] == 0
    text = tmp_path / "seeds" / "beta.txt"
    stat = text.stat()
    # Same size and the same modification time: only the content tells.
    text.write_text(text.read_text(encoding="utf-8").replace("prevented", "prevenTED"), encoding="utf-8")
    os.utime(text, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    code, output = invoke(runner, "check")
    assert code == 1 and "quote not found in source 'beta'" in output


def test_an_unwritable_cache_is_ignored(runner: CliRunner, store: Path, tmp_path: Path, monkeypatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("CLAIMCMP_CACHE_DIR", str(blocker / "cache"))
    assert invoke(runner, "check")[0] == 0


def test_a_corrupt_entry_is_a_miss(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    invoke(runner, "check")
    for entry in [*_entries(tmp_path), *_entries(tmp_path, "unit")]:
        entry.write_bytes(b"not marshal data")
    code, output = invoke(runner, "check")
    assert code == 0 and "valid:" in output


def test_an_upgraded_library_is_a_miss(runner: CliRunner, store: Path, tmp_path: Path, monkeypatch) -> None:
    # Cached problems hold PyYAML's and pydantic's wording: a new version of either
    # must not be served the old one's messages.
    from claimcmp import cache

    invoke(runner, "check")
    assert len(_entries(tmp_path)) == 1
    real = cache._library_versions()
    assert any(name.startswith("pyyaml-") for name in real)
    monkeypatch.setattr(
        cache, "_library_versions", lambda: [n.replace("pyyaml-", "pyyaml-99.") for n in real]
    )
    invoke(runner, "check")
    assert len(_entries(tmp_path)) == 2
