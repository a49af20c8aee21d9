"""Draws the icon array body item (generator.content.icon_array): its caption, then each array side by side (one
under the other in a narrow column), its label over a framed grid of person icons, ten to a row.

The first `count` icons, from the leading edge of the top row, are filled in the text's colour; the others are
outlined in it, so the picture reads the same in black and white. The icons and frames are artifacts of the
tagged PDF; the caption and labels are tagged paragraphs, so a screen reader hears the numbers the picture
shows. Only statements the closed world allows are drawn: polygons filled (`f*`) or stroked (`S`, closed by a
last point on the first), rectangles; no curves. Right to left, arrays run from the right and icons fill from it.
"""

from __future__ import annotations

import math

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from generator.content.icon_array import ICON_ARRAY_COLUMNS, ICON_ARRAY_FRAME_LINE, ICON_ARRAY_POINTS
from generator.personalise import Item
from generator.render.styles import Styles
from generator.render.text import WholeParagraph
from generator.tagging import contain, tag

Point = tuple[float, float]

ICON_CELL = 10.0
"""The widest an icon's place in the grid is, in points, whatever the text size (each 10 by 13 points): ten rows
of ten stay one picture beside large print rather than a page of their own."""

_HEAD_STEPS = ICON_ARRAY_POINTS - 10
"""Steps of the head's arc: the body has 8 corners and the closing point 1, so the outline has ICON_ARRAY_POINTS."""


def person_points(x: float, y: float, w: float, h: float) -> list[Point]:
    """A person seen from the front in the `w` by `h` box at (x, y): head and shoulders as one outline of
    ICON_ARRAY_POINTS points, the last on the first (so a stroke closes it without a closing statement)."""
    cx, r = x + w / 2, w * 0.27
    cy = y + h - r
    angles = [math.radians(-60 + 300 * i / _HEAD_STEPS) for i in range(_HEAD_STEPS + 1)]
    head = [(cx + r * math.cos(angle), cy + r * math.sin(angle)) for angle in angles]
    top = y + h * 0.58
    left = [(cx - w * 0.3, top), (cx - w * 0.44, top - h * 0.05), (cx - w * 0.5, top - h * 0.14), (cx - w * 0.42, y)]
    right = [(2 * cx - px, py) for px, py in reversed(left)]
    return [*head, *left, *right, head[0]]


def person(canvas: Canvas, x: float, y: float, w: float, h: float, filled: bool, styles: Styles) -> None:
    """A person icon: filled in the text's colour, or outlined in it."""
    points = person_points(x, y, w, h)
    path = canvas.beginPath()
    path.moveTo(*points[0])
    for point in points[1:]:
        path.lineTo(*point)
    colour = styles.palette.text
    if filled:
        canvas.setFillColor(colour)
        canvas.drawPath(path, stroke=0, fill=1)
    else:
        canvas.setStrokeColor(colour)
        canvas.setLineWidth(max(0.8, w * 0.09))
        canvas.drawPath(path, stroke=1, fill=0)


def icon_array_flowables(item: Item, styles: Styles) -> list[Flowable]:
    """The caption (kept with the arrays), then the arrays."""
    caption = tag(WholeParagraph(f"<b>{item.texts[0]}</b>", styles.body), "P")
    caption.keepWithNext = True
    return [caption, IconArrays(item, styles)]


class IconArrays(Flowable):
    """An icon array item's arrays, side by side when each has room for ten icons a row, else one under the
    other; never split."""

    def __init__(self, item: Item, styles: Styles) -> None:
        super().__init__()
        self.counts, self.styles = item.icons, styles
        size = styles.body.fontSize
        self.pad, self.gap = size * 0.4, size * 0.8
        self.labels = [tag(WholeParagraph(text, styles.body), "P") for text in item.texts[1:]]
        contain(self, self.labels)
        self.spaceAfter = styles.body.spaceAfter + size * 0.3

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (ReportLab's names)
        size, count = self.styles.body.fontSize, len(self.counts)
        self.beside = count if (availWidth - self.gap * (count - 1)) / count >= size * 9 else 1
        self.panel_w = (availWidth - self.gap * (self.beside - 1)) / self.beside
        self.cell_w = min(ICON_CELL, (self.panel_w - 2 * self.pad) / ICON_ARRAY_COLUMNS)
        self.grid_w = self.cell_w * ICON_ARRAY_COLUMNS + 2 * self.pad
        self.cell_h = self.cell_w * 1.3
        self.label_h = [label.wrap(self.panel_w, 1e6)[1] for label in self.labels]
        self.grid_h = [math.ceil(of / ICON_ARRAY_COLUMNS) * self.cell_h + 2 * self.pad for _, of in self.counts]
        rows = [range(start, min(start + self.beside, count)) for start in range(0, count, self.beside)]
        self.rows = [(max(self.label_h[i] for i in row), max(self.grid_h[i] for i in row), list(row)) for row in rows]
        self.width = availWidth
        self.height = sum(label + self.pad + grid for label, grid, _ in self.rows) + self.gap * (len(rows) - 1)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        return []

    def draw(self) -> None:
        top = self.height
        for label_h, grid_h, row in self.rows:
            for place, index in enumerate(row):
                x = place * (self.panel_w + self.gap)
                x = self.width - x - self.panel_w if self.styles.rtl else x
                label = self.labels[index]
                label.drawOn(self.canv, x, top - self.label_h[index])
                self._grid(x, top - label_h - self.pad, index)
            top -= label_h + self.pad + grid_h + self.gap

    def _grid(self, x: float, top: float, index: int) -> None:
        """Array `index`'s frame and icons, its top at `top`."""
        canvas, (filled, of) = self.canv, self.counts[index]
        height = self.grid_h[index]
        canvas.setStrokeColor(self.styles.palette.rule)
        canvas.setLineWidth(ICON_ARRAY_FRAME_LINE)
        x = x + self.panel_w - self.grid_w if self.styles.rtl else x
        canvas.rect(x, top - height, self.grid_w, height, stroke=1, fill=0)
        icon_w, icon_h = self.cell_w * 0.74, self.cell_h * 0.86
        for number in range(of):
            line, place = divmod(number, ICON_ARRAY_COLUMNS)
            cx = self.pad + place * self.cell_w + (self.cell_w - icon_w) / 2
            cx = x + self.grid_w - cx - icon_w if self.styles.rtl else x + cx
            cy = top - self.pad - (line + 1) * self.cell_h + (self.cell_h - icon_h) / 2
            person(canvas, cx, cy, icon_w, icon_h, number < filled, self.styles)
