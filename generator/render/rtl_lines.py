"""Right-to-left paragraphs (a leaflet in Arabic or Hebrew) broken into lines and put in visual order.

ReportLab lays a paragraph's words out left to right and has no bidirectional algorithm of its own
(that needs rlbidi, which is not on PyPI). A right-to-left paragraph is therefore set here, then
handed to ReportLab one line at a time (the style right-aligns them):

- its words are broken into lines in reading order, first words on the first line, each word as
  wide as HarfBuzz shapes it in the font it is set in (ReportLab's own measure; generator.render.linefit);
- each line is put in visual order by the Unicode bidirectional algorithm: the embedding levels
  python-bidi resolves (its Rust implementation of UAX #9), then rule L2 (reverse each run at a
  level or above, from the highest level down to the lowest odd one). Latin drug names and
  numbers inside Arabic sentences so read left to right in their place; a number with its
  separators and the Latin words after it (a phone number, a date, "750 mg", "(1,500 mg)") is
  isolated left to right, as it is written in Latin text and on a pharmacy label, since UAX #9
  would otherwise set 1-800-222-1222 after Arabic letters as 1222-222-800-1 and "750 mg (1,500 mg)"
  as "mg (1,500 mg) 750".

Characters carry whether they are bold through the reordering, so `<b>` keeps its words.
"""

from __future__ import annotations

import re

from bidi import get_display

from generator.render.direction import NUMBER_RUN as _NUMBER_RUN
from generator.render.linefit import Cell
from generator.render.rtl import MIRROR

_LRI, _PDI = "\u2066", "\u2069"
_MARKS = frozenset("\u200e\u200f\u061c")
"""Left-to-right, right-to-left and Arabic letter marks: they steer the order, then print nothing (CLDR's Arabic
dates hold them)."""
_LEVEL = re.compile(r"Level\(\s*(\d+),?\s*\)")


def levels(text: str) -> list[int]:
    """The resolved embedding level of each character of `text`, in a right-to-left paragraph."""
    debug = get_display(text, base_dir="R", debug=True)  # python-bidi returns the levels, one per UTF-8 byte
    listed = debug.split("levels:", 1)[1].split("paragraphs:", 1)[0]
    per_byte = [int(level) for level in _LEVEL.findall(listed)]
    out, offset = [], 0
    for char in text:
        out.append(per_byte[offset])
        offset += len(char.encode("utf-8"))
    return out


def _isolated_levels(text: str) -> list[int]:
    """Levels with each number run isolated left to right (LRI ... PDI)."""
    marked, kept = [], []
    end = 0
    for match in _NUMBER_RUN.finditer(text):
        marked += [text[end : match.start()], _LRI, match.group(0), _PDI]
        kept += [True] * (match.start() - end) + [False] + [True] * len(match.group(0)) + [False]
        end = match.end()
    marked.append(text[end:])
    kept += [True] * (len(text) - end)
    return [level for level, keep in zip(levels("".join(marked)), kept, strict=True) if keep]


def reorder(line_levels: list[int]) -> list[int]:
    """Rule L2: the logical index of each character, in visual order (left to right)."""
    order = list(range(len(line_levels)))
    odd = [level for level in line_levels if level % 2]
    if not odd:
        return order
    for level in range(max(line_levels), min(odd) - 1, -1):
        start = None
        for position in range(len(order) + 1):
            inside = position < len(order) and line_levels[order[position]] >= level
            if inside and start is None:
                start = position
            elif not inside and start is not None:
                order[start:position] = order[start:position][::-1]
                start = None
    return order


def visual(line: list[Cell]) -> list[Cell]:
    """One line's characters in visual order (left to right), each keeping whether it is bold."""
    if not line:
        return line
    line_levels = _isolated_levels("".join(char for char, _ in line))
    return [
        (char.translate(MIRROR) if line_levels[index] % 2 else char, bold)  # rule L4: ( at a right-to-left level is )
        for index in reorder(line_levels)
        for char, bold in [line[index]]
        if char not in _MARKS
    ]
