"""CSV for spreadsheets, written one way everywhere: RFC 4180 (the csv module's
default dialect: commas, CRLF line ends, fields quoted when they hold a comma, a
quotation mark or a line break), and a cell a spreadsheet would read as a
formula defused with a leading ``'`` (OWASP, "CSV Injection").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any


def csv_rows(header: Sequence[str], rows: Iterable[Iterable[Any]]) -> str:
    """A header line and rows, every cell through ``csv_cell``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return buffer.getvalue()


def csv_cell(value: Any) -> str:
    """A value as CSV text; text a spreadsheet would run as a formula gets a leading ``'``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        raise TypeError("flatten mappings before writing CSV")
    if isinstance(value, (list, tuple)):
        value = ";".join(map(str, value))
    text = str(value)
    return "'" + text if text[:1] in _FORMULA_START else text


# What makes Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP's list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(rows: list[dict[str, Any]]) -> str:
    """Rows as CSV with a header line; a mapping value becomes one column per key,
    a list one cell of its items joined by ``;``."""
    flat = [_flatten(row) for row in rows]
    if not flat:
        return ""
    return csv_rows(list(flat[0]), (row.values() for row in flat))


def _flatten(row: dict[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, dict):
            flat.update(value)
        else:
            flat[key] = value
    return flat
