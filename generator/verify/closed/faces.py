"""The faces the generator embeds, found by the PostScript name a PDF's font gives, and their glyphs.

A leaflet's fonts are ReportLab subsets of static faces the generator makes (generator.render.fonts):
a family's static instance, or for CJK a face cut to a paragraph's characters and named after their
digest. The verifier compares every embedded glyph with the same glyph of that source face.
"""

from __future__ import annotations

import functools
import hashlib
import io
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

from fontTools.ttLib import TTFont
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont as ReportLabFont

from generator.errors import HandoutError
from generator.render.fontrun import PRINTABLE_ASCII
from generator.render.fonts import FAMILIES, common_family, register_face, subset_family

_CUT_NAME = re.compile(r".+-([0-9a-f]{16})")
"""A face cut to some characters (generator.render.fonts.subset_family) is named after their digest."""

OutlineKey = bytes | tuple[object, ...]
"""What a glyph draws: its glyf data (contours and instructions) or, for a composite, its points."""


class GlyphTable:
    """What each glyph of a TrueType font draws, comparable across fonts (a subset renumbers composite parts)."""

    def __init__(self, font: TTFont) -> None:
        self.font = font
        self.offsets = font["loca"]
        self.data = font.reader["glyf"]  # read once: the reader reads a table from the file on each access

    def key(self, gid: int) -> OutlineKey:
        """What glyph `gid` draws: its glyf data (contours and hinting), or the points of a composite."""
        start, end = self.offsets[gid], self.offsets[gid + 1]
        data = self.data[start:end]
        if len(data) >= 2 and data[0] & 0x80:  # numberOfContours < 0: a composite glyph
            glyf = self.font["glyf"]
            coordinates, ends, flags = glyf[self.font.getGlyphName(gid)].getCoordinates(glyf)
            return (tuple(coordinates), tuple(ends), bytes(flags))
        return data.rstrip(b"\0")  # a subset pads each glyph with zeros to four bytes


def is_empty(key: OutlineKey) -> bool:
    """Whether a glyph draws nothing (a space)."""
    if isinstance(key, tuple):
        return not key[0]
    return len(key) < 2 or int.from_bytes(key[:2], "big") == 0


@dataclass(eq=False)  # one object per face file: hashed by identity
class SourceFace:
    """A face the generator embeds: which glyph each character is, and what each glyph draws."""

    path: Path
    font: TTFont
    cmap: dict[int, str]
    units_per_em: int
    glyphs: GlyphTable
    _keys: dict[int, OutlineKey] = field(default_factory=dict)
    _widths: dict[int, float] = field(default_factory=dict)
    _glyphs: dict[str, int] = field(default_factory=dict)

    def glyph_of(self, char: int) -> int | None:
        """The glyph id the face draws for a character (None when it has none)."""
        name = self.cmap.get(char)
        if name is None:
            return None
        if not self._glyphs:
            self._glyphs.update((each, number) for number, each in enumerate(self.font.getGlyphOrder()))
        return self._glyphs[name]

    def key(self, gid: int) -> OutlineKey:
        """What glyph `gid` draws (cached: a face is compared with many leaflets)."""
        if gid not in self._keys:
            self._keys[gid] = self.glyphs.key(gid)
        return self._keys[gid]

    def width(self, gid: int) -> float:
        """The glyph's advance in thousandths of an em, as a PDF's /Widths gives it."""
        if gid not in self._widths:
            self._widths[gid] = self.font["hmtx"][self.font.getGlyphName(gid)][0] * 1000 / self.units_per_em
        return self._widths[gid]


@functools.cache
def _open(path: Path) -> SourceFace:
    font = TTFont(io.BytesIO(path.read_bytes()), lazy=True)  # in memory: kept for the process, no file left open
    return SourceFace(path, font, font.getBestCmap(), font["head"].unitsPerEm, GlyphTable(font))


def _registered() -> dict[str, Path]:
    """PostScript name -> file of every face ReportLab has registered in this process."""
    faces = {}
    for name in pdfmetrics.getRegisteredFontNames():
        font = pdfmetrics.getFont(name)
        if isinstance(font, ReportLabFont):
            faces[font.face.name.decode("latin-1")] = Path(font.face.filename)
    return faces


def source_face(postscript: str, chars: str) -> SourceFace | None:
    """The face the generator embeds under PostScript name `postscript` (`chars`: the characters a cut face
    was cut to); None when the generator embeds no face of that name."""
    path = _registered().get(postscript)
    if path is None:
        try:
            cut = _CUT_NAME.fullmatch(postscript)
            if cut:
                for family, source in FAMILIES.items():
                    if source.subset:
                        _register_cut(family, cut.group(1), chars)
            else:
                for family, source in FAMILIES.items():
                    if not source.subset:
                        register_face(family, False)
                        register_face(family, True)
        except HandoutError:
            return None  # a font this machine lacks (e.g. CJK not installed): not one the verifier can compare
        path = _registered().get(postscript)
    return _open(path) if path is not None else None


def _register_cut(family: str, digest: str, chars: str) -> None:
    """Register the faces of `family` that may be the one named with `digest`: those cut to everyday text (once
    per machine), then one cut to the characters the subset maps."""
    for bold in (False, True):
        common_family(family, bold)
    if _registered_digest(digest):
        return
    cut_to = _cut_chars(digest, chars)
    if cut_to is not None:
        subset_family(family, cut_to)


def _registered_digest(digest: str) -> bool:
    return any(name.endswith(f"-{digest}") for name in _registered())


def _cut_chars(digest: str, chars: str) -> str | None:
    """The characters a face named with `digest` was cut to, from those its subset maps: its characters beyond
    ASCII with every printable ASCII one (generator.render.fontrun.PRINTABLE_ASCII); for leaflets made before
    the generator cut those in, with up to two ASCII ones (a subset maps every ASCII code, drawn or not; a
    paragraph may set a space or a comma in the cut face). None if no such set has that digest."""
    others = {char for char in chars if not char.isascii()}
    candidates = itertools.chain(
        [others | PRINTABLE_ASCII],
        (others | set(extra) for count in range(3) for extra in itertools.combinations(sorted(PRINTABLE_ASCII), count)),
    )
    for candidate in candidates:
        text = "".join(sorted(candidate))
        if hashlib.sha256(text.encode("utf-8")).hexdigest()[:16] == digest:
            return text
    return None
