"""The HTML report in a real browser: offline, safe, searchable, quotes marked in their sources.

Each test runs on the page as the server renders it in full ("full") and as the
browser draws it page by page from JSON, as for a large store ("lazy").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route
from typer.testing import CliRunner

from conftest import ALPHA, BETA, GAMMA, STORE, invoke

# claim id -> [(source, stance, quote)], copied by hand from tests/conftest.py's STORE.
EXPECTED = {
    "parukh": [
        ("beta", "supports", "Peacekeepers prevented the capture of Parukh village"),
        ("alpha", "refutes", "The peacekeepers did not prevent the capture of Parukh village"),
    ],
    "corridor-open": [
        ("beta", "supports", "they kept the road open"),
        ("gamma", "qualifies", "Some say the corridor was open; others disagree."),
    ],
    "five-year-term": [
        ("alpha", "supports", "a five-year term that renews automatically ... unless one side objects"),
        ("gamma", "refutes", "The mission's mandate was never written down."),
    ],
}


@dataclass
class Watch:
    """What a page did that it must not: requests, console errors, dialogs."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture(params=["full", "lazy"])
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "lazy":
        monkeypatch.setattr("claimcmp.render_html.LAZY_ABOVE", 0)
    return str(request.param)


@pytest.fixture
def export(runner: CliRunner, tmp_path: Path, mode: str) -> Callable[[], Path]:
    def run() -> Path:
        target = tmp_path / f"report-{mode}.html"
        code, output = invoke(runner, "export", "--html", "-o", str(target))
        assert code == 0, output
        return target

    return run


@pytest.fixture
def opened(browser: Browser) -> Iterator[Callable[..., tuple[Page, Watch]]]:
    pages: list[Page] = []

    def open_page(path: Path, width: int = 1280, height: int = 800, js: bool = True) -> tuple[Page, Watch]:
        context = browser.new_context(viewport={"width": width, "height": height}, java_script_enabled=js)
        page = context.new_page()
        pages.append(page)
        watch = Watch()

        def guard(route: Route) -> None:
            url = route.request.url
            if url.startswith(("file:", "data:")):
                route.continue_()
            else:
                watch.requests.append(url)
                route.abort()

        page.route("**/*", guard)
        page.on("console", lambda m: watch.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: watch.errors.append(str(e)))
        page.on("dialog", lambda d: (watch.dialogs.append(d.message), d.dismiss()))
        page.goto(path.as_uri())
        if js:
            page.wait_for_selector("html[data-ready]")
        return page, watch

    yield open_page
    for page in pages:
        page.context.close()


