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

import ctypes
import math
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pypdfium2
import pypdfium2.raw as pdfium_c

from generator.content.icon_array import ICON_ARRAY_FRAME_LINE, ICON_ARRAY_POINTS
from generator.errors import VerifyError
from generator.personalise import TOPICS_KEYWORD
from generator.prescription.strip import CELL_LINE, TABLET_POINTS
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
_TEXT_ACROSS = 0.2
"""Share of the lower one's height two text objects must also overlap by across: objects set side by side on
one line touch where a glyph reaches past its advance (a bold Arabic letter into the Latin word after it,
by about a tenth of the height); text drawn over other text covers a glyph or more (half the height)."""
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
    tablets: tuple[Box, ...] = ()
    """The boxes of the tablets drawn (filled shapes of exactly TABLET_POINTS corners: the dose-time strip's)."""
    cells: tuple[Box, ...] = ()
    """The boxes of the dose-time strip's cells: stroked, unfilled shapes framed with a CELL_LINE-wide line, in the
    order they are drawn."""
    icons: tuple[tuple[Box, bool], ...] = ()
    """The person icons of icon arrays (shapes of exactly ICON_ARRAY_POINTS segments): each one's box and whether
    it is filled (else outlined)."""
    icon_frames: tuple[Box, ...] = ()
    """The frames of icon arrays: stroked, unfilled shapes drawn with an ICON_ARRAY_FRAME_LINE-wide line, in the
    order they are drawn."""


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
        runs, drawn = _runs(pdfium.address(page), pdfium.address(textpage), height)
        return Page(index + 1, width, height, runs, read_structure(page), *drawn)
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


_LINE_SLACK = 1e-3
"""How far a frame's line width may be from CELL_LINE (ICON_ARRAY_FRAME_LINE) to be a strip cell's (an icon
array's)."""


class _Drawn(NamedTuple):
    """The shapes of a page the verifier counts: the strip's tablets and cells, icon arrays' icons and frames."""

    tablets: tuple[Box, ...]
    cells: tuple[Box, ...]
    icons: tuple[tuple[Box, bool], ...]
    icon_frames: tuple[Box, ...]


def _width_is(obj: int, line: ctypes.c_float, width: float) -> bool:
    return bool(pdfium.stroke_width(obj, line)) and abs(line.value - width) < _LINE_SLACK


def _runs(page: int, textpage: int, height: float) -> tuple[tuple[Run, ...], _Drawn]:
    """The page's text runs and the shapes it draws that the verifier counts."""
    read = _Reader()
    shapes: list[_Shape] = []
    tablets: list[Box] = []
    cells: list[Box] = []
    icons: list[tuple[Box, bool]] = []
    frames: list[Box] = []
    line = ctypes.c_float()
    runs: list[tuple[int, Run]] = []
    get_object, get_type = pdfium.get_object, pdfium.object_type
    render_mode, mcid = pdfium.render_mode, pdfium.marked_content_id
    for index in range(pdfium.count_objects(page)):
        obj = get_object(page, index)
        kind = get_type(obj)
        if kind == _TEXT:
            box = read.box(obj)
            size = read.size_of(obj)
            text = read.text(obj, textpage)
            run = Run(text, size, render_mode(obj), read.fill(obj), box, None, False, mcid(obj), read.upright())
            runs.append((index, run))
        elif kind == _PATH:
            filled, stroked = read.paint(obj)
            if filled or stroked:
                red, green, blue, alpha = read.fill(obj)
                colour = (red, green, blue) if filled and alpha == 255 else None
                box = read.box(obj)
                shapes.append(_Shape(index, box, colour, filled, obj))
                segments = pdfium.count_segments(obj)
                if segments == ICON_ARRAY_POINTS:  # filled (stroked too, or not) or only outlined
                    icons.append((box, filled))
                elif filled and not stroked and segments == TABLET_POINTS:
                    tablets.append(box)
                elif stroked and not filled and _width_is(obj, line, CELL_LINE):
                    cells.append(box)
                elif stroked and not filled and _width_is(obj, line, ICON_ARRAY_FRAME_LINE):
                    frames.append(box)
        elif kind in _OPAQUE_UNKNOWN:
            shapes.append(_Shape(index, read.box(obj), None, True, obj))
    bands = _Bands(shapes, height)
    behind = _text_over_text([run for _, run in runs])
    strokes: dict[int, list[Box]] = {}
    read_runs = []
    for number, (index, run) in enumerate(runs):
        before, after = bands.around(index, run.box)
        background = _background(shapes, before, run.box, run.fill[:3])
        covered = number in behind or _covered(shapes, after, run.box, strokes)
        read_runs.append(run._replace(background=background, covered=covered))
    return tuple(read_runs), _Drawn(tuple(tablets), tuple(cells), tuple(icons), tuple(frames))


_BAND = 48.0
"""Points of page height per band of `_Bands`."""


