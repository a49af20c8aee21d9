"""No empty boxes: a code whose glyph is its face's missing-glyph box must not be drawn.

ReportLab draws a face's missing-glyph box, an empty rectangle, for a character the face has no glyph for: a
space or a quotation mark in a run set in a CJK face cut to the wrong characters printed as a box where the
reader expected it. The font proof finds the codes that draw the box (generator.verify.closed.fonts: code 0,
and the ASCII codes ReportLab's first subset reserves in a face without them); here the strings each such font
shows are read, and a box drawn is refused.

The page's content has already been matched whole against the statements the generator writes
(generator.verify.closed.content), so its text is found by one regular expression, not a content-stream parse
(a tenth of the time): font selections and literal strings, read left to right, so nothing inside a string is
taken for a selection.
"""

from __future__ import annotations

import re

from generator.verify.closed.fonts import DrawnFont

_TOKEN = re.compile(rb"\(((?:\\.|[^\\)])*)\)|/(\S+) [\d.]+ Tf", re.S)
"""A literal string's body (the generator shows text in no hex strings and escapes its parentheses), or the
resource name of a font selection."""
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.S)
_ESCAPED = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def drawn_boxes(stream: bytes, fonts: dict[str, DrawnFont]) -> list[str]:
    """The fonts (resource names) of `stream` (a page's content) that draw a missing-glyph box, once each."""
    boxed = {name.encode("latin-1").removeprefix(b"/"): font.boxes for name, font in fonts.items() if font.boxes}
    if not boxed:
        return []
    found: dict[str, None] = {}
    font, boxes = b"", frozenset[int]()
    for token in _TOKEN.finditer(stream):
        if token.group(2) is not None:
            font = token.group(2)
            boxes = boxed.get(font, frozenset())
        elif boxes and not boxes.isdisjoint(_codes(token.group(1))):
            found["/" + font.decode("latin-1")] = None
    return list(found)


def _codes(literal: bytes) -> bytes:
    """The bytes a literal string's body stands for (PDF escapes undone)."""
    return _ESCAPE.sub(lambda escape: _unescape(escape.group(1)), literal)


def _unescape(escaped: bytes) -> bytes:
    if escaped[:1].isdigit():
        return bytes([int(escaped, 8) & 0xFF])
    return _ESCAPED.get(escaped, escaped if escaped != b"\n" else b"")
