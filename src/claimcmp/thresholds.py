"""The near-duplicate threshold's default and how it is chosen, apart from the
rule that uses it (``checks.similarity``): the cache and the library's front
door need it on every run, and importing the rules package costs ~30 ms
(it loads PyYAML for the schema's messages) that a warm run does not need."""

from __future__ import annotations

from collections.abc import Mapping

DEFAULT_THRESHOLD = 90.0
THRESHOLD_ENV = "CLAIMCMP_NEAR_DUPLICATE_THRESHOLD"


def threshold_from(env: Mapping[str, str], given: float | None = None) -> float:
    """The near-duplicate threshold: the option's value, else the environment's,
    else the default. ValueError if the environment's is not a number in 0-100."""
    if given is not None:
        return given
    raw = env.get(THRESHOLD_ENV, "").strip()
    if not raw:
        return DEFAULT_THRESHOLD
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 100:
        raise ValueError(f"${THRESHOLD_ENV} must be a number from 0 to 100, not {raw!r}")
    return value
