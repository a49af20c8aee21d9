"""OCR, as an audit: Tesseract reads the rendered pages, and each expected piece must be read where it was found.

Independent of PDFium's text layer and of the fonts: the page is rendered at 300 dpi and Tesseract
(through pytesseract, which runs the Debian `tesseract` program) gives its words with their boxes.
Each expected piece is compared in the runs it was found in, by position (the words whose centre
lies in each run's box, run by run), not in the page's text, so a table cell that wraps is read as
printed. Spacing and accents do not count. Every printed digit must be read exactly and no digit
may be read that is not printed (doses, dates, phone numbers), except a letter Tesseract takes for
its look-alike digit (o for 0, l for 1), which counts as a misread character; other characters may
differ in at most one in OCR_BUDGET (Tesseract's own mistakes).

Not compared (counted, and said): text in scripts other than Latin (names in Arabic, Hebrew,
Devanagari, Thai, CJK), which English and Spanish models cannot read, and text set in a face
Tesseract misreads (UNREAD_FACES).
"""

from __future__ import annotations

import functools
import os
import unicodedata
from dataclasses import dataclass, replace

from fontTools import unicodedata as ucd

from generator.errors import InputError
from generator.verify.check import Expected, found_runs
from generator.verify.reader import Box, Page
from generator.verify.rendered.raster import Raster, rendered
from generator.verify.text import normalise
from generator.verify.visibility import VisibilityRules

OCR_SCALE = 300 / 72
"""Pixels a point (300 dpi, as Tesseract is trained)."""
OCR_BUDGET = 20
"""One character in this many may be misread, digits never."""
TESSERACT_LANGUAGES = {"en": "eng", "es": "spa"}
"""Tesseract's model for each leaflet language."""
UNREAD_FACES = ("AtkinsonHyperlegible",)
"""Faces whose digits Tesseract's English and Spanish models misread (measured: Atkinson Hyperlegible's slashed
zero is read as 9, 8 or 80), so OCR cannot hold them to exact digits; their text is left to the ink check."""
_LOOK_ALIKES = {"o": "0", "O": "0", "l": "1", "I": "1"}
"""Letters Tesseract may read as a digit (a misread character, not a digit changed)."""
_LATIN = frozenset({"Latn", "Zyyy", "Zinh"})
_PAD = 1.5
"""Points a word's centre may lie outside a run's box."""
_SPARSE_TEXT = "--psm 11"
"""Tesseract's page segmentation for scattered text (the runs left on a page painted out around them)."""
_ONE_LINE = "--psm 7"
"""Tesseract's page segmentation for one line of text (a run read on its own, at a second look)."""
_BORDER = 24
"""White pixels around a run read on its own (Tesseract reads text that touches the image's edge badly)."""


@dataclass(frozen=True)
class _Word:
    text: str
    x: float
    y: float
    """Its centre, in points."""


def installed_models(flag: str) -> frozenset[str]:
    """The models Tesseract has; an InputError naming `flag` when Tesseract is not installed."""
    import pytesseract

    try:
        return _installed_models()
    except pytesseract.TesseractNotFoundError:
        raise InputError(f"{flag}: Tesseract is not installed (install the Debian package tesseract-ocr)") from None


def require_tesseract(language: str, flag: str) -> str:
    """Tesseract's model name for `language`; an InputError naming `flag` when Tesseract or the model is missing."""
    model = TESSERACT_LANGUAGES.get(language)
    if model is None:
        known = ", ".join(sorted(TESSERACT_LANGUAGES))
        raise InputError(f"{flag}: no OCR for language '{language}' (OCR reads {known})")
    if model not in installed_models(flag):
        raise InputError(f"{flag}: Tesseract has no '{model}' model (install the Debian package tesseract-ocr-{model})")
    return model


@functools.cache
def _installed_models() -> frozenset[str]:
    import pytesseract

    return frozenset(pytesseract.get_languages())


