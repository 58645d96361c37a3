"""A cache of checked stores, so that unchanged stores load at once.

An entry is keyed by the content of every YAML file of the store (and by the
folder the paths in messages are shown from, and by claimcmp's own code). It
records the content hash of every source text the check read; it is used only
if each of those is unchanged too. Any change to any byte is a miss, so a stale
entry can never show old data. Entries live in the user's cache folder
(``$CLAIMCMP_CACHE_DIR``, else ``$XDG_CACHE_HOME/claimcmp``, else
``~/.cache/claimcmp``), out of every git tree.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from collections.abc import Mapping
from pathlib import Path

from .loading import CheckResult, check_store, store_files

CACHE_ENV = "CLAIMCMP_CACHE_DIR"
KEEP_ENTRIES = 16
_FORMAT = b"claimcmp-cache-1"


def cache_dir(env: Mapping[str, str]) -> Path:
    if env.get(CACHE_ENV):
        return Path(env[CACHE_ENV]).expanduser()
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "claimcmp"


def _code_stamp() -> bytes:
    """Changes whenever claimcmp's checking code does."""
    here = Path(__file__).parent
    stamps = []
    for name in ("models.py", "loading.py", "quotes.py", "yamlread.py", "cache.py"):
        with contextlib.suppress(OSError):
            stat = (here / name).stat()
            stamps.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return "|".join(stamps).encode()


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


def cached_check(path: Path, *, cwd: Path, env: Mapping[str, str]) -> CheckResult:
    """``check_store``, from the cache when nothing it depends on has changed."""
    folder = cache_dir(env)
    key = hashlib.blake2b(_FORMAT, digest_size=20)
    key.update(_code_stamp())
    key.update(str(cwd.resolve()).encode() + b"\0" + str(path.resolve()).encode() + b"\0")
    try:
        yaml_digests = [(file, _digest(file.read_bytes())) for file in store_files(path)]
    except OSError:
        return check_store(path, cwd=cwd)
    yaml_names = {str(file.resolve()) for file, _digest_ in yaml_digests}
    for file, digest in yaml_digests:
        key.update(str(file).encode() + b"\0" + digest)
    entry = folder / f"{key.hexdigest()}.pickle"
    with contextlib.suppress(Exception):  # a missing, partial or foreign entry is a miss
        with entry.open("rb") as stream:
            texts, result = pickle.load(stream)
        if isinstance(result, CheckResult) and _texts_unchanged(texts):
            os.utime(entry)
            return result
    read: dict[str, bytes] = {}

    def recording_reader(file: Path) -> bytes:
        data = file.read_bytes()
        read[str(file.resolve())] = _digest(data)
        return data

    result = check_store(path, cwd=cwd, read_bytes=recording_reader)
    if any(read.get(str(file.resolve())) != digest for file, digest in yaml_digests):
        return result  # a file changed while we read it: do not keep this result
    texts = [(name, digest) for name, digest in read.items() if name not in yaml_names]
    with contextlib.suppress(OSError):
        _store_entry(folder, entry, pickle.dumps((texts, result), protocol=pickle.HIGHEST_PROTOCOL))
    return result


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
    entries = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in entries[KEEP_ENTRIES:]:
        with contextlib.suppress(OSError):
            old.unlink()
