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

from collections.abc import Callable

from uniseg.linebreak import line_break_units

Cell = tuple[str, bool]
"""A character and whether it is bold."""


def break_units(paragraph: list[Cell]) -> list[list[Cell]]:
    """The paragraph cut at its UAX #14 line break opportunities."""
    units, start = [], 0
    for unit in line_break_units("".join(char for char, _ in paragraph)):
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
