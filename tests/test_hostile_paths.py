"""A store someone sends you cannot make claimcmp read or print your other files.

Beyond staying inside the root (tests/test_hardening.py), a source text is
never hidden or in a hidden folder, never anything but .txt or .md, never
anything but a regular file, and never a file of the store itself.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_hardening import check, edited, project
from typer.testing import CliRunner

from conftest import GAMMA, STORE

KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n"


def _home_with_downloads(tmp_path: Path, file_line: str) -> Path:
    """~/Downloads/claims.yaml: the store's root is the home folder itself."""
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_rsa").write_text(KEY, encoding="utf-8")
    (home / ".env").write_text("TOKEN=hunter2\n", encoding="utf-8")
    (home / "Downloads").mkdir()
    (home / "seeds").mkdir()
    for name, text in (("alpha.txt", "x"), ("beta.txt", "y"), ("gamma.txt", GAMMA)):
        (home / "seeds" / name).write_text(text, encoding="utf-8")
    store = home / "Downloads" / "claims.yaml"
    store.write_text(edited("file: ../seeds/gamma.txt", file_line), encoding="utf-8")
    return store


@pytest.mark.parametrize(
    ("file_line", "part"),
    [
        ("file: ../.ssh/id_rsa", "'.ssh'"),
        ("file: ../.ssh/missing.txt", "'.ssh'"),  # refused before existence: no probing
        ("file: ../.env", "'.env'"),
        ("file: ../seeds/../.ssh/id_rsa", "'.ssh'"),
    ],
)
def test_hidden_files_below_the_root_are_refused(
    runner: CliRunner, tmp_path: Path, file_line: str, part: str
) -> None:
    store = _home_with_downloads(tmp_path, file_line)
    code, output = check(runner, store)
    assert code == 1
    assert "source 'gamma': " in output and f"is in a hidden file or folder ({part}); refused" in output
    assert "OPENSSH" not in output and "b3BlbnNz" not in output and "hunter2" not in output
    for command in (("show", "five-year-term"), ("export", "--markdown"), ("export", "--json")):
        code, output = check(runner, store, *command)
        assert code == 1 and "b3BlbnNz" not in output and "hunter2" not in output


def test_a_link_into_a_hidden_folder_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    store = project(tmp_path, STORE)
    root = store.parent.parent
    (root / ".secrets").mkdir()
    (root / ".secrets" / "gamma.txt").write_text(GAMMA, encoding="utf-8")
    link = root / "seeds" / "gamma.txt"
    link.unlink()
    link.symlink_to(root / ".secrets" / "gamma.txt")
    code, output = check(runner, store)
    assert code == 1
    assert (
        "source 'gamma': project/seeds/gamma.txt is in a hidden file or folder ('.secrets'); refused"
        in output
    )


@pytest.mark.parametrize("name", ["notes.key", "gamma", "gamma.txt.bak"])
def test_only_txt_and_md_files_are_texts(runner: CliRunner, tmp_path: Path, name: str) -> None:
    store = project(tmp_path, edited("file: ../seeds/gamma.txt", f"file: ../seeds/{name}"))
    (store.parent.parent / "seeds" / name).write_text(GAMMA, encoding="utf-8")
    code, output = check(runner, store)
    assert code == 1
    assert f"source 'gamma': project/seeds/{name} is not a .txt or .md file; refused" in output


def test_a_link_with_a_txt_name_to_another_kind_of_file_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    store = project(tmp_path, STORE)
    seeds = store.parent.parent / "seeds"
    (seeds / "gamma.conf").write_text(GAMMA, encoding="utf-8")
    (seeds / "gamma.txt").unlink()
    (seeds / "gamma.txt").symlink_to(seeds / "gamma.conf")
    code, output = check(runner, store)
    assert code == 1 and "is not a .txt or .md file; refused" in output


def test_md_texts_are_read(runner: CliRunner, tmp_path: Path) -> None:
    store = project(tmp_path, edited("file: ../seeds/gamma.txt", "file: ../seeds/gamma.md"))
    (store.parent.parent / "seeds" / "gamma.md").write_text(GAMMA, encoding="utf-8")
    code, output = check(runner, store)
    assert code == 0, output


