"""The characters of everyday Chinese and Korean text, for one cut of the CJK face shared by every paragraph.

Noto Sans CJK holds 65,000 glyphs: too many to convert whole, and cutting a face for each paragraph
costs about 2 s each (the collection is opened and parsed each time), so a whole Chinese leaflet would
take minutes and embed a font per paragraph. Instead one face is cut, once per machine (cached), to
the characters of the national standard sets everyday text is written in: GB 2312 (the 6,763 Han
characters of Simplified Chinese, levels 1 and 2) and KS X 1001 (its 2,350 precomposed Hangul
syllables), with kana, CJK punctuation and full-width forms. A paragraph with a character outside them
(a rare name) still gets a face cut for it alone.
"""

from __future__ import annotations

import functools


def _decoded(codec: str, rows: range) -> list[str]:
    """Every character of the double-byte rows `rows` (cells A1 to FE) of an EUC code."""
    found = []
    for row in rows:
        for cell in range(0xA1, 0xFF):
            try:
                found.append(bytes([row, cell]).decode(codec))
            except UnicodeDecodeError:
                continue
    return found


@functools.cache
def common_characters() -> frozenset[str]:
    """GB 2312 Han characters, KS X 1001 Hangul syllables, kana, CJK punctuation, full-width forms, and ASCII and
    the no-break space (for Latin words set in the CJK face)."""
    han = _decoded("gb2312", range(0xB0, 0xF8))
    hangul = _decoded("euc_kr", range(0xB0, 0xC9))
    ranges = (range(0x20, 0x7F), range(0xA0, 0xA1), range(0x3000, 0x3100), range(0xFF01, 0xFF5F))
    return frozenset(han + hangul + [chr(code) for block in ranges for code in block])
