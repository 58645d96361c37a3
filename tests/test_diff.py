"""claimcmp diff: planted changes of every kind, hand-written expectations, git revisions."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from claimcmp.diff import FieldChange, StanceChange, compare
from claimcmp.loading import check_store
from conftest import ALPHA, BETA, GAMMA, invoke

GOLDEN = Path(__file__).parent / "golden"

# Quotes found verbatim in the conftest texts.
QA1 = "took control of the “Lachin corridor” at once"
QA2 = "The peacekeepers did not prevent the capture of Parukh village"
QA3 = "a five-year term that renews automatically"
QA4 = "The peacekeepers arrived on 10 November 2020"
QB1 = "Peacekeepers prevented the capture of Parukh village"
QB2 = "they kept the road open"
QG1 = "The mission's mandate was never written down."
QG2 = "Some say the corridor was open; others disagree."

SOURCES = [
    {"id": "alpha", "title": "The Mission Report", "published": "2022-12", "file": "../seeds/alpha.txt"},
    {"id": "beta", "title": "Another View", "published": 2023, "file": "../seeds/beta.txt"},
    {"id": "gamma", "title": "A Third Voice", "file": "../seeds/gamma.txt"},
]
TOPICS = [{"id": "incidents", "title": "Incidents"}, {"id": "mandate", "title": "The mandate"}]


def pos(source: str, stance: str, quote: str, **extra: Any) -> dict[str, Any]:
    return {"source": source, "stance": stance, "quote": quote, **extra}


def claim(claim_id: str, text: str, positions: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "id": claim_id,
        "topic": extra.pop("topic", "incidents"),
        "text": text,
        **extra,
        "positions": positions,
    }


OLD_CLAIMS = [
    claim("same", "An unchanged claim.", [pos("beta", "supports", QB1)]),
    claim("tags-reordered", "Tags in another order only.", [pos("beta", "supports", QB2)], tags=["a", "b"]),
    claim("tag-added", "A tag is added.", [pos("beta", "supports", QB2)], tags=["a"]),
    claim("reworded", "The peacekeepers kept the road open.", [pos("beta", "supports", QB2)]),
    claim("note-changed", "The note changes.", [pos("beta", "supports", QB2)], note="old note"),
    claim("position-added", "A position is added.", [pos("beta", "supports", QB2)]),
    claim(
        "position-removed",
        "A position is removed.",
        [pos("beta", "supports", QB1), pos("alpha", "refutes", QA2)],
    ),
    claim(
        "stance-change",
        "A source changes its stance.",
        [pos("alpha", "qualifies", QA2), pos("beta", "supports", QB1)],
    ),
    claim("quote-change", "A source is quoted differently.", [pos("alpha", "supports", QA1)]),
    claim(
        "removed-contested",
        "A contested claim that is removed.",
        [pos("alpha", "supports", QA3), pos("gamma", "refutes", QG1)],
    ),
    claim(
        "position-order",
        "Positions in another order only.",
        [pos("beta", "supports", QB2), pos("gamma", "qualifies", QG2)],
    ),
    claim("inferred-flag", "A position becomes inferred.", [pos("alpha", "supports", QA1)]),
    claim(
        "still-contested",
        "Contested before and after.",
        [pos("beta", "supports", QB1), pos("alpha", "refutes", QA2)],
    ),
    claim("topic-moved", "The claim moves to another topic.", [pos("alpha", "supports", QA3)]),
    claim("position-note", "A position gets a note.", [pos("gamma", "refutes", QG1)]),
]

# NEW lists its claims in another order: the output must still be sorted by id.
NEW_CLAIMS = [
    claim("position-note", "A position gets a note.", [pos("gamma", "refutes", QG1, note="a new remark")]),
    claim(
        "topic-moved", "The claim moves to another topic.", [pos("alpha", "supports", QA3)], topic="mandate"
    ),
    claim(
        "still-contested",
        "Contested before and after.",
        [pos("beta", "supports", QB1), pos("alpha", "refutes", QA2)],
        date="2022-03",
    ),
    claim("inferred-flag", "A position becomes inferred.", [pos("alpha", "supports", QA1, inferred=True)]),
    claim(
        "position-order",
        "Positions in another order only.",
        [pos("gamma", "qualifies", QG2), pos("beta", "supports", QB2)],
    ),
    claim(
        "added-contested",
        "A contested claim that is added.",
        [pos("alpha", "supports", QA3), pos("gamma", "refutes", QG1)],
    ),
    claim("quote-change", "A source is quoted differently.", [pos("alpha", "supports", QA4)]),
    claim(
        "stance-change",
        "A source changes its stance.",
        [pos("alpha", "refutes", QA2), pos("beta", "supports", QB1)],
    ),
    claim("position-removed", "A position is removed.", [pos("beta", "supports", QB1)]),
    claim(
        "position-added",
        "A position is added.",
        [pos("beta", "supports", QB2), pos("gamma", "qualifies", QG2)],
    ),
    claim("note-changed", "The note changes.", [pos("beta", "supports", QB2)], note="new note"),
    claim("reworded", "The peacekeepers kept the Lachin road open.", [pos("beta", "supports", QB2)]),
    claim("tag-added", "A tag is added.", [pos("beta", "supports", QB2)], tags=["a", "b"]),
    claim("tags-reordered", "Tags in another order only.", [pos("beta", "supports", QB2)], tags=["b", "a"]),
    claim("same", "An unchanged claim.", [pos("beta", "supports", QB1)]),
]

# Worked out by hand from the two lists above.
EXPECTED = {
    "claims": {
        "added": ["added-contested"],
        "removed": ["removed-contested"],
        "changed": [
            "inferred-flag",
            "note-changed",
            "position-added",
            "position-note",
            "position-removed",
            "quote-change",
            "reworded",
            "stance-change",
            "still-contested",
            "tag-added",
            "topic-moved",
        ],
    },
    "positions": {
        "added": [{"claim": "position-added", "source": "gamma"}],
        "removed": [{"claim": "position-removed", "source": "alpha"}],
    },
    "stance_changes": [{"claim": "stance-change", "source": "alpha", "old": "qualifies", "new": "refutes"}],
    "contradictions": {
        "new": ["added-contested", "stance-change"],
        "resolved": ["position-removed", "removed-contested"],
    },
}

NO_CHANGE = {
    "claims": {"added": [], "removed": [], "changed": []},
    "positions": {"added": [], "removed": []},
    "stance_changes": [],
    "contradictions": {"new": [], "resolved": []},
}


def write_store(folder: Path, claims: list[dict[str, Any]], texts: dict[str, str] | None = None) -> Path:
    """A store at folder/data/claims.yaml with its texts in folder/seeds; returns the YAML path."""
    (folder / "seeds").mkdir(parents=True, exist_ok=True)
    for name, content in (texts or {"alpha.txt": ALPHA, "beta.txt": BETA, "gamma.txt": GAMMA}).items():
        (folder / "seeds" / name).write_text(content, encoding="utf-8")
    (folder / "data").mkdir(exist_ok=True)
    path = folder / "data" / "claims.yaml"
    data = {"version": 1, "sources": SOURCES, "topics": TOPICS, "claims": claims}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def planted(tmp_path: Path) -> tuple[Path, Path]:
    return write_store(tmp_path / "old", OLD_CLAIMS), write_store(tmp_path / "new", NEW_CLAIMS)


def diff_json_of(runner: CliRunner, *args: str, store: str | None = None) -> tuple[int, Any]:
    """``claimcmp [--store STORE] diff ARGS --format json``: the exit code and the parsed output."""
    prefix = ["--store", store] if store else []
    code, output = invoke(runner, *prefix, "diff", *args, "--format", "json")
    return code, json.loads(output) if code == 0 else output


# -- the comparison ----------------------------------------------------------------------


def test_every_kind_of_change_as_json(runner: CliRunner, planted: tuple[Path, Path]) -> None:
    code, data = diff_json_of(runner, "old/data/claims.yaml", "new/data/claims.yaml")
    assert code == 0
    assert data == EXPECTED


def test_the_reverse_diff_swaps_every_side(runner: CliRunner, planted: tuple[Path, Path]) -> None:
    code, data = diff_json_of(runner, "new/data/claims.yaml", "old/data/claims.yaml")
    assert code == 0
    assert data["claims"] == {
        "added": ["removed-contested"],
        "removed": ["added-contested"],
        "changed": EXPECTED["claims"]["changed"],  # type: ignore[index]
    }
    assert data["positions"] == {
        "added": [{"claim": "position-removed", "source": "alpha"}],
        "removed": [{"claim": "position-added", "source": "gamma"}],
    }
    assert data["stance_changes"] == [
        {"claim": "stance-change", "source": "alpha", "old": "refutes", "new": "qualifies"}
    ]
    assert data["contradictions"] == {
        "new": ["position-removed", "removed-contested"],
        "resolved": ["added-contested", "stance-change"],
    }


def test_a_store_against_itself_has_no_change(runner: CliRunner, planted: tuple[Path, Path]) -> None:
    code, data = diff_json_of(runner, "old/data/claims.yaml", "old/data/claims.yaml")
    assert (code, data) == (0, NO_CHANGE)


def test_library_gives_the_details_of_each_change(planted: tuple[Path, Path]) -> None:
    old_path, new_path = planted
    old, new = check_store(old_path).store, check_store(new_path).store
    result = compare(old, new)
    changes = {c.id: c for c in result.changed}
    assert changes["reworded"].fields == (
        FieldChange(
            "text", "The peacekeepers kept the road open.", "The peacekeepers kept the Lachin road open."
        ),
    )
    assert changes["note-changed"].fields == (FieldChange("note", "old note", "new note"),)
    assert changes["topic-moved"].fields == (FieldChange("topic", "incidents", "mandate"),)
    assert changes["still-contested"].fields == (FieldChange("date", None, "2022-03"),)
    assert (changes["tag-added"].tags_added, changes["tag-added"].tags_removed) == (("b",), ())
    assert changes["stance-change"].stance_changes == (
        StanceChange("stance-change", "alpha", "qualifies", "refutes", QA2, QA2),
    )
    [quote] = changes["quote-change"].quote_changes
    assert (quote.source, quote.stance, quote.old, quote.new) == ("alpha", "supports", QA1, QA4)
    assert changes["quote-change"].stance_changes == ()
    [flag] = changes["inferred-flag"].position_fields
    assert (flag.source, flag.field, flag.old, flag.new) == ("alpha", "inferred", False, True)
    [note] = changes["position-note"].position_fields
    assert (note.field, note.old, note.new) == ("note", None, "a new remark")
    assert [p.source for p in changes["position-added"].positions_added] == ["gamma"]
    causes = {c.claim.id: c.cause for c in (*result.contradictions_new, *result.contradictions_resolved)}
    assert causes == {
        "added-contested": "claim added",
        "stance-change": "positions changed",
        "position-removed": "positions changed",
        "removed-contested": "claim removed",
    }
    assert result.differs
    assert not compare(old, old).differs


def test_a_renamed_claim_is_removed_and_added(runner: CliRunner, tmp_path: Path) -> None:
    text = "The same words under another id."
    write_store(tmp_path / "old", [claim("old-name", text, [pos("beta", "supports", QB1)])])
    write_store(tmp_path / "new", [claim("new-name", text, [pos("beta", "supports", QB1)])])
    code, data = diff_json_of(runner, "old/data/claims.yaml", "new/data/claims.yaml")
    assert code == 0
    assert data["claims"] == {"added": ["new-name"], "removed": ["old-name"], "changed": []}
    assert data["positions"] == {"added": [], "removed": []}


def test_folder_stores_are_compared_as_one(
    runner: CliRunner, planted: tuple[Path, Path], tmp_path: Path
) -> None:
    # NEW as a folder of two files: the claims split between them.
    folder = tmp_path / "split" / "data"
    write_store(tmp_path / "split", [])
    (folder / "claims.yaml").unlink()
    (folder / "a.yaml").write_text(
        yaml.safe_dump({"sources": SOURCES, "topics": TOPICS, "claims": NEW_CLAIMS[:7]}, allow_unicode=True),
        encoding="utf-8",
    )
    (folder / "b.yml").write_text(
        yaml.safe_dump({"claims": NEW_CLAIMS[7:]}, allow_unicode=True), encoding="utf-8"
    )
    code, data = diff_json_of(runner, "old/data/claims.yaml", "split/data")
    assert (code, data) == (0, EXPECTED)


# -- exit codes and bad input ------------------------------------------------------------


def test_exit_codes(runner: CliRunner, planted: tuple[Path, Path]) -> None:
    old, new = "old/data/claims.yaml", "new/data/claims.yaml"
    assert invoke(runner, "diff", old, new)[0] == 0
    assert invoke(runner, "diff", old, new, "--exit-code")[0] == 1
    assert invoke(runner, "diff", old, new, "--exit-code", "-f", "json")[0] == 1
    assert invoke(runner, "diff", old, old, "--exit-code")[0] == 0
    assert invoke(runner, "diff", old, old, "--exit-code", "-f", "markdown")[0] == 0


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["old/data/claims.yaml"],
        ["a", "b", "--rev", "HEAD"],
        ["a", "--rev", "HEAD"],
        ["a", "b", "-f", "html"],
    ],
)
def test_wrong_command_lines_exit_2(runner: CliRunner, planted: tuple[Path, Path], args: list[str]) -> None:
    assert invoke(runner, "diff", *args)[0] == 2


def test_a_missing_store_path(runner: CliRunner, planted: tuple[Path, Path]) -> None:
    code, output = invoke(runner, "diff", "old/data/claims.yaml", "nowhere.yaml")
    assert code == 1
    assert "new store nowhere.yaml: no such file or folder" in output
    assert "Traceback" not in output


BAD_NEW = """\
version: 1
sources:
  - id: beta
    title: Another View
    file: ../seeds/beta.txt
