"""The library's front door: find, check and load a store.

The command line is one client of these functions; a notebook or a script is
another. They never print and never exit: problems come back as ``Problem``
values, and a store that cannot be used raises ``StoreError``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

from .models import CheckReport, CheckResult, Store
from .problems import ClaimcmpError, StoreError, StoreNotFoundError
from .storepath import find_store

StorePath = str | os.PathLike[str]


def _cwd(cwd: StorePath | None) -> Path:
    if cwd is not None:
        return Path(cwd)
    try:
        return Path.cwd()
    except OSError:
        raise StoreNotFoundError("the current folder no longer exists; cd to an existing one") from None


def find(
    store: StorePath | None = None, *, cwd: StorePath | None = None, env: Mapping[str, str] | None = None
) -> Path:
    """Where the store is: ``store`` if given, else ``$CLAIMCMP_STORE``, else
    ``data/claims.yaml`` in ``cwd`` or the nearest folder above it."""
    return find_store(store, os.environ if env is None else env, _cwd(cwd))


def _where(
    store: StorePath | None,
    near_duplicate: float | None,
    cwd: StorePath | None,
    env: Mapping[str, str] | None,
) -> tuple[Path, Path, Mapping[str, str], float]:
    """The store's path, the working folder, the environment and the
    near-duplicate threshold that a check of ``store`` uses."""
    from .thresholds import threshold_from

    environment = os.environ if env is None else env
    try:
        threshold = threshold_from(environment, near_duplicate)
    except ValueError as error:
        raise ClaimcmpError(str(error)) from None
    folder = _cwd(cwd)
    return find_store(store, environment, folder), folder, environment, threshold


def check(
    store: StorePath | None = None,
    *,
    cache: bool = True,
    near_duplicate: float | None = None,
    cwd: StorePath | None = None,
    env: Mapping[str, str] | None = None,
) -> CheckResult:
    """Every problem of the store, and the store as far as it is valid.

    With ``cache`` (the default) an unchanged store is read back from the cache
    folder (``$CLAIMCMP_CACHE_DIR``, else ``$XDG_CACHE_HOME/claimcmp``).
    ``near_duplicate`` is the score (0-100) from which two claims' texts are
    warned of as near-duplicates (default: ``$CLAIMCMP_NEAR_DUPLICATE_THRESHOLD``, else 90).
    """
    path, folder, environment, threshold = _where(store, near_duplicate, cwd, env)
    if cache:
        from .cache import cached_check

        return cached_check(path, cwd=folder, env=environment, near_duplicate=threshold)
    from .loading import check_store

    return check_store(path, cwd=folder, near_duplicate=threshold)


def report(
    store: StorePath | None = None,
    *,
    cache: bool = True,
    near_duplicate: float | None = None,
    cwd: StorePath | None = None,
    env: Mapping[str, str] | None = None,
) -> CheckReport:
    """Every problem of the store, and its counts (what ``claimcmp check``
    prints): ``check``'s problems, without the store.

    With ``cache``, a check after an edit builds the claims of the edited
    files only, and of those whose summaries in the cache cannot tell that no
    check across files finds anything in them (a duplicate id, a quote used
    twice, an unknown reference, an anachronism).
    """
    path, folder, environment, threshold = _where(store, near_duplicate, cwd, env)
    if cache:
        from .cache import cached_report

        return cached_report(path, cwd=folder, env=environment, near_duplicate=threshold)
    from .loading import check_store

    return check_store(path, cwd=folder, near_duplicate=threshold).report()


View = TypeVar("View")


def view(
    build: Callable[[CheckResult], bytes],
    read: Callable[[memoryview], View],
    *,
    name: str,
    store: StorePath | None = None,
    cache: bool = True,
    near_duplicate: float | None = None,
    cwd: StorePath | None = None,
    env: Mapping[str, str] | None = None,
) -> tuple[CheckReport, View]:
    """The store's report, and a view of it: ``read`` of the bytes ``build``
    makes from ``check``'s result (``jsonview`` is one such view).

    With ``cache``, the bytes are kept in the cache folder under ``name``,
    beside the store's entry, and served again while the store is unchanged,
    without checking or loading it.
    """
    path, folder, environment, threshold = _where(store, near_duplicate, cwd, env)
    if cache:
        from .cache import cached_view

        return cached_view(
            path, cwd=folder, env=environment, near_duplicate=threshold, name=name, build=build, read=read
        )
    from .loading import check_store

    result = check_store(path, cwd=folder, near_duplicate=threshold)
    return result.report(), read(memoryview(build(result)))


def load(
    store: StorePath | None = None,
    *,
    cache: bool = True,
    check: bool = True,
    cwd: StorePath | None = None,
    env: Mapping[str, str] | None = None,
) -> Store:
    """The store. With ``check`` (the default) a store with errors raises
    ``StoreError`` (its ``problems`` say why); without, you get what is valid."""
    result = _check(store, cache=cache, cwd=cwd, env=env)
    if check and result.errors:
        raise StoreError(result.problems)
    return result.store


_check = check


class Watch:
    """One store checked again and again in one process (``check --watch``):
    after an edit, only the edited files are read, validated and anchored
    again; the unchanged ones are kept in memory, not read back from the
    cache. Each result is what ``check`` would give.

    ``changed()`` tells, cheaply (a ``stat`` per file the last check looked at),
    whether another check would see anything new::

        watch = Watch("data/claims.yaml")
        result = watch.check()
        while not watch.changed():
            time.sleep(0.1)
        result = watch.check()

    ``cache=False`` keeps the cache folder out of it (nothing read or written
    there; the first check starts from scratch).
    """

    def __init__(
        self,
        store: StorePath | None = None,
        *,
        cache: bool = True,
        near_duplicate: float | None = None,
        cwd: StorePath | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        from .cache import Session

        self.path, self._cwd, self._env, self._threshold = _where(store, near_duplicate, cwd, env)
        self._cache = cache
        self._session = Session()

    def check(self) -> CheckResult:
        """Every problem of the store as it is now, and the store as far as it is valid."""
        from .cache import cached_check

        return cached_check(
            self.path,
            cwd=self._cwd,
            env=self._env,
            near_duplicate=self._threshold,
            session=self._session,
            use_folder=self._cache,
        )

    def changed(self) -> bool:
        """Whether any file the last check looked at (or would look at: a new
        YAML file in a store folder, a missing text that appeared) has changed."""
        return not self._session.unchanged(self.path)
