"""Text typed by people (names, descriptions, search terms): what may be stored and how it is compared."""

from __future__ import annotations

import unicodedata

# Characters a name or description may not carry: controls, invisible format characters (zero-width, direction
# overrides that make "ofni" read "info"), line and paragraph separators, private-use and surrogates.
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs"})


def has_hidden(value: str) -> bool:
    return any(unicodedata.category(c) in HIDDEN_CATEGORIES for c in value)


def visible_text(value: str | None, limit: int) -> str | None:
    """`value` with its whitespace collapsed, in Unicode NFC; None when empty, longer than `limit` or
    carrying hidden characters."""
    text = " ".join(unicodedata.normalize("NFC", value or "").split())
    return text if text and len(text) <= limit and not has_hidden(text) else None


def search_key(value: str) -> str:
    """How a search compares text: case and accents ignored ("Farmácia" matches "FARMACIA")."""
    return "".join(c for c in unicodedata.normalize("NFKD", value.casefold()) if not unicodedata.combining(c))
