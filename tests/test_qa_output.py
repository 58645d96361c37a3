"""What a demanding new reader saw at a glance and was fixed: words folded in the
sources table, legends missing under marks, unverified quotes shown as verbatim,
views that gave up on a store with one bad quote, empty sections, ids broken in
HTML, a side taken for the curator in the locate snippet."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimcmp.cli import app
from conftest import STORE

# A quote no text holds: the error 'quote-not-found' names (five-year-term, gamma).
BROKEN = STORE.replace("The mission's mandate was never written down.", "The mandate was written in stone.")

LONG_WORDS = STORE.replace(
    "title: The Mission Report", "title: Peacekeepers Sidelined in Nagorno-Karabakh"
).replace("publisher: Alpha Press", "publisher: Carnegie Endowment for International Peace")


def _run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


# -- sources: never a word folded in two -------------------------------------------------------


@pytest.mark.parametrize("width", ["70", "80", "90", "100", "120"])
def test_sources_never_fold_a_word(
    runner: CliRunner, make_store: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, width: str
) -> None:
    make_store(LONG_WORDS)
    monkeypatch.setenv("COLUMNS", width)
    code, output, _ = _run(runner, "sources")
    assert code == 0
    words = output.replace(";", " ").split()
    # Each long word whole, as in the store (a table or records, whichever fits).
    for word in ("Nagorno-Karabakh", "International", "Endowment", "Sidelined"):
        assert word in words, (width, word)
    assert max(len(line) for line in output.splitlines()) <= int(width)


def test_sources_records_keep_the_stance_legend(
    runner: CliRunner, make_store: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    make_store(LONG_WORDS)
    monkeypatch.setenv("COLUMNS", "60")
    code, output, _ = _run(runner, "sources")
    assert code == 0
    assert "━" not in output  # records, not a table, at 60 columns
    lines = output.splitlines()
    assert lines[-2:] == ["3 sources; counts of positions by stance: ✔ supports, ✘", "refutes, ◐ qualifies"]


# -- show TOPIC: the grid's marks explained, no trailing blanks ---------------------------------


@pytest.mark.parametrize("width", ["60", "70"])
def test_stance_grid_has_a_legend_and_no_trailing_blank_lines(
    runner: CliRunner, store: Path, monkeypatch: pytest.MonkeyPatch, width: str
) -> None:
    monkeypatch.setenv("COLUMNS", width)
    code, output, _ = _run(runner, "show", "incidents", "--layout", "grid")
    assert code == 0
    lines = output.splitlines()
    assert "✔ supports, ✘ refutes, ◐ qualifies, · silent, ⚡ contested" in lines
    # The grid opens on its header, after one empty line (not a line of blanks).
    header = next(n for n, line in enumerate(lines) if line.startswith("claim "))
    assert lines[header - 1] == ""
    assert all(line == line.rstrip() or line.rstrip() != "" for line in lines)
    assert all(line.strip() or line == "" for line in lines)
    # The footer wraps without a blank at a line's end.
    footer = [n for n, line in enumerate(lines) if line.startswith("2 claims, 3 sources")]
    assert footer and lines[footer[0]] == lines[footer[0]].rstrip()


# -- inferred: one mark placement, one wording ---------------------------------------------------

INFERRED = STORE.replace(
    '        quote: "Some say the corridor was open; others disagree."',
    '        quote: "Some say the corridor was open; others disagree."\n        inferred: true',
)
NOTE = "* inferred: follows from the quote only with the source's wider argument"


def test_inferred_star_and_note_are_the_same_in_every_view(
    runner: CliRunner, make_store: Callable[..., Path]
) -> None:
    make_store(INFERRED)
    outputs = {command: _run(runner, command)[1] for command in ("list", "coverage")}
    outputs["show"] = _run(runner, "show", "incidents")[1]
    for command, output in outputs.items():
        assert NOTE in output.splitlines(), command
    assert "◐* gamma" in outputs["list"]
    assert "◐* gamma" in outputs["coverage"]
    assert "gamma*" not in outputs["coverage"]
    code, markdown, _ = _run(runner, "export", "--markdown")
    assert code == 0
    assert "\\* inferred: follows from the quote only with the source's wider argument." in markdown


def test_coverage_never_splits_a_number_from_its_source(
    runner: CliRunner, make_store: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from views_store import TEXT, VIEWS_STORE  # five sources a..e

    long = VIEWS_STORE.replace("- id: a\n", "- id: a-long-source-name-2020\n")
    make_store(long.replace("source: a\n", "source: a-long-source-name-2020\n"), texts={"t.txt": TEXT})
    monkeypatch.setenv("COLUMNS", "40")  # too narrow for ids as column heads: numbers
    code, output, _ = _run(runner, "coverage")
    assert code == 0, output
    legend = output[output.index("sources: ") : output.index("a cell:")].splitlines()
    # by hand: "sources: 1 a-long-source-name-2020," is 35 columns, " 2 b," makes 40
    assert legend == ["sources: 1 a-long-source-name-2020, 2 b,", "3 c, 4 d, 5 e"]


def test_timeline_opens_on_a_title(runner: CliRunner, store: Path) -> None:
    code, output, _ = _run(runner, "timeline")
    assert code == 0
    # parukh (2022-03) is the only dated claim of the test store.
    assert output.splitlines()[:2] == ["Timeline: 1 dated claim", ""]


# -- a store with one broken quote ---------------------------------------------------------------


def test_a_quote_not_found_is_not_shown_as_verbatim(
    runner: CliRunner, make_store: Callable[..., Path]
) -> None:
    make_store(BROKEN)
    code, output, errors = _run(runner, "show", "five-year-term")
    assert code == 1
    assert "written in stone" not in output
    assert "a five-year term that renews automatically" in output
    assert errors.startswith("1 error in the store (first: data/claims.yaml:")
    code, output, _ = _run(runner, "export", "--json")
    assert code == 1 and "written in stone" not in output


@pytest.mark.parametrize("command", ["agreement", "coverage", "timeline"])
def test_views_show_what_is_valid_of_a_store_with_an_error(
    runner: CliRunner, make_store: Callable[..., Path], command: str
) -> None:
    make_store(BROKEN)
    code, output, errors = _run(runner, command)
    assert code == 1
    assert output.strip(), command  # the view is there
    assert "written in stone" not in output
    summary = errors.strip().splitlines()
    assert len(summary) == 1 and summary[0].startswith("1 error in the store (first: data/claims.yaml:")


def test_the_store_is_invalid_message_is_one_line(
    runner: CliRunner, make_store: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    make_store(BROKEN)
    monkeypatch.setenv("COLUMNS", "60")
    code, _, errors = _run(runner, "suggest", "parukh")  # a curator command: strict
    assert code == 1
    assert (
        "The store is invalid: fix the errors above ('claimcmp check' lists every problem)."
        in errors.splitlines()
    )


# -- empty sections and the contested list in Markdown --------------------------------------------

EMPTY = """\
version: 1
sources:
  - id: alpha
    title: The Mission Report
    file: ../seeds/alpha.txt
