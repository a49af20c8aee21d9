"""The source faces the generator embeds, found by an embedded font's name, and how much ink their glyphs cover.

ReportLab embeds subsets of the static faces generator.render.fonts makes (a static instance of a
variable font, or a face cut from the CJK collection), named after the face's PostScript name
(`AAAAAA+NotoSans-Bold`; a CJK cut adds its characters' digest, `NotoSansCJKjp-Regular-0b46d03b0b3355e6`).
The closed world (generator.verify.closed) has already proven each embedded glyph to be its source glyph.
The subsets carry no Unicode cmap, so the verifier never reads glyphs from them: it shapes text with
HarfBuzz in the source face and measures the outlines there, with fontTools' AreaPen.
"""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import HandoutError
from generator.render.fonts import FAMILIES, original_file
from generator.verify.closed.faces import source_face as embedded_face

if TYPE_CHECKING:
    import uharfbuzz
    from fontTools.ttLib import TTFont

_SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")
_CUT_DIGEST = re.compile(r"-[0-9a-f]{16}$")


class SourceFace:
    """One face as the generator embeds it: its glyphs' outlines and HarfBuzz's shaping of text in it."""

    def __init__(self, path: Path, index: int) -> None:
        self.path, self.index = path, index
        self._areas: dict[int, float] = {}

    @functools.cached_property
    def _font(self) -> TTFont:
        from fontTools.ttLib import TTFont

        return TTFont(io.BytesIO(self.path.read_bytes()), fontNumber=self.index, lazy=True)  # no file left open

    @functools.cached_property
    def _shaper(self) -> uharfbuzz.Font:
        import uharfbuzz

        return uharfbuzz.Font(uharfbuzz.Face(uharfbuzz.Blob.from_file_path(str(self.path)), self.index))

    def _glyph_area(self, glyph: int) -> float:
        """The filled area of one glyph's outline, in font units squared (cached)."""
        if glyph not in self._areas:
            from fontTools.pens.areaPen import AreaPen

            glyphs = self._font.getGlyphSet()
            pen = AreaPen(glyphs)
            glyphs[self._font.getGlyphName(glyph)].draw(pen)
            self._areas[glyph] = abs(pen.value)
        return self._areas[glyph]

    def ink(self, text: str) -> float:
        """The area the glyphs of `text`, shaped by HarfBuzz, cover at a size of 1 (in ems squared)."""
        import uharfbuzz

        buffer = uharfbuzz.Buffer()
        buffer.add_str(text)
        buffer.guess_segment_properties()
        uharfbuzz.shape(self._shaper, buffer)
        units = self._font["head"].unitsPerEm
        return sum(self._glyph_area(info.codepoint) for info in buffer.glyph_infos) / units**2


@functools.cache
def _postscript_name(path: Path, index: int) -> str:
    from fontTools.ttLib import TTFont

    with TTFont(str(path), fontNumber=index, lazy=True) as font:
        return str(font["name"].getDebugName(6) or "")


@functools.cache
def source_face(embedded: str) -> SourceFace | None:
    """The source face an embedded font (its BaseFont name) was made from; None when the generator embeds no such
    face. A static face is found as the closed world finds it (generator.verify.closed.faces); a face cut from
    the CJK collection is measured in the collection itself, whose glyphs it copies (which characters it was cut
    to is not needed)."""
    name = _SUBSET_TAG.sub("", embedded)
    cut = _CUT_DIGEST.sub("", name)
    if cut == name:
        found = embedded_face(name, "")
        return SourceFace(found.path, 0) if found else None
    for family, source in FAMILIES.items():
        if not source.subset:
            continue
        for bold in (False, True):
            try:
                original = original_file(family, bold)
            except HandoutError:  # not installed here: the generator cannot have embedded it either
                break
            if _postscript_name(original, source.index) == cut:
                return SourceFace(original, source.index)
    return None
