"""Source texts and quotes: every quote is in its source's text, word for word.

Codes:

- `no-source-file` (warning): a source with no `file`: its quotes cannot be checked.
- `missing-source-file` (error): a source's `file` does not exist (paths are
  relative to the YAML file).
- `not-regular-file` (error): a source's `file` is a folder or a device, not a file.
- `bad-source-path` (error): a source's `file` cannot be used as a path at all
  (too long, a NUL, a loop of links).
- `outside-root` (error): a source's `file` lies outside the store's root.
- `hidden-source-file` (error): a source's `file` is, or lies in, a hidden file
  or folder below the root (`.ssh/`, `.env`), as written or where a link leads;
  refused before its existence is looked at.
- `not-a-text-file` (error): a source's `file` does not end in `.txt` or `.md`
  (as written or where a link leads), or is a file of the store itself.
- `quote-not-found` (error): a quote is not in its source's text; the message
  shows the closest passage.

Unlike the other rules, this one is not run from the registry on the merged
store: finding quotes is the costly part of a check, so ``loading`` anchors them
file by file and keeps each file's outcome in the cache (see
docs/performance.md). This module holds what that anchoring reports: which
texts are refused, and how a missing quote is worded. A store someone sends you
must not make claimcmp read or print your other files, hence the refusals.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..models import Store
from ..quotes import SourceText

TEXT_SUFFIXES = (".txt", ".md")


def no_source_file(source_id: str) -> str:
    """Why a source without a ``file`` is worth a warning."""
    return (
        f"source {source_id!r} has no 'file', so its quotes cannot be checked; "
        "add the path of a plain-text copy"
    )


def hidden_part(path: Path, real: Path, root: Path) -> str | None:
    """Why a source's text path may not even be looked at, or None.

    Besides staying inside the root, a text is never a hidden file or in a
    hidden folder (``.ssh/``, ``.env``, ``.git/``). Both the path as written
    (links not followed) and where it leads count. Checked before existence,
    so a store cannot even probe which hidden files exist.
    """
    for candidate in (Path(os.path.normpath(path)), real):
        try:
            below = candidate.relative_to(root).parts
        except ValueError:
            continue
        hidden = [part for part in below if part.startswith(".")]
        if hidden:
            return (
                f"is in a hidden file or folder ({hidden[0]!r}); refused: a source text may not be "
                "a hidden file or lie in a hidden folder"
            )
    return None


def refused_text_file(
    path: Path, real: Path, store: Store, real_files: frozenset[str] | None = None
) -> str | None:
    """Why an existing regular file may not be read as a source text, or None:
    only ``.txt`` and ``.md`` files (as named and where a link leads), and
    never one of the store's own YAML files (``real_files``: where they lead,
    if the caller has found it already)."""
    if real.suffix.lower() not in TEXT_SUFFIXES or path.suffix.lower() not in TEXT_SUFFIXES:
        return "is not a .txt or .md file; refused: a source text must be a plain-text .txt or .md file"
    if real_files is None:
        real_files = frozenset(os.path.realpath(store_file) for store_file in store.files)
    if str(real) in real_files:
        return "is a file of the store itself; refused: name the source's own plain-text copy"
    return None


def missing_quote(quote: str, source_id: str, shown: Path | str, text: SourceText) -> str:
    """A quote not found in its source's text, with the closest passage if
    one is at least half similar (a typo, a changed word, curly quotes)."""
    message = f"quote not found in source {source_id!r} ({shown})"
    passage = text.closest(quote)
    if passage is not None and passage.similarity >= 50:
        excerpt = passage.text if len(passage.text) <= 240 else passage.text[:237] + "..."
        message += f'; closest passage, line {passage.line} ({passage.similarity:.0f}% similar): "{excerpt}"'
    return message
