"""The benchmark's tools work: a generated store is valid, and the runner runs (tiny sizes)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from conftest import invoke

BENCH = Path(__file__).resolve().parent.parent / "bench"


def test_generated_store_is_valid_and_has_elided_quotes(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "synthetic"
    subprocess.run(
        [sys.executable, str(BENCH / "generate.py"), str(out), "--claims", "120", "--seed", "3"],
        check=True,
        capture_output=True,
    )
    store = out / "data" / "claims.yaml"
    assert "..." in store.read_text(encoding="utf-8") or "…" in store.read_text(encoding="utf-8")
    code, output = invoke(runner, "--store", str(store), "check")
    assert code == 0, output
    assert "120 claims" in output and "0 errors, 0 warnings" in output


def test_runner_smoke(tmp_path: Path) -> None:
    claimcmp = Path(sys.executable).with_name("claimcmp")
    report = tmp_path / "results.md"
    done = subprocess.run(
        [
            sys.executable,
            str(BENCH / "run.py"),
            "--quick",
            "--no-bundled",
            "--out",
            str(report),
            "--claimcmp",
            str(claimcmp),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    text = report.read_text(encoding="utf-8")
    assert "claimcmp check (cold)" in text and "contradictions (warm)" in text