def settle(page: Page) -> None:
    """Wait until the page has handled the last input (it filters on the next frame).

    ``page.evaluate`` and not ``wait_for_function``: the page's CSP forbids eval."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def claims_area(mode: str) -> str:
    return "#claims-list" if mode == "lazy" else "#topics"


def visible_claims(page: Page, mode: str) -> list[str]:
    return page.eval_on_selector_all(
        f"{claims_area(mode)} [data-claim]:not([hidden])", "els => els.map(e => e.dataset.claim)"
    )


def test_no_request_no_console_error_and_screenshots(
    store: Path,
    export: Callable[[], Path],
    opened: Callable[..., tuple[Page, Watch]],
    tmp_path: Path,
    mode: str,
) -> None:
    report = export()
    for width, height in ((1280, 800), (390, 844)):
        page, watch = opened(report, width, height)
        page.screenshot(path=str(tmp_path / f"report-{mode}-{width}x{height}.png"))
        assert watch.requests == [] and watch.errors == [] and watch.dialogs == []
        # Usable at 390 px: nothing makes the page itself scroll sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert (tmp_path / f"report-{mode}-390x844.png").stat().st_size > 0


def test_every_claim_and_position_present(
    store: Path, export: Callable[[], Path], opened: Callable[..., tuple[Page, Watch]], mode: str
) -> None:
    page, _ = opened(export())
    assert sorted(visible_claims(page, mode)) == ["corridor-open", "five-year-term", "parukh"]
    for claim_id, positions in EXPECTED.items():
        claim = page.locator(f'{claims_area(mode)} [data-claim="{claim_id}"]')
        assert claim.count() == 1
        found = claim.locator("[data-source]")
        assert found.count() == len(positions)
        for source, stance, quote in positions:
            position = claim.locator(f'[data-source="{source}"]')
            assert position.get_attribute("data-stance") == stance
            assert quote in (position.text_content() or "")
    assert page.locator("h1").count() == 1


def test_search_and_filters_narrow_the_claims(
    store: Path, export: Callable[[], Path], opened: Callable[..., tuple[Page, Watch]], mode: str
) -> None:
    page, _ = opened(export())
    search = page.locator('input[type="search"]')
    search.press_sequentially("Paru")
    settle(page)
    assert visible_claims(page, mode) == ["parukh"]
    search.fill("five-year")  # an id
    settle(page)
    assert visible_claims(page, mode) == ["five-year-term"]
    search.fill("")
    page.select_option("#f-source", "gamma")
    settle(page)
    assert sorted(visible_claims(page, mode)) == ["corridor-open", "five-year-term"]
    page.select_option("#f-stance", "refutes")  # gamma's stance, as the source is chosen
    settle(page)
    assert visible_claims(page, mode) == ["five-year-term"]
    page.select_option("#f-source", "")
    settle(page)
    assert sorted(visible_claims(page, mode)) == ["five-year-term", "parukh"]
    page.select_option("#f-stance", "")
    page.check("#f-contested")
    page.select_option("#f-topic", "incidents")
    settle(page)
    assert visible_claims(page, mode) == ["parukh"]
    search.fill("nothing like this")
    settle(page)
    assert visible_claims(page, mode) == []
    assert page.locator("#empty").is_visible()


def test_clicking_a_quote_marks_it_in_its_source(
    store: Path, export: Callable[[], Path], opened: Callable[..., tuple[Page, Watch]], mode: str
) -> None:
    page, watch = opened(export())
    marks = "#viewer-text mark" if mode == "lazy" else "#source-alpha mark"
    area = claims_area(mode)
    # An ellipsis quote: two segments, each marked; the first one in view.
    page.locator(f'{area} [data-claim="five-year-term"] [data-source="alpha"] a.quote').click()
    assert page.locator(marks).all_text_contents() == [
        "a five-year term that\nrenews automatically",
        "unless one side objects",
    ]
    assert page.locator(marks).first.is_visible()
    box = page.locator(marks).first.bounding_box()
    assert box is not None and 0 <= box["y"] <= 800
    # A word broken at a line end; the previous mark is gone.
    page.locator(f'{area} [data-claim="parukh"] [data-source="alpha"] a.quote').click()
    assert page.locator(marks).all_text_contents() == [
        "The peace-\nkeepers did not prevent the capture of Parukh village"
    ]
    # Typographic marks in the text, a straight apostrophe in the quote.
    page.locator(f'{area} [data-claim="five-year-term"] [data-source="gamma"] a.quote').click()
    gamma_marks = "#viewer-text mark" if mode == "lazy" else "#source-gamma mark"
    assert page.locator(gamma_marks).all_text_contents() == ["The mission's mandate was never written down."]
    assert watch.errors == []


INJECTION = (
    STORE.replace("title: The Mission Report", "title: \"<script>alert('title')</script> Report\"")
    .replace(
        "url: https://example.org/alpha",
        'url: \'https://example.org/a"><img/src=x/onerror=alert("url")>\'',
    )
    .replace(
        "text: The peacekeepers kept the Lachin corridor open.",
        "text: \"<img src=x onerror=alert('claim')> javascript:alert('text')\"",
    )
    .replace('quote: "they kept the road open"', "quote: \"<b onclick=alert('q')>road</b> open\"")
    .replace("title: Incidents", "title: \"</script><script>alert('topic')</script>\"")
)
INJECTION_BETA = BETA.replace(
    "they kept the\nroad open", "they kept the\n<b onclick=alert('q')>road</b> open"
)


def test_injection_store_shows_literal_text(
    make_store: Callable[..., Path],
    export: Callable[[], Path],
    opened: Callable[..., tuple[Page, Watch]],
    mode: str,
) -> None:
    make_store(INJECTION, texts={"alpha.txt": ALPHA, "beta.txt": INJECTION_BETA, "gamma.txt": GAMMA})
    page, watch = opened(export())
    area = claims_area(mode)
    claim = page.locator(f'{area} [data-claim="corridor-open"]')
    assert "<img src=x onerror=alert('claim')> javascript:alert('text')" in (claim.text_content() or "")
    assert "<b onclick=alert('q')>road</b> open" in (claim.text_content() or "")
    assert "<script>alert('title')</script> Report" in page.locator("#src-alpha").inner_text()
    assert page.locator("option", has_text="</script><script>alert('topic')</script>").count() == 1
    # The URL is not http(s) with a clean host? It is https, so it is a link, and only that.
    link = page.locator("#src-alpha a[href]")
    assert link.get_attribute("href") == 'https://example.org/a"><img/src=x/onerror=alert("url")>'
    assert link.get_attribute("rel") == "noopener noreferrer"
    page.locator(f'{area} [data-claim="corridor-open"] [data-source="beta"] a.quote').click()
    settle(page)
    assert page.locator("img").count() == 0 and page.locator("b").count() == 0
    assert page.evaluate("document.querySelectorAll('script:not([type])').length") == 1
    assert watch.dialogs == [] and watch.errors == [] and watch.requests == []


def test_readable_with_javascript_off(
    store: Path, runner: CliRunner, opened: Callable[..., tuple[Page, Watch]], tmp_path: Path
) -> None:
    target = tmp_path / "report.html"
    assert invoke(runner, "export", "--html", "-o", str(target))[0] == 0
    page, watch = opened(target, js=False)
    assert not page.locator("#filters").is_visible()
    for claim_id, positions in EXPECTED.items():
        row = page.locator(f'#topics [data-claim="{claim_id}"]')
        assert row.is_visible()
        for source, _, quote in positions:
            assert quote in (row.locator(f'[data-source="{source}"]').text_content() or "")
    assert page.locator("#contradictions [data-claim]").count() == 2
    assert watch.requests == []


def test_focus_is_visible(
    store: Path, export: Callable[[], Path], opened: Callable[..., tuple[Page, Watch]]
) -> None:
    page, _ = opened(export())
    page.locator('input[type="search"]').focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


def test_marks_land_right_after_crlf_astral_and_nul_characters(
    make_store: Callable[..., Path],
    export: Callable[[], Path],
    opened: Callable[..., tuple[Page, Watch]],
    mode: str,
) -> None:
    awkward = "A Third Voice 😀\x00\r\n\r\n" + GAMMA.split("\n\n", 1)[1].replace("\n", "\r\n")
    make_store(texts={"alpha.txt": ALPHA, "beta.txt": BETA, "gamma.txt": awkward})
    page, watch = opened(export())
    page.locator(f'{claims_area(mode)} [data-claim="corridor-open"] [data-source="gamma"] a.quote').click()
    marks = "#viewer-text mark" if mode == "lazy" else "#source-gamma mark"
    assert page.locator(marks).all_text_contents() == ["Some say the corridor\nwas open; others disagree."]
    assert watch.errors == []


def test_bundled_report_fits_a_phone_and_has_no_problems(
    runner: CliRunner, opened: Callable[..., tuple[Page, Watch]], tmp_path: Path
) -> None:
    bundled = Path(__file__).resolve().parents[2] / "data" / "claims.yaml"
    target = tmp_path / "bundled.html"
    assert invoke(runner, "--store", str(bundled), "export", "--html", "-o", str(target))[0] == 0
    page, watch = opened(target, 390, 844)
    # Wide tables scroll inside their own box; the page itself never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(tmp_path / "bundled-390x844.png"))
    assert watch.requests == [] and watch.errors == [] and watch.dialogs == []


def test_a_large_store_is_drawn_page_by_page(
    store: Path,
    runner: CliRunner,
    opened: Callable[..., tuple[Page, Watch]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("claimcmp.render_html.LAZY_ABOVE", 0)
    monkeypatch.setattr("claimcmp.render_html.LAZY_PAGE", 2)
    target = tmp_path / "paged.html"
    assert invoke(runner, "export", "--html", "-o", str(target))[0] == 0
    page, watch = opened(target)
    assert visible_claims(page, "lazy") == ["parukh", "corridor-open"]
    assert page.locator("#page").text_content() == "Page 1 of 2"
    assert page.locator("#prev").is_disabled()
    page.click("#next")
    assert visible_claims(page, "lazy") == ["five-year-term"]
    assert page.locator("#next").is_disabled()
    assert page.locator("#count").text_content() == "Showing 3–3 of 3 matching claims (3 in all)"
    # Date order is the timeline: only parukh has a date.
    page.select_option("#f-order", "date")
    settle(page)
    assert visible_claims(page, "lazy") == ["parukh"]
    assert not page.locator(".pager").is_visible()
    assert watch.errors == []
