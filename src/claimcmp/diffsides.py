"""The two stores ``claimcmp diff`` compares: two paths, or a git revision and the working tree.

A revision is read with git itself (``git ls-tree``, ``git cat-file``), never by
checking it out: the store's YAML files at that revision, and the source text
files they name, are written into a temporary folder laid out like the
repository, and checked there like any store, so that its quotes are checked
against the texts as they were at that revision.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import posixpath
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import Literal, NamedTuple

from .models import CheckResult, Store
from .problems import ClaimcmpError, Problem, StoreNotFoundError
from .storepath import YAML_SUFFIXES, display

Side = Literal["old", "new"]
_REGULAR_MODES = ("100644", "100755")
_TEXT_SUFFIXES = (".txt", ".md")


class InvalidSideError(ClaimcmpError):
    """One or both stores have errors; ``sides`` holds (side, shown path, errors) for each."""

    def __init__(self, sides: list[tuple[Side, str, list[Problem]]]) -> None:
        self.sides = sides
        names = " and ".join(f"the {side} store ({shown})" for side, shown, _ in sides)
        super().__init__(f"{names} {'is' if len(sides) == 1 else 'are'} invalid")


class GitError(ClaimcmpError):
    """git cannot give the store at the revision asked for."""


def check_side(path: Path, *, cwd: Path, env: Mapping[str, str], use_cache: bool) -> CheckResult:
    """A store checked as every command checks it (from the cache when unchanged)."""
    if use_cache:
        from .cache import cached_check

        return cached_check(path, cwd=cwd, env=env)
    from .loading import check_store

    return check_store(path, cwd=cwd)


def store_at(name: str, side: Side, cwd: Path) -> Path:
    """The path of OLD or NEW as given on the command line, which must exist."""
    path = Path(name).expanduser()
    path = path if path.is_absolute() else cwd / path
    try:
        usable = path.is_file() or path.is_dir()
        exists = path.exists()
    except (OSError, ValueError) as error:
        raise StoreNotFoundError(f"{side} store {name!r}: cannot use this path: {error}") from None
    if not exists:
        raise StoreNotFoundError(f"{side} store {name}: no such file or folder")
    if not usable:
        raise StoreNotFoundError(f"{side} store {name}: not a regular file or folder")
    return path


class Sides(NamedTuple):
    """The two stores to compare, and how to name each in the output."""

    old: Store
    new: Store
    old_label: str
    new_label: str


def load_sides(
    old: str | None,
    new: str | None,
    rev: str | None,
    *,
    store: str | None,
    env: Mapping[str, str],
    use_cache: bool,
) -> Sides:
    """OLD and NEW given as paths; or, with ``rev``, the store (found as every
    command finds it, from ``store``) at that revision and in the working tree."""
    try:
        cwd = Path.cwd()
    except OSError:
        raise StoreNotFoundError("the current folder no longer exists; cd to an existing one") from None
    if rev is None:
        assert old is not None and new is not None
        return load_paths(old, new, cwd=cwd, env=env, use_cache=use_cache)
    from .storepath import find_store

    return load_revision(find_store(store, env, cwd), rev, cwd=cwd, env=env, use_cache=use_cache)


def _pair(
    old: CheckResult, new: CheckResult, old_label: str, new_label: str, new_name: str | None = None
) -> Sides:
    """Both stores, or InvalidSideError naming every error of each invalid side
    (the new side by ``new_name`` when its label says more than its path)."""
    invalid: list[tuple[Side, str, list[Problem]]] = []
    sides: tuple[tuple[Side, str, CheckResult], ...] = (
        ("old", old_label, old),
        ("new", new_name or new_label, new),
    )
    for side, label, result in sides:
        if result.errors:
            invalid.append((side, label, [p for p in result.problems if p.severity == "error"]))
    if invalid:
        raise InvalidSideError(invalid)
    return Sides(old.store, new.store, old_label, new_label)


def load_paths(old: str, new: str, *, cwd: Path, env: Mapping[str, str], use_cache: bool) -> Sides:
    """The stores at two paths given on the command line."""
    old_path, new_path = store_at(old, "old", cwd), store_at(new, "new", cwd)
    return _pair(
        check_side(old_path, cwd=cwd, env=env, use_cache=use_cache),
        check_side(new_path, cwd=cwd, env=env, use_cache=use_cache),
        old,
        new,
    )


def load_revision(store: Path, rev: str, *, cwd: Path, env: Mapping[str, str], use_cache: bool) -> Sides:
    """The store at git revision ``rev`` and the store in the working tree."""
    with revision_checkout(store, rev, cwd) as (old_path, top):
        from .loading import check_store

        old_result = check_store(old_path, cwd=top)
        # Paths in the problems are relative to the repository's top: show them
        # as git names a file at a revision, REV:path.
        old_result.problems = [
            dataclasses.replace(p, path=Path(f"{rev}:{PurePosixPath(p.path)}")) if p.path else p
            for p in old_result.problems
        ]
        relative = old_path.relative_to(top).as_posix()
    new_result = check_side(store, cwd=cwd, env=env, use_cache=use_cache)
    shown = str(display(store, cwd))
    return _pair(old_result, new_result, f"{rev}:{relative}", f"{shown} (working tree)", shown)


# -- git ---------------------------------------------------------------------------------


def _git(top: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", "--literal-pathspecs", "-C", str(top), *args],
            input=stdin,
            capture_output=True,
            check=False,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
        )
    except FileNotFoundError:
        raise GitError(
            "git is not installed (or not on PATH); --rev reads the store's history with it"
        ) from None


def _message(result: subprocess.CompletedProcess[bytes]) -> str:
    text = result.stderr.decode("utf-8", "replace").strip()
    return text.removeprefix("fatal: ").splitlines()[0] if text else f"git exited with {result.returncode}"


def repository_of(store: Path, cwd: Path) -> Path:
    """The top folder of the git repository that holds ``store``."""
    folder = store if store.is_dir() else store.parent
    result = _git(folder, "rev-parse", "--show-toplevel")
    if result.returncode != 0:
        shown = display(store, cwd)
        if b"not a git repository" in result.stderr:
            raise GitError(
                f"the store {shown} is not inside a git repository, so it has no revisions to compare; "
                "compare two stores by path instead: claimcmp diff OLD NEW"
            )
        raise GitError(f"git cannot read the repository of {shown}: {_message(result)}")
    return Path(result.stdout.decode("utf-8", "surrogateescape").rstrip("\n")).resolve()


def resolve_revision(top: Path, rev: str) -> str:
    """The commit ``rev`` names, or GitError if git knows none by that name."""
    unknown = GitError(
        f"unknown revision {rev!r}: git knows no commit by that name in this repository "
        "(give a branch, a tag or a commit; for a remote branch such as origin/main, run git fetch first)"
    )
    if not rev or rev.startswith("-"):
        raise unknown
    result = _git(top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    if result.returncode != 0:
        raise unknown
    return result.stdout.decode().strip()


def _tree_entries(top: Path, commit: str, paths: list[str], recursive: bool) -> list[tuple[str, str, str]]:
    """(mode, object id, path) of the entries of ``commit`` at ``paths``."""
    args = ["ls-tree", "-z", "--full-tree", *(["-r"] if recursive else []), commit, "--", *paths]
    result = _git(top, *args)
    if result.returncode != 0:
        raise GitError(f"git cannot list revision {commit[:12]}: {_message(result)}")
    entries = []
    for record in result.stdout.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, _kind, oid = meta.decode().split()
        entries.append((mode, oid, name.decode("utf-8", "surrogateescape")))
    return entries


def _write_blobs(top: Path, target: Path, blobs: list[tuple[str, str]]) -> None:
    """Write each (object id, repository path) blob under ``target``."""
    if not blobs:
        return
    result = _git(top, "cat-file", "--batch", stdin="".join(f"{oid}\n" for oid, _ in blobs).encode())
    if result.returncode != 0:
        raise GitError(f"git cannot read the store's files: {_message(result)}")
    data, offset = result.stdout, 0
    for _, name in blobs:
        end = data.index(b"\n", offset)
        header = data[offset:end].split()
        if len(header) != 3:
            raise GitError(f"git cannot read {name}: {data[offset:end].decode(errors='replace')}")
        size = int(header[2])
        content = data[end + 1 : end + 1 + size]
        offset = end + 1 + size + 1
        parts = PurePosixPath(name).parts
        if ".." in parts or PurePosixPath(name).is_absolute():
            continue  # git never stores such a path; never write outside the folder
        path = target.joinpath(*parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def _named_texts(yaml_files: list[tuple[str, bytes]]) -> list[str]:
    """The repository paths of the source text files the YAML files name."""
    from .yamlread import YamlProblem, read_events, read_fast

    names: set[str] = set()
    for name, raw in yaml_files:
        try:
            text = raw.decode("utf-8").removeprefix("\ufeff")
            data = read_fast(text)
            if data is None:
                data = read_events(text).data
        except (UnicodeDecodeError, YamlProblem):
            continue  # the check reports it
        sources = data.get("sources") if isinstance(data, dict) else None
        for source in sources if isinstance(sources, list) else ():
            file = source.get("file") if isinstance(source, dict) else None
            if not isinstance(file, str) or not file.endswith(_TEXT_SUFFIXES) or file.startswith("/"):
                continue
            joined = posixpath.normpath(posixpath.join(posixpath.dirname(name), file))
            if not joined.startswith("../") and joined != "..":
                names.add(joined)
    return sorted(names)


@contextlib.contextmanager
def revision_checkout(store: Path, rev: str, cwd: Path) -> Iterator[tuple[Path, Path]]:
    """The store as it was at ``rev``, in a temporary folder laid out like the
    repository: yields (the store's path there, the folder); removed afterwards."""
    top = repository_of(store, cwd)
    commit = resolve_revision(top, rev)
    try:
        relative = store.resolve().relative_to(top).as_posix()
    except ValueError:  # reached through a link that leads out of the repository
        raise GitError(f"the store {display(store, cwd)} lies outside the git repository at {top}") from None
    paths = [] if relative == "." else [relative]
    entries = _tree_entries(top, commit, paths, recursive=True)
    if not entries:
        raise GitError(f"the store {relative} does not exist at revision {rev!r}")
    is_file = len(entries) == 1 and entries[0][2] == relative
    yaml_blobs = [
        (oid, name)
        for mode, oid, name in entries
        if mode in _REGULAR_MODES and (is_file or name.endswith(YAML_SUFFIXES))
    ]
    if is_file and not yaml_blobs:
        raise GitError(f"at revision {rev!r}, the store {relative} is not a regular file (a symbolic link?)")
    with tempfile.TemporaryDirectory(prefix="claimcmp-diff-") as temporary:
        # One level down, so that even a store at the repository's top has its
        # root (the folder above it) inside our own empty temporary folder.
        target = Path(temporary).resolve() / "tree"
        target.mkdir()
        _write_blobs(top, target, yaml_blobs)
        written = [(name, target.joinpath(*PurePosixPath(name).parts).read_bytes()) for _, name in yaml_blobs]
        texts = _named_texts(written)
        if texts:
            text_entries = _tree_entries(top, commit, texts, recursive=False)
            _write_blobs(
                top, target, [(oid, name) for mode, oid, name in text_entries if mode in _REGULAR_MODES]
            )
        old_path = target.joinpath(*PurePosixPath(relative).parts) if paths else target
        if not is_file:
            old_path.mkdir(parents=True, exist_ok=True)
        yield old_path, target
