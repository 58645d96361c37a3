"""Bad input never crashes, hangs, leaks or loses anything.

One test (at least) per kind of hostile input: each asserts the exit code, the
message the curator sees (with PATH:LINE:COL where the YAML has a position),
that no traceback is printed, and that the answer comes within a few seconds.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimcmp.cli import app
from conftest import ALPHA, BETA, GAMMA, STORE, sigint_as_at_a_terminal

FAST = 5.0  # seconds: every hostile case must be answered within this


def hostile(runner: CliRunner, *args: str) -> tuple[int, str]:
    """Run the CLI as a user would; never a traceback, never slow."""
    started = time.perf_counter()
    result = runner.invoke(app, list(args), catch_exceptions=True)
    elapsed = time.perf_counter() - started
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert elapsed < FAST, f"took {elapsed:.1f}s"
    return result.exit_code, result.output


def edited(old: str, new: str, text: str = STORE) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def project(tmp_path: Path, yaml_text: str | bytes, texts: dict[str, str | bytes] | None = None) -> Path:
    """A store in tmp_path/project (its root), so that tmp_path itself is 'outside'."""
    root = tmp_path / "project"
    (root / "seeds").mkdir(parents=True, exist_ok=True)
    (root / "data").mkdir(exist_ok=True)
    for name, content in (texts or {"alpha.txt": ALPHA, "beta.txt": BETA, "gamma.txt": GAMMA}).items():
        target = root / "seeds" / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    path = root / "data" / "claims.yaml"
    if isinstance(yaml_text, bytes):
        path.write_bytes(yaml_text)
    else:
        path.write_text(textwrap.dedent(yaml_text), encoding="utf-8")
    return path


def check(runner: CliRunner, store: Path, *more: str) -> tuple[int, str]:
    return hostile(runner, "--store", str(store), *(more or ("check",)))


# -- YAML itself ---------------------------------------------------------------------------------


def test_yaml_syntax_error_has_position_and_hint(runner: CliRunner, make_store) -> None:
    make_store(edited("title: Incidents", "title: Incidents: the first"))
    code, output = hostile(runner, "check")
    assert code == 1
    assert (
        "data/claims.yaml:22:21: YAML syntax error: mapping values are not allowed in this context; "
        "a value that contains ': ' must be put in quotes" in output
    )


def test_unclosed_quote(runner: CliRunner, make_store) -> None:
    make_store(edited('quote: "they kept the road open"', 'quote: "they kept the road open'))
    code, output = hostile(runner, "check")
    assert code == 1
    assert re.search(r"data/claims\.yaml:\d+:\d+: YAML syntax error: ", output)


def test_tab_indentation(runner: CliRunner, make_store) -> None:
    make_store(edited("    title: Another View", "\ttitle: Another View"))
    code, output = hostile(runner, "check")
    assert code == 1
    assert "data/claims.yaml:12:1: YAML syntax error: found a tab character" in output
    assert "indent with spaces, not tabs" in output


def test_duplicate_key_is_an_error_not_dropped(runner: CliRunner, make_store) -> None:
    make_store(edited("    title: Another View\n", "    title: Another View\n    title: Again\n"))
    code, output = hostile(runner, "check")
    assert code == 1
    assert "data/claims.yaml:13:5: duplicate key 'title' (first at line 12)" in output
    code, output = hostile(runner, "list")
    assert code == 1 and "duplicate key 'title'" in output


def test_alias_bomb_is_refused_fast(runner: CliRunner, make_store) -> None:
    # 9 levels of 9 aliases each: 9**9 (387 million) nodes if expanded.
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    make_store("\n".join(lines) + "\n")
    code, output = hostile(runner, "check")
    assert code == 1
    assert re.search(r"data/claims\.yaml:\d+:\d+: aliases expand to more than 100,000 nodes", output)


@pytest.mark.parametrize(
    ("text", "where"),
    [("sources: &a [*a]\n", "1:14"), ("sources: &a\n  - *a\n", "2:5"), ("sources: *nowhere\n", "1:10")],
)
def test_recursive_or_undefined_alias(runner: CliRunner, make_store, text: str, where: str) -> None:
    make_store(text)
    code, output = hostile(runner, "check")
    assert code == 1
    assert f"data/claims.yaml:{where}: " in output
    assert "alias *" in output


def test_object_constructing_tag_is_refused(runner: CliRunner, make_store, tmp_path: Path) -> None:
    make_store("sources: !!python/object/apply:os.system ['touch pwned']\n")
    code, output = hostile(runner, "check")
    assert code == 1
    assert (
        "data/claims.yaml:1:10: YAML tag '!!python/object/apply:os.system' is not allowed in a store"
        in output
    )
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize(
    ("text", "kind"), [("- a\n- b\n", "a list"), ("just some words\n", "text"), ("42\n", "a number (42)")]
)
def test_top_level_not_a_mapping(runner: CliRunner, make_store, text: str, kind: str) -> None:
    make_store(text)
    code, output = hostile(runner, "check")
    assert code == 1
    assert f"data/claims.yaml:1:1: the top level is {kind}; it must be a mapping with the keys" in output


@pytest.mark.parametrize("text", ["", "# only a comment\n", "~\n"])
def test_empty_file_is_a_warning(runner: CliRunner, make_store, text: str) -> None:
    # An empty file is allowed (a placeholder in a folder store), but never silently.
    make_store(text)
    code, output = hostile(runner, "check")
    assert code == 0
    assert re.search(r"data/claims\.yaml(:1:1)?: warning: the file is empty", output)


def test_second_document_is_refused(runner: CliRunner, make_store) -> None:
    make_store(STORE + "---\nsources: []\n")
    code, output = hostile(runner, "check")
    assert code == 1
    assert "data/claims.yaml:61:1: a second YAML document ('---')" in output


@pytest.mark.parametrize("opening", ["[", "{a: ", "- "])
def test_deep_nesting_is_refused_fast(runner: CliRunner, make_store, opening: str) -> None:
    make_store(opening * 100_000)
    code, output = hostile(runner, "check")  # hostile() also asserts: fast, no traceback
    assert code == 1
    # Which reader stops it first, and in whose words, depends on the PyYAML
    # version (6.0.4 has its own depth limit): assert the behaviour, a located
    # error on line 1 that speaks of nesting depth.
    assert re.search(r"^data/claims\.yaml:1:\d+: .*nesting.*(deep|depth)", output, re.MULTILINE), output


def test_yaml_file_not_utf8(runner: CliRunner, make_store) -> None:
    path = make_store()
    path.write_bytes(STORE.replace("Another View", "Another Vi\xe9w").encode("latin-1"))
    code, output = hostile(runner, "check")
    assert code == 1
    assert "data/claims.yaml:12:22: not UTF-8: byte 0xe9 cannot be decoded; save the file as UTF-8" in output


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f"])
def test_control_character_in_yaml_is_refused_not_truncated(runner: CliRunner, make_store, char: str) -> None:
    # The fast reader used to end the document silently at a NUL: everything after it vanished.
    make_store(edited("Another View", f"Another{char}View"))
    code, output = hostile(runner, "check")
    assert code == 1
    assert f"data/claims.yaml:12:19: the file holds a control character (U+{ord(char):04X})" in output


def test_number_too_long_to_read(runner: CliRunner, make_store) -> None:
    make_store(edited("title: Another View", "title: " + "9" * 5000))
    code, output = hostile(runner, "check")
    assert code == 1
    assert "data/claims.yaml:12:12: a number of 5,000 digits is too long; put it in quotes" in output


@pytest.mark.parametrize(
    ("line", "shown"), [("1: x", "a number (1)"), ("null: x", "empty"), ("true: x", "true (a yes/no value)")]
)
def test_key_that_is_not_text(runner: CliRunner, make_store, line: str, shown: str) -> None:
    make_store(edited("    title: Another View\n", f"    title: Another View\n    {line}\n"))
    code, output = hostile(runner, "check")
    assert code == 1
    assert f"data/claims.yaml:13:5: a key must be text, not {shown}" in output
    assert "Keys should be strings" not in output


@pytest.mark.parametrize("text", ["{[a]: 1}\n", "? [a]\n: 1\n", "sources:\n  - {id: x, [t]: 1}\n"])
def test_list_as_key(runner: CliRunner, make_store, text: str) -> None:
    make_store(text)
    code, output = hostile(runner, "check")
    assert code == 1
    assert re.search(
        r"data/claims\.yaml:\d+:\d+: a mapping key must be plain text, not a list or mapping", output
    )


def test_block_scalar_at_end_of_file_reads_the_same_both_ways(runner: CliRunner, make_store) -> None:
    # yaml_rs kept a line break the file does not have; the two readers must agree.
    path = make_store(STORE + "        note: |\n          no line break at the end")
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n"), encoding="utf-8")
    code, output = hostile(runner, "export", "--json")
    assert code == 0, output
    notes = [p.get("note") for c in json.loads(output)["claims"] for p in c["positions"]]
    assert "no line break at the end" in notes


# -- the store's content -------------------------------------------------------------------------


def test_unknown_key_did_you_mean(runner: CliRunner, make_store) -> None:
    make_store(edited('stance: supports\n        quote: "they', 'stnace: supports\n        quote: "they'))
    code, output = hostile(runner, "check")
    assert code == 1
    assert (
        "data/claims.yaml:45:9: unknown key 'stnace' in a position; did you mean 'stance'? "
        "(allowed: source, stance, quote, note, inferred)" in output
    )
    assert "data/claims.yaml:44:9: position has no 'stance', which is required" in output


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "title: Another View",
            "title: 1984",
            "data/claims.yaml:12:12: 'title' must be text, not a number (1984); "
            "if it is meant as text, put it in quotes",
        ),
        (
            "tags: [ceasefire]",
            "tags: foo",
            "data/claims.yaml:31:11: 'tags' must be a list (e.g. [a, b] or lines starting with '- '), "
            "not text",
        ),
        (
            "  - id: gamma\n",
            "  - gamma\n  - id: gamma3\n",
            "data/claims.yaml:16:5: each source must be a mapping of keys to values, not text",
        ),
        (
            "sources:\n",
            "sources: {}\nx-sources:\n",
            "data/claims.yaml:2:10: 'sources' must be a list (each item starting with '- ')",
        ),
    ],
)
def test_wrong_types(runner: CliRunner, make_store, old: str, new: str, message: str) -> None:
    make_store(edited(old, new))
    code, output = hostile(runner, "check")
    assert code == 1
    assert message in output
    assert "Input should" not in output and "validation error" not in output


def test_positions_as_a_string(runner: CliRunner, make_store) -> None:
    start = STORE.index("    positions:", STORE.index("id: five-year-term"))
    make_store(STORE[:start] + "    positions: a string\n")
    code, output = hostile(runner, "check")
    assert code == 1
    assert "data/claims.yaml:54:16: 'positions' must be a list" in output


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ('title: ""', "data/claims.yaml:12:12: 'title' must not be empty"),
        ("title:", "data/claims.yaml:12:11: 'title' is empty; give it a value or remove the key"),
    ],
)
def test_empty_strings(runner: CliRunner, make_store, new: str, message: str) -> None:
    make_store(edited("title: Another View", new))
    code, output = hostile(runner, "check")
    assert code == 1
    assert message in output


def test_empty_positions_and_missing_field(runner: CliRunner, make_store) -> None:
    start = STORE.index("    positions:", STORE.index("id: five-year-term"))
    make_store(STORE[:start] + "    positions: []\n")
    code, output = hostile(runner, "check")
    assert code == 1
    assert "data/claims.yaml:54:16: a claim needs at least one position (source, stance, quote)" in output


@pytest.mark.parametrize(
    ("stance", "expected"),
    [
        ("maybe", "unknown stance 'maybe' (allowed: supports, refutes, qualifies)"),
        (
            "suports",
            "unknown stance 'suports'; did you mean 'supports'? (allowed: supports, refutes, qualifies)",
        ),
    ],
)
def test_unknown_stance_names_the_allowed_ones(
    runner: CliRunner, make_store, stance: str, expected: str
) -> None:
    make_store(edited("stance: qualifies", f"stance: {stance}"))
    code, output = hostile(runner, "check")
    assert code == 1
    assert f"data/claims.yaml:48:17: {expected}" in output


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("2022-02-30", "'date': '2022-02-30' is not a day of the calendar (2022-02 has 28 days)"),
        ("2022-13", "'date': '2022-13' has no month 13; months are 01 to 12"),
        (
            "2022-03-01T10:00:00",
            "'date': '2022-03-01T10:00:00' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD",
        ),
        ("March 2022", "'date': 'March 2022' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD"),
    ],
)
def test_impossible_dates(runner: CliRunner, make_store, date: str, message: str) -> None:
    make_store(edited("date: 2022-03", f"date: {date}"))
    code, output = hostile(runner, "check")
    assert code == 1
    assert f"data/claims.yaml:30:11: {message}" in output


@pytest.mark.parametrize(
    "version",
    [
        "2",
        "'1'",
        "[1]",
        "true",
        "1.0",
    ],
)
def test_wrong_version(runner: CliRunner, make_store, version: str) -> None:
    make_store(edited("version: 1", f"version: {version}"))
    code, output = hostile(runner, "check")
    assert code == 1
    assert "data/claims.yaml:1:10: unsupported version" in output
    assert "this claimcmp reads store format version 1" in output


def test_invalid_id_suggests_a_slug(runner: CliRunner, make_store) -> None:
    make_store(
        edited("  - id: gamma", "  - id: Gamma Source").replace("source: gamma", "source: gamma-source")
    )
    code, output = hostile(runner, "check")
    assert code == 1
    assert "data/claims.yaml:16:9: 'Gamma Source' is not a valid id: use lowercase letters" in output
    assert "(e.g. 'gamma-source')" in output


def test_unknown_topic_and_source_did_you_mean(runner: CliRunner, make_store) -> None:
    text = edited("topic: mandate\n    text", "topic: mandat\n    text")
    text = edited(
        "- source: gamma\n        stance: qualifies", "- source: gama\n        stance: qualifies", text
    )
    make_store(text)
    code, output = hostile(runner, "check")
    assert code == 1
    assert "data/claims.yaml:47:17: unknown source 'gama'; did you mean 'gamma'?" in output
    assert "data/claims.yaml:51:12: unknown topic 'mandat'; did you mean 'mandate'?" in output


def test_duplicate_ids_in_one_file(runner: CliRunner, make_store) -> None:
    make_store(edited("  - id: mandate\n    title: The mandate", "  - id: incidents\n    title: The mandate"))
    code, output = hostile(runner, "check")
    assert code == 1
    assert (
        "data/claims.yaml:24:9: duplicate topic id 'incidents' (first defined at data/claims.yaml:21)"
        in output
    )


def test_duplicate_ids_across_the_files_of_a_folder(runner: CliRunner, make_store, tmp_path: Path) -> None:
    head, claims = STORE.split("claims:\n")
    make_store(head, name="a.yaml")
    (tmp_path / "data" / "more").mkdir()
    (tmp_path / "data" / "more" / "b.yaml").write_text(
        "sources:\n  - id: beta\n    title: Beta again\ntopics:\n  - id: mandate\n    title: Again\n",
        encoding="utf-8",
    )
    (tmp_path / "data" / "c.yml").write_text("claims:\n" + claims, encoding="utf-8")
    code, output = hostile(runner, "--store", "data", "check")
    assert code == 1
    assert "data/more/b.yaml:2:9: duplicate source id 'beta' (first defined at data/a.yaml:11)" in output
    assert "data/more/b.yaml:5:9: duplicate topic id 'mandate' (first defined at data/a.yaml:24)" in output


def test_two_positions_of_one_source(runner: CliRunner, make_store) -> None:
    make_store(
        edited("- source: gamma\n        stance: qualifies", "- source: beta\n        stance: qualifies")
    )
    code, output = hostile(runner, "check")
    assert code == 1
    assert "data/claims.yaml:47:17: a second position of source 'beta' on this claim" in output


# -- where the store is --------------------------------------------------------------------------


def test_store_path_that_does_not_exist(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    code, output = hostile(runner, "--store", "nowhere/claims.yaml", "check")
    assert code == 1
    assert "error: nowhere/claims.yaml: no such file or directory (from --store)" in output
    monkeypatch.setenv("CLAIMCMP_STORE", "gone.yaml")
    code, output = hostile(runner, "list")
    assert code == 1
    assert "error: gone.yaml: no such file or directory (from CLAIMCMP_STORE)" in output
    monkeypatch.delenv("CLAIMCMP_STORE")
    code, output = hostile(runner, "list")
    assert code == 1 and "no store found" in output


def test_store_path_too_long(runner: CliRunner) -> None:
    code, output = hostile(runner, "--store", "x" * 5000, "check")
    assert code == 1
    assert "error: cannot use the store path given by --store: File name too long" in output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_as_store_never_blocks(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    code, output = hostile(runner, "--store", "pipe.yaml", "check")
    assert code == 1
    assert "error: pipe.yaml: not a regular file or folder (from --store)" in output
    os.mkfifo(store.parent / "more.yaml")  # in a folder store: skipped, not read
    code, output = hostile(runner, "--store", "data", "check")
    assert code == 0, output


def test_yaml_symlink_loop_in_a_folder_store(runner: CliRunner, store: Path) -> None:
    (store.parent / "loop.yaml").symlink_to("loop.yaml")
    code, output = hostile(runner, "--store", "data", "check")
    assert code == 1
    assert "data/loop.yaml: cannot read the file" in output


# -- source texts --------------------------------------------------------------------------------


def test_source_text_missing(runner: CliRunner, make_store) -> None:
    make_store(edited("file: ../seeds/gamma.txt", "file: ../seeds/gama.txt"))
    code, output = hostile(runner, "check")
    assert code == 1
    assert (
        "data/claims.yaml:19:11: source 'gamma': no file seeds/gama.txt "
        "(the path is relative to this YAML file)" in output
    )


def test_source_text_unreadable(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    text = tmp_path / "seeds" / "beta.txt"
    text.chmod(0)
    try:
        if os.access(text, os.R_OK):
            pytest.skip("running as a user who can read a chmod 000 file (root)")
        code, output = hostile(runner, "check")
        assert code == 1
        assert (
            "data/claims.yaml:15:11: source 'beta': seeds/beta.txt: cannot read the file: Permission denied"
            in output
        )
    finally:
        text.chmod(0o644)


def test_source_text_not_utf8_gives_the_bad_byte(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    (tmp_path / "seeds" / "beta.txt").write_bytes(BETA.encode().replace(b"road", b"r\xffad"))
    code, output = hostile(runner, "check")
    assert code == 1
    assert (
        "data/claims.yaml:15:11: source 'beta': seeds/beta.txt:4:2: not UTF-8: byte 0xff cannot be decoded"
        in output
    )


def test_source_text_is_a_folder(runner: CliRunner, make_store) -> None:
    make_store(edited("file: ../seeds/gamma.txt", "file: ../seeds"))
    code, output = hostile(runner, "check")
    assert code == 1
    assert "data/claims.yaml:19:11: source 'gamma': seeds is not a regular file" in output


@pytest.mark.parametrize(
    ("name", "reason"), [('"../seeds/a\\0b.txt"', "embedded null byte"), ("y" * 5000, "File name too long")]
)
def test_source_path_unusable(runner: CliRunner, make_store, name: str, reason: str) -> None:
    make_store(edited("file: ../seeds/gamma.txt", f"file: {name}"))
    code, output = hostile(runner, "check")
    assert code == 1
    assert "data/claims.yaml:19:11: source 'gamma': cannot use the path" in output
    assert reason in output


SECRET = "the password is hunter2"


def test_source_text_outside_the_root_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "outside.txt").write_text(SECRET, encoding="utf-8")
    store = project(tmp_path, edited("file: ../seeds/gamma.txt", "file: ../../outside.txt"))
    code, output = check(runner, store)
    assert code == 1
    assert (
        "project/data/claims.yaml:19:11: source 'gamma': outside.txt lies outside the store's root (project)"
        in output
    )
    assert "refused, a store may only name files inside it" in output
    for command in (("check",), ("show", "five-year-term"), ("export", "--markdown"), ("list", "-f", "json")):
        code, output = check(runner, store, *command)
        assert code == 1 and SECRET not in output and "hunter2" not in output


def test_symlink_inside_the_root_pointing_outside_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "outside.txt").write_text(GAMMA + SECRET + "\n", encoding="utf-8")
    store = project(tmp_path, STORE)
    link = store.parent.parent / "seeds" / "gamma.txt"
    link.unlink()
    link.symlink_to(tmp_path / "outside.txt")
    # a quote that is not in the file must not make claimcmp show the closest passage of it
    code, output = check(runner, store)
    assert code == 1
    assert (
        "project/data/claims.yaml:19:11: source 'gamma': "
        "project/seeds/gamma.txt lies outside the store's root" in output
    )
    assert "hunter2" not in output
    store.write_text(edited("others disagree.", "the password is hunter3"), encoding="utf-8")
    for command in (("check",), ("show", "corridor-open"), ("export", "--json")):
        code, output = check(runner, store, *command)
        assert code == 1 and "hunter2" not in output


def test_yaml_symlink_pointing_outside_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "elsewhere.yaml").write_text(f"sources:\n  - id: s\n    title: {SECRET}\n", encoding="utf-8")
    store = project(tmp_path, STORE)
    (store.parent / "linked.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    code, output = hostile(runner, "--store", str(store.parent), "check")
    assert code == 1
    assert "linked.yaml: this YAML file lies outside the store's root (a link?); refused" in output
    assert "hunter2" not in output


def test_quote_not_found_shows_the_closest_passage(runner: CliRunner, make_store) -> None:
    make_store(edited("they kept the road open", "they kept the road closed"))
    code, output = hostile(runner, "check")
    assert code == 1
    assert (
        "data/claims.yaml:46:16: quote not found in source 'beta' (seeds/beta.txt); closest passage, line 3 "
        '(84% similar): "they kept the road open."' in output
    )


# -- the command line ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ("show", "mandat"),
            1,
            "error: no topic or claim named 'mandat' in the store; did you mean 'mandate'?",
        ),
        (("list", "--format", "xml"), 2, "'xml' is not one of 'table', 'json'"),
        (("list", "--stance", "maybe"), 2, "'maybe' is not one of 'supports', 'refutes', 'qualifies'"),
        (("export",), 2, "give exactly one of --markdown"),
        (("nonsense",), 2, "No such command 'nonsense'"),
        (("list", "--bogus"), 2, "No such option: --bogus"),
    ],
)
def test_unknown_names_and_wrong_command_lines(
    runner: CliRunner, store: Path, args: tuple[str, ...], code: int, message: str
) -> None:
    got, output = hostile(runner, *args)
    assert got == code
    assert message in output


# -- outputs -------------------------------------------------------------------------------------

NASTY = "a | b || c\\| `code` <script>alert(1)</script> **bold** [link](x) # ~~x~~ <!-- -->"
NASTY_TEXTS = {
    "alpha.txt": ALPHA,
    "beta.txt": BETA + "\n" + NASTY + "\n",
    "gamma.txt": GAMMA + "\nline one |\nline two `x` <b>\n",
}


def nasty_store() -> str:
    text = STORE
    text = edited("title: Another View", "title: 'Another | View <script>x</script>'", text)
    text = edited("publisher: Beta Weekly", 'publisher: "Beta\\nWeekly | `x`"', text)
    text = edited("title: Incidents", "title: 'Incidents | <b>bold</b> `t`'", text)
    text = edited(
        "text: Peacekeepers prevented the capture of Parukh.",
        'text: "Pipes | and\\nnewlines\\r\\nand <script>alert(1)</script> and `ticks` | - [x] # h"',
        text,
    )
    text = edited('quote: "they kept the road open"', "quote: " + json.dumps(NASTY), text)
    text = edited(
        'quote: "Some say the corridor was open; others disagree."',
        'quote: "line one |\\nline two `x` <b>"',
        text,
    )
    text = edited("note: hyphen at a line end in the text", 'note: "| x |\\n- item\\n# heading"', text)
    return text


def table_rows(markdown: str) -> list[list[str]]:
    """Every Markdown table as a list of cell counts: header, then each row."""
    tables: list[list[str]] = []
    current: list[str] = []
    for line in [*markdown.splitlines(), ""]:
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    return tables


def cells(row: str) -> int:
    assert row.startswith("|") and row.endswith("|"), row
    return len(re.split(r"(?<!\\)\|", row[1:-1]))


def test_markdown_tables_stay_tables(runner: CliRunner, make_store) -> None:
    make_store(nasty_store(), texts=NASTY_TEXTS)
    code, output = hostile(runner, "check")
    assert code == 0, output
    code, output = hostile(runner, "export", "--markdown")
    assert code == 0
    tables = table_rows(output)
    assert len(tables) == 3  # sources, and one per topic
    for table in tables:
        width = cells(table[0])
        assert re.fullmatch(r"\|(---\|)+", table[1])
        assert cells(table[1]) == width
        for row in table[2:]:
            assert cells(row) == width, row
    assert "<script>" not in output and "<b>" not in output
    assert "&lt;script&gt;" in output
    # Nothing else escapes the table either: every line that is not a table row is
    # a heading, prose, a list item or a block quote that the report wrote itself.
    for line in output.splitlines():
        assert not line.startswith(("- [x]", "# h")), line


def test_json_outputs_are_valid_with_nasty_content(runner: CliRunner, make_store) -> None:
    odd = (
        "ctrl \\x01\\x1b\\x7f tab\\t emoji 😀 rtl \\u202eevil\\u202c lrm \\u200f "
        'sep \\u2028 nbsp \\u00a0 quote \\" back \\\\'
    )
    text = edited("text: The peacekeepers kept the Lachin corridor open.", f'text: "{odd}"', nasty_store())
    make_store(text, texts=NASTY_TEXTS)
    expected = (
        "ctrl \x01\x1b\x7f tab\t emoji 😀 rtl \u202eevil\u202c lrm \u200f "
        'sep \u2028 nbsp \u00a0 quote " back \\'
    )
    for args in (
        ("list", "--format", "json"),
        ("show", "incidents", "--format", "json"),
        ("show", "corridor-open", "--format", "json"),
        ("contradictions", "--format", "json"),
        ("export", "--json"),
    ):
        code, output = hostile(runner, *args)
        assert code == 0, output
        data = json.loads(output)
        claims = data["claims"] if isinstance(data, dict) else data
        assert claims
        texts = [c["text"] for c in claims]
        if args[0] != "contradictions":
            assert expected in texts
        if args[0] in ("list", "export"):
            assert any("<script>" in t for t in texts)  # JSON keeps the data as it is


def test_table_outputs_survive_nasty_content(runner: CliRunner, make_store) -> None:
    make_store(nasty_store(), texts=NASTY_TEXTS)
    for args in (
        ("list",),
        ("sources",),
        ("topics",),
        ("show", "incidents"),
        ("show", "parukh"),
        ("contradictions",),
    ):
        code, output = hostile(runner, *args)
        assert code == 0, (args, output)


# -- writing -------------------------------------------------------------------------------------


def test_export_refuses_to_overwrite_store_files(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    text_file = tmp_path / "seeds" / "alpha.txt"
    for target in (store, text_file, tmp_path / "data" / ".." / "data" / "claims.yaml"):
        before = target.read_bytes()
        code, output = hostile(runner, "export", "--markdown", "-o", str(target))
        assert code == 1
        assert "refusing to overwrite a file of the store; choose another output file" in output
        assert target.read_bytes() == before


def test_export_refuses_a_link_to_a_store_file(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    (tmp_path / "report.md").symlink_to(store)
    before = store.read_bytes()
    code, output = hostile(runner, "export", "--json", "-o", "report.md")
    assert code == 1 and "refusing to overwrite" in output
    assert store.read_bytes() == before


def test_export_writes_atomically(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    target.write_text("old report\n", encoding="utf-8")
    os.link(target, tmp_path / "old-copy.md")  # a rename leaves the old inode alone; a rewrite would not
    code, output = hostile(runner, "export", "--markdown", "-o", "report.md")
    assert code == 0, output
    assert target.read_text(encoding="utf-8").startswith("# claimcmp report")
    assert (tmp_path / "old-copy.md").read_text(encoding="utf-8") == "old report\n"


def test_failed_export_keeps_the_old_file_and_leaves_no_temporary(
    runner: CliRunner, store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out" / "report.json"
    target.parent.mkdir()
    target.write_text('{"old": true}\n', encoding="utf-8")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    code, output = hostile(runner, "export", "--json", "-o", str(target))
    assert code == 1
    assert "cannot write: No space left on device" in output
    assert target.read_text(encoding="utf-8") == '{"old": true}\n'
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.json"]


def test_interrupted_export_leaves_no_temporary(
    runner: CliRunner, store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    result = runner.invoke(app, ["export", "--json", "-o", "report.json"], catch_exceptions=True)
    # the runner (like main()) turns it into exit 130
    assert isinstance(result.exception, KeyboardInterrupt) or result.exit_code == 130
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".report.json")]
    assert not (tmp_path / "report.json").exists()


@pytest.mark.parametrize(
    ("target", "message"), [("missing/report.md", "does not exist"), (".", "is a directory")]
)
def test_export_to_an_impossible_place(runner: CliRunner, store: Path, target: str, message: str) -> None:
    code, output = hostile(runner, "export", "--markdown", "-o", target)
    assert code == 1
    assert message in output


# -- the real program: pipes and Ctrl-C ----------------------------------------------------------


def console_script() -> str:
    found = shutil.which("claimcmp", path=str(Path(sys.executable).parent)) or shutil.which("claimcmp")
    if found is None:
        pytest.skip("the claimcmp console script is not installed")
    return found


def big_store(tmp_path: Path, claims: int) -> Path:
    """A valid store with many claims (each with two anchored quotes)."""
    sentences = [
        f"Sentence number {i} says that the value of item {i} is {i * 7 % 1000}." for i in range(claims)
    ]
    seeds = tmp_path / "seeds"
    seeds.mkdir(exist_ok=True)
    (seeds / "one.txt").write_text("\n".join(sentences) + "\n", encoding="utf-8")
    (seeds / "two.txt").write_text("\n".join(reversed(sentences)) + "\n", encoding="utf-8")
    lines = [
        "sources:",
        "  - {id: one, title: Source One, file: ../seeds/one.txt}",
        "  - {id: two, title: Source Two, file: ../seeds/two.txt}",
        "topics:",
        "  - {id: values, title: Values}",
        "claims:",
    ]
    for i, sentence in enumerate(sentences):
        lines += [
            f"  - id: claim-{i}",
            "    topic: values",
            f"    text: The value of item {i} is {i * 7 % 1000}, a rather long claim text to fill the table.",
            "    positions:",
            f"      - {{source: one, stance: supports, quote: '{sentence}'}}",
            f"      - {{source: two, stance: {'refutes' if i % 3 else 'qualifies'}, quote: '{sentence}'}}",
        ]
    (tmp_path / "data").mkdir(exist_ok=True)
    path = tmp_path / "data" / "claims.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    script = console_script()
    store = big_store(tmp_path, 1500)
    env = {**os.environ, "NO_COLOR": "1"}
    # Every command that can write more than a pipe holds (64 KB): each writes
    # its own way (rich, print, bytes, pieces), and click would exit 1. The
    # reader takes 100 bytes, not a line: some outputs are one line of JSON.
    for command in (
        "list",
        "list --format json",
        "list --format csv",
        "show values",
        "contradictions",
        "contradictions --format json",
        "coverage",
        "coverage --format json",
        "export --markdown",
        "export --json",
    ):
        done = subprocess.run(
            [
                "bash",
                "-c",
                f'"$0" --store "$1" {command} | head -c 100; echo "status=${{PIPESTATUS[0]}}" >&2',
                script,
                str(store),
            ],
            capture_output=True,
            env=env,
            timeout=60,
        )
        stderr = done.stderr.decode("utf-8", "replace")
        assert "Traceback" not in stderr, (command, stderr)
        assert "BrokenPipeError" not in stderr
        assert "status=0" in stderr, (command, stderr)
        assert len(done.stdout) == 100


def test_ctrl_c_ends_quietly(tmp_path: Path) -> None:
    script = console_script()
    store = big_store(tmp_path, 3000)
    # Unanchorable quotes make the check slow (it looks for the closest passage of each).
    text = store.read_text(encoding="utf-8").replace("quote: 'Sentence", "quote: 'Phrase")
    store.write_text(text, encoding="utf-8")
    env = {**os.environ, "NO_COLOR": "1"}
    started = time.perf_counter()
    process = subprocess.Popen(
        [script, "--no-cache", "--store", str(store), "check"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=sigint_as_at_a_terminal,
    )
    time.sleep(1.5)  # past start-up (imports take a fraction of a second), into the check
    if process.poll() is not None:
        pytest.skip("the check ended before it could be interrupted")
    process.send_signal(signal.SIGINT)
    _stdout, stderr = process.communicate(timeout=30)
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert process.returncode == 130
    assert time.perf_counter() - started < 30


@pytest.mark.parametrize("command", ["sources", "list", "list --format json", "export --markdown", "check"])
def test_output_that_cannot_encode_a_character(tmp_path: Path, command: str) -> None:
    """A cp1252 or ASCII output (a redirected file on Windows): escapes, not a traceback."""
    script = console_script()
    store = project(tmp_path, edited("title: Another View", "title: 'Another View 😀 \u202e ✔'"))
    env = {
        **os.environ,
        "NO_COLOR": "1",
        "PYTHONIOENCODING": "ascii",
        "CLAIMCMP_CACHE_DIR": str(tmp_path / "c"),
    }
    done = subprocess.run(
        [script, "--store", str(store), *command.split()], capture_output=True, env=env, timeout=60
    )
    assert b"Traceback" not in done.stderr, done.stderr[-500:]
    assert done.returncode == 0
