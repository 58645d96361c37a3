"""`claimcmp export --html`: the page's structure, its escaping and policy, and quote offsets.

The browser tests (tests/browser/) check the page at work; these check what the
server writes, without a browser.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from claimcmp.quote_spans import SpanFinder, browser_text
from claimcmp.render_html import safe_url, script_json
from conftest import STORE, invoke

BUNDLED = Path(__file__).resolve().parent.parent / "data" / "claims.yaml"


class Outline(HTMLParser):
    """The headings, claim and position elements, and links of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.claims: list[str] = []
        self.positions: list[tuple[str, str, str]] = []  # (claim, source, stance)
        self.links: list[dict[str, str | None]] = []
        self.scopeless_th = 0
        self.html_lang: str | None = None
        self._claim: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.html_lang = found.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "th" and "scope" not in found:
            self.scopeless_th += 1
        if tag == "a" and found.get("href", "").startswith(("http", "javascript")):  # type: ignore[union-attr]
            self.links.append(found)
        if "data-claim" in found:
            self.claims.append(str(found["data-claim"]))
            self._claim.append(str(found["data-claim"]))
        if "data-source" in found and "data-stance" in found and self._claim:
            self.positions.append((self._claim[-1], str(found["data-source"]), str(found["data-stance"])))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("tr", "article") and self._claim:
            self._claim.pop()


def _outline(page: str) -> Outline:
    parser = Outline()
    parser.feed(page)
    return parser


def test_export_html_to_standard_output(runner: CliRunner, store: Path) -> None:
    code, page = invoke(runner, "export", "--html", "--title", "Test <report>")
    assert code == 0
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Test &lt;report&gt;</title>" in page
    outline = _outline(page)
    assert outline.html_lang == "en"
    assert outline.headings.count(1) == 1
    # Headings never skip a level on the way down.
    assert all(b <= a + 1 for a, b in pairwise(outline.headings))
    assert outline.scopeless_th == 0


def test_every_claim_and_position_in_the_page(runner: CliRunner, store: Path) -> None:
    page = invoke(runner, "export", "--html")[1]
    outline = _outline(page)
    # Each claim in its topic's table; the two contested ones again as cards.
    assert outline.claims == ["parukh", "corridor-open", "five-year-term", "parukh", "five-year-term"]
    assert sorted(set(outline.positions)) == [
        ("corridor-open", "beta", "supports"),
        ("corridor-open", "gamma", "qualifies"),
        ("five-year-term", "alpha", "supports"),
        ("five-year-term", "gamma", "refutes"),
        ("parukh", "alpha", "refutes"),
        ("parukh", "beta", "supports"),
    ]
    # The timeline: alpha's date of publication among the dated claims.
    assert re.search(r"<time>2021-05-04</time>.*<time>2022-03</time>.*<time>2022-12</time>", page, re.S)


def test_policy_forbids_requests_and_allows_only_the_page_s_own_style_and_script(
    runner: CliRunner, store: Path
) -> None:
    page = invoke(runner, "export", "--html")[1]
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert policy is not None
    directives = dict(d.strip().split(" ", 1) for d in html.unescape(policy.group(1)).split(";"))
    assert directives["default-src"] == "'none'"
    style = re.search(r"<style>(.*?)</style>", page, re.S)
    script = re.search(r"<script>(.*?)</script>", page, re.S)
    assert style and script

    def digest(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    assert directives["style-src"] == digest(style.group(1))
    assert directives["script-src"] == digest(script.group(1))
    assert not re.search(
        r"""(src|href)=["']?(https?:)?//""", page.replace('href="https://example.org/alpha"', "")
    )


def test_store_strings_are_escaped(runner: CliRunner, make_store) -> None:  # type: ignore[no-untyped-def]
    make_store(
        STORE.replace("title: The Mission Report", 'title: "<script>alert(1)</script>"').replace(
            "url: https://example.org/alpha", "url: 'https://example.org/\"onmouseover=alert(2)'"
        )
    )
    page = invoke(runner, "export", "--html")[1]
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="https://example.org/&#34;onmouseover=alert(2)" rel="noopener noreferrer"' in page


def test_only_http_and_https_urls_become_links() -> None:
    assert safe_url("https://example.org/a") == "https://example.org/a"
    assert safe_url("HTTP://example.org") == "HTTP://example.org"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("data:text/html,<b>x</b>") is None
    assert safe_url("https:///no-host") is None
    assert safe_url(None) is None


def test_json_for_a_script_element_cannot_end_it() -> None:
    text = str(script_json({"q": "</script><!-- & -->"}))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"q": "</script><!-- & -->"}


