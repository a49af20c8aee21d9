"""The dose calendar page: one row per day of the course, a box to tick per dose under its time of day (a long
course's month grid: generator.render.calendar_grid)."""

from __future__ import annotations

from reportlab.platypus import Flowable, Table

from generator.content.templating import escape_text
from generator.personalise import Calendar
from generator.render.boxes import Box, BoxStyle
from generator.render.calendar_grid import grid_table
from generator.render.flowables import grid
from generator.render.fontrun import text_width
from generator.render.styles import Styles
from generator.render.text import Text, WholeParagraph
from generator.render.tick_boxes import TickBoxes, box_size, table_style
from generator.tagging import Figure, Tagged, artifact, contain, group, tag, tag_table

CELL_PADDING = 6
"""ReportLab's padding on each side of a table cell (the calendar keeps the default)."""
DAY_SHARE = 0.2
"""Share of the width for the day; the boxes' columns take what their headings need, how much the rest."""


def calendar_flowables(calendar: Calendar, width: float, styles: Styles, continued: str) -> list[Flowable]:
    """The calendar: heading, one line of use, and the table (its header repeats when it runs on): a row a day,
    or for a long course a month grid, a week a row."""
    esc = escape_text
    table = grid_table(calendar, width, styles) if calendar.weeks else _list_table(calendar, width, styles)
    heading = tag(Text(str(esc(calendar.heading)), styles.heading), "H2")
    title = str(esc(calendar.heading))

    def again() -> Flowable:  # the heading said again on the next page: read once, so an artifact
        return artifact(Text(continued.format(title=title), styles.heading))

    intro = tag(WholeParagraph(str(esc(calendar.intro)), styles.body), "P")
    help_line = tag(WholeParagraph(str(esc(calendar.help)), styles.body), "P")
    help_line.spaceBefore = styles.space
    group("Sect", [heading, intro, table, help_line])
    calendar_box = contain(
        Box(heading, [intro, table], BoxStyle(gap=styles.heading.spaceAfter), again), [heading, intro, table]
    )
    return [calendar_box, help_line]


def _list_table(calendar: Calendar, width: float, styles: Styles) -> Table:
    """A row a day: the day, how much each time, and a column of boxes per time of day."""
    pal, esc = styles.palette, escape_text
    box = box_size(styles)
    header = [Text(str(esc(text)), styles.cell_header) for text in calendar.header]
    logical: list[list[Tagged]] = [header]
    cells: list[list[Flowable]] = [list(header)]
    boxes: list[tuple[Figure, str]] = []
    commands = [
        *table_style(styles),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 1), (-1, -1), styles.body.fontSize * 0.3),
        ("BOTTOMPADDING", (0, 1), (-1, -1), styles.body.fontSize * 0.3),
    ]
    for number, row in enumerate(calendar.rows, start=1):
        day, how_much = (
            WholeParagraph(str(esc(row.day)), styles.cell),
            WholeParagraph(str(esc(row.how_much)), styles.cell),
        )
        ticks = []
        for count in row.doses:
            alt = calendar.boxes_alt[count]
            ticks.append(Figure(TickBoxes((True,) * count, box, pal.text), alt))
            boxes.append((ticks[-1], alt))
        logical.append([day, how_much, *ticks])
        cells.append([day, how_much, *ticks])
        if row.new_step and number > 1:
            commands.append(("LINEABOVE", (0, number), (-1, number), 2.4, pal.text))
    tag_table(logical, header_rows=1, header_columns=1)
    for ticks_figure, alt in boxes:  # each cell's boxes: a figure, with its alternative text, inside the cell
        cell = ticks_figure.structure
        assert cell is not None
        ticks_figure.structure = cell.add("Figure", alt=alt)
    table = grid(cells, _widths(calendar, width, box, styles), styles, commands, repeatRows=1)
    return contain(table, [cell for row in logical for cell in row])


def _widths(calendar: Calendar, width: float, box: float, styles: Styles) -> list[float]:
    """The day's share, each box column as wide as its heading's longest word (and its boxes) need, how much the
    rest."""
    pad = 2 * CELL_PADDING + styles.body.fontSize * 0.2  # both sides, and room for the font's side bearings
    style = styles.cell_header
    most = [max(row.doses[column] for row in calendar.rows) for column in range(len(calendar.header) - 2)]
    boxes = [
        max(
            max(text_width(word, style.fontName, style.fontSize) for word in heading.split()),
            count * box + (count - 1) * box * 0.6,
        )
        + pad
        for heading, count in zip(calendar.header[2:], most, strict=True)
    ]
    return [width * DAY_SHARE, width * (1 - DAY_SHARE) - sum(boxes), *boxes]
