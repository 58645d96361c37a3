"""Dates: a source cannot speak of an event that came after it.

Codes:

- `anachronism` (warning): a position whose source was published before the
  claimed event: the whole span of the source's `published` lies before the
  whole span of the claim's `date` (`rules.is_anachronistic`; see
  docs/store-format.md, Dates).

A warning, not an error: the source may have foreseen the event, or one of the
two dates may be wrong; the curator decides which.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ..problems import Problem
from ..rules import date_span
from .base import CheckInput


def anachronism(check: CheckInput) -> Iterator[Problem]:
    """A position whose source was published before the claimed event."""
    store = check.store
    published = {s.id: s.published for s in store.sources.values() if s.published is not None}
    if not published:
        return
    # ``is_anachronistic``, each date's span worked out once (per source, per
    # distinct claim date), not twice per position: 100,000 positions at 20k claims.
    last_day = {source: date_span(when)[1] for source, when in published.items()}
    first_day: dict[str, date] = {}
    for claim in store.claims.values():
        if claim.date is None:
            continue
        start = first_day.get(claim.date)
        if start is None:
            start = first_day[claim.date] = date_span(claim.date)[0]
        for index, position in enumerate(claim.positions):
            end = last_day.get(position.source)
            if end is None or not end < start:
                continue
            when = published[position.source]
            file, loc = check.origins[("claim", claim.id)]
            yield file.problem(
                (*loc, "positions", index),
                f"anachronism: source {position.source!r} (published {when}) takes a position "
                f"on claim {claim.id!r}, dated {claim.date}, an event after its publication; "
                "check the claim's date, the source's 'published' and the position",
                code="anachronism",
                warning=True,
                claim=claim.id,
                source=position.source,
            )
