"""The incremental cache: per-file entries, a manifest of every path a check
looked at, and damaged entries rebuilt silently. A stale result is never served:
every cached run must print what a run without the cache prints."""

from __future__ import annotations

import marshal
import os
import signal
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from claimcmp import cache
from conftest import ALPHA, BETA, GAMMA, invoke

SOURCES = """\
version: 1
sources:
  - id: alpha
    title: The Mission Report
    file: ../seeds/alpha.txt
  - id: beta
    title: Another View
    file: ../seeds/beta.txt
  - id: gamma
    title: A Third Voice
    file: ../seeds/gamma.txt
topics:
  - id: incidents
    title: Incidents
  - id: mandate
    title: The mandate
"""

CLAIMS = """\
version: 1
claims:
  - id: parukh
    topic: incidents
    text: Peacekeepers prevented the capture of Parukh.
    positions:
      - source: beta
        stance: supports
        quote: "Peacekeepers prevented the capture of Parukh village"
      - source: alpha
        stance: refutes
        quote: "The peacekeepers did not prevent the capture of Parukh village"
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
"""

MORE = """\
version: 1
claims:
  - id: five-year-term
    topic: mandate
    text: The mandate runs for five years.
    positions:
      - source: alpha
        stance: supports
        quote: "a five-year term that renews automatically"
      - source: gamma
        stance: refutes
        quote: "The mission's mandate was never written down."
"""


def _folder_store(tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir(exist_ok=True)
    for name, text in {"alpha.txt": ALPHA, "beta.txt": BETA, "gamma.txt": GAMMA}.items():
        (seeds / name).write_text(text, encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    for name, text in {"a-sources.yaml": SOURCES, "b-claims.yaml": CLAIMS, "c-more.yaml": MORE}.items():
        (data / name).write_text(text, encoding="utf-8")
    return data


def _both(runner: CliRunner, store: Path, *command: str) -> tuple[tuple[int, str], tuple[int, str]]:
    cached = invoke(runner, "--store", str(store), *command)
    fresh = invoke(runner, "--no-cache", "--store", str(store), *command)
    return cached, fresh


def _entries(tmp_path: Path, kind: str) -> list[Path]:
    return sorted((tmp_path / "cache").glob(f"*.{kind}"))


def _rewrite_keeping_times(path: Path, text: str) -> None:
    """Write new content of the same size and put the old timestamps back:
    only the content (and the ctime, which no program can set) tells."""
    info = path.stat()
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))


# -- 18.1: every path the check looked at ------------------------------------------------------


