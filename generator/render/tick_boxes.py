"""What both forms of the dose calendar draw: boxes to tick, and the ruled table they sit in."""

from __future__ import annotations

from reportlab.platypus import Flowable

from generator.render.styles import Styles


class TickBoxes(Flowable):
    """Empty squares to tick with a pen, `per_row` a row (all in one row by default); a square for each true mark,
    a gap for each false one (a time of day with no dose, so a month grid's boxes line up day after day)."""

    def __init__(self, marks: tuple[bool, ...], size: float, color: object, per_row: int | None = None) -> None:
        super().__init__()
        self.marks, self.size, self.color = marks, size, color
        self.per_row = max(1, per_row or len(marks))
        self.gap = size * 0.6

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (ReportLab's name)
        columns, rows = min(self.per_row, len(self.marks)), -(-len(self.marks) // self.per_row)
        self.width = max(0.0, columns * self.size + (columns - 1) * self.gap)
        self.height = max(0.0, rows * self.size + (rows - 1) * self.gap)
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setStrokeColor(self.color)
        self.canv.setLineWidth(1.2)
        step = self.size + self.gap
        for index, mark in enumerate(self.marks):
            row, column = divmod(index, self.per_row)
            if mark:
                self.canv.rect(column * step, self.height - self.size - row * step, self.size, self.size, stroke=1)


def box_size(styles: Styles) -> float:
    """The side of a box to tick: big enough for a pen, from the body size."""
    return styles.body.fontSize * 1.3


def table_style(styles: Styles) -> list[tuple[object, ...]]:
    """What both calendar tables look like: a ruled grid under a shaded, underlined header row."""
    pal = styles.palette
    return [
        ("FONT", (0, 0), (-1, -1), styles.fonts.regular, styles.body.fontSize),
        ("BACKGROUND", (0, 0), (-1, 0), pal.box_fill),
        ("GRID", (0, 0), (-1, -1), 0.6, pal.rule),
        ("LINEBELOW", (0, 0), (-1, 0), 1.2, pal.text),
    ]
