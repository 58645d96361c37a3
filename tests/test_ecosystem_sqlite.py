"""`export --sqlite -o FILE`: tables, foreign keys, views and full-text search,
read back with the standard library's sqlite3."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimcmp.loading import check_store
from claimcmp.rules import agreement
from conftest import invoke

ROOT = Path(__file__).resolve().parent.parent

# Five sources without text files (warnings only); b and d draw on a.
TINY = """\
sources:
  - {id: a, title: A}
  - {id: b, title: B, based_on: [a]}
  - {id: c, title: C}
  - {id: d, title: D, based_on: [a]}
  - {id: e, title: E}
topics:
  - {id: t, title: T}
claims:
  - id: k1
    topic: t
    text: One.
    positions:
      - {source: a, stance: supports, quote: q}
      - {source: b, stance: supports, quote: q}
      - {source: c, stance: refutes, quote: q}
      - {source: d, stance: qualifies, quote: q}
  - id: k2
    topic: t
    text: Two.
    positions:
      - {source: a, stance: supports, quote: q}
      - {source: b, stance: refutes, quote: q}
      - {source: c, stance: supports, quote: q}
  - id: k3
    topic: t
    text: Three.
    positions:
      - {source: a, stance: qualifies, quote: q}
      - {source: b, stance: qualifies, quote: q}
      - {source: d, stance: refutes, quote: q}
  - id: k4
    topic: t
    text: Four.
    positions:
      - {source: c, stance: supports, quote: q}
  - id: k5
    topic: t
    text: Five.
    positions:
      - {source: a, stance: refutes, quote: q}
      - {source: c, stance: refutes, quote: q}
      - {source: d, stance: refutes, quote: q}
  - id: k6
    topic: t
    text: Six.
    positions:
      - {source: e, stance: supports, quote: q}