def test_a_text_moved_away_and_back(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    text = tmp_path / "seeds" / "beta.txt"
    assert invoke(runner, "check")[0] == 0
    text.rename(tmp_path / "beta.away")
    code, output = invoke(runner, "check")
    assert code == 1 and "no file seeds/beta.txt" in output
    (tmp_path / "beta.away").rename(text)
    code, output = invoke(runner, "check")
    assert code == 0 and "0 errors" in output


def test_a_missing_text_that_appears(runner: CliRunner, make_store, tmp_path: Path) -> None:
    store = make_store()
    (tmp_path / "seeds" / "gamma.txt").unlink()
    assert invoke(runner, "check")[0] == 1
    (tmp_path / "seeds" / "gamma.txt").write_text(GAMMA, encoding="utf-8")
    code, output = invoke(runner, "check")
    assert code == 0, output
    assert store.exists()


def test_a_retargeted_link_to_a_text(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    (seeds / "beta-real.txt").write_text(BETA, encoding="utf-8")
    (seeds / "beta-other.txt").write_text("A text without the quote.\n", encoding="utf-8")
    (seeds / "beta.txt").unlink()
    (seeds / "beta.txt").symlink_to("beta-real.txt")
    assert invoke(runner, "check")[0] == 0
    (seeds / "beta.txt").unlink()
    (seeds / "beta.txt").symlink_to("beta-other.txt")
    code, output = invoke(runner, "check")
    assert code == 1 and "quote not found in source 'beta'" in output
    (seeds / "beta.txt").unlink()
    (seeds / "beta.txt").symlink_to("beta-real.txt")
    assert invoke(runner, "check")[0] == 0


def test_a_retargeted_link_to_the_texts_folder(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    # The link is a folder above the text: what the path resolves to changes,
    # the text files themselves do not.
    (tmp_path / "seeds").rename(tmp_path / "seeds-a")
    other = tmp_path / "seeds-b"
    other.mkdir()
    for name in ("alpha.txt", "gamma.txt"):
        (other / name).write_bytes((tmp_path / "seeds-a" / name).read_bytes())
    (other / "beta.txt").write_text("Nothing of the kind.\n", encoding="utf-8")
    (tmp_path / "seeds").symlink_to("seeds-a")
    assert invoke(runner, "check")[0] == 0
    (tmp_path / "seeds").unlink()
    (tmp_path / "seeds").symlink_to("seeds-b")
    code, output = invoke(runner, "check")
    assert code == 1 and "quote not found in source 'beta'" in output


def test_a_file_added_to_a_folder_store(runner: CliRunner, tmp_path: Path) -> None:
    data = _folder_store(tmp_path)
    assert invoke(runner, "--store", str(data), "check")[0] == 0
    (data / "d-dup.yaml").write_text(MORE, encoding="utf-8")
    cached, fresh = _both(runner, data, "check")
    assert cached == fresh and "duplicate claim id 'five-year-term'" in cached[1]
    (data / "d-dup.yaml").unlink()
    cached, fresh = _both(runner, data, "check")
    assert cached == fresh and cached[0] == 0


# -- one file edited, the others from their entries ----------------------------------------------


def test_editing_one_file_reuses_the_others(runner: CliRunner, tmp_path: Path) -> None:
    data = _folder_store(tmp_path)
    first = invoke(runner, "--store", str(data), "list", "-f", "json")
    assert len(_entries(tmp_path, "unit")) == 3
    more = data / "c-more.yaml"
    more.write_text(MORE.replace("five years.", "five years!"), encoding="utf-8")
    cached, fresh = _both(runner, data, "list", "-f", "json")
    assert cached == fresh and "five years!" in cached[1] and cached != first
    # one new entry, for the edited file's new content; the two others were reused
    assert len(_entries(tmp_path, "unit")) == 4


def test_a_same_size_edit_within_the_same_second(runner: CliRunner, tmp_path: Path) -> None:
    data = _folder_store(tmp_path)
    claims = data / "b-claims.yaml"
    assert invoke(runner, "--store", str(data), "check")[0] == 0
    _rewrite_keeping_times(claims, CLAIMS.replace("they kept the road open", "they kept the road SHUT"))
    cached, fresh = _both(runner, data, "check")
    assert cached == fresh and cached[0] == 1 and "quote not found in source 'beta'" in cached[1]


def test_an_id_taken_in_another_file_leaves_its_quotes_out(runner: CliRunner, tmp_path: Path) -> None:
    data = _folder_store(tmp_path)
    invoke(runner, "--store", str(data), "check")
    # the same id, with a quote that is not in the text: the second claim is left
    # out, so its quote is not reported, and the first keeps its anchors
    (data / "d-dup.yaml").write_text(MORE.replace("never written down", "written down"), encoding="utf-8")
    cached, fresh = _both(runner, data, "show", "five-year-term", "-f", "json")
    assert cached == fresh
    cached, fresh = _both(runner, data, "check")
    assert cached == fresh
    assert "duplicate claim id" in cached[1] and "quote not found" not in cached[1]


# -- 18.7: damaged entries are rebuilt silently -------------------------------------------------


@contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    """Fail instead of hanging."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError("the command hung")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _all_entries(tmp_path: Path) -> list[Path]:
    return [*_entries(tmp_path, "store"), *_entries(tmp_path, "unit")]


def test_flipped_bytes_are_a_silent_rebuild(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    expected = invoke(runner, "list", "-f", "json")
    for entry in _all_entries(tmp_path):
        data = bytearray(entry.read_bytes())
        for at in (len(data) // 3, 2 * len(data) // 3):
            data[at] ^= 0xFF
        entry.write_bytes(bytes(data))
    with _deadline(30):
        assert invoke(runner, "list", "-f", "json") == expected


def test_a_same_length_string_swap_is_a_silent_rebuild(
    runner: CliRunner, store: Path, tmp_path: Path
) -> None:
    expected = invoke(runner, "show", "parukh")
    assert "Parukh" in expected[1]
    for entry in _all_entries(tmp_path):
        entry.write_bytes(entry.read_bytes().replace(b"Parukh", b"Paruxh"))
    assert invoke(runner, "show", "parukh") == expected


def _forge(entry: Path, payload: bytes) -> None:
    """An entry with correct checksums (the whole payload its prefix): only
    the shape check can refuse it."""
    crc = zlib.crc32(payload)
    entry.write_bytes(cache._MAGIC + cache._HEAD_FIELDS.pack(crc, len(payload), crc) + payload)


def test_a_bad_stance_in_a_checksummed_entry_is_a_silent_rebuild(
    runner: CliRunner, store: Path, tmp_path: Path
) -> None:
    expected = invoke(runner, "contradictions")
    for entry in _all_entries(tmp_path):
        payload = cache._read_entry(entry)
        assert payload is not None
        _forge(entry, bytes(payload).replace(b"refutes", b"refuter"))
    assert invoke(runner, "contradictions") == expected


def test_a_store_entry_of_the_wrong_shape_is_a_silent_rebuild(
    runner: CliRunner, store: Path, tmp_path: Path
) -> None:
    expected = invoke(runner, "sources")
    (entry,) = _entries(tmp_path, "store")
    payload = cache._read_entry(entry)
    assert payload is not None
    size = int.from_bytes(payload[:8], "big")
    for whole in ((1, 2, 3), ("root", [], [(None,)], [], [], {}, {}, []), None):
        _forge(entry, bytes(payload[: 8 + size]) + marshal.dumps(whole))
        assert invoke(runner, "sources") == expected
        _forge(entry, bytes(payload[: 8 + size]) + marshal.dumps(whole))  # the rebuild replaced it


def test_a_fifo_in_place_of_an_entry(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    expected = invoke(runner, "check")
    for entry in _all_entries(tmp_path):
        entry.unlink()
        os.mkfifo(entry)
    with _deadline(30):
        assert invoke(runner, "check") == expected
        assert invoke(runner, "check") == expected


@pytest.mark.parametrize("content", [b"", b"claimcmp-cache-4\n", b"\x00" * 100])
def test_truncated_entries(runner: CliRunner, store: Path, tmp_path: Path, content: bytes) -> None:
    expected = invoke(runner, "check")
    for entry in _all_entries(tmp_path):
        entry.write_bytes(content)
    assert invoke(runner, "check") == expected


# -- random edits never serve a stale result ----------------------------------------------------

_EDITS = st.lists(
    st.sampled_from(
        [
            "same-size text edit",
            "same-size text edit, times kept",
            "same-size yaml edit, times kept",
            "text moved away",
            "text moved back",
            "link retargeted",
            "duplicate file",
            "duplicate removed",
            "yaml broken",
            "yaml fixed",
            "nothing",
        ]
    ),
    min_size=1,
    max_size=6,
)


def _apply(edit: str, tmp_path: Path, data: Path) -> None:
    seeds = tmp_path / "seeds"
    if edit.startswith("same-size text edit"):
        text = seeds / "gamma-real.txt"
        content = text.read_text(encoding="utf-8")
        new = content.replace("open;", "OPEN;") if "open;" in content else content.replace("OPEN;", "open;")
        if edit.endswith("times kept"):
            _rewrite_keeping_times(text, new)
        else:
            text.write_text(new, encoding="utf-8")
    elif edit == "same-size yaml edit, times kept":
        claims = data / "b-claims.yaml"
        content = claims.read_text(encoding="utf-8")
        swapped = content.replace("road open", "road OPEN") if "road open" in content else None
        _rewrite_keeping_times(claims, swapped or content.replace("road OPEN", "road open"))
    elif edit == "text moved away" and (seeds / "beta.txt").exists():
        (seeds / "beta.txt").rename(tmp_path / "beta.away")
    elif edit == "text moved back" and (tmp_path / "beta.away").exists():
        (tmp_path / "beta.away").rename(seeds / "beta.txt")
    elif edit == "link retargeted":
        link = seeds / "gamma.txt"
        target = "gamma-other.txt" if os.readlink(link) == "gamma-real.txt" else "gamma-real.txt"
        link.unlink()
        link.symlink_to(target)
    elif edit == "duplicate file":
        (data / "d-dup.yaml").write_text(MORE.replace("never written", "not written"), encoding="utf-8")
    elif edit == "duplicate removed" and (data / "d-dup.yaml").exists():
        (data / "d-dup.yaml").unlink()
    elif edit == "yaml broken":
        broken = MORE.replace("stance: supports", "stance: suports")
        (data / "c-more.yaml").write_text(broken, encoding="utf-8")
    elif edit == "yaml fixed":
        (data / "c-more.yaml").write_text(MORE, encoding="utf-8")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=_EDITS)
def test_random_edits_never_serve_a_stale_result(
    runner: CliRunner, tmp_path_factory: pytest.TempPathFactory, edits: list[str]
) -> None:
    tmp_path = tmp_path_factory.mktemp("edits")
    os.environ["CLAIMCMP_CACHE_DIR"] = str(tmp_path / "cache")
    data = _folder_store(tmp_path)
    seeds = tmp_path / "seeds"
    (seeds / "gamma.txt").rename(seeds / "gamma-real.txt")
    other = GAMMA.replace("others disagree", "others agree!!")
    (seeds / "gamma-other.txt").write_text(other, encoding="utf-8")
    (seeds / "gamma.txt").symlink_to("gamma-real.txt")
    invoke(runner, "--store", str(data), "check")
    for edit in edits:
        _apply(edit, tmp_path, data)
        for command in (("check",), ("list", "-f", "json"), ("contradictions", "-f", "json")):
            cached, fresh = _both(runner, data, *command)
            assert cached == fresh, (edits, edit, command)


def test_an_edit_reads_only_the_edited_file_and_no_text(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimcmp import loading

    data = _folder_store(tmp_path)
    invoke(runner, "--store", str(data), "check")
    parsed: list[str] = []
    searched: list[str] = []
    real_parse, real_find = loading._Checker.parse, loading.SourceText.find_all

    def counting_parse(self, file, raw=None, guard=None):  # type: ignore[no-untyped-def]
        parsed.append(file.path.name)
        return real_parse(self, file, raw, guard)

    def counting_find(self, quotes):  # type: ignore[no-untyped-def]
        searched.extend(quotes)
        return real_find(self, quotes)

    monkeypatch.setattr(loading._Checker, "parse", counting_parse)
    monkeypatch.setattr(loading.SourceText, "find_all", counting_find)
    monkeypatch.setattr(loading, "can_fork", lambda: False)  # counted in this process
    # the claim's text changes, its quotes do not: only that file is parsed
    # again, and its quotes, found in the same texts before, are not searched again
    more = data / "c-more.yaml"
    more.write_text(MORE.replace("runs for five years", "runs for 5 years"), encoding="utf-8")
    cached = invoke(runner, "--store", str(data), "show", "five-year-term", "-f", "json")
    assert parsed == ["c-more.yaml"] and searched == []
    assert cached == invoke(
        runner, "--no-cache", "--store", str(data), "show", "five-year-term", "-f", "json"
    )
    assert "runs for 5 years" in cached[1]
    # a new quote is searched, alone
    searched.clear()
    parsed.clear()
    more.write_text(MORE.replace("a five-year term that renews automatically", "renews automatically"))
    assert invoke(runner, "--store", str(data), "check")[0] == 0
    assert parsed == ["c-more.yaml"] and searched == ["renews automatically"]


def test_a_write_cut_short_leaves_no_temporary_file_for_long(
    runner: CliRunner, store: Path, tmp_path: Path
) -> None:
    # A process (or a child checking files beside it) killed mid-write leaves
    # its temporary file; the next write removes it once it is an hour old.
    assert invoke(runner, "check")[0] == 0
    folder = tmp_path / "cache"
    old, recent = folder / "cut-short.tmp", folder / "being-written.tmp"
    for path in (old, recent):
        path.write_bytes(b"half an entry")
    hour_ago = time.time_ns() - cache.STALE_TEMPORARY_NS - 1_000_000_000
    os.utime(old, ns=(hour_ago, hour_ago))
    store.write_text(store.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert invoke(runner, "check")[0] == 0
    assert not old.exists() and recent.exists()
