"""Ink on the page: every run an expected piece was found in, rendered, shows the ink its glyphs should cover.

The text layer and the list of page objects can say one thing while the page shows another (outlines
emptied, a clipping path, a layer switched off, a soft mask, text in almost the background's colour,
something painted over it). So each page is rendered by PDFium without anti-aliasing (every pixel is
ink or not), annotations included, and in each run's box the pixels with at least 4.5:1 contrast
against the box's surroundings (the commonest colour there) are counted. Their area must be what the
run's glyphs cover: its text shaped by HarfBuzz in the source face the generator embeds, the outlines'
area measured with fontTools (generator.verify.rendered.faces), at the run's size. The band allowed
(INK_BAND) is set from measurements over real leaflets of every layout, English and Spanish, with
names in other scripts (see docs/verification.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from generator.render.rtl import has_rtl
from generator.verify.check import Expected, found_runs
from generator.verify.reader import RGB, Page, Run
from generator.verify.rendered.faces import source_face
from generator.verify.rendered.raster import Raster, rendered
from generator.verify.visibility import MIN_CONTRAST, VisibilityRules, contrast

if TYPE_CHECKING:
    from PIL import Image

INK_SCALE = 2.0
"""Pixels a point the pages are rendered at (144 dpi): 11 pt text is 22 pixels an em."""
INK_BAND = (0.75, 1.25)
"""The least and most ink a run may show, as a share of what its glyphs cover. Measured over 3,517 runs of 33
real leaflets (scripts/ink_and_ocr.py): 0.82-1.16; AreaPen counts overlapping contours twice, so Hangul and
Arabic come out low."""
MIN_PIXELS = 30.0
"""Runs whose glyphs cover fewer pixels (a lone full stop) are too small to measure alone."""
SURROUNDINGS = 2.0
"""Points around a run's box that count as its surroundings, for the background colour."""
_FEW_COLOURS = 256


def ink_problems(
    pdf: bytes, pages: list[Page], expected: list[Expected], rules: VisibilityRules, where: str, password: str = ""
) -> list[str]:
    """What is wrong with the ink of the runs each expected piece was found in: '<what>: page N: ...'."""
    found = found_runs(pages, expected, rules)
    wanted = {page for item in found if item for page, _ in item.runs}
    verdicts: dict[tuple[int, int], str] = {}
    for page_index, raster in rendered(pdf, wanted, INK_SCALE, False, where, password or None):
        runs = pages[page_index].runs
        for item in found:
            for run_page, run_index in item.runs if item else ():
                if run_page == page_index and (run_page, run_index) not in verdicts:
                    verdicts[run_page, run_index] = _verdict(raster, runs, run_index)
    problems = []
    for item, where_found in zip(expected, found, strict=True):
        for run_page, run_index in where_found.runs if where_found else ():
            if verdicts[run_page, run_index]:
                problems.append(f"{item.what}: page {pages[run_page].number}: {verdicts[run_page, run_index]}")
    return list(dict.fromkeys(problems))


class Ink(NamedTuple):
    """What a run's box shows and what its glyphs should cover, in pixels."""

    shown: int
    """Pixels with at least 4.5:1 contrast against the box's surroundings."""
    glyphs: float | None
    """The area of the glyphs in the source face; None for a font the generator does not embed."""


def ink_of(raster: Raster, runs: tuple[Run, ...], run_index: int) -> Ink:
    """The ink run `run_index`'s box shows, and what its glyphs cover.

    Shaped text carries its letters as ActualText, which PDFium gives to the first text object of the span
    and none to the others (the rest of the name's words): their boxes count with the first's.
    """
    run = runs[run_index]
    face = source_face(raster.fonts[run_index] if run_index < len(raster.fonts) else "")
    glyphs = face.ink(logical_order(run.text)) * (run.size * raster.scale) ** 2 if face else None
    box = run.box
    for after in runs[run_index + 1 :]:
        if after.text or after.mcid != run.mcid:
            break
        box = (*map(min, box[:2], after.box[:2]), *map(max, box[2:], after.box[2:]))
    background = _commonest(raster.image.crop(raster.pixels(box, SURROUNDINGS)))
    inside = _colours(raster.image.crop(raster.pixels(box)))
    return Ink(sum(count for count, colour in inside if _legible(colour, background)), glyphs)


def logical_order(text: str) -> str:
    """Right-to-left text as PDFium gives it (letters in display order) turned back, so HarfBuzz joins the letters
    as they were shaped; other text as it is. A run holds one font, so one script: a whole reversal will do."""
    return text[::-1] if has_rtl(text) else text


def _colours(image: Image.Image) -> list[tuple[int, RGB]]:
    """(count, colour) of every colour in `image` (few: it is drawn without anti-aliasing)."""
    limit = _FEW_COLOURS
    while (colours := image.getcolors(limit)) is None:
        limit *= 16
    return colours


def _commonest(image: Image.Image) -> RGB:
    colours = _colours(image)
    return max(colours)[1] if colours else (255, 255, 255)


def _legible(colour: RGB, background: RGB) -> bool:
    return contrast(colour, background) >= MIN_CONTRAST


def _verdict(raster: Raster, runs: tuple[Run, ...], run_index: int) -> str:
    """What is wrong with one run's ink (empty when nothing is). A run in a font the generator does not embed (the
    closed-world check refuses those) is only held to showing some legible ink, and so is right-to-left text: a
    paragraph's ActualText spans its lines' text objects, each in one font, and PDFium gives the whole text to
    some of them and none to others, so no one run's box holds what its text says (the closed world proves the
    glyphs are that text's shaping; nothing-over-it and contrast are checked on every text object)."""
    shown, glyphs = ink_of(raster, runs, run_index)
    if glyphs is None or has_rtl(runs[run_index].text):
        return "" if shown >= MIN_PIXELS else f"no ink at {MIN_CONTRAST:g}:1 against its surroundings"
    if glyphs < MIN_PIXELS:
        return ""
    share = shown / glyphs
    low, high = INK_BAND
    if share < low:
        return f"too little ink at {MIN_CONTRAST:g}:1 against its surroundings ({share:.0%} of what its glyphs cover)"
    if share > high:
        return f"more ink than its glyphs ({share:.0%} of what they cover): something else is drawn in its box"
    return ""
