"""The one way hashtags are compared: NFKC, then case folding (Unicode's
NFKC_Casefold, as identifiers are compared). `#Café`, `#CAFÉ` and `#cafe\u0301`
(an e and a combining accent) are one tag; so are `#Ǆtag` and `#ǆtag`, `#STRASSE`
and `#straße`, full-width `#ＣＡＦＥ` and `#cafe`. Python's lower() and SQLite's
LOWER() agree with none of these beyond ASCII.

Every lookup, uniqueness check, link and stream name uses tag_key; the text as
typed is kept for display.
"""

import unicodedata


def tag_key(name: str) -> str:
    """The comparison key of a hashtag, with or without its '#'."""
    text = unicodedata.normalize("NFKC", (name or "").strip().lstrip("#"))
    return unicodedata.normalize("NFKC", text.casefold())
