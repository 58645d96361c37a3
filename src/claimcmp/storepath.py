"""Where a store is, and which files make it up (no parsing: cheap to import)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from .problems import StoreNotFoundError

DEFAULT_STORE = Path("data") / "claims.yaml"
STORE_ENV = "CLAIMCMP_STORE"
YAML_SUFFIXES = (".yaml", ".yml")


def find_store(explicit: str | os.PathLike[str] | None, env: Mapping[str, str], cwd: Path) -> Path:
    """The store named by --store, else by CLAIMCMP_STORE, else data/claims.yaml upwards."""
    named = explicit if explicit not in (None, "") else env.get(STORE_ENV) or None
    if named is not None:
        origin = "--store" if explicit not in (None, "") else STORE_ENV
        path = expand_home(str(named), origin)
        if not path.is_absolute():
            path = cwd / path
        try:
            found = path.exists()
            usable = path.is_dir() or path.is_file()
        except (OSError, ValueError) as error:  # a name too long, a NUL
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            raise StoreNotFoundError(f"cannot use the store path given by {origin}: {reason}") from None
        if not found:
            raise StoreNotFoundError(f"{named}: no such file or directory (from {origin})")
        if not usable:  # a FIFO or a device would block or never end
            raise StoreNotFoundError(f"{named}: not a regular file or folder (from {origin})")
        return path
    for folder in (cwd, *cwd.parents):
        candidate = folder / DEFAULT_STORE
        if candidate.is_file():
            return candidate
    raise StoreNotFoundError(
        f"no store found: no {DEFAULT_STORE} in {display(cwd, cwd)} or any folder above it; "
        f"name one with --store PATH or {STORE_ENV}"
    )


def expand_home(named: str, origin: str) -> Path:
    """``named`` with a leading ``~`` or ``~user`` expanded, as a shell would;
    a user or home folder that does not exist is the user's error, not a crash."""
    try:
        return Path(named).expanduser()
    except RuntimeError:  # no such user, or no HOME to expand a bare ~
        user = named[1:].split("/", 1)[0]
        who = f"no user {user!r} on this machine" if user else "no home folder is known (HOME is not set)"
        raise StoreNotFoundError(f"{named}: cannot expand '~': {who} (from {origin})") from None


def store_root(path: Path) -> Path:
    """The folder every source text must stay inside (see the format page)."""
    path = path.resolve()
    return path.parent.parent if path.is_file() else path.parent


def store_files(path: Path) -> list[Path]:
    """The YAML files of a store: the file itself, or every YAML file below a folder."""
    if not path.is_dir():
        return [path]
    found: list[Path] = []

    def unreadable(error: OSError) -> None:
        # A folder we cannot list would silently leave part of the store out.
        where = error.filename or path
        raise StoreNotFoundError(
            f"{where}: cannot list this folder of the store ({error.strerror or error}); "
            "the store would be incomplete"
        )

    for folder, dirs, files in os.walk(path, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            file = Path(folder) / name
            # Not a FIFO, socket or device (reading one would block); a broken link stays, to be reported.
            if name.endswith(YAML_SUFFIXES) and (file.is_file() or not file.exists()):
                found.append(file)
    return sorted(found)


def display(path: Path, cwd: Path) -> Path:
    """A path as the user would write it: relative to the working folder when it is
    inside it, else absolute (``/data/x.yaml``, not ``../../../data/x.yaml``)."""
    try:
        relative = Path(os.path.relpath(path, cwd))
    except ValueError:  # another drive on Windows
        return path
    return path if relative.parts[:1] == ("..",) else relative


def real_path(path: str, folders: dict[str, str]) -> str:
    """``os.path.realpath(path)``, each folder resolved once per ``folders``.

    ``realpath`` takes an ``lstat`` per component of the path, in Python: a
    check of a store of 100 files and 200 texts resolved each path two or
    three times, 1,000 ``realpath``s. A path whose last part is not a link
    leads where its folder leads, joined with that part.
    """
    folder, name = os.path.split(path)
    if name in ("", os.curdir, os.pardir) or os.path.islink(path):
        return os.path.realpath(path)
    real = folders.get(folder)
    if real is None:
        real = folders[folder] = os.path.realpath(folder or os.curdir)
    return os.path.join(real, name)
