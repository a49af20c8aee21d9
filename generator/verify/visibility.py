"""When a run of text counts as seen: on the page, big enough, filled, not hidden, with enough contrast."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from fontTools import unicodedata as ucd

from generator.verify.reader import RGB, Page, Run

SHAPED_SCRIPTS = frozenset({"Arab", "Hebr", "Deva", "Thai"})
"""Scripts whose printed glyphs do not map one to one to letters."""
MIN_CONTRAST = 4.5
"""WCAG 2.1 AA contrast for body text."""
MARGIN_SLACK = 6.0
"""Points a glyph may reach into the margin (descenders of the footer line)."""
MIN_ADVANCE = 0.2
"""Least width per character, in ems: narrower text is squeezed past reading."""
SQUEEZE_LETTERS = 4
"""Runs this long or longer are checked for squeezing (a single narrow glyph such as 'i' is not)."""


@dataclass(frozen=True)
class VisibilityRules:
    """What the layout promises: its margins and the smallest text size."""

    min_size: float
    margins: tuple[float, float, float, float]
    """Top, right, bottom, left, in points."""


def _luminance(color: RGB) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in color)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


@functools.lru_cache(maxsize=1024)
def contrast(one: RGB, other: RGB) -> float:
    """The WCAG contrast ratio of two colours, 1 to 21."""
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _said_for_glyphs(text: str) -> bool:
    """Whether the text is in a script printed as shaped glyphs, read back from ActualText: its
    letter count says nothing about the width the glyphs take (one conjunct glyph for several letters)."""
    return any(ucd.script(char) in SHAPED_SCRIPTS for char in text if not char.isascii())


def problems(run: Run, page: Page, rules: VisibilityRules) -> list[str]:
    """Why a patient could not read `run` on `page` (empty when they can)."""
    found = []
    if run.render_mode != 0:
        found.append(f"text render mode {run.render_mode}, not filled")
    if not run.upright:
        found.append("rotated, skewed, mirrored or squashed")
    if run.size < rules.min_size - 0.01:
        found.append(f"{run.size:.1f} pt, below the {rules.min_size:g} pt minimum")
    top, right, bottom, left = (m - MARGIN_SLACK for m in rules.margins)
    x0, y0, x1, y1 = run.box
    if x0 < left or y0 < bottom or x1 > page.width - right or y1 > page.height - top:
        found.append("outside the page margins")
    letters = len(run.text) - sum(map(str.isspace, run.text))
    if letters >= SQUEEZE_LETTERS and (x1 - x0) < MIN_ADVANCE * run.size * letters and not _said_for_glyphs(run.text):
        found.append("squeezed too narrow to read")
    if run.fill[3] != 255:
        found.append("not opaque")
    if run.background is None:
        found.append("over an image or pattern")
    elif contrast(run.fill[:3], run.background) < MIN_CONTRAST:
        found.append(f"contrast {contrast(run.fill[:3], run.background):.1f}:1 against its background")
    if run.covered:
        found.append("covered by something drawn over it")
    return found
