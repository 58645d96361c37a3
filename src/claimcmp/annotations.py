"""The store's quotes as W3C Web Annotations (JSON-LD).

One ``AnnotationCollection`` whose single ``AnnotationPage`` holds one
``Annotation`` per position: the target is the quoted passage (one target per
segment of a quote with an ellipsis), selected by a ``TextQuoteSelector`` (the
exact text with up to 32 characters of context either side) and a
``TextPositionSelector`` (offsets in code points of the source's text file);
the bodies are the claim, the stance and the curator's note.

The selectors are computed on the source's text file, so the target's
``source`` is that file (its path from the store's root, a relative IRI); the
source's web page, when it has a ``url``, is the target's ``scope``. Ids are
``urn:uuid:`` names derived from the claim and source ids: the same store gives
the same file.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

from .models import Claim, Position, Source, Store
from .problems import ClaimcmpError
from .quotes import MappedText

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CONTEXT_CHARS = 32  # the most prefix and suffix a TextQuoteSelector carries
# A fixed namespace, so that an annotation's id depends only on its claim and source.
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/claimcmp/claimcmp/annotations")


def annotation_collection(store: Store) -> dict[str, Any]:
    """The whole store's positions as one AnnotationCollection."""
    texts = _SourceTexts(store)
    items = [
        annotation(claim, position, store.sources[position.source], texts)
        for claim in store.claims.values()
        for position in claim.positions
    ]
    collection_id = _urn("collection\n" + "\n".join(item["id"] for item in items))
    return {
        "@context": CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": "claimcmp: what each source says about each claim",
        "total": len(items),
        "first": {
            "id": _urn("page\n" + collection_id),
            "type": "AnnotationPage",
            "partOf": collection_id,
            "startIndex": 0,
            "items": items,
        },
    }


def annotation(claim: Claim, position: Position, source: Source, texts: _SourceTexts) -> dict[str, Any]:
    """One position as an Annotation: the quote is the target, the claim and the
    stance are the bodies."""
    body: list[dict[str, Any]] = [
        {"type": "TextualBody", "purpose": "describing", "format": "text/plain", "value": claim.text},
        {"type": "TextualBody", "purpose": "classifying", "value": position.stance},
    ]
    if position.inferred:
        body.append({"type": "TextualBody", "purpose": "tagging", "value": "inferred"})
    if position.note:
        body.append(
            {"type": "TextualBody", "purpose": "commenting", "format": "text/plain", "value": position.note}
        )
    return {
        "id": _urn(f"annotation\n{claim.id}\n{position.source}"),
        "type": "Annotation",
        "motivation": "classifying",
        "body": body,
        "target": _targets(position.quote, source, texts),
    }


def _targets(quote: str, source: Source, texts: _SourceTexts) -> list[dict[str, Any]]:
    """One SpecificResource per segment of the quote, where its text is known."""
    located = texts.locate(source.id, quote)
    if located is None:
        # No text file to point into: the quote itself, on the web page if any.
        target: dict[str, Any] = {
            "type": "SpecificResource",
            "source": source.url if source.url else {"type": "Text", "title": source.title},
            "selector": {"type": "TextQuoteSelector", "exact": quote},
        }
        return [target]
    iri, raw, spans = located
    targets = []
    for start, end in spans:
        target = {
            "type": "SpecificResource",
            "source": iri,
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": raw[start:end],
                    "prefix": raw[max(0, start - CONTEXT_CHARS) : start],
                    "suffix": raw[end : end + CONTEXT_CHARS],
                },
                {"type": "TextPositionSelector", "start": start, "end": end},
            ],
        }
        if source.url:
            target["scope"] = source.url
        targets.append(target)
    return targets


class _SourceTexts:
    """Each source's text file, read once, as the loader reads it."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._cache: dict[str, tuple[str, MappedText] | None] = {}

    def text(self, source_id: str) -> tuple[str, MappedText] | None:
        """The file's IRI (its path from the store's root) and its text."""
        if source_id not in self._cache:
            path = self._store.source_paths.get(source_id)
            known = None if path is None else (_relative_iri(path, self._store.root), MappedText(_read(path)))
            self._cache[source_id] = known
        return self._cache[source_id]

    def locate(self, source_id: str, quote: str) -> tuple[str, str, list[tuple[int, int]]] | None:
        known = self.text(source_id)
        if known is None:
            return None
        iri, text = known
        spans = text.locate(quote)
        return None if spans is None else (iri, text.raw, spans)


def _read(path: Path) -> str:
    # As the loader reads a source text: UTF-8, a byte-order mark dropped, line
    # ends kept as they are (offsets count every character of the file).
    try:
        return path.read_bytes().decode("utf-8").removeprefix("\ufeff")
    except (OSError, UnicodeDecodeError) as error:
        raise ClaimcmpError(f"{path.name}: cannot read the source text: {error}") from None


def _relative_iri(path: Path, root: Path) -> str:
    relative = Path(os.path.relpath(path, root)).as_posix()
    return "/".join(part.replace("%", "%25").replace(" ", "%20") for part in relative.split("/"))


def _urn(name: str) -> str:
    return "urn:uuid:" + str(uuid.uuid5(_NAMESPACE, name))


def render_annotations(store: Store) -> str:
    """The AnnotationCollection as indented JSON-LD."""
    return json.dumps(annotation_collection(store), ensure_ascii=False, indent=2) + "\n"
