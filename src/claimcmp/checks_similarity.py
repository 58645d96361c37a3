"""The near-duplicate and reused-quote rule now lives in ``checks.similarity``;
its public names stay importable from here."""

from __future__ import annotations

from .checks.similarity import (
    DEFAULT_THRESHOLD,
    THRESHOLD_ENV,
    near_duplicate_pairs,
    similarity_problems,
    threshold_from,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "THRESHOLD_ENV",
    "near_duplicate_pairs",
    "similarity_problems",
    "threshold_from",
]
