"""Static TrueType faces ReportLab can embed, made once from maintained font files and cached.

ReportLab embeds only static TrueType outlines, so a variable font (Noto Sans) is cut into
a static instance and a CFF-flavoured OpenType collection (Debian's Noto Sans CJK) is cut
to the characters a paragraph needs and converted to quadratic outlines, all with fontTools.
Every glyph that no character maps to (ligatures, conjuncts, contextual forms) is given a
private-use code point in glyph
order, so the codes ReportLab writes for shaped text never depend on which text a
process happened to shape first (same inputs, same bytes). Results are cached on disk,
written atomically, so only the first run pays for them.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import RenderError

if TYPE_CHECKING:
    from fontTools.ttLib import TTFont

CACHE_ENV = "HANDOUT_CACHE_DIR"
FONT_DIRS_ENV = "HANDOUT_FONT_DIRS"
SYSTEM_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")
"""Where installed system fonts (e.g. Debian's fonts-noto-cjk) are looked for, after $HANDOUT_FONT_DIRS."""
_PRIVATE_USE = range(0xE000, 0xF900)
_VERSION = "v4"
"""Bump when the way faces are made changes, so old cache entries are not used."""


def cache_dir() -> Path:
    """Where generated font faces are kept."""
    base = os.environ.get(CACHE_ENV) or os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "patient-handouts" / "fonts"


def package_file(package: str, filename: str) -> Path:
    """A font file shipped in a Python font package (fontpkg-*)."""
    return Path(str(importlib.resources.files(package) / "files" / filename))


def font_dirs() -> list[Path]:
    """The folders searched for system fonts, in order."""
    extra = [d for d in os.environ.get(FONT_DIRS_ENV, "").split(os.pathsep) if d]
    if extra:
        return [Path(d).expanduser() for d in extra]
    return [Path(d).expanduser() for d in SYSTEM_FONT_DIRS]


def system_file(filename: str) -> Path | None:
    """The first installed font file called `filename`, or None."""
    for folder in font_dirs():
        if folder.is_dir():
            found = sorted(folder.rglob(filename))
            if found:
                return found[0]
    return None


def static_face(original: Path, weight: int, index: int = 0) -> Path:
    """A cached static TrueType face of `original` at `weight` (face `index` of a collection)."""
    target = cache_dir() / f"{original.stem}-{index}-w{weight}-{original.stat().st_size}-{_VERSION}.ttf"
    if target.is_file():
        return target
    from fontTools.ttLib import TTFont

    font = TTFont(str(original), fontNumber=index)
    if "fvar" in font:
        from fontTools.varLib import instancer

        axes = {axis.axisTag for axis in font["fvar"].axes}
        location = {"wght": weight} | ({"wdth": 100} if "wdth" in axes else {})
        font = instancer.instantiateVariableFont(font, location, updateFontNames=True)
    if "CFF " in font:
        _to_truetype(font)
    _map_unmapped_glyphs(font)
    _save(font, target)
    return target


def subset_face(original: Path, index: int, chars: str) -> Path:
    """A cached static TrueType face holding only `chars`, cut from a very large font (CJK).

    Converting a whole CJK collection's 65,000 outlines takes minutes; cutting out the few
    characters a name needs takes well under a second. The face's PostScript name carries
    the characters' digest, so two subsets never pass for one another.
    """
    digest = hashlib.sha256("".join(sorted(set(chars))).encode("utf-8")).hexdigest()[:16]
    target = cache_dir() / f"{original.stem}-{index}-{digest}-{original.stat().st_size}-{_VERSION}.ttf"
    if target.is_file():
        return target
    from fontTools.ttLib import TTFont

    with TTFont(str(original), fontNumber=index) as font:
        _cut(font, chars, original, digest, target)
    return target


def _cut(font: TTFont, chars: str, original: Path, digest: str, target: Path) -> None:
    from fontTools import subset

    options = subset.Options()
    options.name_IDs, options.notdef_outline, options.recalc_bounds = ["*"], True, True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted({ord(char) for char in chars}))
    subsetter.subset(font)
    if "CFF " in font:
        _to_truetype(font)
    names = font["name"]
    postscript = str(names.getDebugName(6) or original.stem)
    names.setName(f"{postscript}-{digest}", 6, 3, 1, 0x409)
    _save(font, target)


def cmap_of(original: Path, index: int = 0) -> frozenset[int]:
    """The characters a font file maps, read without loading its outlines."""
    from fontTools.ttLib import TTFont

    with TTFont(str(original), fontNumber=index, lazy=True) as font:
        return frozenset(font.getBestCmap())


def _to_truetype(font: TTFont) -> None:
    """Replace CFF outlines with quadratic TrueType ones (what fontTools' otf2ttf does)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, glyphs
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs"):
        setattr(maxp, field, 0)
    for field in ("maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["post"].formatType = 3.0
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def _map_unmapped_glyphs(font: TTFont) -> None:
    """Give each glyph no character maps to a private-use code point, in glyph order.

    Skipped when they do not fit the private-use area (CJK: its names need no shaping).
    """
    from fontTools.ttLib.tables._c_m_a_p import CmapSubtable

    mapped = set(font.getBestCmap().values())
    unmapped = [name for name in font.getGlyphOrder()[1:] if name not in mapped]
    free = [code for code in _PRIVATE_USE if code not in font.getBestCmap()]
    if not unmapped or len(unmapped) > len(free):
        return
    extra = dict(zip(free, unmapped, strict=False))
    cmap = font["cmap"]
    tables = [t for t in cmap.tables if t.isUnicode() and t.format in (4, 12)]
    if not tables:
        table = CmapSubtable.newSubtable(4)
        table.platformID, table.platEncID, table.language, table.cmap = 3, 1, 0, {}
        cmap.tables.append(table)
        tables = [table]
    for table in tables:
        table.cmap.update(extra)


def _save(font: TTFont, target: Path) -> None:
    """Write the cut face atomically, keeping the original's timestamp: a face cut now and one cut a second
    later must be the same bytes, or two processes (or machines) would embed different fonts, and the same
    inputs would no longer give the same PDF."""
    font.recalcTimestamp = False
    temp = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        os.close(handle)
        font.save(temp)
        os.replace(temp, target)
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise RenderError(
            f"{target.parent}: cannot write the font cache ({reason}); set {CACHE_ENV} to a writable folder"
        ) from None
    finally:
        if temp and os.path.exists(temp):
            os.unlink(temp)
