"""The Markdown report, rendered as GitHub renders it (CommonMark plus GFM tables and
strikethrough, by markdown-it-py), reads exactly as the store: every claim with its id,
every quote verbatim, whatever Markdown syntax the store's text holds."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from typer.testing import CliRunner

from conftest import invoke

# Each of these is a line of the source text and a quote; rendered, it must read the same.
QUOTES = [
    "1. first point",
    "2) second point",
    "# not a heading #",
    "- not a list",
    "+ not a list either",
    "> not a block quote",
    "*stars* and _underscores_ and **bold** and __strong__",
    "`code` and ``double`` ticks",
    "<b>bold</b> and <script>alert(1)</script>",
    "[a link](http://example.org) and ![an image](x.png)",
    "&amp; and &copy; and & and &#35;",
    "a | pipe | in a table",
    "~~struck~~ and ~one~",
    "a backslash \\ and one at the end\\",
    "=== a setext underline",
    "---",
    "***",
    "<http://autolink.example> and www.example.org",
    "1234567890. a long number",
    "[^1] a footnote mark",
    "\\* an escaped star and \\# an escaped hash",
    "| starts with a pipe",
    "ends with a pipe |",
]
# Claim texts and titles: one line each, with the same kinds of trouble.
CLAIM_TEXTS = ["1. Numbered *claim* | with pipe", "# Hash <i>claim</i> [x](y) & `tick`"]
TOPIC_TITLE = "Topic # with *stars* | pipes #"
SOURCE_TITLE = "Title ] with [brackets] and | pipe"
URL = "https://example.org/a|b?x=1&copy=2\\"


def markdown_store() -> str:
    positions = [
        {"source": "alpha" if i % 2 else "beta", "stance": "supports", "quote": q}
        for i, q in enumerate(QUOTES)
    ]
    claims = [
        {"id": f"claim-{i}", "topic": "syntax", "text": q and CLAIM_TEXTS[i % 2], "positions": [p]}
        for i, (q, p) in enumerate(zip(QUOTES, positions, strict=True))
    ]
    data = {
        "sources": [
            {"id": "alpha", "title": SOURCE_TITLE, "url": URL, "file": "../seeds/alpha.txt"},
            {"id": "beta", "title": "Beta", "file": "../seeds/beta.txt", "perspective": "- a dash"},
        ],
        "topics": [{"id": "syntax", "title": TOPIC_TITLE, "description": "1) a description"}],
        "claims": claims,
    }
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def texts() -> dict[str, str]:
    alpha = "\n".join(q for i, q in enumerate(QUOTES) if i % 2) + "\n"
    beta = "\n".join(q for i, q in enumerate(QUOTES) if not i % 2) + "\n"
    return {"alpha.txt": alpha, "beta.txt": beta}


def render(markdown: str) -> list[Token]:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(markdown)


def inline_text(token: Token) -> str:
    """What a reader sees of an inline token: its text, code spans and line breaks."""
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def blocks(tokens: list[Token]) -> list[tuple[tuple[str, ...], Token]]:
    """Each inline token with the blocks it sits in (outermost first)."""
    stack: list[str] = []
    found = []
    for token in tokens:
        if token.nesting == 1:
            stack.append(token.tag)
        elif token.nesting == -1:
            stack.pop()
        elif token.type == "inline":
            found.append((tuple(stack), token))
    return found


def test_rendered_report_reads_as_the_store(runner: CliRunner, make_store: Callable[..., Path]) -> None:
    make_store(markdown_store(), texts=texts())
    code, output = invoke(runner, "check")
    assert code == 0, output
    code, report = invoke(runner, "export", "--markdown", "--title", "Report # *1*")
    assert code == 0
    tokens = render(report)
    found = blocks(tokens)

    # Every quote, verbatim, as the first paragraph of its own block quote, in store order.
    quotes = [inline_text(t) for path, t in found if path[-2:] == ("blockquote", "p")][0::2]
    assert quotes == QUOTES

    # Every claim has a heading that is its id, and its text in bold beneath it.
    assert [inline_text(t) for path, t in found if path == ("h4",)] == [f"claim-{i}" for i in range(23)]
    bold = [
        t
        for path, t in found
        if path == ("p",) and [c.type for c in t.children or []][1:2] == ["strong_open"]
    ]
    assert [inline_text(t) for t in bold][:2] == CLAIM_TEXTS

    # Headings keep their text (a trailing '#' too), the description its '1)'.
    assert inline_text(next(t for path, t in found if path == ("h1",))) == "Report # *1*"
    assert TOPIC_TITLE in [inline_text(t) for path, t in found if path == ("h3",)]
    assert "1) a description" in [inline_text(t) for path, t in found if path == ("p",)]

    # Tables: every row has the header's cells; the source title and its link survive.
    cells = [inline_text(t) for path, t in found if path[-1:] in (("td",), ("th",))]
    assert SOURCE_TITLE in cells
    assert "claim-0 " + CLAIM_TEXTS[0] in cells
    hrefs = {c.attrGet("href") for t in tokens if t.children for c in t.children if c.type == "link_open"}
    assert "https://example.org/a%7Cb?x=1&copy=2%5C" in hrefs
    assert all(h == "https://example.org/a%7Cb?x=1&copy=2%5C" or str(h).startswith("#") for h in hrefs)

    # Nothing from the store became markup: no HTML, image, emphasis of its own, code
    # block, rule, setext heading, ordered list or strikethrough.
    kinds = {t.type for t in tokens} | {c.type for t in tokens if t.children for c in t.children}
    assert not kinds & {"html_block", "html_inline", "image", "code_block", "fence", "hr", "s_open"}
    assert "ordered_list_open" not in kinds
    assert {t.tag for t in tokens if t.type == "heading_open"} == {"h1", "h2", "h3", "h4"}
    lists = [inline_text(t) for path, t in found if path[:2] == ("ul", "li")]
    assert "beta: - a dash" in lists


def test_every_row_of_every_table_has_the_header_cells(
    runner: CliRunner, make_store: Callable[..., Path]
) -> None:
    make_store(markdown_store(), texts=texts())
    _code, report = invoke(runner, "export", "--markdown")
    tokens = render(report)
    rows: list[int] = []
    count = 0
    for token in tokens:
        if token.type == "tr_open":
            count = 0
        elif token.type in ("th_open", "td_open"):
            count += 1
        elif token.type == "tr_close":
            rows.append(count)
    # The sources table (5 columns, 2 rows + header), the topic table (claim, alpha, beta).
    assert rows == [5, 5, 5] + [3] * 24


def test_control_characters_are_visible_in_the_report(
    runner: CliRunner, make_store: Callable[..., Path]
) -> None:
    data = yaml.safe_load(markdown_store())
    data["claims"][0]["text"] = "clear \x1b[2J screen and \x1b]8;;file:///etc/passwd\x07link"
    data["topics"][0]["title"] = "title \x9b31m"
    make_store(yaml.safe_dump(data, allow_unicode=True), texts=texts())
    code, report = invoke(runner, "export", "--markdown")
    assert code == 0, report
    assert "\x1b" not in report and "\x07" not in report and "\x9b" not in report
    found = blocks(render(report))
    shown = [inline_text(t) for _path, t in found]
    assert "clear \\x1b[2J screen and \\x1b]8;;file:///etc/passwd\\x07link" in shown
    assert "title \\x9b31m" in shown


def test_url_ending_in_a_backslash_keeps_its_link(runner: CliRunner, make_store: Callable[..., Path]) -> None:
    make_store(markdown_store(), texts=texts())
    _code, report = invoke(runner, "export", "--markdown")
    row = next(line for line in report.splitlines() if line.startswith("| `alpha`"))
    assert row.count(" | ") == 4  # five cells: the '|' in the URL is encoded, not a cell border
    assert "(<https://example.org/a%7Cb?x=1\\&copy=2%5C>)" in row


# -- the class, not the case: any text at all ----------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

# Markdown's and HTML's special characters, control characters, digits and letters.
_ALPHABET = st.sampled_from(list("\\`*_[]()<>&|~#!-+=.:;'\"{}^$ 0123456789aZ\x1b\x07\x00\r\n\t\x9b\u202e"))


def _rendered(markdown: str) -> str:
    found = blocks(render(markdown))
    assert len(found) == 1, markdown
    return inline_text(found[0][1])


@settings(max_examples=400, deadline=None)
@given(st.text(_ALPHABET, min_size=1, max_size=40))
def test_any_text_reads_back_verbatim(value: str) -> None:
    from claimcmp.markdown import escape_block, escape_inline
    from claimcmp.visible import visible

    expected = " ".join(visible(value).split())
    if not expected:
        return
    # As a paragraph, inside a block quote, and as a table cell: the same text.
    assert _rendered(escape_block(value)) == expected
    assert _rendered("> " + escape_block(value)) == expected
    table = render(f"| h |\n|---|\n| {escape_inline(value)} |\n")
    cells = [inline_text(t) for path, t in blocks(table) if path[-1:] == ("td",)]
    assert cells == [expected]


@settings(max_examples=200, deadline=None)
@given(st.text(_ALPHABET, max_size=40))
def test_any_text_reaches_a_terminal_without_control_characters(value: str) -> None:
    from rich.console import Console

    from claimcmp.rendering import text

    console = Console(width=30, file=io.StringIO(), force_terminal=True, color_system="truecolor")
    console.print(text(value, "bold"))
    printed = console.file.getvalue()  # type: ignore[attr-defined]
    # Only rich's own styling escapes (ESC [ ... m) and line breaks remain.
    stripped = re.sub(r"\x1b\[[0-9;]*m", "", printed)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]", stripped), repr(printed)
