"""Paragraphs that print every character: fallback fonts by script, right-to-left order, shaping, line breaks.

- Each character is set in a font that has it (generator.render.fontrun).
- Right-to-left runs in a left-to-right paragraph (a name) are put in visual order with python-bidi; the
  words of a run are joined by no-break spaces so a name never breaks across lines in the wrong order, and
  each word HarfBuzz will shape right to left is handed over reversed (and its brackets mirrored), since
  HarfBuzz reverses and mirrors it again while joining its letters (generator.render.rtl).
- A right-to-left paragraph (an Arabic leaflet) and a Chinese one are broken into lines here, for the width
  they are laid out in, then handed to ReportLab a line at a time (generator.render.linefit, rtl_lines).
- Paragraphs holding a script that needs shaping (Arabic, Hebrew, Devanagari, Thai) get ReportLab's
  shaping, and say their text as ActualText; so do right-to-left paragraphs, whose glyphs are in visual order.

Text is normalised to NFC first. Bidirectional order within a left-to-right paragraph is worked out within
each run of text between markup tags (a name is one escaped value, so one run).
"""

from __future__ import annotations

import functools
import html
import itertools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib.abag import ABag
from reportlab.lib.fonts import ps2tt
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import shapeFragWord
from reportlab.platypus import Flowable, Paragraph

from generator.render import linefit, rtl_lines
from generator.render.fontrun import (
    SHAPED_SCRIPTS,
    Piece,
    family_for,
    fonted_markup,
    glyphs,
    script_of,
    split_pieces,
    text_width,
)
from generator.render.fonts import face_name, is_subset_family
from generator.render.linefit import Cell
from generator.render.paracache import MemoWrap, parsed_fragments
from generator.render.rtl import for_harfbuzz, has_rtl, shaped_right_to_left, visual_order
from generator.tagging.marked import Tagged

_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_SPACES = re.compile("[ \u00a0]")


@dataclass(frozen=True)
class Prepared:
    """Paragraph markup ready for ReportLab."""

    markup: str
    shaping: bool
    """Whether ReportLab must shape it (HarfBuzz)."""
    bidi: bool
    """Whether it is set anew for each width (right-to-left text, broken into lines to fit, and Chinese)."""


@functools.lru_cache(maxsize=8192)  # a pure function of its arguments: each text is set once per width and process
def prepare(
    markup: str, font_name: str, size: float = 0, width: float | None = None, rtl: bool = False, cjk: bool = False
) -> Prepared:
    """Markup whose every character exists in the font it is set in, right-to-left runs in visual order.

    With `width`, a right-to-left run wider than it (at `size`) is broken into lines that fit, first words first.
    With `rtl`, the whole paragraph is right to left; with `cjk`, its lines break between characters (Chinese):
    both are broken into lines here, with `width` (generator.render.linefit).
    """
    markup = unicodedata.normalize("NFC", markup)  # one glyph for a letter with two marks (Vietnamese ệ, ổ)
    if (rtl and has_rtl(markup)) or (cjk and not markup.isascii()):  # else set as it reads (a name, a date)
        return _prepare_lines(markup, font_name, size, width, rtl)
    if markup.isascii():
        return Prepared(markup, False, False)
    non_ascii = "".join(_NON_ASCII.findall(markup))
    shaping = any(script_of(c) in SHAPED_SCRIPTS for c in non_ascii)
    own = pdfmetrics.getFont(font_name).face.charToGlyph
    if not shaping and all(ord(c) in own for c in non_ascii):
        return Prepared(markup, False, False)
    family, bold, _ = ps2tt(font_name)
    pieces = split_pieces(markup, bool(bold))
    for piece in pieces:
        if not piece.tag:
            piece.text = visual_order(piece.text, _measure(size, piece.bold) if width else None, width)
    return Prepared(fonted_markup(pieces, family, shaping), shaping, has_rtl(non_ascii))


