"""Reads what a PDF draws, with PDFium (independent of ReportLab, which wrote it).

For every text object: its text, effective size, render mode, fill colour, where it is,
what is behind it and whether anything is drawn over it; and which marked content the
structure tree tags, in reading order. Text inside form XObjects is not read, so a check
that needs it fails closed.
"""

from __future__ import annotations

import bisect
import ctypes
import math
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pypdfium2
import pypdfium2.raw as pdfium_c

from generator.errors import VerifyError
from generator.personalise import TOPICS_KEYWORD
from generator.verify import pdfium_calls as pdfium
from generator.verify.structure import Marked, read_structure

Box = tuple[float, float, float, float]
"""left, bottom, right, top in points."""
RGB = tuple[int, int, int]

WHITE: RGB = (255, 255, 255)
_BUFFER_CHARS = 4096
_LINE_END_HYPHEN = "\x02"
"""What PDFium gives for a hyphen that ends a text object (it takes it for a word broken across lines); the
leaflets never break words, so it is the hyphen printed (a name such as 'A-' ends with it)."""
_TEXT, _PATH = pdfium_c.FPDF_PAGEOBJ_TEXT, pdfium_c.FPDF_PAGEOBJ_PATH
_OPAQUE_UNKNOWN = (pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_FORM, pdfium_c.FPDF_PAGEOBJ_SHADING)
_MIN_OVERLAP = 1.0
"""Points a later shape must overlap a text object by, in both directions, to count as drawn over it."""


class Run(NamedTuple):
    """One text object as drawn (a tuple: a page has hundreds, read on every build)."""

    text: str
    size: float
    """Effective font size in points (text size times the object's scale)."""
    render_mode: int
    fill: tuple[int, int, int, int]
    """Fill colour and alpha, 0-255."""
    box: Box
    background: RGB | None
    """The colour of the topmost filled shape behind the run's centre (white page if none); None over an image."""
    covered: bool
    """Something opaque is drawn over part of the run afterwards."""
    mcid: int
    """Marked-content id of the run (-1 when it has none)."""


@dataclass(frozen=True)
class Page:
    """One page: its size, text runs in drawing order, and its tagged content in reading order."""

    number: int
    width: float
    height: float
    runs: tuple[Run, ...]
    marked: tuple[Marked, ...]


class _Shape(NamedTuple):
    index: int
    box: Box
    fill: RGB | None
    """Fill colour of an opaque filled path; None for an image or form (colour unknown)."""


def read_pages(pdf: bytes | Path, where: str, password: str | None = None) -> list[Page]:
    """Every page's text runs, or a VerifyError naming `where` when the PDF cannot be read."""
    try:
        data = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    except FileNotFoundError:
        raise VerifyError(f"{where}: file not found") from None
    except OSError as exc:
        raise VerifyError(f"{where}: cannot read the file ({exc.strerror or exc.__class__.__name__})") from None
    try:
        document = pypdfium2.PdfDocument(data, password=password)
    except pypdfium2.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise VerifyError(f"{where}: the PDF is encrypted; give the right password") from None
        raise VerifyError(f"{where}: not a readable PDF") from None
    try:
        return [_read_page(document, index, where) for index in range(len(document))]
    finally:
        document.close()


def read_topics(pdf: Path, where: str, password: str | None = None) -> list[str]:
    """The topics a leaflet names in its keywords (generator.personalise.Leaflet.keywords); none when it does not."""
    try:
        document = pypdfium2.PdfDocument(pdf.read_bytes(), password=password)
    except (OSError, pypdfium2.PdfiumError):
        return []  # read_pages says why
    try:
        keywords = document.get_metadata_dict().get("Keywords", "")
    finally:
        document.close()
    named = next((part for part in keywords.split(". ") if part.startswith(TOPICS_KEYWORD)), "")
    return [topic.strip() for topic in named.removeprefix(TOPICS_KEYWORD).split(",") if topic.strip()]


def _read_page(document: pypdfium2.PdfDocument, index: int, where: str) -> Page:
    page = pdfium_c.FPDF_LoadPage(document.raw, index)  # raw calls: the helpers' bookkeeping costs a tenth more
    if not page:
        raise VerifyError(f"{where}: page {index + 1} cannot be read")
    textpage = pdfium_c.FPDFText_LoadPage(page)
    try:
        if not textpage:
            raise VerifyError(f"{where}: the text of page {index + 1} cannot be read")
        width, height = pdfium_c.FPDF_GetPageWidthF(page), pdfium_c.FPDF_GetPageHeightF(page)
        runs = _runs(pdfium.address(page), pdfium.address(textpage))
        return Page(index + 1, width, height, runs, read_structure(page))
    finally:
        if textpage:
            pdfium_c.FPDFText_ClosePage(textpage)
        pdfium_c.FPDF_ClosePage(page)


