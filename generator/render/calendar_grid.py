"""A long course's dose calendar as a month grid: a week a row under the days of the week, each day's square giving
its date, how much each time and a box to tick per dose (the weeks: generator.prescription.printed.calendar_weeks).

The verifier reads each day back as its date then its amount, as it does a row of the list calendar: a square
draws them in that order, and the structure tree gives each square a cell (TD) holding both and its boxes.
"""

from __future__ import annotations

import math

from reportlab.platypus import Flowable, Table

from generator.content.templating import escape_text
from generator.personalise import Calendar
from generator.prescription.printed import CalendarRow
from generator.render.flowables import grid
from generator.render.styles import Styles
from generator.render.text import Text, WholeParagraph
from generator.render.tick_boxes import TickBoxes, box_size, table_style
from generator.tagging import Figure, Tagged, contain, tag_table

CELL_PADDING = 6
"""ReportLab's padding on each side of a table cell (the grid keeps the default)."""


def grid_table(calendar: Calendar, width: float, styles: Styles) -> Table:
    """The weeks under the days of the week; a day that starts a new step of the schedule is boxed in heavy rule."""
    inner = width / len(calendar.header) - 2 * CELL_PADDING
    header: list[Tagged] = [Text(str(escape_text(name)), styles.cell_header) for name in calendar.header]
    logical: list[list[Tagged]] = [header]
    cells: list[list[Flowable | list[Flowable]]] = [list(header)]
    squares: list[list[Tagged]] = []
    commands = [*table_style(styles), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    for number, week in enumerate(calendar.weeks, start=1):
        logical.append([])
        cells.append([])
        for column, day in enumerate(week):
            if day is None:  # before the first day or after the last: an empty cell
                empty = Text("", styles.cell)
                logical[-1].append(empty)
                cells[-1].append(empty)
                continue
            parts = _square(calendar, day, inner, styles)
            squares.append(parts)
            logical[-1].append(parts[0])
            cells[-1].append(list(parts))
            if day.new_step and day is not calendar.rows[0]:
                commands.append(("BOX", (column, number), (column, number), 2.4, styles.palette.text))
    tag_table(logical, header_rows=1)
    for parts in squares:  # the cell (TD) holds the date and the amount, each a P, then the boxes, a Figure
        cell = parts[0].structure
        assert cell is not None
        for part in parts:
            own = part.structure
            part.structure = cell.add("Figure", alt=own.alt) if isinstance(part, Figure) and own else cell.add("P")
    drawn = [part for row in cells for cell in row for part in (cell if isinstance(cell, list) else [cell])]
    widths = [width / len(calendar.header)] * len(calendar.header)
    table = grid(cells, widths, styles, commands, repeatRows=1)  # type: ignore[arg-type]  # a week right to left
    return contain(table, drawn)


def _square(calendar: Calendar, day: CalendarRow, inner: float, styles: Styles) -> list[Tagged]:
    """A day's square: its date, how much each time, and its boxes (a gap for a time of day with no dose)."""
    esc = escape_text
    marks = (True,) * day.doses[0] if len(day.doses) == 1 else tuple(count > 0 for count in day.doses)
    box = box_size(styles)
    boxes = TickBoxes(marks, box, styles.palette.text, _per_row(len(marks), box, inner))
    return [
        WholeParagraph(str(esc(day.day)), styles.cell_header),
        WholeParagraph(str(esc(day.how_much)), styles.cell),
        Figure(boxes, calendar.boxes_alt[sum(day.doses)]),
    ]


def _per_row(count: int, box: float, inner: float) -> int:
    """How many boxes a row of a square holds, rows kept even (four boxes: two rows of two, not three and one)."""
    fits = max(1, min(count, int((inner + 0.6 * box) // (1.6 * box))))
    rows = math.ceil(count / fits)
    return math.ceil(count / rows)
