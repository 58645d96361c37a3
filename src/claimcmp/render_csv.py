"""The store as CSV for spreadsheets: one row per position (written by ``csvtext``:
RFC 4180, formula-like cells defused)."""

from __future__ import annotations

from .csvtext import csv_rows
from .models import Store

HEADER = ("claim", "topic", "claim_text", "date", "source", "stance", "inferred", "quote", "note")


def render_csv(store: Store) -> str:
    """Every position of every claim in store order, under a header row."""
    rows = (
        (
            claim.id,
            claim.topic,
            claim.text,
            claim.date,
            position.source,
            position.stance,
            position.inferred,
            position.quote,
            position.note,
        )
        for claim in store.claims.values()
        for position in claim.positions
    )
    return csv_rows(HEADER, rows)
