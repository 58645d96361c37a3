"""``claimcmp check`` after an edit reads the unchanged files from the cache
without their claims, unless their summaries cannot tell that no rule across
files finds anything in them (``checks.summary``). Whatever the edits, it
prints what a check without the cache prints."""

from __future__ import annotations

import marshal
import os
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from claimcmp import cache
from claimcmp.checks.summary import quiet, shared, summarize_claims
from claimcmp.models import Claim, Position, Source
from conftest import ALPHA, BETA, GAMMA, invoke

SOURCES = """\
version: 1
sources:
  - id: alpha
    title: The Mission Report
    published: "2023"
    file: ../seeds/alpha.txt
  - id: beta
    title: Another View
    published: 2023-05
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

FIRST = """\
version: 1
claims:
  - id: parukh
    topic: incidents
    text: Peacekeepers prevented the capture of Parukh.
    date: 2022-03
    positions:
      - source: beta
        stance: supports
        quote: "Peacekeepers prevented the capture of Parukh village"
      - source: alpha
        stance: refutes
        quote: "The peacekeepers did not prevent the capture of Parukh village"
"""

SECOND = """\
version: 1
claims:
  - id: corridor-open
    topic: incidents
    text: The peacekeepers kept the Lachin corridor open.
    date: 2021
    positions:
      - source: beta
        stance: supports
        quote: "they kept the road open"
      - source: gamma
        stance: qualifies
        quote: "Some say the corridor was open; others disagree."
"""

THIRD = """\
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

FILES = {"a-sources.yaml": SOURCES, "b-first.yaml": FIRST, "c-second.yaml": SECOND, "d-third.yaml": THIRD}

# Each edit swaps one passage of one file for another and back: the second
# time it is drawn, it undoes the first. Each makes a rule across files find
# something in a file other than the one edited, or stop finding it.
EDITS: dict[str, tuple[str, str, str]] = {
    "an edit of a text": ("b-first.yaml", "of Parukh.", "of Parukh!"),
    "an unknown topic": ("c-second.yaml", "topic: incidents", "topic: incidentz"),
    "an unknown source": ("d-third.yaml", "source: alpha", "source: alpah"),
    "a topic removed": ("a-sources.yaml", "  - id: mandate\n    title: The mandate\n", ""),
    "a source removed": (
        "a-sources.yaml",
        "  - id: gamma\n    title: A Third Voice\n    file: ../seeds/gamma.txt\n",
        "",
    ),
    "an earlier publication": ("a-sources.yaml", 'published: "2023"', 'published: "2020"'),
    "a later claim": ("c-second.yaml", "date: 2021", "date: 2024-01-02"),
    "a doubled position": ("d-third.yaml", "source: gamma", "source: alpha"),
    "an id that is a topic's": ("d-third.yaml", "id: five-year-term", "id: mandate"),
    "an id taken twice": ("d-third.yaml", "id: five-year-term", "id: parukh"),
    "a quote used twice": (
        "d-third.yaml",
        '"a five-year term that renews automatically"',
        '"The peacekeepers did not prevent the capture of Parukh village"',
    ),
    "a near-duplicate": (
        "c-second.yaml",
        "kept the Lachin corridor open.",
        "prevented the capture of Parukh.",
    ),
    "a quote changed": ("c-second.yaml", "they kept the road open", "they kept the road shut"),
    "a text changed": ("seeds/gamma.txt", "never written down", "never written DOWN"),
    "a file broken": ("b-first.yaml", "stance: supports", "stance: suports"),
}


def _store(tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name, text in {"alpha.txt": ALPHA, "beta.txt": BETA, "gamma.txt": GAMMA}.items():
        (seeds / name).write_text(text, encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    for name, text in FILES.items():
        (data / name).write_text(text, encoding="utf-8")
    return data


def _toggle(tmp_path: Path, edit: str) -> None:
    name, before, after = EDITS[edit]
    path = tmp_path / name if name.startswith("seeds/") else tmp_path / "data" / name
    text = path.read_text(encoding="utf-8")
    new = text.replace(before, after, 1) if before in text else text.replace(after, before, 1)
    path.write_text(new, encoding="utf-8")


def _both(runner: CliRunner, data: Path, *command: str) -> tuple[tuple[int, str], tuple[int, str]]:
    cached = invoke(runner, "--store", str(data), *command)
    fresh = invoke(runner, "--no-cache", "--store", str(data), *command)
    return cached, fresh


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.sampled_from(sorted(EDITS)), min_size=1, max_size=6))
def test_random_edits_give_what_a_check_without_the_cache_gives(
    runner: CliRunner, tmp_path_factory: pytest.TempPathFactory, edits: list[str]
) -> None:
    tmp_path = tmp_path_factory.mktemp("lean")
    os.environ["CLAIMCMP_CACHE_DIR"] = str(tmp_path / "cache")
    data = _store(tmp_path)
    invoke(runner, "--store", str(data), "check")
    for edit in edits:
        _toggle(tmp_path, edit)
        for command in (("check",), ("check", "-f", "json"), ("check",), ("list", "-f", "json")):
            cached, fresh = _both(runner, data, *command)
            assert cached == fresh, (edits, edit, command)


