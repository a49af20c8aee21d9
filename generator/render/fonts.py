"""Unicode TrueType fonts from maintained font packages, registered with ReportLab on first use.

A layout names one family for its text; characters that family lacks are set in a
fallback family chosen by script (see generator.render.text). Fallback families are registered
only when some text needs them, one weight at a time, so a leaflet in plain English never
loads an Arabic or CJK font.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from generator.errors import LayoutError, RenderError
from generator.render.fontfiles import FONT_DIRS_ENV, cmap_of, package_file, static_face, subset_face, system_file

FALLBACK_FAMILY = "noto-sans"
"""Sets characters a layout's font lacks; Noto Sans covers Latin (Vietnamese included), Greek and Cyrillic."""


@dataclass(frozen=True)
class FontSource:
    """Where a family's regular and bold faces come from."""

    regular: str
    bold: str
    package: str | None = None
    """The Python package (fontpkg-*) holding the files; None for a system font."""
    install: str = ""
    """For a system font: how to install it (named in the error when it is missing)."""
    index: int = 0
    """Face number inside a font collection (.ttc)."""
    subset: bool = False
    """Too big to convert whole (CJK): set in one face cut to the characters of everyday text
    (generator.render.cjk_common), or a paragraph with others in a face cut to the characters it sets."""


FAMILIES: dict[str, FontSource] = {
    "noto-sans": FontSource("NotoSans[wdth,wght].ttf", "NotoSans[wdth,wght].ttf", "fontpkg_noto_sans"),
    "atkinson-hyperlegible": FontSource(
        "AtkinsonHyperlegible-Regular.ttf", "AtkinsonHyperlegible-Bold.ttf", "fontpkg_atkinson_hyperlegible"
    ),
    "ibm-plex-sans-arabic": FontSource(
        "IBMPlexSansArabic-Regular.ttf", "IBMPlexSansArabic-Bold.ttf", "fontpkg_ibm_plex_sans_arabic"
    ),
    "heebo": FontSource("Heebo[wght].ttf", "Heebo[wght].ttf", "fontpkg_heebo"),
    "noto-sans-devanagari": FontSource(
        "NotoSansDevanagari[wdth,wght].ttf", "NotoSansDevanagari[wdth,wght].ttf", "fontpkg_noto_sans_devanagari"
    ),
    "noto-sans-thai": FontSource(
        "NotoSansThai[wdth,wght].ttf", "NotoSansThai[wdth,wght].ttf", "fontpkg_noto_sans_thai"
    ),
    "noto-sans-cjk": FontSource(
        "NotoSansCJK-Regular.ttc",
        "NotoSansCJK-Bold.ttc",
        install=f"the Debian package fonts-noto-cjk, or set {FONT_DIRS_ENV} to the folder holding it",
        subset=True,
    ),
}

SCRIPT_FAMILIES: dict[str, str] = {
    "Latn": "noto-sans",
    "Grek": "noto-sans",
    "Cyrl": "noto-sans",
    "Arab": "ibm-plex-sans-arabic",
    "Hebr": "heebo",
    "Deva": "noto-sans-devanagari",
    "Thai": "noto-sans-thai",
    "Hani": "noto-sans-cjk",
    "Hira": "noto-sans-cjk",
    "Kana": "noto-sans-cjk",
    "Hang": "noto-sans-cjk",
    "Bopo": "noto-sans-cjk",
}
"""The fallback family for each script (ISO 15924 code) a name may be written in."""


@dataclass(frozen=True)
class FontNames:
    """ReportLab names of a registered family."""

    regular: str
    bold: str


def face_name(family: str, bold: bool) -> str:
    """The ReportLab name of one face of `family`."""
    return f"{family}-bold" if bold else family


@functools.cache  # a system font is found by walking the font folders: once per face
def original_file(family: str, bold: bool) -> Path:
    """The installed font file of one face of `family`, or an error saying how to install it."""
    source = FAMILIES.get(family)
    if source is None:
        raise LayoutError(f"font.family: unknown font '{family}' (known: {', '.join(sorted(FAMILIES))})")
    filename = source.bold if bold else source.regular
    if source.package:
        return package_file(source.package, filename)
    found = system_file(filename)
    if found is None:
        raise RenderError(f"the font file {filename} is not installed; install {source.install}")
    return found


@functools.cache
def register_face(family: str, bold: bool) -> TTFont:
    """Register one face of `family` with ReportLab (once per process); <b> then picks the bold face."""
    source = FAMILIES[family]
    face = static_face(original_file(family, bold), 700 if bold else 400, source.index)
    return _register(family, bold, face)


def _register(family: str, bold: bool, face: Path) -> TTFont:
    font = TTFont(face_name(family, bold), str(face))
    registered = set(pdfmetrics.getRegisteredFontNames())
    pdfmetrics.registerFont(font)  # which maps bold and regular of a family named like the font to this face
    for weight in (False, True):  # so each weight registered so far is mapped to its own face again
        if weight == bold or face_name(family, weight) in registered:
            for italic in (0, 1):
                addMapping(family, int(weight), italic, face_name(family, weight))
    return font


def is_subset_family(family: str) -> bool:
    """Whether `family` is set from faces cut to each paragraph's characters (see FontSource.subset)."""
    source = FAMILIES.get(family)
    return source is not None and source.subset


@functools.cache
def coverage(family: str, bold: bool) -> frozenset[int] | dict[int, int]:
    """The characters one face of `family` can print."""
    if is_subset_family(family):
        return cmap_of(original_file(family, bold), FAMILIES[family].index)
    return register_face(family, bold).face.charToGlyph


@functools.cache
def subset_family(family: str, chars: str) -> str:
    """A family registered for just `chars` (both weights), cut from the big `family`; its name."""
    digest = hashlib.sha256("".join(sorted(set(chars))).encode("utf-8")).hexdigest()[:16]
    name = f"{family}-{digest}"
    for bold in (False, True):
        _register(name, bold, subset_face(original_file(family, bold), FAMILIES[family].index, chars))
    return name


@functools.cache
def common_family(family: str, bold: bool) -> str:
    """The face of `family` cut to everyday CJK text (generator.render.cjk_common), registered in the weight
    asked for (each weight is cut once per machine, on first use); the family name it is registered under."""
    from generator.render.cjk_common import common_characters

    name = f"{family}-common"
    chars = "".join(sorted(common_characters()))
    _register(name, bold, subset_face(original_file(family, bold), FAMILIES[family].index, chars))
    return name


def register_family(family: str) -> FontNames:
    """Register both faces of `family` (a layout's own font)."""
    register_face(family, False)
    register_face(family, True)
    return FontNames(regular=face_name(family, False), bold=face_name(family, True))