topics:
  - id: incidents
    title: Incidents
claims:
  - id: same
    topic: incidents
    text: An unchanged claim.
    positions:
      - source: beta
        stance: support
        quote: "Peacekeepers prevented the capture of Parukh village"
"""


def test_an_invalid_side_is_named_with_its_position(runner: CliRunner, planted: tuple[Path, Path]) -> None:
    old_path, new_path = planted
    new_path.write_text(BAD_NEW, encoding="utf-8")
    code, output = invoke(runner, "diff", "old/data/claims.yaml", "new/data/claims.yaml")
    assert code == 1
    # Line 15, column 17: the value of 'stance' (counted by hand in BAD_NEW).
    assert "new/data/claims.yaml:15:17: [new store] unknown stance 'support'" in output
    assert "the new store (new/data/claims.yaml) is invalid" in output
    assert "old store" not in output
    # Both sides invalid: both are reported, old first.
    old_path.write_text(BAD_NEW, encoding="utf-8")
    code, output = invoke(runner, "diff", "old/data/claims.yaml", "new/data/claims.yaml")
    assert code == 1
    assert output.index("old/data/claims.yaml:15:17: [old store]") < output.index(
        "new/data/claims.yaml:15:17: [new store]"
    )
    assert (
        "the old store (old/data/claims.yaml) and the new store (new/data/claims.yaml) are invalid" in output
    )


# -- git revisions -----------------------------------------------------------------------


def git(folder: Path, *args: str) -> None:
    identity = ["-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]
    subprocess.run(
        ["git", *identity, *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with the OLD store committed and the NEW store in the working tree."""
    # No repository above tmp_path may be found by accident.
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    folder = tmp_path / "repo"
    folder.mkdir()
    git(folder, "init", "-q")
    write_store(folder, OLD_CLAIMS)
    git(folder, "add", ".")
    git(folder, "commit", "-q", "-m", "old")
    write_store(folder, NEW_CLAIMS)
    return folder


