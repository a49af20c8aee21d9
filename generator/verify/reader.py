"""Reads what a PDF draws, with PDFium (independent of ReportLab, which wrote it).

For every text object: its text, effective size, render mode, fill colour, whether it is upright,
where it is, the colour behind it that contrasts least with it and whether anything is drawn over
it; and which marked content the structure tree tags, in reading order. Text inside form XObjects
is not read, so a check that needs it fails closed.

"Drawn over" means anything painted after the run that reaches into its box: a filled path of any
colour or opacity, an image, a form, a shading, another text object, or the stroke of a path (each
segment, as wide as its line); and text drawn before it in the same place (text behind text). The
layout itself never draws over its text: rules and borders run between lines and cells.
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
_TEXT_OVERLAP = 0.5
"""Share of the lower of two text objects' heights they must overlap by to be drawn over one another (lines
of a paragraph overlap by their font's ascent and descent beyond the leading, well under half)."""
_UPRIGHT_SLACK = 1e-4
"""How far a text matrix may be from an upright, unsquashed scale (a == d > 0, b == c == 0)."""


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
    """Of the colours behind any part of the run (filled shapes, down to one under all of it, else the white
    page), the one that contrasts least with its fill; None over an image, a form or a translucent fill."""
    covered: bool
    """Something is drawn over part of the run afterwards, or other text is behind it."""
    mcid: int
    """Marked-content id of the run (-1 when it has none)."""
    upright: bool = True
    """Its matrix is an upright, unsquashed scale: not rotated, skewed, mirrored or squashed."""


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
    """Fill colour of an opaque filled path; None for an image, form, shading or translucent fill."""
    filled: bool
    """It paints its whole box (a fill, an image); a stroke-only path paints only along its segments."""
    handle: int
    """The PDFium page object, to read a stroked path's segments."""


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
        """The effective size; reads the object's matrix, which `upright` then looks at."""
        pdfium.font_size(obj, self.size)
        pdfium.object_matrix(obj, self.matrix)
        return self.size.value * math.hypot(self.matrix.a, self.matrix.b)

    def upright(self) -> bool:
        """Whether the matrix `size_of` read is an upright, unsquashed scale."""
        m = self.matrix
        slack = _UPRIGHT_SLACK * max(abs(m.a), abs(m.d), 1.0)
        return m.a > 0 and abs(m.a - m.d) <= slack and abs(m.b) <= slack and abs(m.c) <= slack

    def paint(self, obj: int) -> tuple[bool, bool]:
        """Whether a path is filled, and whether it is stroked."""
        pdfium.draw_mode(obj, self.fill_mode, self.stroke)
        return self.fill_mode.value != pdfium_c.FPDF_FILLMODE_NONE, bool(self.stroke.value)


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
            size = read.size_of(obj)
            fill = read.fill(obj)
            run = Run(
                read.text(obj, textpage),
                size,
                render_mode(obj),
                fill,
                box,
                _background(shapes, box, fill[:3]),
                False,
                mcid(obj),
                read.upright(),
            )
            runs.append((index, run))
        elif kind == _PATH:
            filled, stroked = read.paint(obj)
            if filled or stroked:
                red, green, blue, alpha = read.fill(obj)
                colour = (red, green, blue) if filled and alpha == 255 else None
                shapes.append(_Shape(index, read.box(obj), colour, filled, obj))
        elif kind in _OPAQUE_UNKNOWN:
            shapes.append(_Shape(index, read.box(obj), None, True, obj))
    order = [shape.index for shape in shapes]
    behind = _text_over_text([run for _, run in runs])
    return tuple(
        run._replace(covered=True) if number in behind or _covered(shapes, order, index, run.box) else run
        for number, (index, run) in enumerate(runs)
    )


def _overlap(one: Box, other: Box) -> tuple[float, float]:
    """How far two boxes overlap across and up (negative when they do not)."""
    wide = min(one[2], other[2]) - max(one[0], other[0])
    high = min(one[3], other[3]) - max(one[1], other[1])
    return wide, high


def _background(shapes: list[_Shape], box: Box, fill: RGB) -> RGB | None:
    """Of the colours behind any part of `box` (the filled shapes drawn so far that reach into it, from the
    top down to one under all of it, else the white page), the one that contrasts least with `fill`."""
    from generator.verify.visibility import contrast  # the rules module imports this one

    worst: RGB | None = None
    for shape in reversed(shapes):
        if not shape.filled:
            continue
        wide, high = _overlap(shape.box, box)
        if wide <= _MIN_OVERLAP or high <= _MIN_OVERLAP:
            continue
        if shape.fill is None:
            return None
        if worst is None or contrast(fill, shape.fill) < contrast(fill, worst):
            worst = shape.fill
        left, bottom, right, top = shape.box
        if left <= box[0] and bottom <= box[1] and right >= box[2] and top >= box[3]:
            return worst
    return WHITE if worst is None or contrast(fill, WHITE) < contrast(fill, worst) else worst


def _covered(shapes: list[_Shape], order: list[int], index: int, box: Box) -> bool:
    """Whether a shape drawn after object `index` paints into its box (`order`: each shape's index)."""
    for shape in shapes[bisect.bisect_right(order, index) :]:
        wide, high = _overlap(shape.box, box)
        if wide > _MIN_OVERLAP and high > _MIN_OVERLAP and (shape.filled or _stroke_reaches(shape, box)):
            return True
    return False


def _stroke_reaches(shape: _Shape, box: Box) -> bool:
    """Whether a stroked path's line, as wide as it is drawn, passes through `box` (segment by segment)."""
    width = ctypes.c_float()
    pdfium.stroke_width(shape.handle, width)
    matrix = pdfium_c.FS_MATRIX()
    pdfium.object_matrix(shape.handle, matrix)
    half = width.value * math.hypot(matrix.a, matrix.b) / 2
    x, y = ctypes.c_float(), ctypes.c_float()
    start = previous = (0.0, 0.0)
    for number in range(pdfium.count_segments(shape.handle)):
        segment = pdfium.get_segment(shape.handle, number)
        pdfium.segment_point(segment, x, y)
        point = (matrix.a * x.value + matrix.c * y.value + matrix.e, matrix.b * x.value + matrix.d * y.value + matrix.f)
        lines = [] if pdfium.segment_type(segment) == pdfium_c.FPDF_SEGMENT_MOVETO else [(previous, point)]
        if pdfium.segment_close(segment):
            lines.append((point, start))
        for (x0, y0), (x1, y1) in lines:  # a curve's control points bound it: taken as lines, it is overestimated
            wide, high = _overlap((min(x0, x1) - half, min(y0, y1) - half, max(x0, x1) + half, max(y0, y1) + half), box)
            if wide > _MIN_OVERLAP and high > _MIN_OVERLAP:
                return True
        if not lines:
            start = point
        previous = point
    return False


def _text_over_text(runs: list[Run]) -> set[int]:
    """The runs another text run is drawn over or under: boxes overlapping across, and up by more than
    `_TEXT_OVERLAP` of the lower one's height. Runs are compared with their neighbours up the page only."""
    by_height = sorted(range(len(runs)), key=lambda number: runs[number].box[1])
    found: set[int] = set()
    for position, number in enumerate(by_height):
        box = runs[number].box
        for other in by_height[position + 1 :]:
            if runs[other].box[1] >= box[3]:
                break
            wide, high = _overlap(box, runs[other].box)
            lower = min(box[3] - box[1], runs[other].box[3] - runs[other].box[1])
            if wide > _MIN_OVERLAP and high > _TEXT_OVERLAP * lower:
                found.update((number, other))
    return found
