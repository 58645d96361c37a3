"""The closest-passage hint for a quote that is not found is bounded in time,
whatever the lengths of the quote and of the text (issue 18.6)."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

from typer.testing import CliRunner

from claimcmp.quotes import SourceText
from conftest import invoke


def _text(lines: int, seed: int) -> str:
    """Lines of random words, each starting with its own tag 'l000123'."""
    rng = random.Random(seed)
    vocab = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9)))
        for _ in range(5000)
    ]
    return "".join(
        f"l{n:06d} " + " ".join(rng.choice(vocab) for _ in range(14)) + "\n" for n in range(1, lines + 1)
    )


def _store(tmp_path: Path, text: str, quotes: list[str]) -> Path:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "t.txt").write_text(text, encoding="utf-8")
    (tmp_path / "data").mkdir()
    lines = ["version: 1", "sources:", "  - id: s", "    title: T", "    file: ../seeds/t.txt"]
    lines += ["topics:", "  - id: t", "    title: T", "claims:"]
    for i, quote in enumerate(quotes):
        lines += [f"  - id: c{i}", "    topic: t", "    text: x", "    positions:", "      - source: s"]
        lines += ["        stance: supports", "        quote: " + json.dumps(quote)]
    path = tmp_path / "data" / "claims.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_300_kb_near_miss_in_a_1_mb_text(runner: CliRunner, tmp_path: Path) -> None:
    text = _text(12_000, seed=1)  # about 1 MB
    assert 900_000 < len(text) < 1_300_000
    start = text.index("l002000 ")
    quote = text[start : start + 300_000].replace("\n", " ")
    # one character wrong: the one after the tag of line 3000
    wrong = quote.index("l003000 ") + len("l003000 ")
    quote = quote[:wrong] + "#" + quote[wrong + 1 :]
    store = _store(tmp_path, text, [quote])
    began = time.perf_counter()
    code, output = invoke(runner, "--no-cache", "--store", str(store), "check")
    elapsed = time.perf_counter() - began
    assert code == 1 and elapsed < 10, elapsed
    assert "quote not found in source 's'" in output
    # the hint shows the passage where the quote differs, almost the same
    assert (
        "closest passage, line 2999 (99% similar)" in output
        or "closest passage, line 3000 (99% similar)" in output
    )
    assert "l003000" in output


def test_a_hundred_near_misses_in_a_5_mb_text(runner: CliRunner, tmp_path: Path) -> None:
    text = _text(60_000, seed=2)  # about 5 MB
    assert len(text) > 4_500_000
    quotes = []
    for n in range(100):
        line = 1_000 + n * 500
        start = text.index(f"l{line:06d} ")
        quote = text[start : start + 300].replace("\n", " ")
        quotes.append(quote[:150] + "#" + quote[151:])
    store = _store(tmp_path, text, quotes)
    began = time.perf_counter()
    code, output = invoke(runner, "--no-cache", "--store", str(store), "check")
    elapsed = time.perf_counter() - began
    assert code == 1 and elapsed < 10, elapsed
    assert output.count("quote not found") == 100
    # each hint points at the line its quote was cut from (the first quote: line 1000)
    assert output.count("% similar)") == 100
    assert "closest passage, line 1000 (99% similar)" in output
    assert "closest passage, line 50500 (99% similar)" in output


def test_the_closest_passage_of_a_short_quote_in_a_long_text() -> None:
    text = _text(3_000, seed=3)
    start = text.index("l001500 ")
    quote = text[start : start + 80].replace("qu", "QU").replace("\n", " ")
    passage = SourceText(text).closest(quote + "x")
    assert passage is not None and passage.line == 1500 and passage.similarity >= 90
