"""Comparing text as a patient reads it: line breaks, spacing and quote styles do not count."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


def normalise(text: str) -> str:
    """Text with spacing, soft hyphens and quote styles taken out; wording kept.

    The leaflets are never hyphenated automatically, so a hyphen at the end of a line is
    part of the word and stays.
    """
    if text.isascii():  # nothing to normalise or translate: just the spacing (most runs, quicker)
        return "".join(text.split())
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).replace("\u00ad", "")
    return _SPACE.sub("", text)


def missing_sentences(pages: list[str], sentences: list[str]) -> list[str]:
    """The sentences not found in the pages' text."""
    haystack = normalise("\n".join(pages))
    return [s for s in sentences if normalise(s) not in haystack]
