"""No empty boxes: a code whose character its face lacks (the missing-glyph box) must not be drawn.

ReportLab draws a face's missing-glyph box, an empty rectangle, for a character the face has no glyph for: a
space or a quotation mark in a run set in a CJK face cut to everyday text prints as a box where the reader
expects it. The font proof finds those codes (generator.verify.closed.fonts); here each text object that shows
text in such a font is read, and a box drawn is refused.
"""

from __future__ import annotations

import pikepdf

from generator.verify.closed.fonts import DrawnFont

_PARSER = pikepdf.new()


def drawn_boxes(stream: bytes, fonts: dict[str, DrawnFont]) -> list[str]:
    """The fonts (resource names) of `stream` (a page's content) that draw a missing-glyph box, once each."""
    if not any(font.boxes for font in fonts.values()):
        return []
    found: dict[str, None] = {}
    font: DrawnFont | None = None
    name = ""
    for operands, operator in pikepdf.parse_content_stream(pikepdf.Stream(_PARSER, stream)):
        if str(operator) == "Tf":
            name = str(operands[0])
            font = fonts.get(name)
        elif str(operator) in ("Tj", "TJ") and font is not None and font.boxes:
            strings = operands[0] if str(operator) == "TJ" else [operands[0]]
            codes = {code for string in strings if isinstance(string, pikepdf.String) for code in bytes(string)}
            if codes & font.boxes:
                found[name] = None
    return list(found)
