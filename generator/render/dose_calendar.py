"""The dose calendar page: one row per day of the course, one box to tick per dose."""

from __future__ import annotations

from reportlab.platypus import Flowable, Table

from generator.content.templating import escape_text
from generator.personalise import Calendar
from generator.render.boxes import Box, BoxStyle
from generator.render.styles import Styles
from generator.render.text import Text, WholeParagraph
from generator.tagging import Figure, Tagged, artifact, contain, group, tag, tag_table

COLUMNS = (0.3, 0.38, 0.32)
"""Shares of the width for the day, how much, and the boxes."""


class TickBoxes(Flowable):
    """`count` empty squares in a row, each big enough to tick with a pen."""

    def __init__(self, count: int, size: float, color: object) -> None:
        super().__init__()
        self.count, self.size, self.color = count, size, color
        self.gap = size * 0.6

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (ReportLab's name)
        self.width = self.count * self.size + (self.count - 1) * self.gap
        return self.width, self.size

    def draw(self) -> None:
        self.canv.setStrokeColor(self.color)
        self.canv.setLineWidth(1.2)
        for index in range(self.count):
            self.canv.rect(index * (self.size + self.gap), 0, self.size, self.size, stroke=1, fill=0)


def calendar_flowables(calendar: Calendar, width: float, styles: Styles, continued: str) -> list[Flowable]:
    """The calendar: heading, one line of use, and the table (its header repeats when it runs on)."""
    pal, esc = styles.palette, escape_text
    box = styles.body.fontSize * 1.3
    header = [Text(str(esc(text)), styles.cell_header) for text in calendar.header]
    logical: list[list[Tagged]] = [header]
    cells: list[list[Flowable]] = [list(header)]
    boxes: list[tuple[Figure, str]] = []
    commands: list[tuple[object, ...]] = [
        ("FONT", (0, 0), (-1, -1), styles.fonts.regular, styles.body.fontSize),
        ("BACKGROUND", (0, 0), (-1, 0), pal.box_fill),
        ("GRID", (0, 0), (-1, -1), 0.6, pal.rule),
        ("LINEBELOW", (0, 0), (-1, 0), 1.2, pal.text),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 1), (-1, -1), styles.body.fontSize * 0.3),
        ("BOTTOMPADDING", (0, 1), (-1, -1), styles.body.fontSize * 0.3),
    ]
    for number, row in enumerate(calendar.rows, start=1):
        day, how_much = (
            WholeParagraph(str(esc(row.day)), styles.cell),
            WholeParagraph(str(esc(row.how_much)), styles.cell),
        )
        alt = calendar.boxes_alt.format(count=row.doses)
        ticks = Figure(TickBoxes(row.doses, box, pal.text), alt)
        boxes.append((ticks, alt))
        logical.append([day, how_much, ticks])
        cells.append([day, how_much, ticks])
        if row.new_step and number > 1:
            commands.append(("LINEABOVE", (0, number), (-1, number), 2.4, pal.text))
    tag_table(logical, header_rows=1, header_columns=1)
    for ticks, alt in boxes:  # each row's boxes: a figure, with its alternative text, inside the row's last cell
        cell = ticks.structure
        assert cell is not None
        ticks.structure = cell.add("Figure", alt=alt)
    table = Table(cells, colWidths=[width * share for share in COLUMNS], repeatRows=1, style=commands)
    contain(table, [cell for row in logical for cell in row])
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
