"""What every page carries: the clinic header (with logo) and the footer with 'Page X of Y'.

In the tagged PDF, page 1's header is the leaflet's letterhead (the logo as a figure, then the
clinic's name and phone as a paragraph, read before the title); every other header, every
footer and every page number is a pagination artifact.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader

from generator.content.templating import escape_text
from generator.errors import InputError
from generator.layouts import Layout
from generator.personalise import Leaflet
from generator.render.fontrun import text_width
from generator.render.styles import Styles
from generator.render.text import Text
from generator.tagging import Element, TaggingCanvas, tag

LOGO_HEIGHT = 0.45 * inch


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


def _logo(path: str) -> tuple[ImageReader, float]:
    try:
        image = ImageReader(path)
        width, height = image.getSize()
        image.getRGBData()  # decode it all now, so a truncated file fails here
    except Exception:
        raise InputError(f"clinic.logo: {path} is not a readable PNG or JPEG image") from None
    return image, LOGO_HEIGHT * width / height


class Furniture:
    """Header and footer, sized before layout so the frames leave room for them."""

    def __init__(self, leaflet: Leaflet, layout: Layout, page: Page, styles: Styles) -> None:
        self.page, self.styles, self.leaflet = page, styles, leaflet
        self.show_header, self.show_footer = layout.header, layout.footer
        self.logo = _logo(leaflet.clinic_logo) if layout.logo and leaflet.clinic_logo and layout.header else None
        self.logo_width = self.logo[1] + styles.small.fontSize if self.logo else 0.0
        self.logo_figure = Element("Figure", alt=leaflet.logo_alt) if self.logo else None
        letterhead = Element("P")
        self.header_left = tag(Text(f"<b>{escape_text(leaflet.clinic_name)}</b>", styles.small), letterhead)
        self.header_right = tag(Text(f"<b>{escape_text(leaflet.clinic_phone)}</b>", styles.small_right), letterhead)
        self.structure = [e for e in (self.logo_figure, letterhead) if e is not None] if self.show_header else []
        """Page 1's letterhead, for the document's structure (tagged flowables drawn again are artifacts)."""
        self.footer_left = Text(
            f"{escape_text(leaflet.footer_phone)}<br/>{escape_text(leaflet.footer_version)}", styles.footer
        )
        widest_label = leaflet.page_label.format(page=88, pages=88)
        widest = max(styles.small.fontSize, styles.footer.fontSize)
        self.side = text_width(widest_label, styles.fonts.bold, widest) + widest
        self.main = page.inner_width - self.side - 6
        self.gap = styles.small.fontSize
        text_height = max(
            self.header_left.wrap(self.main - self.logo_width, page.height)[1],
            self.header_right.wrap(self.side, page.height)[1],
        )
        self.header_height = max(text_height, LOGO_HEIGHT if self.logo else 0) if self.show_header else 0.0
        self.footer_height = self.footer_left.wrap(self.main, page.height)[1] if self.show_footer else 0.0

    def draw(self, canvas: TaggingCanvas, number: int, total: int) -> None:
        """Draw the header and footer of page `number` of `total`."""
        with canvas.artifact("Pagination"):
            canvas.setStrokeColor(self.styles.palette.rule)
            canvas.setLineWidth(0.7)
            if self.show_header:
                self._draw_header(canvas, number)
            if self.show_footer:
                self._draw_footer(canvas, number, total)

    def _draw_header(self, canvas: TaggingCanvas, number: int) -> None:
        page = self.page
        bottom = page.height - page.top - self.header_height
        if self.logo:
            with canvas.figure(self.logo_figure) if number == 1 and self.logo_figure else nullcontext():
                x = page.width - page.right - self.logo[1] if self.styles.rtl else page.left
                canvas.drawImage(self.logo[0], x, bottom, self.logo[1], LOGO_HEIGHT, mask="auto")
        left, right = self._sides(self.main)  # the name beside the logo: after it, or before it right to left
        self.header_left.drawOn(canvas, left + (0 if self.styles.rtl else self.logo_width), bottom)
        self.header_right.drawOn(canvas, right, bottom)
        rule_y = bottom - self.gap * 0.4
        canvas.line(page.left, rule_y, page.width - page.right, rule_y)

    def _draw_footer(self, canvas: TaggingCanvas, number: int, total: int) -> None:
        page = self.page
        left, right = self._sides(self.main)
        self.footer_left.drawOn(canvas, left, page.bottom)
        label = self.leaflet.page_label.format(page=number, pages=total)
        number_para = Text(f"<b>{escape_text(label)}</b>", self.styles.footer_right)
        number_para.wrap(self.side, page.height)
        number_para.drawOn(canvas, right, page.bottom)
        rule_y = page.bottom + self.footer_height + self.gap * 0.4
        canvas.line(page.left, rule_y, page.width - page.right, rule_y)

    def _sides(self, main: float) -> tuple[float, float]:
        """Where the main part (`main` wide) and the side part (the phone, the page number) start: the main part
        on the left, or on the right in a leaflet read right to left."""
        page = self.page
        if self.styles.rtl:
            return page.width - page.right - main, page.left
        return page.left, page.width - page.right - self.side

    @property
    def frame_top_offset(self) -> float:
        """Room the header takes at the top of the printable area."""
        return self.header_height + self.gap * 1.2 if self.show_header else 0.0

    @property
    def frame_bottom_offset(self) -> float:
        """Room the footer takes at the bottom of the printable area."""
        return self.footer_height + self.gap * 1.2 if self.show_footer else 0.0


class NumberedCanvas(TaggingCanvas):
    """Holds each page until the end, so every page can say 'Page X of Y'."""

    def __init__(self, *args: Any, decorate: Callable[[TaggingCanvas, int, int], None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._decorate = decorate
        self._pages: list[dict[str, object]] = []

    def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()
        self.open_page()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._decorate(self, self._pageNumber, total)
            self.close_page()
            super().showPage()
        super().save()