"""


def test_an_empty_store_says_so_instead_of_empty_tables(
    runner: CliRunner, make_store: Callable[..., Path]
) -> None:
    make_store(EMPTY)
    code, output, _ = _run(runner, "topics")
    assert code == 0
    assert output == "No topics yet: add topics and claims to the store.\n"
    code, markdown, _ = _run(runner, "export", "--markdown")
    assert code == 0
    assert "## Topics\n\nNo topics yet: add topics and claims to the store.\n" in markdown


def test_markdown_contested_list_says_who_supports_and_who_refutes(runner: CliRunner, store: Path) -> None:
    code, markdown, _ = _run(runner, "export", "--markdown")
    assert code == 0
    assert "Peacekeepers prevented the capture of Parukh. (✔ `beta` vs ✘ `alpha`)" in markdown


# -- HTML: ids never broken at their hyphens ------------------------------------------------------


def test_html_ids_do_not_wrap(runner: CliRunner, store: Path) -> None:
    code, html, _ = _run(runner, "export", "--html")
    assert code == 0
    assert ".sid, .cid, a.who { white-space: nowrap; }" in html


# -- locate: the snippet presumes no stance ---------------------------------------------------------


def test_locate_snippet_names_every_stance(runner: CliRunner, store: Path) -> None:
    import yaml

    code, output, _ = _run(runner, "locate", "beta", "kept the road open", "-n", "1")
    assert code == 0
    assert "  stance: supports  # or refutes, or qualifies: as the passage says" in output
    snippet = output[output.index("- source:") :]
    assert yaml.safe_load(snippet)[0]["stance"] == "supports"  # still pastes as valid YAML


# -- help: arguments named as the help text names them ----------------------------------------------


@pytest.mark.parametrize(
    ("command", "usage"),
    [
        ("show", "Usage: claimcmp show [OPTIONS] {TOPIC|CLAIM}"),
        ("init", "Usage: claimcmp init [OPTIONS] {FOLDER}"),
        ("locate", "Usage: claimcmp locate [OPTIONS] {SOURCE} {TEXT}"),
        ("suggest", "Usage: claimcmp suggest [OPTIONS] [CLAIM]"),
    ],
)
def test_usage_names_arguments_in_capitals(runner: CliRunner, command: str, usage: str) -> None:
    code, output, _ = _run(runner, command, "--help")
    assert code == 0
    assert output.splitlines()[0] == usage


# -- contradictions: side by side tells as much as stacked -------------------------------------------


def test_side_by_side_contradiction_gives_line_and_note(runner: CliRunner, store: Path) -> None:
    code, output, _ = _run(runner, "contradictions", "--topic", "incidents")
    assert code == 0
    assert "✔ supports" in output and "✘ refutes" in output  # two camps: side by side
    # alpha's quote of parukh begins on line 8 of ALPHA ("The peace-"), and has a note.
    assert "— alpha (line 8 · A. Author, Alpha Press, 2022-12)" in output
    assert "note: hyphen at a line end in the text" in output


# -- show TOPIC side by side: never wider than the terminal ------------------------------------------

FIVE_SOURCES = """\
version: 1
sources:
  - {id: krivosheev-2022, title: K, file: ../seeds/t.txt}
  - {id: edm-2021, title: E, file: ../seeds/t.txt}
  - {id: tatikyan-2023, title: T, file: ../seeds/t.txt}
  - {id: kazimzada-2023, title: Z, file: ../seeds/t.txt}
  - {id: anon-2020, title: A, file: ../seeds/t.txt}