def _decoded(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """(file name, lean) of every file's entry decoded from now on."""
    decoded: list[tuple[str, bool]] = []
    real = cache.decode_unit

    def counting(payload, path, shown, digest, *, lean=False):  # type: ignore[no-untyped-def]
        decoded.append((Path(path).name, lean))
        return real(payload, path, shown, digest, lean=lean)

    monkeypatch.setattr(cache, "decode_unit", counting)
    return decoded


def test_after_an_edit_the_other_files_claims_are_not_built(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _store(tmp_path)
    invoke(runner, "--store", str(data), "check")
    decoded = _decoded(monkeypatch)
    saved: list[str] = []
    encode = cache.encode_unit
    monkeypatch.setattr(
        cache, "encode_unit", lambda unit, **how: saved.append(unit.file.path.name) or encode(unit, **how)
    )
    _toggle(tmp_path, "an edit of a text")
    code, output = invoke(runner, "--store", str(data), "check")
    assert code == 0
    assert saved == ["b-first.yaml"]  # the lean units are never written back
    assert "valid: 3 sources, 2 topics, 3 claims, 6 positions, 2 contested" in output
    # The edited file is read and validated (no entry), its previous version
    # decoded whole (its quotes' lines, found before), the others lean.
    assert sorted(decoded) == [
        ("a-sources.yaml", True),
        ("b-first.yaml", False),
        ("c-second.yaml", True),
        ("d-third.yaml", True),
    ]


def test_a_file_whose_summary_cannot_tell_is_built(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _store(tmp_path)
    invoke(runner, "--store", str(data), "check")
    decoded = _decoded(monkeypatch)
    # gamma's removal leaves c-second's and d-third's positions of gamma unknown.
    _toggle(tmp_path, "a source removed")
    code, output = invoke(runner, "--store", str(data), "check")
    assert code == 1
    assert output.count("unknown source 'gamma'") == 2
    assert sorted(set(decoded)) == [
        ("a-sources.yaml", False),  # its previous version, for nothing: it quotes nothing
        ("b-first.yaml", True),
        ("c-second.yaml", False),
        ("c-second.yaml", True),
        ("d-third.yaml", False),
        ("d-third.yaml", True),
    ]


def test_a_warm_check_reads_the_report_alone(runner: CliRunner, tmp_path: Path) -> None:
    data = _store(tmp_path)
    _toggle(tmp_path, "an earlier publication")  # a warning: alpha published before the 2022 claim
    first = invoke(runner, "--store", str(data), "check")
    assert first[0] == 0 and "anachronism" in first[1]
    for entry in (tmp_path / "cache").glob("*.unit"):
        entry.unlink()  # a check that read any file's results would now read every file again
    assert invoke(runner, "--store", str(data), "check") == first


# -- the summary's rules, by hand -----------------------------------------------------------


def _claim(claim_id: str, topic: str, date: str | None, *positions: tuple[str, str]) -> Claim:
    return Claim(
        claim_id, topic, f"Claim {claim_id}.", date, (), None,
        tuple(Position(source, "supports", quote) for source, quote in positions),
    )  # fmt: skip


SOURCES_BY_ID = {
    "a": Source("a", "A", published="2021-06"),
    "b": Source("b", "B"),
}


def test_a_summary_tells_what_the_rules_need() -> None:
    summary = summarize_claims(
        [
            _claim("c1", "t1", "2021-06-30", ("a", "one"), ("b", "two")),
            _claim("c2", "t2", "2021-07", ("a", "three")),
            _claim("c3", "t1", None, ("b", "four")),
        ]
    )
    assert summary.ids == ["c1", "c2", "c3"]
    assert summary.topics == ["t1", "t2"]
    assert summary.sources == ["a", "b"]
    assert not summary.doubled
    # a's latest dated claim begins on 2021-07-01; b's on 2021-06-30.
    assert summary.latest == {"a": date(2021, 7, 1).toordinal(), "b": date(2021, 6, 30).toordinal()}
    assert len(summary.quote_keys) == 4 and len(set(summary.quote_keys)) == 4
    assert tuple(summary.counts) == (3, 4, 0, 1)


def test_quiet_is_false_where_a_rule_would_speak() -> None:
    topics = {"t1", "t2"}
    fine = summarize_claims([_claim("c1", "t1", "2021-06-30", ("a", "one"))])
    assert quiet(fine, SOURCES_BY_ID, topics)
    # a, published 2021-06, cannot speak of July 2021.
    assert not quiet(summarize_claims([_claim("c1", "t1", "2021-07", ("a", "one"))]), SOURCES_BY_ID, topics)
    assert not quiet(summarize_claims([_claim("c1", "t3", None, ("a", "one"))]), SOURCES_BY_ID, topics)
    assert not quiet(summarize_claims([_claim("c1", "t1", None, ("z", "one"))]), SOURCES_BY_ID, topics)
    assert not quiet(summarize_claims([_claim("t2", "t1", None, ("a", "one"))]), SOURCES_BY_ID, topics)
    doubled = summarize_claims([_claim("c1", "t1", None, ("a", "one"), ("a", "two"))])
    assert not quiet(doubled, SOURCES_BY_ID, topics)


def test_shared_finds_an_id_or_a_quote_in_two_files_or_twice_in_one() -> None:
    one = summarize_claims([_claim("c1", "t1", None, ("a", "same words"))])
    other_source = summarize_claims([_claim("c2", "t1", None, ("b", "same words"))])
    assert shared([one, other_source]) == [False, False]  # one quote, two sources: not reused
    same_quote = summarize_claims([_claim("c3", "t1", None, ("a", "same words"))])
    assert shared([one, other_source, same_quote]) == [True, False, True]
    same_id = summarize_claims([_claim("c2", "t2", None, ("a", "other words"))])
    assert shared([one, other_source, same_id]) == [False, True, True]
    twice = summarize_claims([_claim("c9", "t1", None, ("a", "x")), _claim("c9", "t1", None, ("b", "y"))])
    assert shared([one, twice]) == [False, True]


def test_a_store_of_one_file_keeps_no_summary(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    # Its one file is never read lean (it is the edited one), so its first
    # check does not pay for a summary (0.08 s at 20,000 claims).
    invoke(runner, "--store", str(store), "check")
    (entry,) = (tmp_path / "cache").glob("*.unit")
    payload = cache._read_entry(entry)
    assert payload is not None
    assert marshal.loads(list(cache._parts(payload))[3]) is None
    (tmp_path / "folder").mkdir()
    data = _store(tmp_path / "folder")
    invoke(runner, "--store", str(data), "check")
    summaries = [
        marshal.loads(list(cache._parts(cache._read_entry(entry) or b""))[3])
        for entry in (tmp_path / "cache").glob("*.unit")
    ]
    assert sum(summary is not None for summary in summaries) == 4  # the folder's four files


def test_after_an_edit_the_other_files_entries_are_read_to_their_summaries(
    runner: CliRunner, tmp_path: Path
) -> None:
    # The parts after a file's summary (its quotes' lines and its claims) made
    # unreadable in every entry: a check after an edit reads none of them, so
    # it neither notices nor rebuilds; a command that needs the claims does.
    from claimcmp.cache import _HEAD, _HEAD_FIELDS, UNIT_PREFIX_PARTS, _parts, _read_entry

    data = _store(tmp_path)
    invoke(runner, "--store", str(data), "check")
    _toggle(tmp_path, "an edit of a text")
    expected_check = _both(runner, data, "check")[1]
    expected_list = _both(runner, data, "list", "-f", "json")[1]
    _toggle(tmp_path, "an edit of a text")
    invoke(runner, "--store", str(data), "check")
    entries = sorted((tmp_path / "cache").glob("*.unit"))
    damaged = []
    for entry in entries:
        raw = entry.read_bytes()
        _, size, _ = _HEAD_FIELDS.unpack_from(raw, _HEAD - _HEAD_FIELDS.size)
        payload = _read_entry(entry)
        assert payload is not None and len(list(_parts(payload))) > UNIT_PREFIX_PARTS
        if _HEAD + size < len(raw):
            entry.write_bytes(raw[: _HEAD + size] + bytes(len(raw) - _HEAD - size))
            damaged.append(entry)
    assert damaged
    _toggle(tmp_path, "an edit of a text")
    assert invoke(runner, "--store", str(data), "check") == expected_check
    assert all(entry.read_bytes().endswith(bytes(16)) for entry in damaged)  # neither read whole nor rebuilt
    assert invoke(runner, "--store", str(data), "list", "-f", "json") == expected_list


def test_a_store_of_one_file_reads_its_entry_whole_and_keeps_it(
    runner: CliRunner, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its entry has no summary (a store of one file is never read lean): it is
    # read whole, not rebuilt.
    invoke(runner, "--store", str(store), "check")
    expected = invoke(runner, "--no-cache", "--store", str(store), "check")
    os.utime(store, ns=(store.stat().st_atime_ns, store.stat().st_mtime_ns + 10**9))  # same content
    decoded = _decoded(monkeypatch)
    saved: list[str] = []
    encode = cache.encode_unit
    monkeypatch.setattr(
        cache, "encode_unit", lambda unit, **how: saved.append(unit.file.path.name) or encode(unit, **how)
    )
    assert invoke(runner, "--store", str(store), "check") == expected
    assert decoded == [("claims.yaml", False)]
    assert saved == []


def test_an_entry_without_a_summary_read_in_a_store_of_many_files(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One file checked alone writes its entry without a summary; the store's
    # folder, checked next, finds that entry for the same file and content:
    # its prefix tells it has no summary, so it is decoded whole, once (not
    # tried lean and then read from the YAML again).
    data = _store(tmp_path)
    invoke(runner, "--store", str(data / "b-first.yaml"), "check")
    expected = invoke(runner, "--no-cache", "--store", str(data), "check")
    decoded = _decoded(monkeypatch)
    assert invoke(runner, "--store", str(data), "check") == expected
    assert [entry for entry in decoded if entry[0] == "b-first.yaml"] == [("b-first.yaml", False)]