def test_rev_compares_a_revision_with_the_working_tree(runner: CliRunner, repo: Path) -> None:
    code, data = diff_json_of(runner, "--rev", "HEAD", store="repo/data/claims.yaml")
    assert (code, data) == (0, EXPECTED)
    # Nothing was checked out: the working tree still holds NEW.
    assert "added-contested" in (repo / "data" / "claims.yaml").read_text(encoding="utf-8")


def test_rev_reads_the_source_texts_as_they_were(runner: CliRunner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    folder = tmp_path / "repo"
    folder.mkdir()
    git(folder, "init", "-q")
    texts = {"alpha.txt": ALPHA, "beta.txt": "Old wording of beta.\n", "gamma.txt": GAMMA}
    write_store(folder, [claim("c", "A claim.", [pos("beta", "supports", "Old wording of beta.")])], texts)
    git(folder, "add", ".")
    git(folder, "commit", "-q", "-m", "old")
    # Text and quote both change: the old quote is only in the old text.
    texts["beta.txt"] = "New wording of beta.\n"
    write_store(folder, [claim("c", "A claim.", [pos("beta", "supports", "New wording of beta.")])], texts)
    monkeypatch.chdir(folder)
    code, output = invoke(runner, "diff", "--rev", "HEAD", "-f", "markdown")
    assert code == 0, output
    assert "**quote** of `beta` (✔ supports) changed:" in output
    assert "> **before:** “Old wording of beta.”" in output


def test_rev_with_a_folder_store(runner: CliRunner, repo: Path, monkeypatch) -> None:
    monkeypatch.chdir(repo)
    code, data = diff_json_of(runner, "--rev", "HEAD", store="data")
    assert (code, data) == (0, EXPECTED)


def test_rev_names_an_invalid_old_side_at_its_revision(runner: CliRunner, repo: Path, monkeypatch) -> None:
    (repo / "data" / "claims.yaml").write_text(BAD_NEW, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "broken")
    write_store(repo, NEW_CLAIMS)
    monkeypatch.chdir(repo)
    code, output = invoke(runner, "diff", "--rev", "HEAD")
    assert code == 1
    assert "HEAD:data/claims.yaml:15:17: [old store] unknown stance 'support'" in output
    assert "the old store (HEAD:data/claims.yaml) is invalid" in output
    # One revision earlier the store was valid.
    assert invoke(runner, "diff", "--rev", "HEAD~1", "--exit-code")[0] == 1


def test_rev_errors(runner: CliRunner, repo: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(repo)
    code, output = invoke(runner, "diff", "--rev", "no-such-branch")
    assert code == 1
    assert "unknown revision 'no-such-branch'" in output
    code, output = invoke(runner, "diff", "--rev", "--exit-code")  # an option is no revision
    assert code == 1 and "unknown revision '--exit-code'" in output
    # A store that did not exist at the revision.
    (repo / "other").mkdir()
    write_store(repo / "other", OLD_CLAIMS)
    code, output = invoke(runner, "--store", "other/data/claims.yaml", "diff", "--rev", "HEAD")
    assert code == 1
    assert "the store other/data/claims.yaml does not exist at revision 'HEAD'" in output
    assert "Traceback" not in output


def test_rev_outside_git(runner: CliRunner, planted: tuple[Path, Path], tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    code, output = invoke(runner, "--store", "old/data/claims.yaml", "diff", "--rev", "HEAD")
    assert code == 1
    assert "is not inside a git repository" in output
    assert "claimcmp diff OLD NEW" in output


# -- rendering ---------------------------------------------------------------------------


def _golden(name: str, actual: str) -> str:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    return path.read_text(encoding="utf-8")


def test_markdown_matches_golden_file(runner: CliRunner, planted: tuple[Path, Path]) -> None:
    code, output = invoke(runner, "diff", "old/data/claims.yaml", "new/data/claims.yaml", "-f", "markdown")
    assert code == 0
    assert output == _golden("diff.md", output)
    assert output.startswith(
        "### claimcmp diff: old/data/claims.yaml → new/data/claims.yaml\n\n**claims: 1 added"
    )


def test_table_matches_golden_file_at_80_columns(
    runner: CliRunner, planted: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    code, output = invoke(runner, "diff", "old/data/claims.yaml", "new/data/claims.yaml")
    assert code == 0
    assert output == _golden("diff-table.txt", output)
    assert max(len(line) for line in output.splitlines()) <= 80


def test_no_difference_is_said_plainly(runner: CliRunner, planted: tuple[Path, Path]) -> None:
    for fmt in ("table", "markdown"):
        code, output = invoke(runner, "diff", "old/data/claims.yaml", "old/data/claims.yaml", "-f", fmt)
        assert code == 0
        assert "No differences in the claims." in output


NASTY = "Pipes | <script>alert(1)</script> *stars* [bold]markup[/bold]"


def test_store_text_is_shown_not_interpreted(runner: CliRunner, tmp_path: Path) -> None:
    write_store(tmp_path / "old", [claim("c", "Plain.", [pos("beta", "supports", QB1)])])
    write_store(tmp_path / "new", [claim("c", NASTY, [pos("beta", "supports", QB1)])])
    code, output = invoke(runner, "diff", "old/data/claims.yaml", "new/data/claims.yaml")
    assert code == 0
    assert "[bold]markup[/bold]" in output  # rich markup stays text
    code, output = invoke(runner, "diff", "old/data/claims.yaml", "new/data/claims.yaml", "-f", "markdown")
    assert code == 0
    assert "<script>" not in output and "&lt;script&gt;" in output
    assert r"Pipes \| " in output and r"\*stars\*" in output


def test_a_stance_change_with_a_new_quote_shows_both(runner: CliRunner, tmp_path: Path) -> None:
    write_store(tmp_path / "old", [claim("c", "A claim.", [pos("alpha", "supports", QA1)], tags=["x", "y"])])
    write_store(tmp_path / "new", [claim("c", "A claim.", [pos("alpha", "refutes", QA2)], tags=["y"])])
    old = check_store(tmp_path / "old" / "data" / "claims.yaml").store
    new = check_store(tmp_path / "new" / "data" / "claims.yaml").store
    [change] = compare(old, new).changed
    assert (change.tags_added, change.tags_removed) == ((), ("x",))
    assert change.stance_changes == (StanceChange("c", "alpha", "supports", "refutes", QA1, QA2),)
    assert change.quote_changes == ()  # counted once, as the stance change
    code, output = invoke(runner, "diff", "old/data/claims.yaml", "new/data/claims.yaml", "-f", "markdown")
    assert code == 0
    assert (
        "  - **tags**: −`x`\n"
        "  - **stance** of `alpha`: ✔ supports → ✘ refutes\n"
        "    > **before:** “took control of the “Lachin corridor” at once”\n"
        "    >\n"
        "    > **after:** “The peacekeepers did not prevent the capture of Parukh village”\n"
    ) in output
    code, output = invoke(runner, "diff", "old/data/claims.yaml", "new/data/claims.yaml")
    assert code == 0
    assert "tags: -x\n" in output
    assert "    - “took control of the “Lachin corridor” at once”\n" in output


def test_a_narrow_terminal_still_shows_everything(
    runner: CliRunner, planted: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "24")
    code, output = invoke(runner, "diff", "old/data/claims.yaml", "new/data/claims.yaml")
    assert code == 0
    assert "Claims changed" in output and "topic-moved" in output


def test_rev_names_an_invalid_working_tree(runner: CliRunner, repo: Path, monkeypatch) -> None:
    (repo / "data" / "claims.yaml").write_text(BAD_NEW, encoding="utf-8")
    monkeypatch.chdir(repo)
    code, output = invoke(runner, "diff", "--rev", "HEAD")
    assert code == 1
    assert "data/claims.yaml:15:17: [new store] unknown stance 'support'" in output
    assert "error: the new store (data/claims.yaml) is invalid" in output


def test_store_text_reaches_the_terminal_visible_not_raw(runner: CliRunner, tmp_path: Path) -> None:
    # Control characters in a changed claim (an ESC sequence, a title-setting OSC)
    # are shown as escapes in the table and the Markdown, never sent raw.
    before = [claim("c", "Parukh was taken.", [pos("beta", "supports", QB1)])]
    after = [claim("c", "Parukh \x1b[2J\x1b]0;owned\x07 taken.", [pos("beta", "supports", QB1)])]
    old, new = write_store(tmp_path / "old", before), write_store(tmp_path / "new", after)
    for fmt in ("table", "markdown"):
        code, output = invoke(runner, "diff", str(old), str(new), "--format", fmt)
        assert code == 0, output
        assert "\x1b" not in output and "\x07" not in output
        # in Markdown the backslash of the escape is itself escaped, to render as one
        shown = output.replace("\\\\", "\\").replace("\\[", "[").replace("\\]", "]")
        assert "Parukh \\x1b[2J\\x1b]0;owned\\x07 taken." in shown
