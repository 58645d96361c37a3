"""Text for people: store text made safe to show (control characters become visible
escapes), and counted nouns. A leaf module: the terminal views and the Markdown
report both use it.

A store is data someone else may have written. Its text reaches terminals and
Markdown viewers, where an ESC sequence could clear the screen, retitle the
window or plant a live hyperlink (OSC 8), a carriage return could overwrite
what was printed before it, and a bidirectional override could make text read
differently from what it is. Every such character is shown as a backslash
escape (``\\x1b``, ``\\r``, ``\\u202e``) instead, so the reader sees that it is
there and nothing acts on it. Line breaks and tabs stay: quotes have them.
"""

from __future__ import annotations

import re

# C0 controls but tab and line feed, DEL, C1 controls (0x9b is a one-byte CSI on
# some terminals), the bidirectional embeddings, overrides and isolates, and the
# Unicode line and paragraph separators (some viewers break lines on them).
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_NAMED = {"\r": "\\r", "\x0b": "\\v", "\x0c": "\\f", "\x08": "\\b", "\x00": "\\0"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control character written as a visible escape."""
    if _INVISIBLE.search(text) is None:  # the common case: nothing to copy
        return text
    return _INVISIBLE.sub(_escape, text)


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 topic``, ``2 topics``."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def visible_line(text: str) -> str:
    """``visible``, and line breaks and tabs as spaces: for one-line places (ids, titles in headings)."""
    return " ".join(visible(text).split()) if ("\n" in text or "\t" in text) else visible(text)