def ocr_problems(
    pdf: bytes,
    pages: list[Page],
    expected: list[Expected],
    rules: VisibilityRules,
    language: str,
    where: str,
    password: str = "",
) -> tuple[list[str], int]:
    """What OCR does not read as expected ('<what>: page N: OCR reads ...', never the text itself), and how many
    of the expected pieces found were compared: those in Latin letters, in the leaflet's language (a line of the
    language-help notice in another is left to that language's reader)."""
    model = require_tesseract(language, "--ocr")
    found = found_runs(pages, expected, rules)
    latin = [
        (item, at)
        for item, at in zip(expected, found, strict=True)
        if at and at.start >= 0 and _latin(item.text) and item.language in ("", language)
    ]
    wanted = {page for _, at in latin for page, _ in at.runs}
    words: dict[int, list[_Word]] = {}
    rasters: dict[int, Raster] = {}
    for index, raster in rendered(pdf, wanted, OCR_SCALE, True, where, password or None):
        boxes = [pages[index].runs[run].box for _, at in latin for page, run in at.runs if page == index]
        words[index] = _words(raster, boxes, model)
        rasters[index] = replace(raster, image=raster.image.convert("L"))  # for a second look, in less memory
    compared = [(item, at) for item, at in latin if not any(_unread(rasters[p].fonts, run) for p, run in at.runs)]
    problems = []
    for item, at in compared:
        printed = "".join(normalise(pages[page].runs[run].text) for page, run in at.runs)
        read = "".join(_read_in(words[page], pages[page].runs[run].box) for page, run in at.runs)
        problem = disagreement(printed, at.start, at.length, normalise(read))
        if problem:  # a second look, run by run: on a whole page Tesseract may overlook a short word ("8,")
            read = "".join(_read_alone(rasters[page], pages[page].runs[run].box, model) for page, run in at.runs)
            problem = disagreement(printed, at.start, at.length, normalise(read))
        if problem:
            problems.append(f"{item.what}: page {pages[at.runs[0][0]].number}: {problem}")
    return problems, len(compared)


def disagreement(printed: str, start: int, length: int, read: str) -> str:
    """Why `read` (OCR) does not agree with printed[start:start + length] (empty when it does): a digit misread,
    missing or added, or more than one character in OCR_BUDGET misread."""
    from rapidfuzz.distance import Levenshtein

    printed, read = _plain(printed), _plain(read)
    end = start + length
    errors, digits = 0, 0
    for tag, source, target in Levenshtein.editops(printed, read):
        added = read[target] if tag != "delete" else ""
        lost = printed[source] if tag != "insert" and source < len(printed) else ""
        if tag == "insert":
            inside = start < source < end or (added.isdigit() and _next_to_digit(printed, source, start, end))
        else:
            inside = start <= source < end
        if inside:
            errors += 1
            digits += lost.isdigit() or (added.isdigit() and _LOOK_ALIKES.get(lost) != added)
    if digits:
        return f"OCR reads {digits} digit(s) differently from what is expected"
    if errors > length // OCR_BUDGET:
        return f"OCR reads {errors} of {length} characters differently (at most 1 in {OCR_BUDGET} allowed)"
    return ""


def _next_to_digit(printed: str, source: int, start: int, end: int) -> bool:
    """Whether an insertion before printed[source] touches a digit at the edge of the expected piece."""
    return (source == end and printed[end - 1].isdigit()) or (source == start and printed[start : start + 1].isdigit())


def _plain(text: str) -> str:
    """Text without accents (Tesseract's weakest point, and no digit's): the same length when nothing is
    decomposed into more than a letter and its marks."""
    return "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))


def _unread(fonts: tuple[str, ...], run: int) -> bool:
    """Whether run `run` is set in a face Tesseract misreads."""
    name = fonts[run].split("+", 1)[-1] if run < len(fonts) else ""
    return name.startswith(UNREAD_FACES)


def _latin(text: str) -> bool:
    return all(ucd.script(char) in _LATIN for char in text if not char.isascii())


def _words(raster: Raster, boxes: list[Box], model: str) -> list[_Word]:
    """Tesseract's words in `boxes` of one rendered page, with their centres in points. Everything else on the page
    is painted out first: a QR code or a picture beside a line makes Tesseract's layout analysis lose the line."""
    import pytesseract
    from PIL import Image

    shown = Image.new("RGB", raster.image.size, "white")
    for box in boxes:
        area = raster.pixels(box, _PAD)
        shown.paste(raster.image.crop(area), area[:2])
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # Tesseract's threads on a busy machine: twice as slow (measured)
    data = pytesseract.image_to_data(shown, lang=model, config=_SPARSE_TEXT, output_type=pytesseract.Output.DICT)
    left, top = raster.origin
    words = []
    for text, x, y, width, height in zip(
        data["text"], data["left"], data["top"], data["width"], data["height"], strict=True
    ):
        if text.strip():
            words.append(_Word(text, left + (x + width / 2) / raster.scale, top - (y + height / 2) / raster.scale))
    return words


def _read_alone(raster: Raster, box: Box, model: str) -> str:
    """One run's box read on its own, as a single line of text."""
    import pytesseract
    from PIL import ImageOps

    line = ImageOps.expand(raster.image.crop(raster.pixels(box, _PAD)), border=_BORDER, fill="white")
    return str(pytesseract.image_to_string(line, lang=model, config=_ONE_LINE))


def _read_in(words: list[_Word], box: Box) -> str:
    """The words whose centre lies in `box`, left to right."""
    x0, y0, x1, y1 = box
    inside = [w for w in words if x0 - _PAD <= w.x <= x1 + _PAD and y0 - _PAD <= w.y <= y1 + _PAD]
    return " ".join(w.text for w in sorted(inside, key=lambda w: w.x))