class _Bands:
    """The shapes of a page by the bands of its height they reach into, to find those near a box quickly."""

    def __init__(self, shapes: list[_Shape], height: float) -> None:
        self.shapes, self.height = shapes, height
        self.bands: dict[int, list[int]] = {}
        for position, shape in enumerate(shapes):
            for band in self._bands(shape.box):
                self.bands.setdefault(band, []).append(position)

    def _bands(self, box: Box) -> range:
        """The bands `box` reaches into (clamped to the page, so a shape drawn far off it costs nothing)."""
        low = max(-1.0, min(box[1], self.height + _BAND)) // _BAND
        high = max(-1.0, min(box[3], self.height + _BAND)) // _BAND
        return range(int(low), int(high) + 1)

    def around(self, index: int, box: Box) -> tuple[list[int], list[int]]:
        """Positions of the shapes near `box` drawn before page object `index` (the last drawn first), and of
        those drawn after it."""
        near: set[int] = set()
        for band in self._bands(box):
            near.update(self.bands.get(band, ()))
        shapes = self.shapes
        before = sorted((p for p in near if shapes[p].index < index), reverse=True)
        return before, [p for p in near if shapes[p].index > index]


def _reaches(one: Box, other: Box, by: float = _MIN_OVERLAP) -> bool:
    """Whether two boxes overlap by more than `by` points across and up."""
    return one[2] - other[0] > by and other[2] - one[0] > by and one[3] - other[1] > by and other[3] - one[1] > by


def _background(shapes: list[_Shape], behind: list[int], box: Box, fill: RGB) -> RGB | None:
    """Of the colours behind any part of `box` (the filled shapes at positions `behind`, last drawn first, that
    reach into it, down to one under all of it, else the white page), the one that contrasts least with `fill`."""
    from generator.verify.visibility import contrast  # the rules module imports this one

    worst = None
    for position in behind:
        shape = shapes[position]
        if not shape.filled or not _reaches(shape.box, box):
            continue
        if shape.fill is None:
            return None
        if worst is None or contrast(fill, shape.fill) < contrast(fill, worst):
            worst = shape.fill
        left, bottom, right, top = shape.box
        if left <= box[0] and bottom <= box[1] and right >= box[2] and top >= box[3]:
            return worst
    return WHITE if worst is None or contrast(fill, WHITE) < contrast(fill, worst) else worst


def _covered(shapes: list[_Shape], after: list[int], box: Box, strokes: dict[int, list[Box]]) -> bool:
    """Whether a shape at one of the positions `after` paints into `box` (`strokes`: each stroked path's line
    boxes, read once per page)."""
    for position in after:
        shape = shapes[position]
        if _reaches(shape.box, box):
            if shape.filled:
                return True
            if position not in strokes:
                strokes[position] = _stroke_boxes(shape)
            if any(_reaches(line, box) for line in strokes[position]):
                return True
    return False


def _stroke_boxes(shape: _Shape) -> list[Box]:
    """The box of each line of a stroked path, as wide as it is drawn (a curve's control points bound it: taken
    as lines, it is overestimated)."""
    width = ctypes.c_float()
    pdfium.stroke_width(shape.handle, width)
    matrix = pdfium_c.FS_MATRIX()
    pdfium.object_matrix(shape.handle, matrix)
    half = width.value * math.hypot(matrix.a, matrix.b) / 2
    x, y = ctypes.c_float(), ctypes.c_float()
    start = previous = (0.0, 0.0)
    boxes: list[Box] = []
    for number in range(pdfium.count_segments(shape.handle)):
        segment = pdfium.get_segment(shape.handle, number)
        pdfium.segment_point(segment, x, y)
        point = (matrix.a * x.value + matrix.c * y.value + matrix.e, matrix.b * x.value + matrix.d * y.value + matrix.f)
        lines = [] if pdfium.segment_type(segment) == pdfium_c.FPDF_SEGMENT_MOVETO else [(previous, point)]
        if pdfium.segment_close(segment):
            lines.append((point, start))
        boxes += [
            (min(x0, x1) - half, min(y0, y1) - half, max(x0, x1) + half, max(y0, y1) + half)
            for (x0, y0), (x1, y1) in lines
        ]
        if not lines:
            start = point
        previous = point
    return boxes


def _text_over_text(runs: list[Run]) -> set[int]:
    """The runs another text run is drawn over or under: boxes overlapping across, and up by more than
    `_TEXT_OVERLAP` of the lower one's height. Each run is compared with those starting below its top only."""
    boxes = [run.box for run in runs]
    by_bottom = sorted(range(len(boxes)), key=lambda number: boxes[number][1])
    found: set[int] = set()
    for position, number in enumerate(by_bottom):
        box = boxes[number]
        for next_position in range(position + 1, len(by_bottom)):
            other = by_bottom[next_position]
            upper = boxes[other]
            if upper[1] >= box[3]:
                break
            lower_height = min(box[3] - box[1], upper[3] - upper[1])
            up = min(box[3], upper[3]) - upper[1]
            across = min(box[2], upper[2]) - max(box[0], upper[0])
            if up > _TEXT_OVERLAP * lower_height and across > max(_MIN_OVERLAP, _TEXT_ACROSS * lower_height):
                found.update((number, other))
    return found
