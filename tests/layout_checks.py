"""Reads text positions and sizes back from a PDF with pypdf's text visitor."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont


@dataclass(frozen=True)
class TextRun:
    """One piece of text as drawn: page, left x, baseline y, width and effective size in points."""

    page: int
    text: str
    x: float
    y: float
    width: float
    size: float
    font: str
    """The ReportLab name of the font the run is set in."""

    def missing_glyphs(self) -> set[str]:
        """Characters of the run that its font cannot draw (shown as boxes in print)."""
        glyphs = pdfmetrics.getFont(self.font).face.charToGlyph
        return {c for c in self.text if not c.isspace() and ord(c) not in glyphs}


def _font_names() -> dict[str, str]:
    """PDF base font names (without subset prefix) to ReportLab font names, for every TrueType font registered.

    Fallback fonts are registered when a leaflet needs them, so every font a PDF made in this
    process uses is among them.
    """
    names = {}
    for name in pdfmetrics.getRegisteredFontNames():
        font = pdfmetrics.getFont(name)
        if isinstance(font, TTFont):
            names[font.face.name.decode()] = name
    return names


def concat(matrix: list[float], ctm: list[float]) -> list[float]:
    """`matrix` (a, b, c, d, e, f) applied within `ctm`, as a content stream's `cm` concatenates them."""
    a, b, c, d, e, f = matrix
    return [
        a * ctm[0] + b * ctm[2],
        a * ctm[1] + b * ctm[3],
        c * ctm[0] + d * ctm[2],
        c * ctm[1] + d * ctm[3],
        e * ctm[0] + f * ctm[2] + ctm[4],
        e * ctm[1] + f * ctm[3] + ctm[5],
    ]


def text_runs(pdf: bytes) -> list[TextRun]:
    """Every non-blank text run of the PDF with its position and size."""
    fonts = _font_names()
    reader = PdfReader(io.BytesIO(pdf))
    runs: list[TextRun] = []
    for number, page in enumerate(reader.pages, start=1):

        def visit(
            text: str, cm: list[float], tm: list[float], font_dict: Any, font_size: float, number: int = number
        ) -> None:
            if not text.strip() or font_dict is None:
                return
            m = concat(tm, cm)
            scale = math.hypot(m[0], m[1])
            base = str(font_dict["/BaseFont"]).lstrip("/").split("+")[-1]
            size = font_size * scale
            width = stringWidth(text.strip(), fonts[base], size)
            runs.append(TextRun(number, text, m[4], m[5], width, size, fonts[base]))

        page.extract_text(visitor_text=visit)
    return runs
