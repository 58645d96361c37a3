"""'Did you mean' suggestions for mistyped names."""

from __future__ import annotations

from collections.abc import Iterable


def closest_names(name: str, known: Iterable[str], *, limit: int = 3, cutoff: float = 60.0) -> list[str]:
    """Known names most like ``name``, best first."""
    from rapidfuzz import fuzz, process, utils

    choices = list(known)
    if not choices or not name:
        return []
    matches = process.extract(
        name, choices, scorer=fuzz.WRatio, processor=utils.default_process, limit=limit, score_cutoff=cutoff
    )
    return [choice for choice, _score, _index in matches]
