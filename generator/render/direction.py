"""How a language is set: its writing direction and how its lines break, from CLDR (Babel)."""

from __future__ import annotations

import functools
import re

from babel import Locale, UnknownLocaleError

CJK_LINE_BREAKS = frozenset({"zh", "ja"})
"""Languages written without spaces between words: lines break between characters, with the usual
prohibitions (no closing punctuation at a line start, no opening at a line end: generator.render.linefit).
Korean puts spaces between words and breaks there, keeping words whole, as Korean body text does."""

_NUMBER = r"\d+(?:[-/.:,]\d+)*(?:[ \u00a0][A-Za-z]+)*"
NUMBER_RUN = re.compile(rf"\({_NUMBER}\)|{_NUMBER}")
"""A number as it is written in Latin text: with its separators (1-800-222-1222, 1,500) and the Latin words after
it (750 mg), or all of that in brackets ((1,500 mg)). Right-to-left text keeps each such run left to right as
written (generator.render.rtl_lines in the PDF, generator.html.markup in the web page)."""


@functools.cache
def is_right_to_left(language: str) -> bool:
    """Whether `language` (a code such as ar, he or zh-Hans) is written right to left."""
    try:
        return bool(Locale.parse(language, sep="-").character_order == "right-to-left")
    except (UnknownLocaleError, ValueError):
        return False


def breaks_between_characters(language: str) -> bool:
    """Whether lines of `language` break between characters rather than at spaces."""
    return language.split("-", 1)[0] in CJK_LINE_BREAKS
