"""The pre-commit hook (.pre-commit-hooks.yaml), run by pre-commit itself on a
data repository in a temporary folder: it passes on a good store and stops the
commit on a quote that is not in its source.

pre-commit installs this repository into a virtual environment of its own,
with its dependencies from PyPI (so this test needs PyPI). ``try-repo`` does
so afresh on every run, in a temporary folder: 10 to 25 seconds each, so the
test keeps to two runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ALPHA, BETA, GAMMA, STORE

ROOT = Path(__file__).resolve().parent.parent


def test_the_hook_file_declares_claimcmp_check() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    [hook] = hooks
    assert hook["id"] == "claimcmp-check"
    assert hook["entry"] == "claimcmp check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False


def _run(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False)


def test_pre_commit_try_repo_passes_a_good_store_and_fails_a_bad_quote(tmp_path: Path) -> None:
    repo = tmp_path / "corpus"
    (repo / "data").mkdir(parents=True)
    (repo / "seeds").mkdir()
    for name, text in {"alpha.txt": ALPHA, "beta.txt": BETA, "gamma.txt": GAMMA}.items():
        (repo / "seeds" / name).write_text(text, encoding="utf-8")
    store = repo / "data" / "claims.yaml"
    store.write_text(STORE, encoding="utf-8")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),  # leave the user's cache alone
        "GIT_AUTHOR_NAME": "test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    env.pop("CLAIMCMP_STORE", None)
    _run("git", "init", "-q", cwd=repo, env=env)
    _run("git", "add", ".", cwd=repo, env=env)
    try_repo = (sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "claimcmp-check", "--all-files")

    good = _run(*try_repo, cwd=repo, env=env)
    if "Could not find a version" in good.stdout + good.stderr:
        pytest.fail("pre-commit could not install claimcmp from PyPI: " + good.stdout[-2000:])
    assert good.returncode == 0, good.stdout + good.stderr
    assert "claimcmp check" in good.stdout and "Passed" in good.stdout

    store.write_text(
        STORE.replace('quote: "they kept the road open"', 'quote: "they closed the road"'), encoding="utf-8"
    )
    _run("git", "add", ".", cwd=repo, env=env)
    bad = _run(*try_repo, cwd=repo, env=env)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout
    assert "data/claims.yaml:46:16: quote not found in source 'beta'" in bad.stdout
