"""Paragraphs that never show a missing-glyph box, and paragraphs kept whole on one page."""

from __future__ import annotations

import itertools
import re

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Paragraph

from generator.fonts import FALLBACK_FAMILY, register_family
from generator.paracache import MemoWrap

_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def with_fallback(markup: str, font_name: str) -> str:
    """Set any character the style's font lacks (e.g. Vietnamese in Atkinson) in the fallback font.

    Only non-ASCII text can be missing, and markup tags and entities are ASCII, so
    wrapping non-ASCII runs never breaks the markup.
    """
    if markup.isascii():
        return markup
    glyphs = pdfmetrics.getFont(font_name).face.charToGlyph
    if all(ord(c) in glyphs for c in markup if not c.isascii()):
        return markup
    register_family(FALLBACK_FAMILY)

    def wrap(match: re.Match[str]) -> str:
        parts = []
        for missing, chars in itertools.groupby(match.group(0), key=lambda c: ord(c) not in glyphs):
            run = "".join(chars)
            parts.append(f'<font face="{FALLBACK_FAMILY}">{run}</font>' if missing else run)
        return "".join(parts)

    return _NON_ASCII.sub(wrap, markup)


class Text(MemoWrap, Paragraph):
    """A paragraph whose characters all exist in the fonts it is set in (parsed and wrapped once: paracache)."""

    def __init__(self, text: str, style: ParagraphStyle, **kwargs: object) -> None:
        markup = text if text is None else with_fallback(text, style.fontName)  # None: the rest of a split
        super().__init__(markup, style, **kwargs)  # type: ignore[arg-type]


class WholeParagraph(Text):
    """A paragraph that moves to the next page rather than split.

    Keeps every sentence (and so every required warning) on one page, so page
    furniture never lands in the middle of it.
    """

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        return []
