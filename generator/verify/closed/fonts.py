"""Each embedded font must be a subset of a face the generator embeds, and say truly what it draws.

For every character code of a font: the glyph it draws must be the source face's glyph of the
character its ToUnicode entry names (same outline, same advance in /Widths), or draw nothing when it
names none. Then the text PDFium reads from the font is exactly what its glyphs show: a copy whose
ToUnicode maps "4" to "1", or whose outlines were emptied or swapped, is refused.
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass

import pikepdf
from fontTools.ttLib import TTFont, TTLibError

from generator.verify.closed.faces import GlyphTable, SourceFace, is_empty, source_face

_SUBSET_NAME = re.compile(r"[A-Z]{6}\+(.+)")
_TO_UNICODE = re.compile(
    r"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n"
    r"<< /Registry \((?P<name>[^()\\]+)\)\n/Ordering \((?P=name)\)\n/Supplement 0\n>> def\n"
    r"/CMapName /(?P=name) def\n/CMapType 2 def\n1 begincodespacerange\n<00> <[0-9A-F]{2}>\nendcodespacerange\n"
    r"(?P<entries>(?:\d+ beginbfchar\n(?:<[0-9A-F]{2}> <[0-9A-F]{4,8}>\n)+endbfchar\n)+)"
    r"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n?"
)
"""The ToUnicode CMap ReportLab writes: one code to one character, nothing else (no ranges, no usecmap)."""
_ENTRY = re.compile(r"<([0-9A-F]{2})> <([0-9A-F]{4,8})>")
_WIDTH_SLACK = 1.0
"""Thousandths of an em a /Widths entry may differ from the face's advance (ReportLab rounds)."""


@dataclass(frozen=True)
class DrawnFont:
    """An embedded font proven against its source face: the character each code's glyph is."""

    face: SourceFace
    chars: dict[int, str]
    boxes: frozenset[int] = frozenset()
    """Codes that draw the face's missing-glyph box: code 0, which ReportLab gives a character the face lacks (an
    empty box where a letter, a space or a quotation mark belongs), and the codes for ASCII characters its first
    subset reserves whether or not the page draws them (a CJK face cut to everyday text has none of them). So the
    content check refuses a box only where the page draws it (generator.verify.closed.boxes)."""


def prove_font(font: pikepdf.Dictionary) -> DrawnFont | str:
    """The font proven, or why it is not one the generator embeds (no text the page shows)."""
    if font.get("/Subtype") != "/TrueType" or "/Encoding" in font or "/ToUnicode" not in font:
        return f"a {str(font.get('/Subtype', 'untyped'))[1:]} font that is not a TrueType subset the generator embeds"
    descriptor = font.get("/FontDescriptor")
    if descriptor is None or "/FontFile2" not in descriptor or {"/FontFile", "/FontFile3"} & set(descriptor.keys()):
        return "a font without its TrueType outlines embedded"
    try:
        first, widths = int(font.FirstChar), font.Widths.unparse()  # one call; the numbers are read on a miss
        font_file, to_unicode = descriptor.FontFile2.read_bytes(), font.ToUnicode.read_bytes()
        return _prove(str(font.BaseFont), first, widths, font_file, to_unicode)
    except (AttributeError, TypeError, ValueError, pikepdf.PdfError):
        return "a font whose dictionary is not one the generator writes"


@functools.lru_cache(maxsize=512)
def _prove(base_font: str, first: int, written_widths: bytes, font_file: bytes, to_unicode: bytes) -> DrawnFont | str:
    """Cached by the font's bytes: the leaflets of a batch share many of their fonts' subsets."""
    name = _SUBSET_NAME.fullmatch(base_font.removeprefix("/"))
    cmap = _TO_UNICODE.fullmatch(to_unicode.decode("latin-1"))
    if name is None or cmap is None:
        return "a font whose name or ToUnicode map is not one the generator writes"
    chars = {int(code, 16): bytes.fromhex(text).decode("utf-16-be") for code, text in _ENTRY.findall(cmap["entries"])}
    chars = {code: char for code, char in chars.items() if char != "\0"}
    face = source_face(name.group(1), "".join(chars.values()))
    if face is None:
        return f"a font ({name.group(1)}) that is not a face the generator embeds"
    try:
        widths = [float(width) for width in written_widths.strip(b"[] \n").split()]
        embedded = TTFont(io.BytesIO(font_file), lazy=True)
        codes = embedded["cmap"].getcmap(1, 0).cmap
        order = {glyph: number for number, glyph in enumerate(embedded.getGlyphOrder())}
        glyphs = GlyphTable(embedded)
        boxes = set()
        for index, width in enumerate(widths):
            code = first + index
            drawn = glyphs.key(order[codes.get(code, ".notdef")])
            problem = _code_problem(face, chars.get(code), drawn, width)
            if problem == _BOX:
                boxes.add(code)
            elif problem:
                return f"a font ({name.group(1)}) whose code {code} {problem}"
    except (KeyError, IndexError, AttributeError, TTLibError, ValueError, TypeError):
        return f"a font ({name.group(1)}) whose embedded outlines cannot be read"
    return DrawnFont(face, chars, frozenset(boxes))


_BOX = "draws an empty box for a character its face lacks"


def _code_problem(face: SourceFace, char: str | None, drawn: object, width: float) -> str:
    """Why one code is not the glyph its ToUnicode entry names (empty when it is)."""
    gid = face.glyph_of(ord(char)) if char is not None and len(char) == 1 else None
    if gid is None:  # no character, or one the face lacks: ReportLab draws the face's missing-glyph box, or nothing
        if is_empty(drawn):  # type: ignore[arg-type]
            return ""
        if drawn != face.key(0):
            return "draws a glyph its text layer does not name"
        return _BOX  # the missing-glyph box: allowed in the font (ReportLab's code 0, the ASCII codes its first
        # subset reserves), refused where the page draws it (generator.verify.closed.boxes)
    if face.key(gid) != drawn:
        return "draws a glyph that is not the character its text layer names"
    if abs(face.width(gid) - width) > _WIDTH_SLACK:
        return "is given a width that is not its glyph's"
    return ""
