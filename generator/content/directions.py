"""Right-to-left content may not join its letters to left-to-right ones in one word.

A word such as 'وVMA' (Arabic 'and' written onto a Latin abbreviation, as Arabic often writes it) would
need two directions and two fonts in one shaped word, which the renderer refuses mid-build with no file
named; a translation is checked when it is loaded, so the refusal names the file and field instead.
"""

from __future__ import annotations

import re
import unicodedata

from generator.content.block import Block
from generator.errors import ContentError

_TAG = re.compile(r"<[^>]*>|\{\{[^}]*\}\}|\{%[^%]*%\}")
"""Markup and template syntax, which is not printed as written."""


def check_directions(block: Block, where: str) -> None:
    """Refuse a right-to-left block with a word that joins right-to-left and left-to-right letters."""
    fields = [("title", block.title), *((f"must_say[{i}]", s) for i, s in enumerate(block.must_say))]
    for part, items in (("body", block.body), ("short", block.short or [])):
        fields += [(f"{part}[{i}].{field}", text) for i, item in enumerate(items) for field, text in item.templates()]
    for field, text in fields:
        if any(_mixes(word) for word in _TAG.sub(" ", text).split()):
            raise ContentError(
                f"{where}: {field}: a word joins right-to-left and left-to-right letters with no space between; "
                "put a space between them"
            )


def _mixes(word: str) -> bool:
    kinds = {unicodedata.bidirectional(char) for char in word}
    return "L" in kinds and bool(kinds & {"R", "AL"})
