"""The store as CSV for spreadsheets: one row per position.

RFC 4180 (the csv module's default dialect: commas, CRLF line ends, fields
quoted when they hold a comma, a quotation mark or a line break). A cell that
a spreadsheet would read as a formula is defused (OWASP, "CSV Injection").
"""

from __future__ import annotations

import csv
import io

from .models import Store

HEADER = ("claim", "topic", "claim_text", "date", "source", "stance", "inferred", "quote", "note")

# A spreadsheet evaluates a cell that begins with one of these as a formula
# (OWASP's list): a leading apostrophe makes it plain text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse(cell: str) -> str:
    """``cell`` with a ``'`` in front if a spreadsheet would read it as a formula."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def render_csv(store: Store) -> str:
    """Every position of every claim in store order, under a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # the "excel" dialect is RFC 4180
    writer.writerow(HEADER)
    for claim in store.claims.values():
        for position in claim.positions:
            row = (
                claim.id,
                claim.topic,
                claim.text,
                claim.date or "",
                position.source,
                position.stance,
                "true" if position.inferred else "false",
                position.quote,
                position.note or "",
            )
            writer.writerow([defuse(cell) for cell in row])
    return buffer.getvalue()
