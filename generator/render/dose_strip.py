"""Draws the dose-time strip (generator.prescription.strip) under the dose schedule.

Each time a dose is taken is a framed cell: a time-of-day icon (rising sun, sun, setting sun, moon) beside
its name, the tablets of one dose drawn one by one, and the amount in words under them. The icons, tablets
and frames are vector shapes in the text's colours (no images: they print the same in black and white) and
artifacts of the tagged PDF; the words in each cell are tagged paragraphs, so a screen reader and the verifier
read the same thing the picture shows. Only statements the closed world allows are drawn: polygons filled
(`f*`), lines stroked and rectangles; no curves.

Right to left, cells run from the right and each cell is mirrored (icon on the right, tablets from the right);
the worked example's arrow points left.
"""

from __future__ import annotations

import math

from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from generator.content.templating import escape_text
from generator.prescription.strip import CELL_LINE, DoseStrip, StripCell, StripStep
from generator.render.fontrun import text_width
from generator.render.pictograms import icon, tablet
from generator.render.styles import Styles
from generator.render.text import WholeParagraph
from generator.tagging import contain, tag


def strip_flowables(strip: DoseStrip, width: float, styles: Styles) -> list[Flowable]:
    """The strip's caption, then the grid of a course at set times, or the worked example and its two doses."""
    caption = tag(WholeParagraph(f"<b>{escape_text(strip.title)}</b>", styles.body), "P")
    caption.keepWithNext = True
    parts: list[Flowable] = [caption]
    if strip.columns:
        return [*parts, StripGrid(strip, styles)]
    for step in strip.steps:
        if step.example:
            line = tag(WholeParagraph(str(escape_text(step.example)), styles.body), "P")
            line.keepWithNext = True
            parts.append(line)
        parts.append(StripRow(step, styles, max(len(each.cells) for each in strip.steps)))
    return parts


