"""Lays out a personalised Leaflet as PDF bytes with ReportLab platypus.

Two page formats: `pages` (a full-width intro on page 1, then one or more columns
flowing down the pages) and `trifold` (one landscape sheet, two sides of three panels,
ordered so the printed sheet folds into a brochure).

The PDF is tagged (PDF/UA-1): the flowables mark what they draw (generator.tagging), and
the structure tree is written with the file when ReportLab saves it, in reading order: for the trifold,
cover, then the inside panels, then the back panel, whatever order the sheet prints them in.
"""

from __future__ import annotations

import functools
import html
import io

from reportlab import rl_config
from reportlab.lib.pagesizes import A4, LETTER, landscape
from reportlab.lib.units import inch
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, FrameBreak, NextPageTemplate, PageBreak, PageTemplate
from reportlab.platypus.doctemplate import LayoutError as PlatypusLayoutError

from generator import __version__
from generator.errors import RenderError
from generator.layouts import Layout
from generator.personalise import Leaflet
from generator.render.dose_calendar import calendar_flowables
from generator.render.flowables import (
    back_panel,
    blocks_flowables,
    cover_panel,
    full_leaflet_pointer,
    intro_flowables,
    schedule_flowables,
)
from generator.render.furniture import Furniture, NumberedCanvas, Page
from generator.render.styles import Styles, make_styles
from generator.tagging import Element, Structure, roots

PAPER = {"letter": LETTER, "a4": A4}

rl_config.useA85 = 0
"""Streams are Flate only: ASCII85 on top makes them a quarter larger and slower to write and to verify."""


def page_geometry(layout: Layout, paper: str) -> Page:
    """Paper size, orientation and margins of `layout`."""
    size = PAPER[paper]
    if layout.orientation == "landscape":
        size = landscape(size)
    top, right, bottom, left = (m * inch for m in layout.margins_in)
    return Page(size[0], size[1], top, right, bottom, left)


def _frame(x: float, y: float, width: float, height: float, name: str) -> Frame:
    return Frame(x, y, width, height, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id=name)


def _stacked_height(flowables: list[Flowable], width: float, height: float) -> float:
    total = 0.0
    for index, flowable in enumerate(flowables):
        total += flowable.wrap(width, height)[1] + flowable.getSpaceAfter()
        if index:
            total += flowable.getSpaceBefore()
    return total


Story = tuple[list[PageTemplate], list[Flowable], list[Flowable]]
"""Page templates, the flowables that fill them, and the same flowables in reading order."""


def _pages_story(leaflet: Leaflet, layout: Layout, page: Page, styles: Styles, furniture: Furniture) -> Story:
    """Page 1: full-width intro over the columns; later pages: columns only."""
    gap = layout.column_gap_in * inch
    column_width = (page.inner_width - gap * (layout.columns - 1)) / layout.columns
    bottom = page.bottom + furniture.frame_bottom_offset
    top = page.height - page.top - furniture.frame_top_offset

    def columns(frame_top: float, prefix: str) -> list[Frame]:  # right to left, the first column is the right one
        step = column_width + gap
        order = range(layout.columns - 1, -1, -1) if styles.rtl else range(layout.columns)
        return [_frame(page.left + i * step, bottom, column_width, frame_top - bottom, f"{prefix}{i}") for i in order]

    pointer_beside_title = layout.qr_code and layout.columns > 1
    intro = intro_flowables(leaflet, page.inner_width, styles, pointer=pointer_beside_title)
    intro_height = _stacked_height(intro, page.inner_width, top - bottom) + 1  # rounding room
    below = top - intro_height - styles.body.fontSize * 0.8
    if below - bottom < 72:
        raise RenderError(f"layout '{layout.name}': the title and prepared-for box leave no room on page 1")
    templates = [
        PageTemplate(
            id="first",
            frames=[
                _frame(page.left, top - intro_height, page.inner_width, intro_height, "intro"),
                *columns(below, "first-col"),
            ],
        ),
        PageTemplate(id="later", frames=columns(top, "col")),
    ]
    body = schedule_flowables(leaflet, column_width, styles, strip=False)
    body += blocks_flowables(leaflet, column_width, styles, strip=True)
    if layout.qr_code and not pointer_beside_title:
        body += full_leaflet_pointer(leaflet, column_width, styles)
    for calendar in leaflet.calendars:  # each on a page of its own, to keep by the tablets
        body += [PageBreak(), *calendar_flowables(calendar, column_width, styles, leaflet.continued)]
    return templates, [NextPageTemplate("later"), *intro, FrameBreak(), *body], intro + body


def _trifold_story(leaflet: Leaflet, layout: Layout, page: Page, styles: Styles) -> Story:
    """Outside: inner flap | back | front cover; inside: three panels, read left to right. Right to left, the
    sheet is the mirror image (it folds the other way): front cover | back | inner flap, inside read from the
    right."""
    panel = (page.width - page.left - page.right) / 3
    inset = layout.panel_margin_in * inch
    width, height = panel - 2 * inset, page.height - page.top - page.bottom

    def at(index: int, name: str) -> Frame:
        place = 2 - index if styles.rtl else index
        return _frame(page.left + place * panel + inset, page.bottom, width, height, name)

    templates = [
        PageTemplate(id="outside", frames=[at(2, "cover"), at(1, "back"), at(0, "flap")]),
        PageTemplate(id="inside", frames=[at(0, "inside-left"), at(1, "inside-middle"), at(2, "inside-right")]),
    ]
    cover = cover_panel(leaflet, width, styles)
    back = back_panel(leaflet, width, styles, pointer=layout.qr_code)
    inside = blocks_flowables(leaflet, width, styles)
    story = [NextPageTemplate("inside"), *cover, FrameBreak(), *back, FrameBreak(), *inside]
    return templates, story, cover + inside + back


def render_pdf(leaflet: Leaflet, layout: Layout, paper: str, grayscale: bool = False) -> bytes:
    """The leaflet as PDF bytes; the same inputs always give the same bytes."""
    styles = make_styles(layout, grayscale, leaflet.language)
    page = page_geometry(layout, paper)
    furniture = Furniture(leaflet, layout, page, styles)
    if layout.format == "trifold":
        templates, story, reading = _trifold_story(leaflet, layout, page, styles)
    else:
        templates, story, reading = _pages_story(leaflet, layout, page, styles, furniture)
    document = Element("Document")
    for element in furniture.structure + roots(reading):
        document.adopt(element)
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
        keywords=leaflet.keywords,
        lang=leaflet.language,
        invariant=1,
        initialFontName=styles.fonts.regular,
        initialFontSize=styles.body.fontSize,
        pageTemplates=templates,
    )
    structure = Structure(document, leaflet.language, leaflet.made_on, leaflet.chain)
    canvas = functools.partial(NumberedCanvas, decorate=furniture.draw, structure=structure)
    try:
        doc.build(story, canvasmaker=canvas)
    except PlatypusLayoutError as exc:
        raise RenderError(f"layout '{layout.name}': content does not fit the page ({_first_line(exc)})") from None
    except ValueError as exc:
        raise RenderError(f"layout '{layout.name}': cannot draw the leaflet ({_first_line(exc)})") from None
    return buffer.getvalue()


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:200] if str(exc).strip() else exc.__class__.__name__
