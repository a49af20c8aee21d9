"""Draws a content block's Drug Facts picture (`drug_facts_picture`): a simplified over-the-counter Drug Facts
panel (21 CFR 201.66) with its active ingredient line framed and pointed at, then the caption saying what to do.

The panel: a frame in the text's colour, the title ("Drug Facts") over a heavy rule, the header row ("Active
ingredient (in each tablet)" / "Purpose"), the ingredient line and its purpose framed thickly in the accent
colour with an arrow pointing at it from outside the panel, then greyed bars standing for the "Uses" and
"Warnings" sections (shapes, not text). Every word is a tagged paragraph at the body size, so a screen reader
and the verifier read what the picture shows; the frame, rules, bars and arrow are artifacts, drawn only with
statements the closed world allows (rectangles, lines, polygons filled without a closing statement).

Right to left the panel is mirrored: the ingredient column on the right, the arrow on the left pointing right.
"""

from __future__ import annotations

import functools

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable

from generator.personalise import Item
from generator.render.styles import Styles
from generator.render.text import WholeParagraph
from generator.tagging import contain, tag

PANEL_LINE = 1.5
"""The panel's frame: the line the verifier's tests read the panel back by (no other frame has it)."""
HIGHLIGHT_LINE = 2.5
"""The thick frame around the ingredient line."""


def drug_facts_flowables(item: Item, styles: Styles) -> list[Flowable]:
    """The panel, then its caption (and note), kept with it."""
    panel = DrugFactsPanel(item.texts[:5], styles)
    after = [tag(WholeParagraph(f"<b>{item.texts[5]}</b>", styles.body), "P")]
    after += [tag(WholeParagraph(text, styles.body), "P") for text in item.texts[6:]]
    panel.keepWithNext = True
    return [panel, *after]


@functools.cache
def _title_style(styles: Styles) -> ParagraphStyle:
    """The panel's title: the leaflet title's size, in the text's colour, as a label prints it."""
    return ParagraphStyle("drug_facts_title", parent=styles.title, textColor=styles.palette.text, spaceAfter=0)


class DrugFactsPanel(Flowable):
    """The drawn panel and the words in it; never split."""

    def __init__(self, texts: tuple[str, ...], styles: Styles) -> None:
        super().__init__()
        self.styles = styles
        size = styles.body.fontSize
        title, ingredient_heading, purpose_heading, ingredient, purpose = texts
        self.title = tag(WholeParagraph(f"<b>{title}</b>", _title_style(styles)), "P")
        headings = (ingredient_heading, purpose_heading)
        self.head = [tag(WholeParagraph(f"<b>{t}</b>", styles.cell), "P") for t in headings]
        self.line = [tag(WholeParagraph(t, styles.cell), "P") for t in (ingredient, purpose)]
        contain(self, [self.title, *self.head, *self.line])
        self.pad, self.arrow = size * 0.6, size * 3.2
        self.spaceBefore, self.spaceAfter = size * 0.3, size * 0.4

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (ReportLab's names)
        size, pad = self.styles.body.fontSize, self.pad
        self.panel_w = min(size * 30, availWidth - self.arrow)
        inner = self.panel_w - 2 * pad
        self.col_w = (inner * 0.58, inner * 0.42 - pad)
        self.title_h = self.title.wrap(inner, 1e6)[1]
        self.head_h = max(p.wrap(w - pad, 1e6)[1] for p, w in zip(self.head, self.col_w, strict=True))
        self.line_h = max(p.wrap(w - pad, 1e6)[1] for p, w in zip(self.line, self.col_w, strict=True))
        self.gap = pad * 0.8
        """Between the ingredient line's words and its thick frame."""
        self.bars_h = 2 * (size * 0.8 + 2 * size * 0.55 + size * 0.5)
        self.height = (pad + self.title_h + size * 0.9 + self.head_h + pad + self.line_h + 2 * self.gap + pad * 0.5) + (
            size * 0.6 + self.bars_h + pad
        )
        self.width = availWidth
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        return []

    def _x(self, x: float, w: float) -> float:
        """`x` of something `w` wide from the panel's leading edge, on the page (mirrored right to left)."""
        return self.width - x - w if self.styles.rtl else x

    def draw(self) -> None:
        canvas, pal, pad, size = self.canv, self.styles.palette, self.pad, self.styles.body.fontSize
        inner = self.panel_w - 2 * pad
        left = self._x(0, self.panel_w)
        canvas.setStrokeColor(pal.text)
        canvas.setLineWidth(PANEL_LINE)
        canvas.rect(left, 0, self.panel_w, self.height, stroke=1, fill=0)
        top = self.height - pad
        self.title.drawOn(canvas, self._x(pad, inner), top - self.title_h)
        top -= self.title_h + size * 0.3
        canvas.setFillColor(pal.text)
        canvas.rect(left + pad, top - size * 0.3, inner, size * 0.3, stroke=0, fill=1)  # the heavy rule
        top -= size * 0.6
        self._row(self.head, self.head_h, top)
        top -= self.head_h + pad
        box_h = self.line_h + 2 * self.gap
        self._row(self.line, self.line_h, top - self.gap)
        canvas.setStrokeColor(pal.accent)
        canvas.setLineWidth(HIGHLIGHT_LINE)
        canvas.rect(left + pad * 0.5, top - box_h, self.panel_w - pad, box_h, stroke=1, fill=0)
        self._pointer(top - box_h / 2)
        top -= box_h + pad * 0.5
        canvas.setLineWidth(1.0)
        canvas.setStrokeColor(pal.text)
        canvas.line(left + pad, top, left + pad + inner, top)
        top -= size * 0.6
        canvas.setFillColor(pal.rule)
        for _ in range(2):  # "Uses", "Warnings": a heading bar, two lines of text, greyed
            for share, height in ((0.25, size * 0.8), (0.95, size * 0.55), (0.8, size * 0.55)):
                canvas.rect(self._x(pad, inner * share), top - height, inner * share, height * 0.6, stroke=0, fill=1)
                top -= height
            top -= size * 0.5

    def _row(self, cells: list[WholeParagraph], height: float, top: float) -> None:
        x = self.pad
        for cell, width in zip(cells, self.col_w, strict=True):
            cell.wrap(width - self.pad, 1e6)
            cell.drawOn(self.canv, self._x(x, width - self.pad), top - cell.height)
            x += width + self.pad

    def _pointer(self, y: float) -> None:
        """The arrow from outside the panel to the ingredient line's frame."""
        canvas, size = self.canv, self.styles.body.fontSize
        tip = self._x(self.panel_w - self.pad * 0.5 + HIGHLIGHT_LINE, 0)
        direction = 1 if self.styles.rtl else -1  # which way the arrow points, along x
        tail = tip - direction * (self.arrow - size * 0.2)
        head = size * 0.7
        canvas.setStrokeColor(self.styles.palette.accent)
        canvas.setLineWidth(2.0)
        canvas.line(tail, y, tip - direction * head * 0.8, y)
        path = canvas.beginPath()
        path.moveTo(tip, y)
        path.lineTo(tip - direction * head, y + head * 0.55)
        path.lineTo(tip - direction * head, y - head * 0.55)
        canvas.setFillColor(self.styles.palette.accent)
        canvas.drawPath(path, stroke=0, fill=1)
