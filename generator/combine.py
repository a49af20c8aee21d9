"""One print-ready PDF of many leaflets, each starting on a new sheet when printed double-sided."""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from generator.pipeline import write_atomically


def combine_pdfs(parts: Iterable[bytes], target: Path) -> int:
    """Join `parts` in order, adding a blank page after any leaflet with an odd page count.

    So every leaflet starts on an odd (front) page. Returns the total page count.
    """
    writer = PdfWriter()
    for part in parts:
        reader = PdfReader(io.BytesIO(part))
        for page in reader.pages:
            writer.add_page(page)
        if len(reader.pages) % 2:
            last = reader.pages[-1].mediabox
            writer.add_blank_page(width=float(last.width), height=float(last.height))
    buffer = io.BytesIO()
    writer.write(buffer)
    write_atomically(target, buffer.getvalue())
    return len(writer.pages)
