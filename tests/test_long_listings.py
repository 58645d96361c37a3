"""Long listings come as records, which start at once, not as a table rich must
lay out whole first (10,000 sources took 17 s as a table)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from conftest import invoke


def _many_sources(count: int) -> str:
    lines = ["sources:"]
    for i in range(count):
        lines += [f"  - id: s{i:05d}", f"    title: Source number {i}", "    published: 2020"]
    return "\n".join(lines) + "\n"


def test_a_short_listing_is_a_table(runner: CliRunner, make_store: Callable[..., Path]) -> None:
    make_store(_many_sources(3))
    code, output = invoke(runner, "sources")
    assert code == 0
    assert output.splitlines()[0].strip() == "Sources"
    assert "━━" in output  # the table's header rule


def test_a_long_listing_is_records_and_fast(runner: CliRunner, make_store: Callable[..., Path]) -> None:
    make_store(_many_sources(3000))
    invoke(runner, "--no-cache", "check")  # the parse is not what is measured
    started = time.perf_counter()
    code, output = invoke(runner, "sources")
    elapsed = time.perf_counter() - started
    assert code == 0
    lines = output.splitlines()
    assert "━━" not in output
    # by hand: a title line, then per source its id, its details, its counts
    assert lines[0] == "Sources"
    assert lines[1:4] == ["s00000", "  Source number 0; 2020", "  ✔ 0  ✘ 0  ◐ 0  total 0"]
    assert lines[-1] == "3000 sources; counts of positions by stance: ✔ supports, ✘ refutes, ◐ qualifies"
    assert elapsed < 5, f"{elapsed:.1f} s for 3,000 sources"


def test_the_grid_is_measured_on_its_widest_rows_only() -> None:
    # topic_layout measures a few rows instead of the whole grid (0.9 s for a
    # 235-claim topic): the width must be the whole grid's, on every bundled topic.
    from rich.console import Console

    import claimcmp
    from claimcmp.analysis import topic_view
    from claimcmp.rendering import _widest_rows, source_keys, stance_grid

    store = claimcmp.load(Path(__file__).resolve().parent.parent / "data" / "claims.yaml")
    measure = Console(width=10_000, color_system=None).measure
    for topic in store.topics.values():
        view = topic_view(store, topic)
        keys = source_keys(len(view.sources))
        whole = measure(stance_grid(view, keys)).maximum
        assert measure(stance_grid(_widest_rows(view), keys)).maximum == whole, topic.id