def test_a_large_store_travels_as_json(
    runner: CliRunner, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("claimcmp.render_html.LAZY_ABOVE", 2)
    page = invoke(runner, "export", "--html")[1]
    data = json.loads(
        re.search(r'<script type="application/json" id="claimcmp-data">(.*?)</script>', page, re.S)[1]
    )
    assert [c[0] for c in data["claims"]] == ["parukh", "corridor-open", "five-year-term"]
    # Dated claims in date order (five-year-term has no date).
    assert data["byDate"] == [0]
    assert data["claims"][0][6][1][:4] == [
        0,
        1,
        "The peacekeepers did not prevent the capture of Parukh village",
        0,
    ]
    assert 'id="topics"' not in page and "<noscript>" in page


def test_export_html_to_a_file_and_exactly_one_format(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    code, output = invoke(runner, "export", "--html", "-o", str(target))
    assert code == 0 and "wrote" in output
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert invoke(runner, "export", "--html", "--json")[0] == 2
    assert invoke(runner, "export", "--html", "--markdown")[0] == 2
    code, output = invoke(runner, "export", "--html", "-o", str(store))
    assert code == 1 and "refusing to overwrite" in output


def test_bundled_report_is_small_and_anchors_every_quote(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "bundled.html"
    code, output = invoke(runner, "--store", str(BUNDLED), "export", "--html", "-o", str(target))
    assert code == 0, output
    assert target.stat().st_size <= 1_500_000
    page = target.read_text(encoding="utf-8")
    outline = _outline(page)
    positions = set(outline.positions)
    # Every position's quote links to its passage: one data-ranges per position element.
    assert page.count("data-ranges=") == len(outline.positions) and len(positions) > 100


# -- quote offsets, worked out by hand --------------------------------------------------


def test_the_page_data_in_pieces_is_the_whole_encoding(monkeypatch: pytest.MonkeyPatch) -> None:
    from claimcmp import render_html

    monkeypatch.setattr(render_html, "_JSON_CHUNK", 2)
    value = {
        "claims": [["k<1", 0, "a & b", None, [[1, 2, "</script>", 0, None, "3-9"]]], ["k2"], ["k3"]],
        "texts": {"s&1": "x > y", "s2": "", "s3": "\u2019"},
        "byDate": [],
        "stances": ["supports"],
        "empty": {},
        "n": 3,
    }
    whole = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    whole = whole.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    pieces = list(render_html.script_json_parts(value))
    assert "".join(pieces) == whole and len(pieces) > 10
    assert json.loads("".join(pieces)) == value
    assert "".join(render_html.script_json_parts([1, "<"])) == '[1,"\\u003c"]'


def test_spans_across_white_space_and_line_breaks() -> None:
    assert SpanFinder("Hello  big\nworld").spans("big world") == [(7, 16)]


def test_spans_across_a_hyphen_at_a_line_end() -> None:
    assert SpanFinder("the peace-\nkeepers left").spans("peacekeepers left") == [(4, 23)]
    assert SpanFinder("the peace-\nkeepers left").spans("peace-keepers") == [(4, 18)]


def test_spans_of_a_quote_with_both_readings_of_broken_words() -> None:
    text = "peace-\nkeepers and Nagorno-\nKarabakh"
    assert SpanFinder(text).spans("peacekeepers and Nagorno-Karabakh") == [(0, 36)]


def test_spans_of_an_ellipsis_quote_are_its_segments() -> None:
    assert SpanFinder("a b c d e").spans("a b ... d e") == [(0, 3), (6, 9)]
    assert SpanFinder("a b c d e").spans("d e … a b") is None


def test_spans_with_typographic_marks() -> None:
    assert SpanFinder("say “no” now").spans('say "no"') == [(0, 8)]


def test_spans_count_utf16_units_like_the_browser() -> None:
    assert SpanFinder("😀 x y").spans("x y") == [(3, 6)]


def test_browser_text_has_unix_line_ends() -> None:
    assert browser_text("a\r\nb\rc") == "a\nb\nc"
    assert browser_text("a\x00b") == "a\ufffdb"


def test_heatmap_cells_say_what_they_count(runner: CliRunner, store: Path) -> None:
    page = invoke(runner, "export", "--html")[1]
    heat = page[
        page.index('<table class="heat">') : page.index("</table>", page.index('<table class="heat">'))
    ]
    # alpha and beta share only parukh, where alpha refutes and beta supports.
    assert 'title="alpha and beta: agree on 0 of 1 shared claims (0%), partly on 0, ' in heat
    # beta and gamma share only corridor-open: beta supports, gamma qualifies.
    assert (
        "beta and gamma: agree on 0 of 1 shared claims (0%), partly on 1, contradict each other on 0" in heat
    )
    assert heat.count('class="diag"') == 3


# -- colours: WCAG AA in both schemes ----------------------------------------------------

CSS = Path(__file__).resolve().parent.parent / "src" / "claimcmp" / "templates" / "report.css"
TEXT_PAIRS = [
    ("fg", "bg"), ("fg", "soft"), ("muted", "bg"), ("muted", "soft"), ("link", "bg"),
    ("sup-fg", "sup-bg"), ("ref-fg", "ref-bg"), ("qua-fg", "qua-bg"), ("mark-fg", "mark-bg"),
    *(("hfg", f"h{i}") for i in range(5)),
]  # fmt: skip


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_colours_meet_wcag_aa(scheme: str) -> None:
    css = CSS.read_text(encoding="utf-8")
    light = dict(re.findall(r"--([\w-]+): (#[0-9a-f]{6})", css[: css.index("@media (prefers-color-scheme")]))
    dark_block = css[css.index("@media (prefers-color-scheme: dark)") : css.index("* { box-sizing")]
    colours = (
        {**light, **dict(re.findall(r"--([\w-]+): (#[0-9a-f]{6})", dark_block))}
        if scheme == "dark"
        else light
    )
    for fg, bg in TEXT_PAIRS:
        assert _contrast(colours[fg], colours[bg]) >= 4.5, (scheme, fg, bg)
    assert _contrast(colours["focus"], colours["bg"]) >= 3, scheme  # a focus ring is not text: 3:1


def test_inferred_stances_are_marked(runner: CliRunner, make_store) -> None:  # type: ignore[no-untyped-def]
    make_store(
        STORE.replace(
            'quote: "Some say the corridor was open; others disagree."',
            'quote: "Some say the corridor was open; others disagree."\n        inferred: true',
        )
    )
    page = invoke(runner, "export", "--html")[1]
    cell = re.search(
        r'<td class="position" data-label="gamma" data-source="gamma" data-stance="qualifies">.*?</td>', page
    )
    assert cell is not None
    assert (
        '<span class="stance s-qualifies inferred">qualifies<span class="inf"> · inferred</span></span>'
        in cell[0]
    )
    # Only that one position is inferred (the legend mentions the word once more).
    assert page.count('<span class="inf"> · inferred</span>') == 1


def test_a_topic_with_many_sources_lists_positions_instead_of_a_table(
    runner: CliRunner, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("claimcmp.render_html.TABLE_MAX_SOURCES", 1)
    page = invoke(runner, "export", "--html")[1]
    topics = page[page.index('<section id="topics"') : page.index('<section id="contradictions"')]
    assert "<table" not in topics
    outline = _outline(topics)
    assert outline.claims == ["parukh", "corridor-open", "five-year-term"]
    assert len(outline.positions) == 6


def test_a_source_without_a_text_file(runner: CliRunner, make_store) -> None:  # type: ignore[no-untyped-def]
    make_store(STORE.replace("    file: ../seeds/gamma.txt\n", ""))
    page = invoke(runner, "export", "--html")[1]
    gamma = page[page.index('<article class="source-text" id="source-gamma">') :]
    assert "No text file for this source." in gamma[: gamma.index("</article>")]
    # gamma's two quotes are shown, but link nowhere; the other four link to their passage.
    assert page.count('data-src="gamma"') == 0
    assert "<q>Some say the corridor was open; others disagree.</q>" in page


_PIECES = [
    *"ab .\n\t\u00a0-—’'\"…",
    "...",
    "peace-\nkeepers",
    "Nagorno-\nKarabakh",
    "abab ",
    "aaaa aaaa aaaa aaaa",
]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES), max_size=40).map("".join),
    st.lists(st.sampled_from(_PIECES), min_size=1, max_size=12).map("".join),
)
# The first segment at a word start, the second only after its earlier, mid-word place:
# check found it there, and the report marked nothing.
@example("Xaaaa aaaa aaaa aaaa B aaaa aaaa aaaa aaaa C", "aaaa aaaa aaaa aaaa ... B")
def test_the_report_marks_a_quote_exactly_when_check_finds_it(text: str, quote: str) -> None:
    from claimcmp.quotes import SourceText, locate_segments, normalize, quote_segments

    spans = SpanFinder(text).spans(quote)
    line = SourceText(text).find(quote)
    assert (spans is None) == (line is None), (text, quote)
    # The same place, too: check's line, the report's mark, the annotation's selector.
    assert spans == locate_segments(text, quote), (text, quote)
    if spans is not None:  # each span, read as check reads it, is its segment (no astral characters here)
        assert text.count("\n", 0, spans[0][0]) + 1 == line, (text, quote, spans)
        pieces = [normalize(text[start:end]) for start, end in spans]
        segments = quote_segments(quote)
        assert len(pieces) == len(segments)
        for piece, segment in zip(pieces, segments, strict=True):
            assert piece.replace("-", "") == segment.replace("-", ""), (text, quote, spans)
