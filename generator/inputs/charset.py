"""Which characters free text from users may hold: printable text on one line.

Refused, with the rule (never the value) as the message: control characters (C0, DEL, C1),
line and paragraph separators, bidirectional controls (embeddings, overrides, isolates and
marks: they could reorder what is printed; right-to-left names are ordered by the
generator itself), emoji and pictographs (no font in the leaflet prints them), and
invisible, private-use or unassigned characters, text with nothing to print (only marks or
joiners), and combining marks that follow no letter. Zero-width joiners and non-joiners stay:
Persian and Indic names need them.
"""

from __future__ import annotations

import re
import unicodedata

_RULES = (
    (re.compile(r"[\x00-\x1f\x7f-\x9f]"), "contains a control character"),
    (re.compile("[\u2028\u2029]"), "contains a line or paragraph separator (must be one line)"),
    (
        re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"),
        "contains a bidirectional control character (right-to-left text is ordered without them)",
    ),
    (
        re.compile("[\u2600-\u27bf\u2b00-\u2bff\ufe0f\U0001f000-\U0001fbff\U000e0000-\U000e007f]"),
        "contains an emoji or pictograph, which a leaflet cannot print (use letters only)",
    ),
)
_ALLOWED_FORMAT = frozenset("\u00ad\u200c\u200d")
"""Soft hyphen, zero-width non-joiner and joiner."""


def text_problem(value: str) -> str | None:
    """Why `value` cannot be printed as given (the rule, not the value), or None when it can."""
    for pattern, message in _RULES:
        if pattern.search(value):
            return message
    if value.isascii():
        return None
    for char in value:
        if unicodedata.category(char) in ("Cf", "Co", "Cn", "Cs") and char not in _ALLOWED_FORMAT:
            return "contains an invisible, private-use or unassigned character"
    if not any(unicodedata.category(char)[0] in "LNPS" for char in value):
        return "has no letter, digit or sign to print"
    for before, char in zip(" " + value, value, strict=False):
        if unicodedata.category(char)[0] == "M" and before.isspace():
            return "contains a combining mark that follows no letter (it would print on its own)"
    return None