topics:
  - {id: t, title: The topic}
claims:
  - id: ts-lachin-safe-passage-guarantee
    topic: t
    text: One claim with five positions.
    positions:
      - {source: krivosheev-2022, stance: supports, quote: "one two three four five six seven eight nine ten"}
      - {source: edm-2021, stance: supports, quote: "one two three four five six seven eight nine ten"}
      - {source: tatikyan-2023, stance: refutes, quote: "one two three four five six seven eight nine ten"}
      - {source: kazimzada-2023, stance: qualifies, quote: "one two three four five six seven eight nine ten"}
      - {source: anon-2020, stance: supports, quote: "one two three four five six seven eight nine ten"}
"""


@pytest.mark.parametrize("width", [121, 150, 200, 219])
def test_side_by_side_topic_is_never_wider_than_the_terminal(
    runner: CliRunner, make_store: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    # These widths drew the five-source table 7 to 17 columns too wide before.
    make_store(FIVE_SOURCES, texts={"t.txt": "one two three four five six seven eight nine ten\n"})
    monkeypatch.setenv("COLUMNS", str(width))
    code, output, _ = _run(runner, "show", "t")
    assert code == 0
    lines = output.splitlines()
    assert "┃ claim" in output  # side by side
    assert max(len(line) for line in lines) == width  # the table fills the width, no more
    assert "ts-lachin-safe-passage-guarantee" in output
    for source in ("krivosheev-2022", "edm-2021", "tatikyan-2023", "kazimzada-2023", "anon-2020"):
        assert source in lines[2], source  # every id whole in the header row


# -- list in a terminal: the id's colour stays on the id ----------------------------------------------


def test_claim_block_colours_only_the_id() -> None:
    from claimcmp.models import Claim, Position
    from claimcmp.rendering import claim_block

    claim = Claim(
        id="k1",
        topic="t",
        text="The claim's text, in the terminal's own colour.",
        date="2022",
        tags=(),
        note=None,
        positions=(Position("a", "supports", "q"),),
    )
    block = claim_block(claim, 80)
    assert block.plain.splitlines()[0] == "k1  2022  t"
    assert str(block.style) == ""  # no base style under everything appended
    styled = [(span.start, span.end, str(span.style)) for span in block.spans if "cyan" in str(span.style)]
    assert styled == [(0, 2, "bold cyan")]  # the id, and nothing else


def test_a_quote_is_not_painted_in_its_stance_colour() -> None:
    from claimcmp.models import Claim, Position
    from claimcmp.rendering import stance_cell

    claim = Claim("k1", "t", "Text.", None, (), None, (Position("a", "refutes", "a quote"),))
    cell = stance_cell(claim, "a")
    assert cell.plain == "✘ refutes\n“a quote”"
    assert str(cell.style) == ""
    red = [(span.start, span.end) for span in cell.spans if "red" in str(span.style)]
    assert red == [(0, 9)]  # "✘ refutes" only


# -- --help: the command list in whole sentences ----------------------------------------------------


@pytest.mark.parametrize("width", ["80", "200"])
def test_command_list_is_never_cut_short(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, width: str
) -> None:
    monkeypatch.setenv("COLUMNS", width)
    code, output, _ = _run(runner, "--help")
    assert code == 0
    commands = output[output.index("Commands:") :].splitlines()[1:]
    assert len([line for line in commands if line.strip()]) == 16
    for line in commands:
        assert not line.rstrip().endswith("..."), line
    assert "  contradictions  Claims one source supports, another refutes." in commands


# -- nothing found: said plainly, and of the filters, not the store -----------------------------------


def test_nothing_found_is_said_plainly(runner: CliRunner, store: Path) -> None:
    code, output, _ = _run(runner, "list", "--tag", "ceasefire", "--stance", "qualifies")
    assert code == 0
    assert output == "No claim matches the filters.\n"  # parukh has the tag, but no one qualifies it
    # corridor-open is the topic's other claim: beta supports, gamma qualifies, no one refutes;
    # parukh is contested, so --source gamma (silent on parukh) leaves none.
    code, output, _ = _run(runner, "contradictions", "--topic", "incidents", "--source", "gamma")
    assert code == 0
    assert output == "No contested claims among those chosen (--topic, --source).\n"


# -- an unknown name with nothing close: where the names are listed -----------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["show", "zzzz"],
            "error: no topic or claim named 'zzzz' in the store; see 'claimcmp topics' and 'claimcmp list'",
        ),
        (["list", "--topic", "zzzz"], "error: no topic named 'zzzz' in the store; see 'claimcmp topics'"),
        (["list", "--source", "zzzz"], "error: no source named 'zzzz' in the store; see 'claimcmp sources'"),
        (["list", "--tag", "zzzz"], "error: no tag named 'zzzz' in the store; see 'claimcmp tags'"),
        (["suggest", "zzzz"], "error: no claim named 'zzzz' in the store; see 'claimcmp list'"),
        (["show", "parukk"], "error: no topic or claim named 'parukk' in the store; did you mean 'parukh'?"),
    ],
)
def test_unknown_name_says_where_the_names_are(
    runner: CliRunner, store: Path, args: list[str], message: str
) -> None:
    code, _, errors = _run(runner, *args)
    assert code == 1
    assert errors.strip() == message


def test_an_unreadable_store_lists_no_claims_not_no_match(
    runner: CliRunner, make_store: Callable[..., Path]
) -> None:
    make_store("version: 1\nsources:\n  - id: a\n    title: [unclosed\n")
    code, output, errors = _run(runner, "list")
    assert code == 1
    assert output == "No claims.\n"
    assert errors.startswith("1 error in the store (first: data/claims.yaml:")


# -- piped tables: no blanks at the ends of lines -------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [["sources"], ["topics"], ["tags"], ["show", "incidents"], ["show", "parukh"], ["suggest", "parukh"]],
)
@pytest.mark.parametrize("width", ["80", "120"])
def test_piped_output_has_no_trailing_blanks(
    runner: CliRunner, store: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], width: str
) -> None:
    monkeypatch.setenv("COLUMNS", width)
    code, output, _ = _run(runner, *args)
    assert code == 0
    assert output.strip()
    for line in output.splitlines():
        assert line == line.rstrip(), (args, line)


def test_agreement_legend_speaks_of_colour_only_with_colour(store: Path) -> None:
    from claimcmp.loading import load_store
    from claimcmp.render_views import agreement_lines
    from claimcmp.views import agreement_view

    view = agreement_view(load_store(store)[0], [])

    def legend(colour: bool) -> str:
        return " ".join(
            "".join(text for text, _ in line) for line in agreement_lines(view, 200, colour=colour)
        )

    assert "colour: the share of agreement, from red (0%) to green (100%)." in legend(True)
    assert "colour" not in legend(False)
    assert "— no claim in common." in legend(False)


# -- consensus groups and badges explained where they appear ----------------------------------------------


def test_consensus_words_are_explained(runner: CliRunner, store: Path) -> None:
    code, output, _ = _run(runner, "coverage")
    assert code == 0
    lines = output.splitlines()
    # parukh and five-year-term are contested; corridor-open mixed (supports, qualifies)
    assert "contested (2)  one source supports the claim, another refutes it" in lines
    assert "mixed (1)  stances differ, none refuting what another supports" in lines
    code, html, _ = _run(runner, "export", "--html")
    assert code == 0
    assert (
        '<span class="cons c-mixed">mixed</span> the stances differ, none refuting what another supports'
        in html
    )


def test_sources_count_column_is_named_as_in_json(
    runner: CliRunner, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, output, _ = _run(runner, "sources")
    assert code == 0
    header = next(line for line in output.splitlines() if line.lstrip().startswith("id "))
    assert header.split()[-1] == "total"
    code, data, _ = _run(runner, "sources", "--format", "json")
    # by hand: alpha refutes parukh and supports five-year-term, 2 in all
    assert '"id":"alpha"' in data and '"total":2' in data.replace(" ", "")
    monkeypatch.setenv("COLUMNS", "40")
    code, output, _ = _run(runner, "sources")
    # alpha refutes parukh, supports five-year-term: 1 supports, 1 refutes, 2 in all
    assert "  ✔ 1  ✘ 1  ◐ 0  total 2" in output.splitlines()


# -- suggest --all at 80 columns: the passage is never dropped -----------------------------------------


def test_suggest_all_narrow_keeps_passages_and_headers(
    runner: CliRunner, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json
    import re

    code, data, _ = _run(runner, "suggest", "--all", "--format", "json")
    hits = json.loads(data)
    assert hits
    monkeypatch.setenv("COLUMNS", "60")
    code, output, _ = _run(runner, "suggest", "--all")
    assert code == 0
    lines = output.splitlines()
    assert "━" not in output and "…" not in "".join(line for line in lines if not line.startswith("    "))
    heads = [line for line in lines if re.match(r"^\d+(\.\d+)?  ", line)]
    assert len(heads) == len(hits)
    for head, hit in zip(heads, hits, strict=True):
        assert head.split() == [
            f"{hit['score']:g}",
            hit["claim"],
            hit["source"],
            f"{hit['line']}:{hit['column']}",
        ]
    # each head is followed by its passage, indented
    for number, line in enumerate(lines[:-1]):
        if line in heads:
            assert lines[number + 1].startswith("    ") and lines[number + 1].strip()
    assert lines[-1] == f"{len(hits)} passages, best first" if len(hits) > 1 else "1 passage, best first"
    assert max(len(line) for line in lines) <= 60


# -- coverage and timeline at 60 columns: ids whole, lines within the width ---------------------------

LONG_TOPIC = STORE.replace(
    "  - id: incidents\n", "  - id: incidents-the-peacekeepers-did-not-prevent\n"
).replace("topic: incidents\n", "topic: incidents-the-peacekeepers-did-not-prevent\n")


@pytest.mark.parametrize("command", ["coverage", "timeline"])
def test_views_keep_ids_whole_and_lines_within_60(
    runner: CliRunner, make_store: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    make_store(LONG_TOPIC)
    monkeypatch.setenv("COLUMNS", "60")
    code, output, _ = _run(runner, command)
    assert code == 0
    lines = output.splitlines()
    assert max(len(line) for line in lines) <= 60
    assert "…" not in output
    # the 47-character topic id, whole: as a grid label, or in brackets on a line of its own
    assert any("incidents-the-peacekeepers-did-not-prevent" in line for line in lines)
    if command == "coverage":
        assert "contested (2)" in lines  # its gloss does not fit beside it at 60: beneath
        assert "  one source supports the claim, another refutes it" in lines


def test_an_empty_search_is_a_command_line_error(runner: CliRunner, store: Path) -> None:
    result = runner.invoke(app, ["list", "--search", " "])
    assert result.exit_code == 2
    assert "give the words to search for" in result.stderr