class StripRow(Flowable):
    """One step's cells in a row (or more, where the column is narrow), its dates before them (above them in a
    narrow column); never split.

    A cell: the icon and the time's name on top, the tablets of one dose with the amount in words beside them
    (under them when there is no room)."""

    def __init__(self, step: StripStep, styles: Styles, widest: int = 0) -> None:
        super().__init__()
        self.step, self.styles, self.widest = step, styles, max(widest, len(step.cells))
        """The most cells a row of the strip has: every row's cells are as wide as the widest row's."""
        size = styles.body.fontSize
        self.pad, self.gap, self.icon = size * 0.35, size * (2.6 if step.example else 0.5), size * 1.4
        self.pill_w, self.pill_h, self.pill_gap = size * 1.9, size * 1.0, size * 0.35
        label = max(_longest_word(c.label, styles.fonts.bold, size) for c in step.cells) + self.icon + 3 * self.pad
        amount = max(_longest_word(c.amount, styles.fonts.regular, size) for c in step.cells) + 2 * self.pad
        self.min_cell = max(label, amount, self.pill_w + 2 * self.pad) + 1
        """The narrowest a cell may be: no word of its name or amount broken."""
        self.max_cell = size * 14
        self.dates = _cell_text(step.dates, styles) if step.dates else None
        self.labels = [_cell_text(c.label, styles, bold=True) for c in step.cells]
        self.amounts = [_cell_text(c.amount, styles) for c in step.cells]
        texts = [text for pair in zip(self.labels, self.amounts, strict=True) for text in pair]
        contain(self, [self.dates, *texts] if self.dates else texts)
        self.spaceAfter = styles.body.spaceAfter + size * 0.3

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (ReportLab's names)
        size = self.styles.body.fontSize
        self.beside = self.dates is not None and availWidth >= size * 30  # the dates in a column before the cells
        self.dates_w = size * 7.5 if self.beside else 0.0
        self.dates_h = self.dates.wrap(self.dates_w or availWidth, 1e6)[1] if self.dates else 0.0
        room = availWidth - (self.dates_w + self.gap if self.beside else 0.0)
        count = len(self.step.cells)
        self.columns = max(1, min(count, int((room + self.gap) // (self.min_cell + self.gap))))
        across = max(1, min(self.widest, int((room + self.gap) // (self.min_cell + self.gap))))
        self.cell_w = min(self.max_cell, (room - self.gap * (across - 1)) / across)
        inner = self.cell_w - 2 * self.pad
        self.label_h = [label.wrap(inner - self.icon - self.pad, 1e6)[1] for label in self.labels]
        self.per_line = max(1, int((inner + self.pill_gap) // (self.pill_w + self.pill_gap)))
        self.pills = [self._pills(c, inner) for c in self.step.cells]
        self.amount_h = [
            amount.wrap(inner - w, 1e6)[1] for amount, (w, _, _) in zip(self.amounts, self.pills, strict=True)
        ]
        self.cell_h = max(
            3 * self.pad + max(self.icon, lh) + (max(ph, ah) if w else ph + self.pad + ah) + self.pad
            for lh, (w, ph, _), ah in zip(self.label_h, self.pills, self.amount_h, strict=True)
        )
        lines = math.ceil(count / self.columns)
        cells_h = lines * self.cell_h + (lines - 1) * self.pad
        above = self.dates_h + self.pad if self.dates is not None and not self.beside else 0.0
        self.width, self.height = availWidth, max(cells_h + above, self.dates_h)
        return self.width, self.height

    def _pills(self, cell: StripCell, inner: float) -> tuple[float, float, int]:
        """(the width the amount leaves beside the tablets, 0 when it goes under them; their height; per line)."""
        per_line = min(cell.tablets, self.per_line)
        drawn = per_line * (self.pill_w + self.pill_gap)
        height = math.ceil(cell.tablets / self.per_line) * (self.pill_h + self.pill_gap) - self.pill_gap
        widest = _widest_line(cell.amount, self.styles.fonts.regular, self.styles.body.fontSize)
        beside = drawn + self.pad if inner - drawn - self.pad >= widest + 1 else 0.0
        return beside, height, self.per_line

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        return []

    def _x(self, x: float, w: float) -> float:
        """`x` of something `w` wide from the leading edge, on the page (mirrored right to left)."""
        return self.width - x - w if self.styles.rtl else x

    def draw(self) -> None:
        canvas, pal = self.canv, self.styles.palette
        top = self.height
        if self.dates is not None:
            if self.beside:
                self.dates.drawOn(canvas, self._x(0, self.dates_w), top - self.pad - self.dates_h)
            else:
                self.dates.drawOn(canvas, 0, top - self.dates_h)
                top -= self.dates_h + self.pad
        start = self.dates_w + self.gap if self.beside else 0.0
        for index, cell in enumerate(self.step.cells):
            line, column = divmod(index, self.columns)
            x = self._x(start + column * (self.cell_w + self.gap), self.cell_w)
            y = top - (line + 1) * self.cell_h - line * self.pad
            canvas.setStrokeColor(pal.rule)
            canvas.setLineWidth(CELL_LINE)
            canvas.rect(x, y, self.cell_w, self.cell_h, stroke=1, fill=0)
            self._cell(canvas, index, cell, x, y)
            if self.step.example and column + 1 < self.columns and index + 1 < len(self.step.cells):
                self._arrow(canvas, x, y, pal.text)

    def _cell(self, canvas: Canvas, index: int, cell: StripCell, x: float, y: float) -> None:
        pal, pad, rtl = self.styles.palette, self.pad, self.styles.rtl
        top = y + self.cell_h - pad
        head = max(self.icon, self.label_h[index])
        icon_x = x + self.cell_w - pad - self.icon if rtl else x + pad
        icon(canvas, cell.slot, icon_x, top - (head + self.icon) / 2, self.icon, pal.accent)
        label_x = x + pad if rtl else x + 2 * pad + self.icon
        self.labels[index].drawOn(canvas, label_x, top - (head + self.label_h[index]) / 2)
        pills_top = top - head - pad
        beside, pills_h, per_line = self.pills[index]
        for number in range(cell.tablets):
            row, place = divmod(number, per_line)
            px = place * (self.pill_w + self.pill_gap)
            px = x + self.cell_w - pad - px - self.pill_w if rtl else x + pad + px
            py = pills_top - (row + 1) * self.pill_h - row * self.pill_gap
            tablet(canvas, px, py, self.pill_w, self.pill_h, pal)
        amount_h = self.amount_h[index]
        if beside:
            amount_x = x + pad if rtl else x + pad + beside
            self.amounts[index].drawOn(canvas, amount_x, pills_top - max(pills_h, amount_h) / 2 - amount_h / 2)
        else:
            self.amounts[index].drawOn(canvas, x + pad, pills_top - pills_h - pad - amount_h)

    def _arrow(self, canvas: Canvas, x: float, y: float, color: Color) -> None:
        """The arrow from one dose of the worked example to the next, in the gap after the cell at `x`."""
        size = self.styles.body.fontSize
        mid = y + self.cell_h / 2
        start, end = (
            (x - size * 0.5, x - self.gap + size * 0.5)
            if self.styles.rtl
            else (
                x + self.cell_w + size * 0.5,
                x + self.cell_w + self.gap - size * 0.5,
            )
        )
        head = size * 0.45 * (1 if end > start else -1)
        canvas.setStrokeColor(color)
        canvas.setLineWidth(1.6)
        canvas.line(start, mid, end, mid)
        canvas.line(end - head, mid + abs(head), end, mid)
        canvas.line(end - head, mid - abs(head), end, mid)


class StripGrid(Flowable):
    """A course at set times: a heading per time of day (icon over name), then a row per step, its dates first (a
    taper's), and under each time of day a dose is taken a framed cell of its tablets drawn over the amount in
    words. Splits between steps, the headings drawn again (an artifact the second time)."""

    def __init__(
        self,
        strip: DoseStrip,
        styles: Styles,
        part: tuple[tuple[StripStep, ...], list[_Lines]] | None = None,
    ) -> None:
        """`part`: the steps of a part after a split, and the headings the first part drew (drawn again, they are
        an artifact)."""
        super().__init__()
        self.strip, self.styles = strip, styles
        size = styles.body.fontSize
        self.pad, self.gap, self.icon = size * 0.4, size * 0.5, size * 1.7
        self.pill_w, self.pill_h, self.pill_gap = size * 1.9, size * 1.0, size * 0.35
        self.steps, self.labels = part or (strip.steps, [_cell_text(c.label, styles, bold=True) for c in strip.columns])
        self.dates = {id(step): _cell_text(step.dates, styles) for step in self.steps if step.dates}
        self.amounts = {
            (id(step), cell.time): _cell_text(cell.amount, styles) for step in self.steps for cell in step.cells
        }
        texts: list[Flowable] = [*self.labels]
        for step in self.steps:
            texts += [self.dates[id(step)]] if step.dates else []
            texts += [self.amounts[id(step), cell.time] for cell in step.cells]
        contain(self, texts)
        self.spaceAfter = styles.body.spaceAfter + size * 0.3

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (ReportLab's names)
        size, count, pad = self.styles.body.fontSize, len(self.strip.columns), self.pad
        dated = [step.dates for step in self.strip.steps if step.dates]
        widest = max((_widest_line(dates, self.styles.fonts.regular, size) for dates in dated), default=0.0)
        self.dates_w = min(widest + 1, availWidth * 0.3) if dated else 0.0  # a line each: from, until
        room = availWidth - (self.dates_w + self.gap if self.dates_w else 0.0)
        self.cell_w = min(size * 13, (room - self.gap * (count - 1)) / count)
        inner = self.cell_w - 2 * pad
        self.per_line = max(1, int((inner + self.pill_gap) // (self.pill_w + self.pill_gap)))
        self.label_h = [label.wrap(self.cell_w - self.icon - pad, 1e6)[1] for label in self.labels]
        self.head_h = max([self.icon, *self.label_h])
        self.row_h, self.beside = [], {}
        for step in self.steps:
            heights = [self.dates[id(step)].wrap(self.dates_w, 1e6)[1] if step.dates else 0.0]
            for cell in step.cells:
                amount = self.amounts[id(step), cell.time]
                drawn = min(cell.tablets, self.per_line) * (self.pill_w + self.pill_gap)
                widest = _widest_line(cell.amount, self.styles.fonts.regular, size)
                beside = drawn + pad if inner - drawn - pad >= widest + 1 else 0.0
                self.beside[id(step), cell.time] = beside
                amount_h = amount.wrap(inner - beside, 1e6)[1]
                pills = self._pills_h(cell.tablets)
                heights.append(2 * pad + (max(pills, amount_h) if beside else pills + pad + amount_h))
            self.row_h.append(max(heights))
        self.width = availWidth
        self.height = self.head_h + sum(self.row_h) + self.gap * len(self.steps)
        return self.width, self.height

    def _pills_h(self, tablets: int) -> float:
        return math.ceil(tablets / self.per_line) * (self.pill_h + self.pill_gap) - self.pill_gap

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        self.wrap(availWidth, availHeight)
        used, fits = self.head_h, 0
        for height in self.row_h:
            if used + self.gap + height > availHeight:
                break
            used, fits = used + self.gap + height, fits + 1
        if fits == 0 or fits == len(self.steps):
            return []
        first = StripGrid(self.strip, self.styles, (self.steps[:fits], self.labels))
        return [first, StripGrid(self.strip, self.styles, (self.steps[fits:], self.labels))]

    def _x(self, x: float, w: float) -> float:
        return self.width - x - w if self.styles.rtl else x

    def _column_x(self, index: int) -> float:
        start = self.dates_w + self.gap if self.dates_w else 0.0
        return self._x(start + index * (self.cell_w + self.gap), self.cell_w)

    def draw(self) -> None:
        canvas, pal, pad, rtl = self.canv, self.styles.palette, self.pad, self.styles.rtl
        top = self.height
        for index, (column, label) in enumerate(zip(self.strip.columns, self.labels, strict=True)):
            x = self._column_x(index)
            icon_x = x + self.cell_w - self.icon if rtl else x
            icon(canvas, column.slot, icon_x, top - self.icon, self.icon, pal.accent)
            label.wrap(self.cell_w - self.icon - pad, 1e6)
            label_x = x if rtl else x + self.icon + pad
            label.drawOn(canvas, label_x, top - (self.head_h + self.label_h[index]) / 2)
        top -= self.head_h
        places = {column.time: index for index, column in enumerate(self.strip.columns)}
        for step, row_h in zip(self.steps, self.row_h, strict=True):
            top -= self.gap
            if step.dates:
                dates = self.dates[id(step)]
                dates.drawOn(canvas, self._x(0, self.dates_w), top - dates.wrap(self.dates_w, 1e6)[1])
            for cell in step.cells:
                x = self._column_x(places[cell.time])
                canvas.setStrokeColor(pal.rule)
                canvas.setLineWidth(CELL_LINE)
                canvas.rect(x, top - row_h, self.cell_w, row_h, stroke=1, fill=0)
                self._cell(canvas, step, cell, x, top - pad)
            top -= row_h

    def _cell(self, canvas: Canvas, step: StripStep, cell: StripCell, x: float, top: float) -> None:
        """A cell's tablets and amount, from `top` down."""
        pal, pad, rtl = self.styles.palette, self.pad, self.styles.rtl
        for number in range(cell.tablets):
            line, place = divmod(number, self.per_line)
            px = place * (self.pill_w + self.pill_gap)
            px = x + self.cell_w - pad - px - self.pill_w if rtl else x + pad + px
            tablet(canvas, px, top - (line + 1) * self.pill_h - line * self.pill_gap, self.pill_w, self.pill_h, pal)
        amount, beside = self.amounts[id(step), cell.time], self.beside[id(step), cell.time]
        amount_h = amount.wrap(self.cell_w - 2 * pad - beside, 1e6)[1]
        pills = self._pills_h(cell.tablets)
        if beside:
            amount.drawOn(canvas, x + pad + (0 if rtl else beside), top - (max(pills, amount_h) + amount_h) / 2)
        else:
            amount.drawOn(canvas, x + pad, top - pills - pad - amount_h)


class _Lines(Flowable):
    """A cell's text: a tagged paragraph per line of `text` (plain, escaped), one under the other."""

    def __init__(self, text: str, styles: Styles, bold: bool = False) -> None:
        super().__init__()
        self.parts = [
            tag(WholeParagraph(f"<b>{escape_text(line)}</b>" if bold else str(escape_text(line)), styles.cell), "P")
            for line in text.split("\n")
        ]
        contain(self, self.parts)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.heights = [part.wrap(availWidth, availHeight)[1] for part in self.parts]
        self.width, self.height = availWidth, sum(self.heights)
        return self.width, self.height

    def draw(self) -> None:
        top = self.height
        for part, height in zip(self.parts, self.heights, strict=True):
            top -= height
            part.drawOn(self.canv, 0, top)


def _cell_text(text: str, styles: Styles, bold: bool = False) -> _Lines:
    return _Lines(text, styles, bold)


def _longest_word(text: str, font: str, size: float) -> float:
    """How wide the widest word of `text` prints: a cell narrower than that would break it."""
    return max(text_width(word, font, size) for word in text.split())


def _widest_line(text: str, font: str, size: float) -> float:
    return max(text_width(line, font, size) for line in text.split("\n"))
