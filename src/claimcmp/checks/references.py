"""References between items: every id a claim names exists, no id is taken twice.

Codes:

- `unknown-topic` (error): a claim's `topic` names no topic (with a did-you-mean).
- `unknown-source` (error): a position's `source` names no source (with a did-you-mean).
- `duplicate-position` (error): a second position of one source on one claim;
  a source takes one stance per claim.
- `id-clash` (warning): a claim id that is also a topic id (`claimcmp show ID`
  would show the topic).
- `empty-topic` (warning): a topic no claim belongs to.
- `duplicate-id` (error): a second source, topic or claim with an id already
  used. Found while the files are merged (``loading``): the second item is
  left out of the store, so this rule never sees it.

A reference to an item that failed validation is not reported again: its own
error says what to fix, and the reference may be right.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..problems import Problem
from ..schema_messages import unknown_reference
from .base import CheckInput


def claim_references(check: CheckInput) -> Iterator[Problem]:
    """Each claim's topic and its positions' sources exist; one position per source."""
    store = check.store
    topic_ids = list(store.topics)
    source_ids = list(store.sources)
    known_sources = set(source_ids)
    for claim in store.claims.values():
        # Most claims have nothing to report: told in C-level steps, without the
        # node paths built below for every position (100,000 at 20k claims).
        sources = {position[0] for position in claim.positions}
        if (
            claim.topic in store.topics
            and claim.id not in store.topics
            and len(sources) == len(claim.positions)
            and sources <= known_sources
        ):
            continue
        file, loc = check.origins[("claim", claim.id)]
        if claim.topic not in store.topics and ("topic", claim.topic) not in check.broken:
            yield file.problem(
                (*loc, "topic"),
                unknown_reference("topic", claim.topic, topic_ids, "topics"),
                code="unknown-topic",
                claim=claim.id,
            )
        if claim.id in store.topics:
            yield file.problem(
                (*loc, "id"),
                f"claim id {claim.id!r} is also a topic id; 'claimcmp show {claim.id}' "
                "will show the topic: rename one of them",
                code="id-clash",
                warning=True,
                claim=claim.id,
            )
        seen: dict[str, int] = {}
        for index, position in enumerate(claim.positions):
            ploc = (*loc, "positions", index)
            if position.source not in store.sources and ("source", position.source) not in check.broken:
                yield file.problem(
                    (*ploc, "source"),
                    unknown_reference("source", position.source, source_ids, "sources"),
                    code="unknown-source",
                    claim=claim.id,
                    source=position.source,
                )
            if position.source in seen:
                yield file.problem(
                    (*ploc, "source"),
                    f"a second position of source {position.source!r} on this claim "
                    f"(the first is position {seen[position.source] + 1}); "
                    "a source takes one stance per claim: merge them or split the claim",
                    code="duplicate-position",
                    claim=claim.id,
                    source=position.source,
                )
            else:
                seen[position.source] = index


def empty_topics(check: CheckInput) -> Iterator[Problem]:
    """Each topic has a claim (a claim that failed validation counts)."""
    used_topics = {c.topic for c in check.store.claims.values()} | check.topics_named_elsewhere
    for topic_id in check.store.topics:
        if topic_id not in used_topics:
            file, loc = check.origins[("topic", topic_id)]
            yield file.problem(
                (*loc, "id"), f"topic {topic_id!r} has no claims", code="empty-topic", warning=True
            )
