"""Pages rendered by PDFium for the checks that look at pixels (ink, OCR), and where a box of points falls on them."""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pypdfium2
import pypdfium2.raw as pdfium_c

from generator.errors import VerifyError
from generator.verify.reader import Box

if TYPE_CHECKING:
    from PIL import Image

_NAME_BYTES = 256


@dataclass(frozen=True)
class Raster:
    """One page as PDFium draws it (annotations and forms included), `scale` pixels a point."""

    image: Image.Image
    """RGB pixels of the page's crop box."""
    scale: float
    origin: tuple[float, float]
    """The crop box's left and top, in points."""
    fonts: tuple[str, ...]
    """The embedded font's name (BaseFont) of each text object, in drawing order (the reader's runs)."""

    def pixels(self, box: Box, pad: float = 0.0) -> tuple[int, int, int, int]:
        """The pixel box (left, upper, right, lower) covering `box` grown by `pad` points, clipped to the page."""
        left, top = self.origin
        x0, y0, x1, y1 = box
        width, height = self.image.size
        return (
            max(0, min(width, int((x0 - pad - left) * self.scale))),
            max(0, min(height, int((top - y1 - pad) * self.scale))),
            max(0, min(width, int((x1 + pad - left) * self.scale + 0.999))),
            max(0, min(height, int((top - y0 + pad) * self.scale + 0.999))),
        )


def rendered(
    pdf: bytes, wanted: set[int], scale: float, smooth: bool, where: str, password: str | None = None
) -> Iterator[tuple[int, Raster]]:
    """Each page index in `wanted`, rendered (`smooth`: with anti-aliasing; without, every pixel is ink or not)."""
    try:
        document = pypdfium2.PdfDocument(pdf, password=password)
    except pypdfium2.PdfiumError:
        raise VerifyError(f"{where}: not a readable PDF") from None
    try:
        for index in sorted(wanted):
            page = document[index]
            try:
                flags = {} if smooth else {"no_smoothtext": True, "no_smoothpath": True, "no_smoothimage": True}
                bitmap = page.render(scale=scale, draw_annots=True, may_draw_forms=True, **flags)
                left, _, _, top = page.get_cropbox()
                yield index, Raster(bitmap.to_pil().convert("RGB"), scale, (left, top), _fonts(page))
            finally:
                page.close()
    finally:
        document.close()


def _fonts(page: pypdfium2.PdfPage) -> tuple[str, ...]:
    names = []
    buffer = ctypes.create_string_buffer(_NAME_BYTES)
    for index in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        obj = pdfium_c.FPDFPage_GetObject(page.raw, index)
        if pdfium_c.FPDFPageObj_GetType(obj) == pdfium_c.FPDF_PAGEOBJ_TEXT:
            font = pdfium_c.FPDFTextObj_GetFont(obj)
            length = pdfium_c.FPDFFont_GetBaseFontName(font, buffer, _NAME_BYTES) if font else 0
            names.append(buffer.value.decode("latin-1") if 0 < length <= _NAME_BYTES else "")
    return tuple(names)
