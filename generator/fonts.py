"""Unicode TrueType fonts from maintained font packages, registered with ReportLab once.

Variable fonts (Noto Sans) are cut into static regular and bold instances with
fontTools, because ReportLab embeds only static TrueType outlines. The instances are
cached on disk (written atomically) so only the first run pays for them.
"""

from __future__ import annotations

import functools
import importlib.resources
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from generator.errors import LayoutError, RenderError

CACHE_ENV = "HANDOUT_CACHE_DIR"
FALLBACK_FAMILY = "noto-sans"
"""Sets characters a layout's font lacks; Noto Sans covers Latin (Vietnamese included), Greek and Cyrillic."""


@dataclass(frozen=True)
class FontSource:
    """Where a family's regular and bold faces come from."""

    package: str
    regular: str
    bold: str
    variable: bool = False


FAMILIES: dict[str, FontSource] = {
    "noto-sans": FontSource("fontpkg_noto_sans", "NotoSans[wdth,wght].ttf", "NotoSans[wdth,wght].ttf", variable=True),
    "atkinson-hyperlegible": FontSource(
        "fontpkg_atkinson_hyperlegible", "AtkinsonHyperlegible-Regular.ttf", "AtkinsonHyperlegible-Bold.ttf"
    ),
}


@dataclass(frozen=True)
class FontNames:
    """ReportLab names of a registered family."""

    regular: str
    bold: str


def cache_dir() -> Path:
    """Where generated font instances are kept."""
    base = os.environ.get(CACHE_ENV) or os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "patient-handouts" / "fonts"


def _package_file(source: FontSource, filename: str) -> Path:
    return Path(str(importlib.resources.files(source.package) / "files" / filename))


def _static_instance(source: FontSource, filename: str, weight: int) -> Path:
    original = _package_file(source, filename)
    target = cache_dir() / f"{original.stem}-w{weight}-{original.stat().st_size}-v2.ttf"
    if target.is_file():
        return target
    from fontTools.ttLib import TTFont as FontToolsFont  # only when the cache is cold: ~0.3 s to import
    from fontTools.varLib import instancer

    font = instancer.instantiateVariableFont(
        FontToolsFont(original), {"wght": weight, "wdth": 100}, updateFontNames=True
    )
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
    return target


def _face(source: FontSource, filename: str, weight: int) -> Path:
    return _static_instance(source, filename, weight) if source.variable else _package_file(source, filename)


@functools.cache
def register_family(family: str) -> FontNames:
    """Register `family` with ReportLab (once per process) so <b> picks the bold face."""
    source = FAMILIES.get(family)
    if source is None:
        raise LayoutError(f"font.family: unknown font '{family}' (known: {', '.join(sorted(FAMILIES))})")
    names = FontNames(regular=family, bold=f"{family}-bold")
    pdfmetrics.registerFont(TTFont(names.regular, str(_face(source, source.regular, 400))))
    pdfmetrics.registerFont(TTFont(names.bold, str(_face(source, source.bold, 700))))
    addMapping(family, 0, 0, names.regular)
    addMapping(family, 1, 0, names.bold)
    addMapping(family, 0, 1, names.regular)
    addMapping(family, 1, 1, names.bold)
    return names
