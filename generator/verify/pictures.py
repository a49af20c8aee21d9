"""The pictures the page draws hold what they picture: the dose-time strip's tablets, cell by cell, are the
prescription's, and an icon array's people are the content's count.

The page reader finds the shapes (generator.verify.reader: tablets and icons by their outlines, the cells' and
arrays' frames by their line widths); here each shape counts in the smallest frame around it, frames in the
order they are drawn, and the counts are held to the expected pieces that carry them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.verify.reader import Page

if TYPE_CHECKING:
    from generator.verify.check import Expected

Box = tuple[float, float, float, float]


def picture_problems(pages: list[Page], expected: list[Expected]) -> list[str]:
    """What the strip's cells and the icon arrays drawn on the pages do not hold (empty when they hold it all)."""
    found = tablet_problems(pages, expected) if any(item.tablets for item in expected) else []
    return found + (icon_array_problems(pages, expected) if any(item.icons for item in expected) else [])


def wanted_cells(expected: list[Expected]) -> list[tuple[Expected, int, str, int]]:
    """(piece, cell number, what the cell is, tablets) of every cell of the strip the prescription expects, in
    order (the PDF's and the HTML version's checks alike)."""
    return [
        (item, number, cell, count)
        for item in expected
        for number, (count, cell) in enumerate(zip(item.tablets, item.cells, strict=True), 1)
    ]


def drawn_cells(pages: list[Page]) -> tuple[list[tuple[int, int]], list[int]]:
    """(page number, tablets) of each cell of the dose-time strip, in the order they are drawn (each tablet counts
    in the smallest cell around it), and the pages with a tablet drawn outside every cell."""
    cells, astray = [], []
    for page in pages:
        counts, outside = _counted_in_frames(page.cells, [(tablet, 0) for tablet in page.tablets], 1)
        cells += [(page.number, count) for (count,) in counts]
        astray += [page.number] if outside else []
    return cells, astray


def tablet_problems(pages: list[Page], expected: list[Expected]) -> list[str]:
    """Whether the cells of the dose-time strip drawn on the pages, in the order they are drawn, hold the tablets
    the prescription says, cell by cell, no more and no fewer (empty when they do)."""
    wanted = wanted_cells(expected)
    drawn, astray = drawn_cells(pages)
    found = [f"the dose-time strip: page {page}: a tablet drawn outside its cells" for page in astray]
    for (item, number, cell, count), (page, tablets) in zip(wanted, drawn, strict=False):
        if tablets != count:
            where = f"{item.what}, cell {number} of {len(item.tablets)} ({cell}): page {page}"
            found.append(f"{where}: {tablets} tablet(s) drawn in it, the prescription says {count}")
    if len(drawn) != len(wanted):
        found.append(f"the dose-time strip: {len(drawn)} cell(s) drawn, the prescription says {len(wanted)}")
    return found


def drawn_icon_arrays(pages: list[Page]) -> tuple[list[tuple[int, int, int]], list[int]]:
    """(page number, filled, outlined) of each icon array's frame, in the order they are drawn (each icon counts in
    the smallest frame around it), and the pages with an icon drawn outside every frame."""
    arrays, astray = [], []
    for page in pages:
        marks = [(box, 0 if filled else 1) for box, filled in page.icons]
        counts, outside = _counted_in_frames(page.icon_frames, marks, 2)
        arrays += [(page.number, filled, outlined) for filled, outlined in counts]
        astray += [page.number] if outside else []
    return arrays, astray


def icon_array_problems(pages: list[Page], expected: list[Expected]) -> list[str]:
    """Whether the icon arrays drawn on the pages, in the order they are drawn, show the content's counts, array by
    array: `filled` icons filled and the rest of `of` outlined (empty when they do)."""
    wanted = [item for item in expected if item.icons]
    drawn, astray = drawn_icon_arrays(pages)
    found = [f"an icon array: page {page}: an icon drawn outside its frame" for page in astray]
    for item, (page, filled, outlined) in zip(wanted, drawn, strict=False):
        count, of = item.icons
        if (filled, filled + outlined) != (count, of):
            drew = f"{filled} filled and {outlined} outlined icon(s) drawn"
            found.append(f"{item.what}: page {page}: {drew}, the content says {count} of {of}")
    if len(drawn) != len(wanted):
        found.append(f"icon arrays: {len(drawn)} drawn, the content has {len(wanted)}")
    return found


def _counted_in_frames(frames: list[Box], marks: list[tuple[Box, int]], kinds: int) -> tuple[list[list[int]], bool]:
    """For each frame, in order, how many marks of each of `kinds` kinds it holds (a mark counts in the smallest
    frame its centre is in); and whether a mark is outside every frame."""
    counts = [[0] * kinds for _ in frames]
    outside = False
    for box, kind in marks:
        around = [index for index, frame in enumerate(frames) if _centre_in(box, frame)]
        if around:
            counts[min(around, key=lambda index: _area(frames[index]))][kind] += 1
        else:
            outside = True
    return counts, outside


def _area(box: Box) -> float:
    return (box[2] - box[0]) * (box[3] - box[1])


def _centre_in(box: Box, frame: Box) -> bool:
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return frame[0] <= x <= frame[2] and frame[1] <= y <= frame[3]
