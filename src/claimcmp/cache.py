"""A cache of checked stores, so that unchanged stores load at once.

An entry is keyed by the content of every YAML file of the store (and by the
folder the paths in messages are shown from, and by claimcmp's own code). It
records the content hash of every source text the check read; it is used only
if each of those is unchanged too. Any change to any byte is a miss, so a stale
entry can never show old data. Entries live in the user's cache folder
(``$CLAIMCMP_CACHE_DIR``, else ``$XDG_CACHE_HOME/claimcmp``, else
``~/.cache/claimcmp``), out of every git tree.

Entries are written with ``marshal`` as plain tuples: it reads a store of
100,000 quotes in a few hundredths of a second, several times faster than
pickling the objects, and it can only ever build plain data.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import astuple
from pathlib import Path
from typing import Any

from .checks_similarity import DEFAULT_THRESHOLD
from .models import CheckResult, Claim, Position, Source, Store, Topic
from .problems import Problem
from .storepath import store_files

CACHE_ENV = "CLAIMCMP_CACHE_DIR"
KEEP_ENTRIES = 16
_FORMAT = b"claimcmp-cache-3"


def cache_dir(env: Mapping[str, str]) -> Path:
    if env.get(CACHE_ENV):
        return Path(env[CACHE_ENV]).expanduser()
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "claimcmp"


def _code_stamp() -> bytes:
    """Changes whenever claimcmp's own code does."""
    here = Path(__file__).parent
    stamps = []
    for name in sorted(os.listdir(here)):
        if name.endswith(".py"):
            with contextlib.suppress(OSError):
                stat = (here / name).stat()
                stamps.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return ("|".join(stamps) + "|" + "|".join(_library_versions())).encode()


# The libraries whose output an entry holds: the YAML readers' and pydantic's
# error messages, rapidfuzz's closest-passage scores. An upgrade of any of them
# must not serve messages the new version would word differently.
_CACHED_LIBRARIES = ("pyyaml", "yaml_rs", "pydantic", "pydantic_core", "rapidfuzz")


def _library_versions() -> list[str]:
    """The installed versions of ``_CACHED_LIBRARIES``, from their dist-info
    folder names: one directory listing, where importlib.metadata costs ~28 ms."""
    found = []
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info") and name.split("-", 1)[0].lower() in _CACHED_LIBRARIES:
                found.append(name)
    return sorted(found)


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=20).digest()


def _texts_unchanged(texts: list[tuple[str, bytes]]) -> bool:
    for name, digest in texts:
        try:
            if _digest(Path(name).read_bytes()) != digest:
                return False
        except OSError:
            return False
    return True


def cached_check(
    path: Path, *, cwd: Path, env: Mapping[str, str], near_duplicate: float = DEFAULT_THRESHOLD
) -> CheckResult:
    """``check_store``, from the cache when nothing it depends on has changed."""
    folder = cache_dir(env)
    key = hashlib.blake2b(_FORMAT, digest_size=20)
    key.update(_code_stamp())
    key.update(str(cwd.resolve()).encode() + b"\0" + str(path.resolve()).encode() + b"\0")
    key.update(f"near-duplicate:{near_duplicate!r}\0".encode())
    try:
        yaml_digests = [(file, _digest(file.read_bytes())) for file in store_files(path)]
    except OSError:
        yaml_digests = None
    if yaml_digests is None:
        from .loading import check_store

        return check_store(path, cwd=cwd, near_duplicate=near_duplicate)
    for file, digest in yaml_digests:
        key.update(str(file).encode() + b"\0" + digest)
    entry = folder / f"{key.hexdigest()}.marshal"
    with contextlib.suppress(Exception):  # a missing, partial or foreign entry is a miss
        texts, encoded = marshal.loads(entry.read_bytes())
        if _texts_unchanged(texts):
            result = decode(encoded)
            with contextlib.suppress(OSError):
                os.utime(entry)
            return result

    from .loading import check_store

    read: dict[str, bytes] = {}

    def recording_reader(file: Path) -> bytes:
        data = file.read_bytes()
        read[str(file.resolve())] = _digest(data)
        return data

    result = check_store(path, cwd=cwd, read_bytes=recording_reader, near_duplicate=near_duplicate)
    if any(read.get(str(file.resolve())) != digest for file, digest in yaml_digests):
        return result  # a file changed while we read it: do not keep this result
    yaml_names = {str(file.resolve()) for file, _ in yaml_digests}
    texts = [(name, digest) for name, digest in read.items() if name not in yaml_names]
    with contextlib.suppress(OSError, ValueError):
        _store_entry(folder, entry, marshal.dumps((texts, encode(result))))
    return result


def encode(result: CheckResult) -> tuple[Any, ...]:
    """A check result as plain tuples, for marshal."""
    store = result.store
    return (
        str(store.root),
        [str(f) for f in store.files],
        [tuple(s) for s in store.sources.values()],
        [tuple(t) for t in store.topics.values()],
        [(*c[:4], c.tags, c.note, [tuple(p) for p in c.positions]) for c in store.claims.values()],
        {k: (str(v) if v is not None else None) for k, v in store.source_paths.items()},
        store.anchors,
        [
            (str(p.path) if p.path else None, *astuple(p)[1:])
            for p in result.problems
        ],
    )


def decode(encoded: tuple[Any, ...]) -> CheckResult:
    root, files, sources, topics, claims, paths, anchors, problems = encoded
    position = Position._make
    store = Store(
        root=Path(root),
        files=[Path(f) for f in files],
        sources={s[0]: Source(*s[:9], tuple(s[9])) for s in sources},
        topics={t[0]: Topic._make(t) for t in topics},
        claims={c[0]: Claim(c[0], c[1], c[2], c[3], c[4], c[5], tuple(map(position, c[6]))) for c in claims},
        source_paths={k: (Path(v) if v is not None else None) for k, v in paths.items()},
        anchors=anchors,
    )
    return CheckResult(
        store,
        [Problem(Path(p[0]) if p[0] else None, *p[1:]) for p in problems],
    )


def _store_entry(folder: Path, entry: Path, payload: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
        os.replace(temporary, entry)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    entries = sorted(folder.glob("*.marshal"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in entries[KEEP_ENTRIES:]:
        with contextlib.suppress(OSError):
            old.unlink()