"""


@pytest.fixture
def connect() -> Iterator[Callable[[Path], sqlite3.Connection]]:
    opened: list[sqlite3.Connection] = []

    def open_(path: Path) -> sqlite3.Connection:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        opened.append(connection)
        return connection

    yield open_
    for connection in opened:
        connection.close()


def test_agreement_view_against_hand_counted_pairs(
    runner: CliRunner, make_store: Callable[..., Path], connect: Callable[[Path], sqlite3.Connection]
) -> None:
    make_store(TINY)
    code, output = invoke(runner, "export", "--sqlite", "-o", "tiny.db")
    assert code == 0, output
    rows = connect(Path("tiny.db")).execute("SELECT * FROM agreement").fetchall()
    # (a, b, shared, agree, partial, contradict, rate, independent), counted by hand.
    assert rows == [
        ("a", "b", 3, 2, 0, 1, pytest.approx(2 / 3), 0),
        ("a", "c", 3, 2, 0, 1, pytest.approx(2 / 3), 1),
        ("a", "d", 3, 1, 2, 0, pytest.approx(1 / 3), 0),
        ("a", "e", 0, 0, 0, 0, None, 1),
        ("b", "c", 2, 0, 0, 2, 0.0, 1),
        ("b", "d", 2, 0, 2, 0, 0.0, 0),
        ("b", "e", 0, 0, 0, 0, None, 1),
        ("c", "d", 2, 1, 1, 0, 0.5, 1),
        ("c", "e", 0, 0, 0, 0, None, 1),
        ("d", "e", 0, 0, 0, 0, None, 1),
    ]


def test_contradictions_view_lists_supporters_and_refuters(
    runner: CliRunner, make_store: Callable[..., Path], connect: Callable[[Path], sqlite3.Connection]
) -> None:
    make_store(TINY)
    assert invoke(runner, "export", "--sqlite", "-o", "tiny.db")[0] == 0
    rows = (
        connect(Path("tiny.db"))
        .execute("SELECT claim, supported_by, refuted_by, qualified_by FROM contradictions ORDER BY claim")
        .fetchall()
    )
    assert rows == [("k1", "a, b", "c", "d"), ("k2", "a, c", "b", None)]


def test_tables_keys_and_search_on_the_test_store(
    runner: CliRunner, store: Path, connect: Callable[[Path], sqlite3.Connection]
) -> None:
    code, output = invoke(runner, "export", "--sqlite", "--output", "store.db")
    assert code == 0
    assert "wrote store.db" in output
    db = connect(Path("store.db"))
    counts = {
        table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("sources", "topics", "claims", "positions", "claim_tags", "source_based_on")
    }
    assert counts == {
        "sources": 3,
        "topics": 2,
        "claims": 3,
        "positions": 6,
        "claim_tags": 3,
        "source_based_on": 0,
    }
    keys = {
        (table, row[3], row[2], row[4])  # (table, column, referenced table, referenced column)
        for table in ("claims", "positions", "claim_tags", "source_based_on")
        for row in db.execute(f"PRAGMA foreign_key_list({table})")
    }
    assert keys == {
        ("claims", "topic", "topics", "id"),
        ("positions", "claim", "claims", "id"),
        ("positions", "source", "sources", "id"),
        ("claim_tags", "claim", "claims", "id"),
        ("source_based_on", "source", "sources", "id"),
        ("source_based_on", "based_on", "sources", "id"),
    }
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute(
        "SELECT source, stance, inferred, note FROM positions WHERE claim = 'parukh' ORDER BY source"
    ).fetchall() == [
        ("alpha", "refutes", 0, "hyphen at a line end in the text"),
        ("beta", "supports", 0, None),
    ]
    found = db.execute(
        "SELECT claims.id FROM claims_fts JOIN claims ON claims.rowid = claims_fts.rowid "
        "WHERE claims_fts MATCH 'corridor'"
    ).fetchall()
    assert found == [("corridor-open",)]
    quoted = db.execute(
        "SELECT positions.claim, positions.source FROM positions_fts "
        "JOIN positions ON positions.rowid = positions_fts.rowid WHERE positions_fts MATCH 'peacekeepers' "
        "ORDER BY positions.source"
    ).fetchall()
    assert quoted == [("parukh", "alpha"), ("parukh", "beta")]


def test_bundled_store_agreement_view_matches_the_rules(
    runner: CliRunner, tmp_path: Path, connect: Callable[[Path], sqlite3.Connection]
) -> None:
    bundled = ROOT / "data" / "claims.yaml"
    code, output = invoke(runner, "--store", str(bundled), "export", "--sqlite", "-o", "bundled.db")
    assert code == 0, output
    store = check_store(bundled, cwd=ROOT).store
    expected = [
        (p.a, p.b, p.shared, p.agree, p.partial, p.contradict, p.rate, int(p.independent))
        for p in agreement(store.sources, store.claims.values())
    ]
    db = connect(tmp_path / "bundled.db")
    rows = db.execute("SELECT * FROM agreement").fetchall()
    assert len(rows) == 10
    assert [(*row[:6], row[7]) for row in rows] == [(*row[:6], row[7]) for row in expected]
    assert [row[6] for row in rows] == [pytest.approx(row[6]) for row in expected]
    contested = [c.id for c in store.claims.values() if c.contested]
    assert sorted(row[0] for row in db.execute("SELECT claim FROM contradictions")) == sorted(contested)
    assert db.execute("SELECT count(*) FROM positions").fetchone()[0] == store.position_count


def test_without_output_is_a_wrong_command_line(runner: CliRunner, store: Path) -> None:
    code, output = invoke(runner, "export", "--sqlite")
    assert code == 2
    assert "a database cannot go to standard output; give a file with -o FILE" in output


def test_replaces_an_old_file_and_refuses_the_store(
    runner: CliRunner, store: Path, connect: Callable[[Path], sqlite3.Connection]
) -> None:
    Path("old.db").write_text("not a database", encoding="utf-8")
    assert invoke(runner, "export", "--sqlite", "-o", "old.db")[0] == 0
    assert connect(Path("old.db")).execute("SELECT count(*) FROM claims").fetchone() == (3,)
    text_file = store.parent.parent / "seeds" / "alpha.txt"
    for protected in (store, text_file):
        before = protected.read_bytes()
        code, output = invoke(runner, "export", "--sqlite", "-o", str(protected))
        assert code == 1
        assert "refusing to overwrite a file of the store" in output
        assert protected.read_bytes() == before
    assert sorted(p.name for p in Path().iterdir() if p.name.startswith(".")) == []  # no temporary left