def test_a_file_of_the_store_itself_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    # A store file named .md (given with --store) must not double as a source text.
    store = project(tmp_path, edited("file: ../seeds/gamma.txt", "file: store.md"))
    renamed = store.with_name("store.md")
    store.rename(renamed)
    code, output = check(runner, renamed)
    assert code == 1
    assert "source 'gamma': project/data/store.md is a file of the store itself; refused" in output


@pytest.mark.parametrize("where", ["--store", "CLAIMCMP_STORE", "CLAIMCMP_CACHE_DIR"])
def test_a_home_folder_of_no_user_is_an_error_not_a_traceback(
    runner: CliRunner, store: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    from test_hardening import hostile

    named = "~nosuchuser-claimcmp/claims.yaml"
    args = ["check"]
    if where == "--store":
        args = ["--store", named, "check"]
    else:
        monkeypatch.setenv(where, named)
    code, output = hostile(runner, *args)
    assert code == 1
    assert (
        f"error: {named}: cannot expand '~': no user 'nosuchuser-claimcmp' on this machine (from {where})"
        in output
    )


@pytest.mark.parametrize("through_link", [False, True])
def test_export_never_replaces_a_special_file(
    runner: CliRunner, store: Path, tmp_path: Path, through_link: bool
) -> None:
    import os
    import stat

    from test_hardening import hostile

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    target = fifo
    if through_link:
        target = tmp_path / "link.md"
        target.symlink_to(fifo)
    code, output = hostile(runner, "export", "--markdown", "-o", str(target))
    assert code == 1
    assert f"error: {target}: is not a regular file (a pipe, device or socket)" in output.replace("\n", "")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)  # still the pipe, not a regular file
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.parametrize(("prefix", "digits"), [("0x", "f"), ("0o", "7"), ("", "9")])
def test_a_number_too_long_to_print_is_our_message(
    runner: CliRunner, make_store, prefix: str, digits: str
) -> None:
    from test_hardening import hostile

    make_store(STORE + f"version: {prefix}{digits * 5000}\n")
    code, output = hostile(runner, "check")
    assert code == 1
    assert f"a number of {5000 + len(prefix):,} digits is too long; put it in quotes" in output
    assert "4300" not in output and "set_int_max_str_digits" not in output


def test_real_path_leads_where_realpath_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``storepath.real_path`` resolves each folder once and gives what
    ``os.path.realpath`` gives: through a linked folder, to a linked file, for
    a name that does not exist, for '..' and a bare name."""
    from claimcmp.storepath import real_path

    (tmp_path / "real" / "seeds").mkdir(parents=True)
    (tmp_path / "real" / "seeds" / "a.txt").write_text("a", encoding="utf-8")
    (tmp_path / "elsewhere.txt").write_text("b", encoding="utf-8")
    (tmp_path / "linked").symlink_to(tmp_path / "real")
    (tmp_path / "real" / "seeds" / "to-elsewhere.txt").symlink_to(tmp_path / "elsewhere.txt")
    monkeypatch.chdir(tmp_path / "real" / "seeds")
    folders: dict[str, str] = {}
    for path in [
        str(tmp_path / "linked" / "seeds" / "a.txt"),
        str(tmp_path / "linked" / "seeds" / "to-elsewhere.txt"),
        str(tmp_path / "linked" / "seeds" / "missing.txt"),
        str(tmp_path / "linked" / "seeds" / ".."),
        str(tmp_path / "linked" / "data" / ".." / "seeds" / "a.txt"),
        "a.txt",
        "to-elsewhere.txt",
    ]:
        assert real_path(path, folders) == os.path.realpath(path), path
    assert folders[str(tmp_path / "linked" / "seeds")] == str(tmp_path / "real" / "seeds")
    assert real_path(str(tmp_path / "linked" / "seeds" / "to-elsewhere.txt"), folders) == str(
        tmp_path / "elsewhere.txt"
    )
