"""The input schema's own checks of single values, the format's version and
its partial dates: free of pydantic, so that the validators built from a kept
core schema (``validators``) can name them without importing it."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

DATE_HINT = "write YYYY, YYYY-MM or YYYY-MM-DD"

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", re.ASCII)


def parse_partial_date(value: Any) -> str:
    """Canonical ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` from what YAML gives."""
    if isinstance(value, bool):
        raise ValueError(f"expected a date, got {str(value).lower()}; {DATE_HINT}")
    if isinstance(value, dt.datetime):
        raise ValueError(f"a date here has no time of day; {DATE_HINT}")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        if not 1 <= value <= 9999:
            raise ValueError(f"{value} is not a year; {DATE_HINT}")
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"expected a date, got {type(value).__name__}; {DATE_HINT}")
    match = _PARTIAL_DATE.match(value.strip())
    if match is None:
        shown = value if len(value) <= 40 else value[:37] + "..."
        raise ValueError(f"{shown!r} is not a date; {DATE_HINT}")
    year, month, day = match.groups()
    if int(year) == 0:
        raise ValueError(f"{value!r} has year 0; {DATE_HINT}")
    if month is not None and not 1 <= int(month) <= 12:
        raise ValueError(f"{value!r} has no month {int(month)}; months are 01 to 12")
    if day is not None:
        last = calendar.monthrange(int(year), int(month))[1]
        if not 1 <= int(day) <= last:
            raise ValueError(f"{value!r} is not a day of the calendar ({year}-{month} has {last} days)")
    return value.strip()


def check_version(value: Any) -> int:
    # A plain Literal[1] would accept true and 1.0 (they equal 1 in Python).
    if type(value) is not int or value != 1:
        raise ValueError(f"unsupported version {value!r}: this claimcmp reads store format version 1")
    return value
