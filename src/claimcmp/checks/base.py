"""What a rule is given, and what it gives back.

A rule is a function that takes a ``CheckInput`` (the store merged from every
file, and where each item came from) and yields ``Problem``s. It reads the
store and never changes it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..models import Store
from ..problems import Problem
from ..yamlread import Loc


class Place(Protocol):
    """The file an item came from: it places a problem at a YAML path in it."""

    shown: Path

    def problem(
        self,
        loc: Loc,
        message: str,
        *,
        code: str,
        key: bool = False,
        warning: bool = False,
        claim: str | None = None,
        source: str | None = None,
    ) -> Problem: ...


@dataclass(frozen=True, slots=True)
class CheckInput:
    """The merged store, and what the rules need to place and filter problems."""

    store: Store
    # (kind, id) -> (the file the item came from, the YAML path of the item in it)
    origins: Mapping[tuple[str, str], tuple[Place, Loc]]
    # (kind, id) of items that failed validation (already reported): references
    # to them are not reported again.
    broken: frozenset[tuple[str, str]] | set[tuple[str, str]]
    # The topics named by claims not in the store: those that failed
    # validation, and those of the files a check read lean (``checks.summary``).
    # They count as used.
    topics_named_elsewhere: frozenset[str] | set[str]
    near_duplicate: float  # the near-duplicate threshold (checks/similarity.py)


Rule = Callable[[CheckInput], Iterable[Problem]]
