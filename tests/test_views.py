"""The agreement, coverage and timeline views and the rules under them, on small
stores whose values are worked out by hand (see ``views_store``)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner
from views_store import TEXT, VIEWS_STORE

from claimcmp.models import Source
from claimcmp.render_views import grid, to_text
from claimcmp.rules import date_span, independent, is_anachronistic
from conftest import invoke

GOLDEN = Path(__file__).parent / "golden"


def _golden(name: str, actual: str) -> str:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    return path.read_text(encoding="utf-8")


@pytest.fixture
def views_store(make_store: Callable[..., Path]) -> Path:
    return make_store(VIEWS_STORE, texts={"t.txt": TEXT})


def _json(runner: CliRunner, *args: str) -> object:
    code, output = invoke(runner, *args)
    assert code == 0, output
    return json.loads(output)


# -- rules ---------------------------------------------------------------------------------


def test_partial_dates_cover_spans() -> None:
    import datetime as dt

    assert date_span("2022") == (dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    assert date_span("2022-12") == (dt.date(2022, 12, 1), dt.date(2022, 12, 31))
    assert date_span("2024-02") == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert date_span("2022-12-05") == (dt.date(2022, 12, 5), dt.date(2022, 12, 5))


@pytest.mark.parametrize(
    ("published", "event", "anachronistic"),
    [
        ("2022-12", "2022-12-05", False),  # December may be after the 5th
        ("2022-12-04", "2022-12-05", True),
        ("2022-12-05", "2022-12-05", False),  # the same day
        ("2022", "2022-12-05", False),
        ("2022", "2022-12", False),
        ("2022-12", "2022", False),  # the event may be in December too
        ("2022-11", "2022-12", True),
        ("2021", "2022", True),
        ("2022-12-31", "2023", True),
        ("2023", "2022", False),
        (None, "2022", False),
        ("2022", None, False),
    ],
)
def test_anachronism_compares_whole_spans(
    published: str | None, event: str | None, anachronistic: bool
) -> None:
    assert is_anachronistic(published, event) is anachronistic


def test_independence_follows_based_on_chains() -> None:
    sources = {
        "a": Source("a", "A"),
        "b": Source("b", "B", based_on=("c",)),
        "c": Source("c", "C", based_on=("e",)),
        "d": Source("d", "D", based_on=("e",)),
        "e": Source("e", "E"),
    }
    assert independent(sources, "a", "b")
    assert not independent(sources, "b", "c")  # b draws on c
    assert not independent(sources, "b", "e")  # through c
    assert not independent(sources, "b", "d")  # a common ancestor, e, through a chain
    assert not independent(sources, "d", "b")


# -- agreement -----------------------------------------------------------------------------


def test_agreement_json_pairs(runner: CliRunner, views_store: Path) -> None:
    data = _json(runner, "agreement", "--format", "json")
    assert data == {
        "sources": ["a", "b", "c", "d", "e"],
        "pairs": [
            {"a": "a", "b": "b", "shared": 3, "agree": 1, "partial": 1, "contradict": 1,
             "rate": 1 / 3, "independent": True},
            {"a": "a", "b": "c", "shared": 2, "agree": 1, "partial": 0, "contradict": 1,
             "rate": 0.5, "independent": True},
            {"a": "a", "b": "d", "shared": 1, "agree": 0, "partial": 1, "contradict": 0,
             "rate": 0.0, "independent": True},
            {"a": "a", "b": "e", "shared": 0, "agree": 0, "partial": 0, "contradict": 0,
             "rate": None, "independent": True},
            {"a": "b", "b": "c", "shared": 2, "agree": 0, "partial": 1, "contradict": 1,
             "rate": 0.0, "independent": False},
            {"a": "b", "b": "d", "shared": 1, "agree": 0, "partial": 1, "contradict": 0,
             "rate": 0.0, "independent": False},
            {"a": "b", "b": "e", "shared": 0, "agree": 0, "partial": 0, "contradict": 0,
             "rate": None, "independent": False},
            {"a": "c", "b": "d", "shared": 1, "agree": 1, "partial": 0, "contradict": 0,
             "rate": 1.0, "independent": False},
            {"a": "c", "b": "e", "shared": 0, "agree": 0, "partial": 0, "contradict": 0,
             "rate": None, "independent": False},
            {"a": "d", "b": "e", "shared": 0, "agree": 0, "partial": 0, "contradict": 0,
             "rate": None, "independent": False},
        ],
    }  # fmt: skip


def test_agreement_by_topic(runner: CliRunner, views_store: Path) -> None:
    data = _json(runner, "agreement", "--topic", "t2", "--format", "json")
    assert isinstance(data, dict)
    shared = {(p["a"], p["b"]): (p["shared"], p["agree"]) for p in data["pairs"] if p["shared"]}
    assert shared == {("c", "d"): (1, 1)}
    code, output = invoke(runner, "agreement", "--topic", "t2")
    assert code == 0
    assert "Agreement between sources on t2: 3 claims" in output
    assert "No two sources contradict each other" in output


def test_agreement_csv(runner: CliRunner, views_store: Path) -> None:
    code, output = invoke(runner, "agreement", "--format", "csv")
    assert code == 0
    lines = output.splitlines()
    assert lines[0] == "a,b,shared,agree,partial,contradict,rate,independent"
    assert lines[1] == "a,b,3,1,1,1,0.3333,true"  # 1 of 3, to 4 decimals
    assert lines[4] == "a,e,0,0,0,0,,true"
    assert lines[8] == "c,d,1,1,0,0,1.0,false"
    assert len(lines) == 11


def test_agreement_table_and_sentences(
    runner: CliRunner, views_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    code, output = invoke(runner, "agreement")
    assert code == 0
    assert output == _golden("agreement.txt", output)
    text = " ".join(output.split())  # the sentences are wrapped to 80 columns
    # c and d agree on their one shared claim; they descend from e.
    assert "Most agreement: c and d take the same stance on 1 of the 1 claim both address (100%)." in text
    assert "(100%). They are not independent" in text
    # One contradiction each for a-b, a-c and b-c: a-c and b-c have the larger
    # share, a-c is listed first.
    expected = "Most contradiction: a and c, one supporting what the other refutes, on 1 of the 2 claims"
    assert expected in text
    assert "1/3 ✘1" in output and "0/2 ✘1†" in output and "—" in output


def test_agreement_with_one_source(runner: CliRunner, make_store: Callable[..., Path]) -> None:
    make_store(
        """\
        sources:
          - {id: only, title: Only, file: ../seeds/t.txt}
        topics:
          - {id: t, title: T}
        claims:
          - id: c
            topic: t
            text: C.
            positions:
              - {source: only, stance: supports, quote: one two}
        """,
        texts={"t.txt": TEXT},
    )
    assert _json(runner, "agreement", "-f", "json") == {"sources": ["only"], "pairs": []}
    code, output = invoke(runner, "agreement")
    assert code == 0 and "Agreement needs two sources; the store has 1." in output
    code, output = invoke(runner, "agreement", "-f", "csv")
    assert output == "a,b,shared,agree,partial,contradict,rate,independent\n"


def test_agreement_with_no_shared_claim(runner: CliRunner, make_store: Callable[..., Path]) -> None:
    make_store(
        """\
        sources:
          - {id: x, title: X, file: ../seeds/t.txt}
          - {id: y, title: Y, file: ../seeds/t.txt}
        topics:
          - {id: t, title: T}
        claims:
          - id: c1
            topic: t
            text: C1.
            positions:
              - {source: x, stance: supports, quote: one two}
          - id: c2
            topic: t
            text: C2.
            positions:
              - {source: y, stance: refutes, quote: one two}
        """,
        texts={"t.txt": TEXT},
    )
    data = _json(runner, "agreement", "-f", "json")
    assert data == {
        "sources": ["x", "y"],
        "pairs": [{"a": "x", "b": "y", "shared": 0, "agree": 0, "partial": 0, "contradict": 0,
                   "rate": None, "independent": True}],
    }  # fmt: skip
    code, output = invoke(runner, "agreement")
    assert code == 0
    assert "No two sources take the same stance on any claim." in output
    assert "No two sources contradict each other" in output


def test_unknown_topic_is_exit_1(runner: CliRunner, views_store: Path) -> None:
    code, output = invoke(runner, "agreement", "--topic", "t3")
    assert code == 1 and "no topic named 't3'" in output
    code, output = invoke(runner, "agreement", "--format", "xml")
    assert code == 2


# -- coverage ------------------------------------------------------------------------------


def test_coverage_json(runner: CliRunner, views_store: Path) -> None:
    data = _json(runner, "coverage", "--format", "json")
    assert data == {
        "topics": [
            {"topic": "t1", "claims": 3, "positions": {"a": 3, "b": 3, "c": 2, "d": 1, "e": 0}},
            {"topic": "t2", "claims": 3, "positions": {"a": 0, "b": 0, "c": 1, "d": 2, "e": 1}},
        ],
        "claims": [
            {"id": "k1", "topic": "t1", "consensus": "contested", "silent": ["d", "e"]},
            {"id": "k2", "topic": "t1", "consensus": "contested", "silent": ["c", "e"]},
            {"id": "k3", "topic": "t1", "consensus": "mixed", "silent": ["d", "e"]},
            {"id": "k5", "topic": "t2", "consensus": "agreed", "silent": ["a", "b", "e"]},
            {"id": "k4", "topic": "t2", "consensus": "single", "silent": ["a", "b", "c", "e"]},
            {"id": "k0", "topic": "t2", "consensus": "single", "silent": ["a", "b", "c", "d"]},
        ],
    }


def test_coverage_json_is_written_in_pieces_that_make_one_document(
    views_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimcmp import api, views

    monkeypatch.setattr(views, "_JSON_CHUNK", 2)  # 6 claims: three pieces of claims
    store = api.load(views_store)
    for view in (
        views.coverage_view(store),
        views.coverage_view(store, ["t2"], "a"),
        views.coverage_view(store, ["t1"], "a"),
    ):
        pieces = list(views.coverage_json_text(view))
        assert "".join(pieces) == json.dumps(views.coverage_json(view), ensure_ascii=False)
    assert len(list(views.coverage_json_text(views.coverage_view(store)))) == 2 + 3
    assert "".join(views.coverage_json_text(views.coverage_view(store, ["t1"], "a"))).endswith(
        '"claims": []}'
    )


def test_silent_sources_json_by_hand() -> None:
    from types import SimpleNamespace as Position

    from claimcmp.views import _SilentJson

    silent = _SilentJson(["a", "b", "c", "d"])
    assert silent.without([]) == '"a", "b", "c", "d"'
    assert silent.without([Position(source="a"), Position(source="d")]) == '"b", "c"'
    assert silent.without([Position(source="b"), Position(source="b")]) == '"a", "c", "d"'
    assert silent.without([Position(source=s) for s in "dcba"]) == ""
    assert silent.without([Position(source="zz")]) == '"a", "b", "c", "d"'  # not a store source
    assert _SilentJson([]).without([Position(source="a")]) == ""


@given(
    sources=st.lists(st.text(max_size=4), unique=True, max_size=8),
    speakers=st.lists(st.text(max_size=4), max_size=10),
)
def test_silent_sources_json_is_the_list_json_writes(sources: list[str], speakers: list[str]) -> None:
    """Cut from one text, the silent sources' JSON is what json.dumps writes of
    their list (escapes, quotes and lone surrogates included)."""
    from types import SimpleNamespace as Position

    from claimcmp.views import _SilentJson

    positions = [Position(source=s) for s in speakers]
    expected = json.dumps([s for s in sources if s not in set(speakers)], ensure_ascii=False)
    assert "[" + _SilentJson(sources).without(positions) + "]" == expected


def test_coverage_silent_source(runner: CliRunner, views_store: Path) -> None:
    data = _json(runner, "coverage", "--silent", "a", "--topic", "t2", "-f", "json")
    assert isinstance(data, dict)
    assert [t["topic"] for t in data["topics"]] == ["t2"]
    assert [c["id"] for c in data["claims"]] == ["k5", "k4", "k0"]
    code, output = invoke(runner, "coverage", "--silent", "e")
    assert code == 0
    assert "Claims e says nothing about: 5" in output
    code, output = invoke(runner, "coverage", "--silent", "f")
    assert code == 1 and "no source named 'f'" in output


def test_coverage_table(runner: CliRunner, views_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    code, output = invoke(runner, "coverage")
    assert code == 0
    assert output == _golden("coverage.txt", output)
    assert "✘ a  ✘ c  ◐* b" in output  # k3: a and c refute, b qualifies (inferred)
    assert "* inferred" in output


# -- timeline ------------------------------------------------------------------------------


def test_timeline_json_is_dated_claims_in_date_order(runner: CliRunner, views_store: Path) -> None:
    data = _json(runner, "timeline", "--format", "json")
    assert isinstance(data, list)
    # 2022 sorts at 1 January; k0 (2022-12-01) and k2 (2022-12) tie and go by id.
    assert [c["id"] for c in data] == ["k1", "k0", "k2", "k3", "k5"]
    assert data[3]["positions"][2] == {
        "source": "b", "stance": "qualifies", "quote": "nine ten", "note": None, "inferred": True, "line": 1,
    }  # fmt: skip


def test_timeline_by_source(runner: CliRunner, views_store: Path) -> None:
    data = _json(runner, "timeline", "--source", "d", "-f", "json")
    assert [c["id"] for c in data] == ["k2", "k5"]  # type: ignore[union-attr]
    code, output = invoke(runner, "timeline", "--source", "d")
    assert code == 0
    assert "1 without a date, not shown" in output  # k4
    # The markers of the sources on the claims shown: a, b, c, d (not e).
    assert [line.split()[2] for line in output.splitlines() if "◆ published:" in line] == ["a", "c", "d", "b"]


def test_timeline_table(runner: CliRunner, views_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    code, output = invoke(runner, "timeline")
    assert code == 0
    assert output == _golden("timeline.txt", output)
    order = [
        line.split()[2] if "◆" in line else line.split()[1]
        for line in output.splitlines()
        if line.startswith("  20") or "◆ published" in line
    ]
    # A marker stands at the last day of its source's date: a (2022-12-04) before
    # k3 (2022-12-05), on which a takes a position: the anachronism is visible.
    assert order == ["k1", "k0", "k2", "a", "k3", "k5", "c", "d", "b"]


def test_timeline_without_dated_claims(runner: CliRunner, make_store: Callable[..., Path]) -> None:
    make_store(
        """\
        sources:
          - {id: x, title: X, published: 2020, file: ../seeds/t.txt}
        topics:
          - {id: t, title: T}
        claims:
          - id: c
            topic: t
            text: C.
            positions:
              - {source: x, stance: supports, quote: one two}
        """,
        texts={"t.txt": TEXT},
    )
    assert _json(runner, "timeline", "-f", "json") == []
    code, output = invoke(runner, "timeline")
    assert code == 0
    assert output.startswith("No dated claims to show (1 claim without a date)")


# -- the rendering's plumbing ----------------------------------------------------------------


def test_grid_splits_columns_that_do_not_fit() -> None:
    cells = [[(str(r * 10 + c), "") for c in range(4)] for r in range(2)]
    lines = grid("x", ["r1", "r2"], ["c1", "c2", "c3", "c4"], cells, 14)
    # Labels 2 wide, cells 2 wide plus a gap of 2: 3 columns fit in 14.
    assert to_text(lines) == (
        "columns 1-3 of 4\n"
        "x   c1  c2  c3\n"
        "r1   0   1   2\n"
        "r2  10  11  12\n"
        "\n"
        "columns 4-4 of 4\n"
        "x   c4\n"
        "r1   3\n"
        "r2  13\n"
    )


def test_colour_codes_only_with_a_colour_system() -> None:
    lines = [[("ok", "bold"), (" plain", "")]]
    assert to_text(lines) == "ok plain\n"
    assert to_text(lines, "standard") == "\x1b[1mok\x1b[0m plain\n"
    assert to_text([[("x", "red")]], "standard", no_color=True) == "x\n"


def test_store_text_cannot_reach_the_terminal_as_codes(
    runner: CliRunner, make_store: Callable[..., Path]
) -> None:
    make_store(
        """\
        sources:
          - {id: x, title: X, file: ../seeds/t.txt}
        topics:
          - {id: t, title: T}
        claims:
          - id: c
            topic: t
            text: "Bad \\e[31mred\\e[0m [bold]text[/bold]"
            date: 2020
            positions:
              - {source: x, stance: supports, quote: one two}
        """,
        texts={"t.txt": TEXT},
    )
    for command in ("timeline", "coverage"):
        code, output = invoke(runner, command)
        assert code == 0
        assert "\x1b" not in output
        assert "Bad \\x1b[31mred\\x1b[0m [bold]text[/bold]" in output


def test_matrix_columns_by_width_on_the_bundled_store(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundled = str(Path(__file__).resolve().parent.parent / "data" / "claims.yaml")
    monkeypatch.setenv("COLUMNS", "200")
    code, wide = invoke(runner, "--store", bundled, "agreement")
    assert code == 0
    assert wide.splitlines()[2].split() == [
        "source", "krivosheev-2022", "edm-2021", "tatikyan-2023", "kazimzada-2023", "anon-2020"
    ]  # fmt: skip
    monkeypatch.setenv("COLUMNS", "80")
    code, narrow = invoke(runner, "--store", bundled, "agreement")
    assert narrow.splitlines()[2].split() == ["source", "1", "2", "3", "4", "5"]
    assert narrow.splitlines()[3].startswith("1 krivosheev-2022")
    assert max(len(line) for line in narrow.splitlines()) <= 80
    code, narrow = invoke(runner, "--store", bundled, "timeline")
    assert code == 0 and max(len(line) for line in narrow.splitlines()) <= 80
