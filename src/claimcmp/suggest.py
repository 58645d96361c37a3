"""'Did you mean' suggestions for mistyped names."""

from __future__ import annotations

from collections.abc import Iterable

# A suggestion must be this like the name given (rapidfuzz's ratio, 0-100).
CUTOFF = 75.0
# ... and within this of the best suggestion: a clear winner is offered alone.
SPREAD = 10.0


def closest_names(name: str, known: Iterable[str], *, limit: int = 3, cutoff: float = CUTOFF) -> list[str]:
    """Known names most like ``name``, best first.

    A name is scored by its edit similarity to the whole of ``name`` (a typo:
    ``lachin-coridor`` -> ``lachin-corridor``), or, when ``name`` stands whole
    inside it, by how much of it ``name`` covers (a shortening: ``frontline`` ->
    ``frontline-incidents``). One letter off is a typo even in a short name
    (``gaz`` -> ``gas``). Partial matching on bits of words (which made
    ``nope`` suggest ``no-realistic-alternative``) is not used.
    """
    from rapidfuzz import fuzz
    from rapidfuzz.distance import Levenshtein

    wanted = name.casefold()
    if not wanted:
        return []
    scored: list[tuple[float, str]] = []
    for choice in known:
        candidate = choice.casefold()
        score = fuzz.ratio(wanted, candidate)
        if len(wanted) >= 3 and Levenshtein.distance(wanted, candidate, score_cutoff=1) <= 1:
            score = max(score, 90.0)  # one letter off: a typo even in a short name (gaz -> gas)
        if len(wanted) >= 3 and wanted in candidate:
            score = max(score, 80.0 + 20.0 * len(wanted) / len(candidate))
        if score >= cutoff:
            scored.append((score, choice))
    scored.sort(key=lambda item: (-item[0], item[1]))
    if not scored:
        return []
    best = scored[0][0]
    return [choice for score, choice in scored[:limit] if score >= best - SPREAD]
