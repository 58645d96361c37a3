"""`export --csv`: one row per position, RFC 4180, formulas defused."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from claimcmp.csvtext import csv_cell as defuse
from conftest import STORE, invoke

HEADER = ["claim", "topic", "claim_text", "date", "source", "stance", "inferred", "quote", "note"]


def test_one_row_per_position_in_store_order(runner: CliRunner, store: Path) -> None:
    code, output = invoke(runner, "export", "--csv")
    assert code == 0
    parukh = ["parukh", "incidents", "Peacekeepers prevented the capture of Parukh.", "2022-03"]
    corridor = ["corridor-open", "incidents", "The peacekeepers kept the Lachin corridor open.", ""]
    term = ["five-year-term", "mandate", "The mandate runs for five years and renews automatically.", ""]
    assert list(csv.reader(io.StringIO(output, newline=""))) == [
        HEADER,
        [*parukh, "beta", "supports", "false", "Peacekeepers prevented the capture of Parukh village", ""],
        [
            *parukh,
            "alpha",
            "refutes",
            "false",
            "The peacekeepers did not prevent the capture of Parukh village",
            "hyphen at a line end in the text",
        ],
        [*corridor, "beta", "supports", "false", "they kept the road open", ""],
        [*corridor, "gamma", "qualifies", "false", "Some say the corridor was open; others disagree.", ""],
        [
            *term,
            "alpha",
            "supports",
            "false",
            "a five-year term that renews automatically ... unless one side objects",
            "",
        ],
        [*term, "gamma", "refutes", "false", "The mission's mandate was never written down.", ""],
    ]
    # A field is quoted only when it holds a comma, a quotation mark or a line break.
    assert "\nparukh,incidents,Peacekeepers prevented the capture of Parukh.,2022-03,beta," in output
    assert ",Some say the corridor was open; others disagree.," in output


def test_formulas_are_defused_and_awkward_text_survives(
    runner: CliRunner, make_store: Callable[..., Path]
) -> None:
    text = (
        STORE.replace(
            "text: Peacekeepers prevented the capture of Parukh.", "text: '=HYPERLINK(\"http://x\")'"
        )
        .replace(
            "        note: hyphen at a line end in the text",
            '        note: "@SUM(A1) said \\"no\\", twice\\nthen +1"',
        )
        .replace("'a five-year term that renews automatically ... unless one side objects'", "'-year term'")
        .replace(
            '        quote: "they kept the road open"',
            '        quote: "they kept the road open"\n        inferred: true',
        )
    )
    make_store(text)
    code, output = invoke(runner, "export", "--csv")
    assert code == 0, output
    rows = list(csv.reader(io.StringIO(output, newline="")))
    assert rows[1][2] == '\'=HYPERLINK("http://x")'
    assert rows[2][8] == '\'@SUM(A1) said "no", twice\nthen +1'
    assert rows[3][6] == "true"
    assert rows[5][7] == "'-year term"
    assert rows[4][7] == "Some say the corridor was open; others disagree."


def test_defuse_each_dangerous_start() -> None:
    assert [defuse(c) for c in ["=1", "+1", "-1", "@x", "\tx", "\rx", "a=1", "", "'x"]] == [
        "'=1",
        "'+1",
        "'-1",
        "'@x",
        "'\tx",
        "'\rx",
        "a=1",
        "",
        "'x",
    ]


def test_csv_to_a_file_is_written_and_the_store_is_refused(runner: CliRunner, store: Path) -> None:
    code, output = invoke(runner, "export", "--csv", "-o", "positions.csv")
    assert code == 0
    raw = Path("positions.csv").read_bytes()
    # RFC 4180: CRLF ends every record (the test runner folds them on standard output).
    assert raw.startswith(b"claim,topic,") and raw.count(b"\r\n") == 7 and b"\r\r" not in raw
    before = store.read_bytes()
    code, output = invoke(runner, "export", "--csv", "-o", str(store))
    assert code == 1
    assert "refusing to overwrite a file of the store" in output
    assert store.read_bytes() == before
