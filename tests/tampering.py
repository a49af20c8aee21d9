"""Tampered copies of real leaflets, made with pikepdf and fontTools: what a hostile edit or a broken layout could do
to the drawn page while the text layer still reads as before."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pikepdf
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables._g_l_y_f import Glyph

Operations = list[tuple[list[object], pikepdf.Operator]]


def edit_embedded_font(pdf: bytes, face: str, edit: Callable[[TTFont], None]) -> bytes:
    """The PDF with every embedded subset of `face` (a PostScript name, e.g. NotoSans-Regular) changed by `edit`."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        edited = 0
        for obj in document.objects:
            if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != "/FontDescriptor":
                continue
            if str(obj.get("/FontName", "")).split("+")[-1] != face:
                continue
            font = TTFont(io.BytesIO(obj.FontFile2.read_bytes()))
            edit(font)
            out = io.BytesIO()
            font.save(out)
            obj.FontFile2.write(out.getvalue())
            edited += 1
        assert edited, f"no embedded {face}"
        return _saved(document)


def empty_outlines(font: TTFont) -> None:
    """Every glyph of the font drawn as nothing (its advance widths kept, so the text layer is unchanged)."""
    for name in font.getGlyphOrder():
        font["glyf"][name] = Glyph()


def draw_digit_as(printed: str, drawn: str) -> Callable[[TTFont], None]:
    """An edit drawing digit `printed` with the outline of `drawn` (the text layer still says `printed`)."""

    def edit(font: TTFont) -> None:
        codes: dict[int, str] = {}
        for table in font["cmap"].tables:
            codes.update(table.cmap)
        glyf = font["glyf"]
        glyf[codes[ord(printed)]] = glyf[codes[ord(drawn)]]

    return edit


def edit_text_object(pdf: bytes, page: int, text: bytes, change: Callable[[Operations], Operations]) -> bytes:
    """The PDF with the BT ... ET block on page `page` (0-based) that shows `text` replaced by `change(block)`."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        target = document.pages[page]
        operations: Operations = list(pikepdf.parse_content_stream(target))
        shows = [i for i, (operands, op) in enumerate(operations) if str(op) == "Tj" and text in bytes(operands[0])]
        assert shows, f"page {page + 1} shows no {text!r}"
        start = max(i for i in range(shows[0]) if str(operations[i][1]) == "BT")
        end = next(i for i in range(shows[0], len(operations)) if str(operations[i][1]) == "ET") + 1
        operations[start:end] = change(operations[start:end])
        target.Contents = document.make_stream(pikepdf.unparse_content_stream(operations))
        return _saved(document)


def clipped_away(block: Operations) -> Operations:
    """The block drawn inside a clipping path of one point square at the page's corner."""
    op = pikepdf.Operator
    return [([], op("q")), ([0, 0, 1, 1], op("re")), ([], op("W")), ([], op("n")), *block, ([], op("Q"))]


def square_annotation_over(pdf: bytes, page: int, box: tuple[float, float, float, float]) -> bytes:
    """The PDF with a white-filled Square annotation over `box` on page `page` (0-based), as a viewer draws it."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        annotation = document.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.Square,
                Rect=[box[0] - 2, box[1] - 2, box[2] + 2, box[3] + 2],
                C=[1, 1, 1],
                IC=[1, 1, 1],
                F=4,
            )
        )
        target = document.pages[page]
        if "/Annots" not in target.obj:
            target.obj.Annots = document.make_indirect(pikepdf.Array())
        target.obj.Annots.append(annotation)
        return _saved(document)


def page_drawing(pdf: pikepdf.Pdf, shape: re.Pattern[str]) -> int:
    """The number of the first page whose content draws `shape` (a pattern of its path statements)."""
    return next(number for number, page in enumerate(pdf.pages, 1) if shape.search(_content(page)))


def shape_removed_or_added(pdf: pikepdf.Pdf, number: int, shape: re.Pattern[str], which: int, how: str) -> None:
    """On page `number`, the `which`-th drawing of `shape` painted with nothing (`how` "removed": its fill made `n`)
    or drawn a second time 2 pt lower ("added"), the rest of the page as it was."""
    page = pdf.pages[number - 1]
    content = _content(page)
    found = list(shape.finditer(content))[which]
    if how == "removed":
        content = content[: found.start()] + "n" + content[found.end() :]
    else:
        content = content[: found.end()] + f"\nq 1 0 0 1 0 -2 cm {found.group(0)} Q" + content[found.end() :]
    page.obj.Contents = pdf.make_stream(content.encode("latin-1"))


def _content(page: pikepdf.Page) -> str:
    return page.Contents.read_bytes().decode("latin-1")


def _saved(document: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