class _Reader:
    """Reusable ctypes out-parameters for the PDFium calls on one page."""

    def __init__(self) -> None:
        self.left, self.bottom, self.right, self.top = (ctypes.c_float() for _ in range(4))
        self.red, self.green, self.blue, self.alpha = (ctypes.c_uint() for _ in range(4))
        self.size = ctypes.c_float()
        self.matrix = pdfium_c.FS_MATRIX()
        self.fill_mode, self.stroke = ctypes.c_int(), ctypes.c_int()
        self.buffer = (ctypes.c_ushort * _BUFFER_CHARS)()

    def box(self, obj: int) -> Box:
        pdfium.object_bounds(obj, self.left, self.bottom, self.right, self.top)
        return (self.left.value, self.bottom.value, self.right.value, self.top.value)

    def fill(self, obj: int) -> tuple[int, int, int, int]:
        pdfium.fill_color(obj, self.red, self.green, self.blue, self.alpha)
        return (self.red.value, self.green.value, self.blue.value, self.alpha.value)

    def text(self, obj: int, textpage: int) -> str:
        buffer = self.buffer
        length = pdfium.text_of(obj, textpage, buffer, _BUFFER_CHARS * 2)
        if length > _BUFFER_CHARS * 2:
            buffer = (ctypes.c_ushort * (length // 2))()
            length = pdfium.text_of(obj, textpage, buffer, length)
        # copy only the characters written (not the whole buffer), without the closing NUL
        text = ctypes.string_at(buffer, max(0, length - 2)).decode("utf-16-le", "replace")
        return text.replace(_LINE_END_HYPHEN, "-")

    def size_of(self, obj: int) -> float:
        pdfium.font_size(obj, self.size)
        pdfium.object_matrix(obj, self.matrix)
        return self.size.value * math.hypot(self.matrix.a, self.matrix.b)

    def filled(self, obj: int) -> bool:
        pdfium.draw_mode(obj, self.fill_mode, self.stroke)
        return self.fill_mode.value != pdfium_c.FPDF_FILLMODE_NONE


def _runs(page: int, textpage: int) -> tuple[Run, ...]:
    read = _Reader()
    shapes: list[_Shape] = []
    runs: list[tuple[int, Run]] = []
    get_object, get_type = pdfium.get_object, pdfium.object_type
    render_mode, mcid = pdfium.render_mode, pdfium.marked_content_id
    for index in range(pdfium.count_objects(page)):
        obj = get_object(page, index)
        kind = get_type(obj)
        if kind == _TEXT:
            box = read.box(obj)
            run = Run(
                read.text(obj, textpage),
                read.size_of(obj),
                render_mode(obj),
                read.fill(obj),
                box,
                _background(shapes, box),
                False,
                mcid(obj),
            )
            runs.append((index, run))
        elif kind == _PATH:
            if read.filled(obj):
                red, green, blue, alpha = read.fill(obj)
                if alpha:
                    shapes.append(_Shape(index, read.box(obj), (red, green, blue) if alpha == 255 else None))
        elif kind in _OPAQUE_UNKNOWN:
            shapes.append(_Shape(index, read.box(obj), None))
    order = [shape.index for shape in shapes]
    return tuple(run._replace(covered=True) if _covered(shapes, order, i, run.box) else run for i, run in runs)


def _background(shapes: list[_Shape], box: Box) -> RGB | None:
    """The colour behind a box's centre: the last shape drawn so far that contains it, else the white page."""
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    for shape in reversed(shapes):
        left, bottom, right, top = shape.box
        if left <= x <= right and bottom <= y <= top:
            return shape.fill
    return WHITE


def _covered(shapes: list[_Shape], order: list[int], index: int, box: Box) -> bool:
    """Whether an opaque shape drawn after object `index` overlaps its box (`order`: each shape's index)."""
    for shape in shapes[bisect.bisect_right(order, index) :]:
        left, bottom, right, top = shape.box
        wide = min(right, box[2]) - max(left, box[0])
        high = min(top, box[3]) - max(bottom, box[1])
        if wide > _MIN_OVERLAP and high > _MIN_OVERLAP:
            return True
    return False
