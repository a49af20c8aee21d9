"""Lays out a personalised Leaflet as PDF bytes with ReportLab platypus."""

from __future__ import annotations

import functools
import html
import io
from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4, LETTER, landscape
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, FrameBreak, NextPageTemplate, PageTemplate, Paragraph
from reportlab.platypus.doctemplate import LayoutError as PlatypusLayoutError

from generator import __version__
from generator.errors import RenderError
from generator.flowables import body_flowables, intro_flowables
from generator.layouts import Layout
from generator.personalise import Leaflet
from generator.styles import Styles, make_styles
from generator.templating import escape_text

PAPER = {"letter": LETTER, "a4": A4}


@dataclass(frozen=True)
class Page:
    """Page geometry in points."""

    width: float
    height: float
    top: float
    right: float
    bottom: float
    left: float

    @property
    def inner_width(self) -> float:
        """Width between the side margins."""
        return self.width - self.left - self.right


def page_geometry(layout: Layout, paper: str) -> Page:
    """Paper size, orientation and margins of `layout`."""
    size = PAPER[paper]
    if layout.orientation == "landscape":
        size = landscape(size)
    top, right, bottom, left = (m * inch for m in layout.margins_in)
    return Page(size[0], size[1], top, right, bottom, left)


class _Furniture:
    """Header and footer of every page, sized before layout so frames leave room for them."""

    def __init__(self, leaflet: Leaflet, page: Page, styles: Styles) -> None:
        self.page, self.styles, self.leaflet = page, styles, leaflet
        phone = f"{leaflet.clinic_phone}"
        self.header_left = Paragraph(f"<b>{escape_text(leaflet.clinic_name)}</b>", styles.small)
        self.header_right = Paragraph(f"<b>{escape_text(phone)}</b>", styles.small_right)
        self.footer_left = Paragraph(
            f"{escape_text(leaflet.footer_phone)}<br/>{escape_text(leaflet.footer_version)}", styles.small
        )
        widest_label = leaflet.page_label.format(page=88, pages=88)
        self.side = stringWidth(widest_label, styles.fonts.bold, styles.small.fontSize) + styles.small.fontSize
        self.main = page.inner_width - self.side - 6
        self.header_height = max(
            self.header_left.wrap(self.main, page.height)[1], self.header_right.wrap(self.side, page.height)[1]
        )
        self.footer_height = self.footer_left.wrap(self.main, page.height)[1]
        self.gap = styles.small.fontSize

    def draw(self, canvas: Canvas, number: int, total: int) -> None:
        page, pal = self.page, self.styles.palette
        top_y = page.height - page.top
        self.header_left.drawOn(canvas, page.left, top_y - self.header_height)
        self.header_right.drawOn(canvas, page.width - page.right - self.side, top_y - self.header_height)
        canvas.setStrokeColor(pal.rule)
        canvas.setLineWidth(0.7)
        rule_y = top_y - self.header_height - self.gap * 0.4
        canvas.line(page.left, rule_y, page.width - page.right, rule_y)
        self.footer_left.drawOn(canvas, page.left, page.bottom)
        label = self.leaflet.page_label.format(page=number, pages=total)
        number_para = Paragraph(f"<b>{escape_text(label)}</b>", self.styles.small_right)
        number_para.wrap(self.side, page.height)
        number_para.drawOn(canvas, page.width - page.right - self.side, page.bottom)
        foot_rule = page.bottom + self.footer_height + self.gap * 0.4
        canvas.line(page.left, foot_rule, page.width - page.right, foot_rule)

    @property
    def frame_top_offset(self) -> float:
        return self.header_height + self.gap * 1.2

    @property
    def frame_bottom_offset(self) -> float:
        return self.footer_height + self.gap * 1.2


class _NumberedCanvas(Canvas):
    """Holds each page until the end, so every page can say 'Page X of Y'."""

    def __init__(self, *args: object, decorate: Callable[[Canvas, int, int], None], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._decorate = decorate
        self._pages: list[dict[str, object]] = []

    def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._decorate(self, self._pageNumber, total)
            super().showPage()
        super().save()


def _frame(x: float, y: float, width: float, height: float, name: str) -> Frame:
    return Frame(x, y, width, height, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id=name)


def _stacked_height(flowables: list[Flowable], width: float, height: float) -> float:
    total = 0.0
    for index, flowable in enumerate(flowables):
        total += flowable.wrap(width, height)[1] + flowable.getSpaceAfter()
        if index:
            total += flowable.getSpaceBefore()
    return total


class _Geometry:
    """Frames of page 1 (full-width intro over the columns) and of later pages (columns only)."""

    def __init__(self, layout: Layout, page: Page, furniture: _Furniture) -> None:
        self.page = page
        self.gap = layout.column_gap_in * inch
        self.columns = layout.columns
        self.column_width = (page.inner_width - self.gap * (self.columns - 1)) / self.columns
        self.bottom = page.bottom + furniture.frame_bottom_offset
        self.top = page.height - page.top - furniture.frame_top_offset

    def column_frames(self, top: float, prefix: str) -> list[Frame]:
        step = self.column_width + self.gap
        return [
            _frame(self.page.left + i * step, self.bottom, self.column_width, top - self.bottom, f"{prefix}{i}")
            for i in range(self.columns)
        ]

    def templates(self, intro_height: float) -> list[PageTemplate]:
        intro_height += 1  # rounding room so the intro always fits its frame
        intro = _frame(self.page.left, self.top - intro_height, self.page.inner_width, intro_height, "intro")
        below = self.top - intro_height - self.gap * 0.6
        if below - self.bottom < 72:
            raise RenderError("the title and prepared-for box leave no room on page 1")
        return [
            PageTemplate(id="first", frames=[intro, *self.column_frames(below, "first-col")]),
            PageTemplate(id="later", frames=self.column_frames(self.top, "col")),
        ]


def render_pdf(leaflet: Leaflet, layout: Layout, paper: str, grayscale: bool = False) -> bytes:
    """The leaflet as PDF bytes; the same inputs always give the same bytes."""
    styles = make_styles(layout, grayscale)
    page = page_geometry(layout, paper)
    furniture = _Furniture(leaflet, page, styles)
    geometry = _Geometry(layout, page, furniture)
    intro = intro_flowables(leaflet, page.inner_width, styles)
    intro_height = _stacked_height(intro, page.inner_width, geometry.top - geometry.bottom)
    story = [NextPageTemplate("later"), *intro, FrameBreak(), *body_flowables(leaflet, geometry.column_width, styles)]
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=(page.width, page.height),
        leftMargin=page.left,
        rightMargin=page.right,
        topMargin=page.top,
        bottomMargin=page.bottom,
        title=html.unescape(leaflet.title),
        subject=leaflet.subject,
        author=leaflet.clinic_name,
        creator=f"patient-handouts {__version__}",
        keywords=leaflet.footer_version,
        lang=leaflet.language,
        invariant=1,
        initialFontName=styles.fonts.regular,
        initialFontSize=styles.body.fontSize,
        pageTemplates=geometry.templates(intro_height),
    )
    try:
        doc.build(story, canvasmaker=functools.partial(_NumberedCanvas, decorate=furniture.draw))
    except PlatypusLayoutError as exc:
        raise RenderError(f"layout '{layout.name}': content does not fit the page ({_first_line(exc)})") from None
    except ValueError as exc:
        raise RenderError(f"layout '{layout.name}': cannot draw the leaflet ({_first_line(exc)})") from None
    return buffer.getvalue()


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:200] if str(exc).strip() else exc.__class__.__name__
