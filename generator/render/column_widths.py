"""Column widths for a small table of text (the dose schedule) that wraps no word and wastes no line.

Each column is first as wide as its longest word, so no word is ever broken; then the tallest rows are
made a line shorter, widening the columns that make them as tall as they are, where that saves a line
for the fewest points, while room is left (the lines a cell takes are worked out by wrapping its words,
as ReportLab does). What room is left widens every column alike.
"""

from __future__ import annotations

import functools
import html
import re

from reportlab.lib.styles import ParagraphStyle

from generator.render.fontrun import text_width
from generator.render.linefit import cjk_units
from generator.render.text import breaks_between_characters

CELL_PADDING = 6
"""ReportLab's padding on each side of a table cell."""

Cell = tuple[tuple[tuple[float, ...], ...], float]
"""A cell measured: the widths of the words of each of its lines, and the width of a space."""


def fitted_widths(
    rows: tuple[tuple[str, ...], ...], width: float, header: ParagraphStyle, body: ParagraphStyle
) -> list[float]:
    """Widths of the columns of `rows` (paragraph markup, header row first) across `width`."""
    pad = 2 * CELL_PADDING + body.fontSize * 0.2  # and room for the font's side bearings
    cells = tuple(
        tuple(_measure(cell, header if number == 0 else body) for cell in row) for number, row in enumerate(rows)
    )
    return list(_share(cells, width, pad))


def _measure(markup: str, style: ParagraphStyle) -> Cell:
    lines = [html.unescape(re.sub(r"<[^>]*>", "", line)) for line in re.split(r"<br\s*/?>", markup)]
    size = functools.partial(text_width, font_name=style.fontName, size=style.fontSize)
    if breaks_between_characters(style):  # Chinese: its break units (as the lines break), with no space between
        units = tuple(tuple(size(unit) for unit in cjk_units(line)) or (0.0,) for line in lines)
        return units, 0.0
    words = tuple(tuple(size(word) for word in line.split(" ") if word) or (0.0,) for line in lines)
    return words, size(" ")  # a no-break space joins a word to the next


def _lines(cell: Cell, room: float) -> int:
    """How many lines the cell takes in `room` points, wrapping between words."""
    words_of_lines, space = cell
    count = 0
    for words in words_of_lines:
        count += 1
        used = words[0]
        for word in words[1:]:
            if used + space + word > room:
                count, used = count + 1, word
            else:
                used += space + word
    return count


def _lines_width(cell: Cell) -> float:
    """The width of the cell's longest line, unwrapped."""
    words_of_lines, space = cell
    return max(sum(words) + space * (len(words) - 1) for words in words_of_lines)


@functools.lru_cache(maxsize=256)
def _share(cells: tuple[tuple[Cell, ...], ...], width: float, pad: float) -> tuple[float, ...]:
    columns = range(len(cells[0]))
    widths = [max(max(max(line) for line in cell[0]) for cell in column) + pad for column in zip(*cells, strict=True)]
    if sum(widths) >= width:  # too narrow even for the words: each by its share of what there is
        return tuple(width * need / sum(widths) for need in widths)
    natural = [max(_lines_width(cell) for cell in column) + pad for column in zip(*cells, strict=True)]
    if sum(natural) <= width:  # every line on one: the rest as wide as each column already is
        return tuple(each * width / sum(natural) for each in natural)

    def heights(chosen: list[float]) -> list[list[int]]:
        return [[_lines(row[column], chosen[column] - pad) for column in columns] for row in cells]

    while True:  # widen the columns that make the tallest rows, where a line is saved for the fewest points
        rows = heights(widths)
        options = []
        for target in sorted({max(row) for row in rows if max(row) > 1}, reverse=True):
            needed = list(widths)
            for row, cell_row in ((row, cells[number]) for number, row in enumerate(rows) if max(row) == target):
                for column in (column for column in columns if row[column] == target):
                    needed[column] = max(needed[column], _room_for(cell_row[column], target - 1, pad))
            cost = sum(needed) - sum(widths)
            saved = sum(map(max, rows)) - sum(map(max, heights(needed)))
            if 0 < cost <= width - sum(widths) and saved > 0:
                options.append((cost / saved, needed))
        if not options:
            break
        widths = min(options)[1]
    return tuple(each * width / sum(widths) for each in widths)


@functools.lru_cache(maxsize=1024)
def _room_for(cell: Cell, lines: int, pad: float) -> float:
    """The narrowest column in which the cell takes at most `lines` lines (to a fraction of a point)."""
    low, high = max(max(line) for line in cell[0]) + pad, _lines_width(cell) + pad
    if _lines(cell, high - pad) > lines:
        return high
    for _ in range(12):
        middle = (low + high) / 2
        low, high = (low, middle) if _lines(cell, middle - pad) <= lines else (middle, high)
    return high