def _prepare_lines(markup: str, font_name: str, size: float, width: float | None, rtl: bool) -> Prepared:
    """A paragraph broken into lines here (one, without `width`) at UAX #14's opportunities (spaces, after a
    slash in a link, between ideographs; never inside a number or a date): right to left, each line in visual
    order and each word as HarfBuzz takes it."""
    family, bold, _ = ps2tt(font_name)
    paragraphs: list[list[Cell]] = [[]]
    for piece in split_pieces(markup, bool(bold)):
        if piece.tag and piece.text.lower().startswith("<br"):
            paragraphs.append([])
        elif not piece.tag:
            paragraphs[-1] += [(char, piece.bold) for char in piece.text]
    lines = paragraphs
    if width:
        measure = _word_width if rtl else _run_width
        space = pdfmetrics.stringWidth(" ", font_name, size)
        fitted = functools.partial(linefit.fit, measure=measure(font_name, size), space=space, width=width - _SLACK)
        lines = [line for part in paragraphs for line in fitted(linefit.break_units(part))]
    pieces: list[Piece] = []
    for number, line in enumerate(lines):
        if number:
            pieces.append(Piece("<br/>", tag=True))
        if rtl:  # kept whole while the lines were fitted, a no-break space now parts words of different scripts,
            # so each is shaped in its own font (a digit shaped in an Arabic word takes the Arabic font's form)
            line = _for_harfbuzz([(" " if char == "\u00a0" else char, b) for char, b in rtl_lines.visual(line)])
        pieces += _bold_pieces(line)
    text = "".join(piece.text for piece in pieces if not piece.tag)
    shaping = any(script_of(c) in SHAPED_SCRIPTS for c in text if not c.isascii())
    return Prepared(fonted_markup(pieces, family, shaping), shaping, True)


_SLACK = 0.5
"""Points a line broken here leaves free, so ReportLab never breaks it again (rounding)."""


def _for_harfbuzz(line: list[Cell]) -> list[Cell]:
    """A visual line's words as HarfBuzz must get them: those it shapes right to left reversed and mirrored."""
    out: list[Cell] = []
    for space, group in itertools.groupby(line, key=lambda cell: cell[0] == " "):
        word = list(group)
        text = "".join(char for char, _ in word)
        flags = [bold for _, bold in word]
        if not space:
            flags = flags[::-1] if shaped_right_to_left(text) else flags
            text = for_harfbuzz(text)
        out += zip(text, flags, strict=True)
    return out


def _bold_pieces(cells: list[Cell]) -> list[Piece]:
    """Runs of text, bold ones between <b> and </b>."""
    pieces: list[Piece] = []
    for bold, run in itertools.groupby(cells, key=lambda cell: cell[1]):
        text = "".join(char for char, _ in run)
        pieces += (
            [Piece("<b>", tag=True), Piece(text, False, True), Piece("</b>", tag=True)]
            if bold
            else [Piece(text, False, False)]
        )
    return pieces


def _word_width(font_name: str, size: float) -> Callable[[list[Cell]], float]:
    """The width of words as ReportLab sets them: each in the font of its script, shaped by HarfBuzz."""
    family = ps2tt(font_name)[0]
    space = pdfmetrics.stringWidth(" ", font_name, size)

    def width(run: list[Cell]) -> float:  # a no-break space parts words as a space will when they are drawn
        words = _SPACES.split("".join(char for char, _ in run))
        return sum(word_width(word, run[0][1]) for word in words if word) + space * (len(words) - 1)

    def word_width(text: str, bold: bool) -> float:
        missing = [c for c in text if not c.isascii() and ord(c) not in glyphs(family, bold)]
        chosen = family_for(missing[0]) if missing else family
        if is_subset_family(chosen):  # cut per paragraph, so not measurable yet: the layout's font stands in
            return pdfmetrics.stringWidth(text, face_name(family, bold), size)
        glyphs(chosen, bold)  # registers the face
        face = face_name(chosen, bold)
        frag = ABag(fontName=face, fontSize=size)
        return float(shapeFragWord([pdfmetrics.stringWidth(text, face, size), (frag, text)])[0])

    return width


