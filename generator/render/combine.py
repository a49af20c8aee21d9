"""One print-ready PDF of many leaflets, each starting on a new sheet when printed double-sided."""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from generator.files import write_atomically


def combine_pdf_bytes(parts: Iterable[bytes], double_sided: bool = True) -> tuple[bytes, int]:
    """Join `parts` (PDFs) in order; `double_sided`: with a blank page after any leaflet with an odd page count,
    so every leaflet starts on an odd (front) page. Returns the PDF and its page count.
    """
    writer = PdfWriter()
    titles = []
    for part in parts:
        reader = PdfReader(io.BytesIO(part))
        if reader.metadata and reader.metadata.title:
            titles.append(reader.metadata.title)
        for page in reader.pages:
            writer.add_page(page)
        if double_sided and len(reader.pages) % 2:
            last = reader.pages[-1].mediabox
            writer.add_blank_page(width=float(last.width), height=float(last.height))
    if titles:
        writer.add_metadata({"/Title": " + ".join(dict.fromkeys(titles))})  # each title once
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue(), len(writer.pages)


def combine_pdfs(parts: Iterable[bytes], target: Path) -> int:
    """Join the leaflets `parts` into the file `target` (see combine_pdf_bytes); returns the total page count."""
    pdf, pages = combine_pdf_bytes(parts)
    write_atomically(target, pdf)
    return pages
