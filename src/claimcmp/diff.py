"""What a change does to a store's claims: the comparison behind ``claimcmp diff``.

``compare`` is a pure function of two checked stores. It follows the contract
(``store-format.md``): a claim is *changed* when any of its fields or positions
differ (notes included, tags compared as sets, positions matched by source and
their order ignored); position and stance changes cover the claims present in
both versions; a contradiction is *new* when the claim is contested in NEW and
not in OLD, *resolved* the reverse, and a claim absent from a version counts as
not contested there. Claims are matched by id only, so a renamed claim (same
text, new id) is one claim removed and one added.

Sources and topics are not compared: their own fields (a title, a URL) do not
change which source says what about which claim.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from .models import Claim, Position, Store

ClaimField = Literal["topic", "text", "date", "note"]
PositionField = Literal["note", "inferred"]
ContradictionCause = Literal["claim added", "claim removed", "positions changed"]

_CLAIM_FIELDS: tuple[ClaimField, ...] = ("topic", "text", "date", "note")


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One of a claim's own fields, before and after (None: absent)."""

    field: ClaimField
    old: str | None
    new: str | None


@dataclass(frozen=True, slots=True)
class StanceChange:
    """A source that takes another stance on a claim, with its quotes before and after."""

    claim: str
    source: str
    old: str
    new: str
    old_quote: str
    new_quote: str


@dataclass(frozen=True, slots=True)
class QuoteChange:
    """A source that keeps its stance on a claim but is quoted differently."""

    claim: str
    source: str
    stance: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class PositionFieldChange:
    """A position's note or ``inferred`` flag, before and after."""

    claim: str
    source: str
    field: PositionField
    old: str | bool | None
    new: str | bool | None


@dataclass(frozen=True, slots=True)
class ClaimChange:
    """Everything that differs in one claim present in both versions."""

    id: str
    old: Claim
    new: Claim
    fields: tuple[FieldChange, ...]
    tags_added: tuple[str, ...]
    tags_removed: tuple[str, ...]
    positions_added: tuple[Position, ...]  # by source id
    positions_removed: tuple[Position, ...]  # by source id
    stance_changes: tuple[StanceChange, ...]
    quote_changes: tuple[QuoteChange, ...]  # same stance, other quote
    position_fields: tuple[PositionFieldChange, ...]


@dataclass(frozen=True, slots=True)
class ContradictionChange:
    """A claim that became, or stopped being, contested; ``claim`` is as in the
    version where it is contested."""

    claim: Claim
    cause: ContradictionCause


@dataclass(frozen=True, slots=True)
class StoreDiff:
    """The difference between two stores' claims; every list is sorted by id."""

    added: tuple[Claim, ...]
    removed: tuple[Claim, ...]
    changed: tuple[ClaimChange, ...]
    contradictions_new: tuple[ContradictionChange, ...]
    contradictions_resolved: tuple[ContradictionChange, ...]

    @property
    def differs(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    @property
    def positions_added(self) -> list[tuple[str, str]]:
        """(claim id, source id) of positions added to claims present in both versions."""
        return [(c.id, p.source) for c in self.changed for p in c.positions_added]

    @property
    def positions_removed(self) -> list[tuple[str, str]]:
        return [(c.id, p.source) for c in self.changed for p in c.positions_removed]

    @property
    def stance_changes(self) -> list[StanceChange]:
        return [s for c in self.changed for s in c.stance_changes]

    @property
    def quote_changes(self) -> list[QuoteChange]:
        return [q for c in self.changed for q in c.quote_changes]


def compare(old: Store, new: Store) -> StoreDiff:
    """The difference between the claims of ``old`` and ``new``."""
    old_ids, new_ids = set(old.claims), set(new.claims)
    changed = []
    for claim_id in sorted(old_ids & new_ids):
        change = compare_claim(old.claims[claim_id], new.claims[claim_id])
        if change is not None:
            changed.append(change)
    contested_old = {c.id for c in old.claims.values() if c.contested}
    contested_new = {c.id for c in new.claims.values() if c.contested}
    return StoreDiff(
        added=tuple(new.claims[i] for i in sorted(new_ids - old_ids)),
        removed=tuple(old.claims[i] for i in sorted(old_ids - new_ids)),
        changed=tuple(changed),
        contradictions_new=tuple(
            ContradictionChange(new.claims[i], "positions changed" if i in old_ids else "claim added")
            for i in sorted(contested_new - contested_old)
        ),
        contradictions_resolved=tuple(
            ContradictionChange(old.claims[i], "positions changed" if i in new_ids else "claim removed")
            for i in sorted(contested_old - contested_new)
        ),
    )


def compare_claim(old: Claim, new: Claim) -> ClaimChange | None:
    """What differs between two versions of one claim, or None if nothing does."""
    fields = tuple(
        FieldChange(name, getattr(old, name), getattr(new, name))
        for name in _CLAIM_FIELDS
        if getattr(old, name) != getattr(new, name)
    )
    old_tags, new_tags = set(old.tags), set(new.tags)
    old_positions = {p.source: p for p in old.positions}
    new_positions = {p.source: p for p in new.positions}
    stances: list[StanceChange] = []
    quotes: list[QuoteChange] = []
    position_fields: list[PositionFieldChange] = []
    for source in sorted(old_positions.keys() & new_positions.keys()):
        before, after = old_positions[source], new_positions[source]
        if before.stance != after.stance:
            stances.append(
                StanceChange(old.id, source, before.stance, after.stance, before.quote, after.quote)
            )
        elif before.quote != after.quote:
            quotes.append(QuoteChange(old.id, source, after.stance, before.quote, after.quote))
        if before.note != after.note:
            position_fields.append(PositionFieldChange(old.id, source, "note", before.note, after.note))
        if before.inferred != after.inferred:
            position_fields.append(
                PositionFieldChange(old.id, source, "inferred", before.inferred, after.inferred)
            )
    change = ClaimChange(
        id=old.id,
        old=old,
        new=new,
        fields=fields,
        tags_added=tuple(sorted(new_tags - old_tags)),
        tags_removed=tuple(sorted(old_tags - new_tags)),
        positions_added=_by_source(new_positions, new_positions.keys() - old_positions.keys()),
        positions_removed=_by_source(old_positions, old_positions.keys() - new_positions.keys()),
        stance_changes=tuple(stances),
        quote_changes=tuple(quotes),
        position_fields=tuple(position_fields),
    )
    differs = (
        change.fields
        or change.tags_added
        or change.tags_removed
        or change.positions_added
        or change.positions_removed
        or stances
        or quotes
        or position_fields
    )
    return change if differs else None


def _by_source(positions: dict[str, Position], sources: Iterable[str]) -> tuple[Position, ...]:
    return tuple(positions[s] for s in sorted(sources))


def diff_json(diff: StoreDiff) -> dict[str, Any]:
    """The contract's JSON shape of a diff (``store-format.md``), ids sorted."""
    return {
        "claims": {
            "added": [c.id for c in diff.added],
            "removed": [c.id for c in diff.removed],
            "changed": [c.id for c in diff.changed],
        },
        "positions": {
            "added": [{"claim": c, "source": s} for c, s in diff.positions_added],
            "removed": [{"claim": c, "source": s} for c, s in diff.positions_removed],
        },
        "stance_changes": [
            {"claim": s.claim, "source": s.source, "old": s.old, "new": s.new} for s in diff.stance_changes
        ],
        "contradictions": {
            "new": [c.claim.id for c in diff.contradictions_new],
            "resolved": [c.claim.id for c in diff.contradictions_resolved],
        },
    }
