"""The contradictions' JSON kept as a view (``jsonview``, ``cache.cached_view``):
what it prints with every filter, that it refuses bytes of the wrong shape, and
that a run served from it prints what a run without the cache prints, and is
never served once the store has changed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimcmp import api, cache, jsonview, loading
from claimcmp.analysis import claims_json, find_contradictions
from claimcmp.jsonview import ContradictionsJson, contradictions_view
from claimcmp.models import Claim, Position, Source, Store, Topic
from claimcmp.output import json_lines
from claimcmp.problems import UnknownNameError
from conftest import invoke


def _claim(claim_id: str, topic: str, *sides: tuple[str, str]) -> Claim:
    positions = tuple(Position(source, stance, f"{source} on {claim_id}") for source, stance in sides)
    return Claim(claim_id, topic, f"Claim {claim_id}.", None, (), None, positions)


# Worked out by hand: (smaller camp, both camps) -> c2 (2, 4), c5 (1, 3), then
# c1 and c4 (1, 2) by their topics' order (t1 before t2). c3 has no refutation.
STORE = Store(
    root=Path("."),
    files=[],
    sources={s: Source(s, s.upper()) for s in ("a", "b", "c", "d")},
    topics={t: Topic(t, t.upper()) for t in ("t1", "t2")},
    claims={
        c.id: c
        for c in (
            _claim("c1", "t1", ("a", "supports"), ("b", "refutes")),
            _claim("c2", "t2", ("a", "supports"), ("b", "supports"), ("c", "refutes"), ("d", "refutes")),
            _claim("c3", "t1", ("a", "supports"), ("c", "qualifies")),
            _claim("c4", "t2", ("c", "supports"), ("d", "refutes")),
            _claim("c5", "t1", ("d", "refutes"), ("b", "supports"), ("a", "supports"), ("c", "qualifies")),
        )
    },
    anchors={("c1", "a"): 3, ("c2", "d"): 7, ("c5", "c"): 12},
)


def _expected(*claim_ids: str) -> bytes:
    return json_lines(claims_json(STORE, [STORE.claims[c] for c in claim_ids]))


@pytest.mark.parametrize(
    ("topics", "sources", "claim_ids"),
    [
        ((), (), ("c2", "c5", "c1", "c4")),
        (("t1",), (), ("c5", "c1")),
        (("t2", "t1"), (), ("c2", "c5", "c1", "c4")),
        ((), ("c",), ("c2", "c4")),  # c5's c qualifies: no side
        ((), ("d",), ("c2", "c5", "c4")),
        ((), ("b", "c"), ("c2", "c5", "c1", "c4")),
        (("t2",), ("a",), ("c2",)),
        (("t1",), ("c",), ()),
    ],
)
def test_the_view_prints_each_filters_claims_in_order(
    topics: tuple[str, ...], sources: tuple[str, ...], claim_ids: tuple[str, ...]
) -> None:
    view = ContradictionsJson.read(memoryview(contradictions_view(STORE)))
    printed = bytes(view.json(list(topics), list(sources)))
    assert printed == _expected(*claim_ids)
    # and what the command printed before the view, from the store
    assert printed == json_lines(claims_json(STORE, find_contradictions(STORE, list(topics), list(sources))))


def test_a_store_without_contradictions() -> None:
    store = Store(root=Path("."), files=[], sources=STORE.sources, topics=STORE.topics, claims={})
    view = ContradictionsJson.read(memoryview(contradictions_view(store)))
    assert bytes(view.json()) == b"[]\n"
    assert bytes(view.json(["t1"], ["a"])) == b"[]\n"


@pytest.mark.parametrize(("topics", "sources"), [(["t3"], []), (["t1"], ["e"]), (["t9"], ["e"])])
def test_an_unknown_name_is_refused_as_from_the_store(topics: list[str], sources: list[str]) -> None:
    view = ContradictionsJson.read(memoryview(contradictions_view(STORE)))
    with pytest.raises(UnknownNameError) as from_view:
        view.json(topics, sources)
    with pytest.raises(UnknownNameError) as from_store:
        find_contradictions(STORE, topics, sources)
    assert str(from_view.value) == str(from_store.value)
    assert (from_view.value.kind, from_view.value.name) == (from_store.value.kind, from_store.value.name)


def _with_head(data: bytes, change: object) -> bytes:
    import marshal

    size = int.from_bytes(data[:8], "big")
    head = list(marshal.loads(data[8 : 8 + size]))
    change(head)  # type: ignore[operator]
    new = marshal.dumps(tuple(head))
    return len(new).to_bytes(8, "big") + new + data[8 + size :]


def _set(index: int, value: object) -> object:
    return lambda head: head.__setitem__(index, value)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[:-1], id="json cut short"),
        pytest.param(lambda data: data + b" ", id="json too long"),
        pytest.param(lambda data: data[:5], id="head cut short"),
        pytest.param(lambda data: _with_head(data, _set(0, ("t1", "t2"))), id="topics a tuple"),
        pytest.param(lambda data: _with_head(data, _set(1, ["a", 2])), id="a source a number"),
        pytest.param(lambda data: _with_head(data, _set(2, ["t2", "t1", "t1"])), id="a topic too few"),
        pytest.param(lambda data: _with_head(data, _set(3, [(), (), (), ["d"]])), id="sides a list"),
        pytest.param(lambda data: _with_head(data, _set(3, [(), (), (), (4,)])), id="a side a number"),
        pytest.param(lambda data: _with_head(data, lambda h: h[4].reverse()), id="sizes swapped"),
        pytest.param(lambda data: _with_head(data, lambda h: h.append([])), id="a sixth column"),
    ],
)
def test_a_view_of_the_wrong_shape_is_refused(damage: object) -> None:
    data = contradictions_view(STORE)
    ContradictionsJson.read(memoryview(data))  # as made, it reads
    with pytest.raises((ValueError, TypeError, EOFError)):
        ContradictionsJson.read(memoryview(damage(data)))  # type: ignore[operator]


# -- the command, served from the view --------------------------------------------------


def _views(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache").glob("*.view"))


def _fresh(runner: CliRunner, *args: str) -> tuple[int, str]:
    return invoke(runner, "--no-cache", "contradictions", "-f", "json", *args)


def test_a_second_run_reads_only_the_view(
    runner: CliRunner, store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = invoke(runner, "contradictions", "-f", "json")
    assert first == _fresh(runner)
    assert [line[:16] for line in first[1].splitlines()] == ["[", '{"id":"parukh","', '{"id":"five-year', "]"]
    assert len(_views(tmp_path)) == 1
    mandate = _fresh(runner, "--topic", "mandate")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the store was checked or decoded")

    monkeypatch.setattr(cache, "decode", refuse)
    monkeypatch.setattr(loading, "check_store", refuse)
    assert invoke(runner, "contradictions", "-f", "json") == first
    assert invoke(runner, "contradictions", "-f", "json", "--topic", "mandate") == mandate
    assert invoke(runner, "contradictions", "-f", "json", "--source", "gamma", "--topic", "incidents") == (
        0,
        "[]\n",
    )


def test_no_cache_keeps_no_view(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    _fresh(runner)
    assert _views(tmp_path) == []


def test_a_view_is_not_served_once_the_store_changed(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    before = invoke(runner, "contradictions", "-f", "json")
    text = store.read_text(encoding="utf-8")
    # Same size, timestamps put back: only the content (and the ctime) tells.
    info = store.stat()
    store.write_text(text.replace("stance: refutes", "stance: supports", 1), encoding="utf-8")
    os.utime(store, ns=(info.st_atime_ns, info.st_mtime_ns))
    after = invoke(runner, "contradictions", "-f", "json")
    assert after == _fresh(runner) != before
    assert '"parukh"' not in after[1]


def test_a_view_made_with_another_entry_is_not_served(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    # The view is made; the store is edited; `check` then writes the store's
    # entry anew (a manifest that holds for the edited store): the view, made
    # with the entry before, must not be served for it.
    before = invoke(runner, "contradictions", "-f", "json")
    store.write_text(store.read_text(encoding="utf-8").replace("stance: refutes", "stance: qualifies"))
    assert invoke(runner, "check")[0] == 0
    after = invoke(runner, "contradictions", "-f", "json")
    assert after == _fresh(runner) == (0, "[]\n") != before


def test_a_damaged_view_is_made_again(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    expected = invoke(runner, "contradictions", "-f", "json")
    (view,) = _views(tmp_path)
    for at in (0, 30, view.stat().st_size // 2, view.stat().st_size - 3):
        data = bytearray(view.read_bytes())
        data[at] ^= 0x20
        view.write_bytes(bytes(data))
        assert invoke(runner, "contradictions", "-f", "json") == expected
    view.write_bytes(b"")
    assert invoke(runner, "contradictions", "-f", "json") == expected


def test_a_store_with_errors_prints_the_same_from_the_view(
    runner: CliRunner, make_store, tmp_path: Path
) -> None:
    from conftest import STORE as TEXT

    make_store(TEXT.replace("did not prevent the capture", "did not stop the capture"))
    runs = [invoke(runner, "contradictions", "-f", "json") for _ in range(2)]
    assert runs[0] == runs[1] == _fresh(runner)
    code, output = runs[1]
    assert code == 1 and '"five-year-term"' in output and '"parukh"' not in output
    assert "1 error" in output  # the one-line summary, after the JSON (CliRunner mixes stderr in)
    assert len(_views(tmp_path)) == 1


def test_the_library_view(store: Path, tmp_path: Path) -> None:
    report, view = api.view(jsonview.build, ContradictionsJson.read, name=jsonview.NAME, store=store)
    assert report.problems == [] and report.summary.contested == 2
    again = api.view(jsonview.build, ContradictionsJson.read, name=jsonview.NAME, store=store)
    assert bytes(again[1].json()) == bytes(view.json()) == _fresh(CliRunner())[1].encode()