def _run_width(font_name: str, size: float) -> Callable[[list[Cell]], float]:
    """The width of a run of text, each character in the font it is set in."""
    family = ps2tt(font_name)[0]

    def width(run: list[Cell]) -> float:
        return sum(
            text_width("".join(c for c, _ in cells), face_name(family, bold), size)
            for bold, cells in itertools.groupby(run, key=lambda cell: cell[1])
        )

    return width


def _measure(size: float, bold: bool) -> Callable[[str], float]:
    """The width of a right-to-left run in its script's font, with room for shaping's wider forms."""

    def width(text: str) -> float:
        return pdfmetrics.stringWidth(text, face_name(family_for(text[0]), bold), size) * 1.15

    return width


def _shaped(style: ParagraphStyle) -> ParagraphStyle:
    return ParagraphStyle(f"{style.name}-shaped", parent=style, shaping=1)


def is_right_to_left(style: ParagraphStyle) -> bool:
    """Whether paragraphs in `style` read right to left (set by generator.render.styles for Arabic, Hebrew)."""
    return getattr(style, "direction", "ltr") == "rtl"


def breaks_between_characters(style: ParagraphStyle) -> bool:
    """Whether lines in `style` break between characters (set by generator.render.styles for Chinese)."""
    return getattr(style, "breaks", "words") == "characters"


class _RightBullet(Flowable):
    """Draws a right-to-left paragraph's bullet at its right edge, `bulletIndent` in from it (ReportLab draws
    bullets on the left only)."""

    bullet: str | None = None

    def draw(self) -> None:
        if self.bullet is not None:
            style = self.style  # type: ignore[attr-defined]
            size = style.bulletFontSize
            right = self.width - style.bulletIndent - pdfmetrics.stringWidth(self.bullet, style.bulletFontName, size)
            label = self.canv.beginText(right, self.height - style.fontSize)  # the first line's baseline
            label.setFont(style.bulletFontName, size)
            label.setFillColor(style.textColor)
            label.textOut(self.bullet)
            self.canv.drawText(label)
        super().draw()


class Text(Tagged, _RightBullet, MemoWrap, Paragraph):
    """A paragraph whose characters all exist in the fonts it is set in, in visual order, shaped when needed;
    `tag` gives it a structure role; parsed and wrapped once (generator.render.paracache)."""

    def __init__(self, text: str | None, style: ParagraphStyle, **kwargs: object) -> None:
        self._source, self._fitted = None, None
        if text is None:  # the rest of a split, made by ReportLab from the first part's fragments
            super().__init__(text, style, **kwargs)  # type: ignore[arg-type]
            return
        rtl = is_right_to_left(style)
        if rtl and kwargs.get("bulletText") is not None:
            self.bullet = str(kwargs.pop("bulletText"))
        prepared = prepare(text, style.fontName, rtl=rtl, cjk=breaks_between_characters(style))
        self._source = text if prepared.bidi else None
        super().__init__(prepared.markup, _shaped(style) if prepared.shaping else style, **kwargs)  # type: ignore[arg-type]
        if prepared.shaping or (rtl and prepared.bidi):  # shaped or reordered glyphs do not say the text: say it
            said = html.unescape(re.sub(r"<[^>]*>", "", text.replace("<br/>", " ")))
            self.actual_text = unicodedata.normalize("NFC", said)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        """Lay out; right-to-left and Chinese text is first broken into lines that fit (and right-to-left runs too
        wide for the lines)."""
        width = availWidth - self.style.leftIndent - self.style.rightIndent
        if self._source is not None and width != self._fitted:
            self._fitted = width
            style = self.style
            rtl, cjk = is_right_to_left(style), breaks_between_characters(style)
            markup = prepare(self._source, style.fontName, style.fontSize, width, rtl, cjk).markup
            self.frags = parsed_fragments(markup, style, lambda text, how: Paragraph(text, how).frags)
        return super().wrap(availWidth, availHeight)


class WholeParagraph(Text):
    """A paragraph that moves to the next page rather than split.

    Keeps every sentence (and so every required warning) on one page, so page
    furniture never lands in the middle of it.
    """

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        return []
