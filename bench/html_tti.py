#!/usr/bin/env python3
"""Time to interactive of an HTML report (``claimcmp export --html``) in Chromium.

Usage:
    python bench/html_tti.py REPORT.html [--runs N] [--chromium PATH] [--screenshot PNG]

Opens the report N times (default 5) in a fresh page of the system's Chromium
(no browser download: ``apt-get install chromium-headless-shell``, or
``--chromium PATH`` / ``$CLAIMCMP_CHROMIUM``) and prints, as median (min-max):

- ready: ``performance.now()`` when the page's script has finished setting up
  (the first claims drawn, the filters live), from the start of navigation;
- wall: from ``goto`` until then, as the test driver sees it;
- keystroke: from an ``input`` event in the search box (the word "the") to the
  second animation frame after it, i.e. the filtered claims drawn.

Every request that is not ``file:`` or ``data:`` is refused and counted, and
console errors are printed: both should be none.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

KEYSTROKE = """() => new Promise(resolve => {
    const box = document.getElementById('q');
    const start = performance.now();
    box.value = 'the';
    box.dispatchEvent(new Event('input', {bubbles: true}));
    requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - start)));
})"""


def _chromium(given: str | None) -> str:
    for candidate in (given, os.environ.get("CLAIMCMP_CHROMIUM"), shutil.which("chromium-headless-shell"),
                      shutil.which("chromium")):  # fmt: skip
        if candidate and Path(candidate).is_file():
            return candidate
    sys.exit("no Chromium found: apt-get install chromium-headless-shell, or pass --chromium PATH")


def _summary(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} ms (min {min(values):.0f}, max {max(values):.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--chromium")
    parser.add_argument("--screenshot", type=Path)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    ready: list[float] = []
    wall: list[float] = []
    keystroke: list[float] = []
    refused: list[str] = []
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(args.chromium))
        for run in range(args.runs):
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
                ("file:", "data:")) else (refused.append(route.request.url), route.abort()))  # fmt: skip
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            start = time.perf_counter()
            page.goto(args.report.resolve().as_uri(), timeout=120_000)
            page.wait_for_selector("html[data-ready]", timeout=120_000)
            wall.append((time.perf_counter() - start) * 1000)
            ready.append(float(page.evaluate("document.documentElement.dataset.ready")))
            keystroke.append(float(page.evaluate(KEYSTROKE)))
            if run == 0 and args.screenshot:
                page.screenshot(path=str(args.screenshot))
            page.close()
        browser.close()
    size = args.report.stat().st_size
    print(f"{args.report.name}: {size / 1e6:.1f} MB, {args.runs} runs")
    print(f"ready      {_summary(ready)}")
    print(f"wall       {_summary(wall)}")
    print(f"keystroke  {_summary(keystroke)}")
    print(f"requests refused: {len(refused)}; console errors: {len(errors)}")


if __name__ == "__main__":
    main()
