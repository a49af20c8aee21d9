"""Paragraphs broken into lines here, before ReportLab sets them one line at a time.

ReportLab breaks lines at spaces, or, with its CJK word wrap, between any two characters with a
Japanese list of characters that may not start a line (it lacks the full-width comma, colon, semicolon,
exclamation and question marks Chinese uses, and never keeps an opening bracket off a line end). Two
kinds of paragraph are therefore broken here, at the line break opportunities of the Unicode line
breaking algorithm (UAX #14, with uniseg): at spaces and after a link's slashes, never inside a Latin word,
a number or a date, and in Chinese and Japanese between ideographs, never before closing punctuation
(full-width comma, full stop, colon, question mark, closing bracket) nor after opening punctuation:

- right to left (generator.render.rtl_lines): in reading order, before each line is put in visual order;
- Chinese and Japanese.

A line is as many break units as fit the width (a unit wider than the width gets a line alone); the
spaces a unit ends with take no room at the end of a line.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from uniseg.linebreak import line_break_units

Cell = tuple[str, bool]
"""A character and whether it is bold."""
_IDEOGRAPH = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
"""A CJK ideograph (the unified blocks and the compatibility block)."""


def cjk_units(text: str) -> list[str]:
    """`text` cut at its UAX #14 line break opportunities, except between a number and the ideograph after it: a
    date breaks only between its parts ("2026年" "11月" "24日"), never inside "11" nor before 月 (UAX #14 allows
    a break between a digit and an ideograph, and ReportLab then re-broke the wider unit inside the number)."""
    units: list[str] = []
    for unit in line_break_units(text):
        if units and units[-1][-1:].isdigit() and _IDEOGRAPH.match(unit):
            units[-1] += unit
        else:
            units.append(unit)
    return units


def break_units(paragraph: list[Cell]) -> list[list[Cell]]:
    """The paragraph cut where its lines may break (`cjk_units`: UAX #14's opportunities, a number kept with the
    ideograph after it)."""
    units, start = [], 0
    for unit in cjk_units("".join(char for char, _ in paragraph)):
        units.append(paragraph[start : start + len(unit)])
        start += len(unit)
    return units


def fit(
    units: list[list[Cell]], measure: Callable[[list[Cell]], float], space: float, width: float
) -> list[list[Cell]]:
    """The units in lines no wider than `width`: `measure` gives a unit's width without the spaces it ends with,
    each of which is `space` wide, and takes no room at the end of a line (no line ends with a space)."""
    lines: list[list[Cell]] = []
    current: list[Cell] = []
    used = 0.0
    for unit in units:
        body = _trimmed(unit)
        wide = measure(body) if body else 0.0
        if current and used + wide > width:
            lines.append(_trimmed(current))
            current, used = [], 0.0
        current += unit
        used += wide + space * (len(unit) - len(body))
    return [*lines, _trimmed(current)]


def _trimmed(line: list[Cell]) -> list[Cell]:
    end = len(line)
    while end and line[end - 1][0] == " ":
        end -= 1
    return line[:end]
