"""Paragraphs that print every character: fallback fonts by script, right-to-left order, shaping.

ReportLab sets a paragraph word by word, and when shaping (uharfbuzz) is on it shapes each
word with the font of its first character, in the direction of its first strong script. So:

- each word whose characters the style's font lacks is set whole in the fallback family of
  its script (generator.render.fonts.SCRIPT_FAMILIES), one font per word;
- right-to-left text (Arabic, Hebrew) is put in visual order with python-bidi (the Unicode
  bidirectional algorithm, paragraphs being left-to-right); the words of a right-to-left run
  are joined by no-break spaces so a name never breaks across lines in the wrong order, and
  each word HarfBuzz will shape right to left is handed over reversed (and its brackets
  mirrored), since HarfBuzz reverses and mirrors it again while joining its letters;
- paragraphs holding a script that needs shaping (Arabic, Hebrew, Devanagari, Thai) get
  ReportLab's shaping.

A character no font can print is an error naming its script, never a blank or a box.
Bidirectional order is worked out within each run of text between markup tags (a name is
one escaped value, so one run).
"""

from __future__ import annotations

import functools
import html
import itertools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from fontTools import unicodedata as ucd
from reportlab.lib.abag import ABag
from reportlab.lib.fonts import ps2tt
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import shapeFragWord
from reportlab.platypus import Flowable, Paragraph

from generator.errors import RenderError
from generator.render import linefit, rtl_lines
from generator.render.cjk_common import common_characters
from generator.render.fonts import (
    FALLBACK_FAMILY,
    SCRIPT_FAMILIES,
    common_family,
    coverage,
    face_name,
    is_subset_family,
    original_file,
    subset_family,
)
from generator.render.linefit import Cell
from generator.render.paracache import MemoWrap, parsed_fragments
from generator.render.rtl import (
    LINE_BREAK,
    NEUTRAL_SCRIPTS,
    WORD_BREAK,
    for_harfbuzz,
    has_rtl,
    shaped_right_to_left,
    visual_order,
)
from generator.tagging.marked import Tagged

SHAPED_SCRIPTS = frozenset({"Arab", "Hebr", "Deva", "Thai"})
"""Scripts that print correctly only when shaped (joined letters, conjuncts, placed marks)."""
_IGNORABLE = frozenset("\u200c\u200d")
"""Zero-width (non-)joiners: shaping instructions, not glyphs."""
_PIECE = re.compile(r"<[^>]*>|[^<]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_BOLD_TAG = re.compile(r"<(/?)(b|strong)\s*>", re.IGNORECASE)


@dataclass
class _Piece:
    """A tag, or a run of text (unescaped) and whether it is bold."""

    text: str
    tag: bool
    bold: bool = False


def _script(char: str) -> str:
    script = ucd.script(char)
    if script in NEUTRAL_SCRIPTS:
        extensions = sorted(ucd.script_extension(char) & SCRIPT_FAMILIES.keys())
        return extensions[0] if extensions else script
    return script


def _pieces(markup: str, bold: bool) -> list[_Piece]:
    pieces = []
    depth = 0
    for match in _PIECE.finditer(markup):
        part = match.group(0)
        if part.startswith("<"):
            tag = _BOLD_TAG.fullmatch(part)
            if tag:
                depth += -1 if tag.group(1) else 1
            pieces.append(_Piece(part, tag=True))
        else:
            pieces.append(_Piece(html.unescape(part), tag=False, bold=bold or depth > 0))
    return pieces


def _family_for(char: str) -> str:
    script = _script(char)
    if script in NEUTRAL_SCRIPTS:
        return _neutral_family(char)
    family = SCRIPT_FAMILIES.get(script)
    name = ucd.script_name(script, script)
    if family is None:
        raise RenderError(f"no font can print {name} letters (supported scripts: {_known()})")
    try:
        original_file(family, False)
    except RenderError as exc:
        raise RenderError(f"cannot print {name} letters: {exc}") from None
    return family


@functools.cache
def _neutral_family(char: str) -> str:
    """The first installed family that has a character of no one script (Noto Sans first; CJK full-width
    punctuation, a full-width comma or bracket, is only in the CJK family)."""
    for family in dict.fromkeys([FALLBACK_FAMILY, *SCRIPT_FAMILIES.values()]):
        try:
            if ord(char) in _glyphs(family, False):
                return family
        except RenderError:  # not installed (a system font): the next one
            continue
    return FALLBACK_FAMILY


def _known() -> str:
    return ", ".join(sorted({ucd.script_name(s) for s in SCRIPT_FAMILIES}))


def _glyphs(family: str, bold: bool) -> frozenset[int] | dict[int, int]:
    return coverage(family, bold)


class _Setter:
    """Assigns a font family to each character of a paragraph's text, word by word."""

    def __init__(self, pieces: list[_Piece], family: str, shaping: bool) -> None:
        self.pieces, self.family, self.shaping = pieces, family, shaping

    def fonts(self) -> list[list[str | None]]:
        """Per text piece, per character: the family to set it in (None: the style's own font)."""
        chosen: list[list[str | None]] = [[None] * len(p.text) for p in self.pieces]
        word: list[tuple[int, int]] = []
        for index, piece in enumerate(self.pieces):
            if piece.tag:
                if piece.text.lower().startswith("<br"):
                    self._set_word(word, chosen)
                    word = []
                continue
            for offset, char in enumerate(piece.text):
                if char in WORD_BREAK:
                    self._set_word(word, chosen)
                    word = []
                else:
                    word.append((index, offset))
        self._set_word(word, chosen)
        return chosen

    def _covered(self, family: str, index: int, char: str) -> bool:
        if char in _IGNORABLE and self.shaping:
            return True  # HarfBuzz uses them to choose forms and draws nothing for them
        return ord(char) in _glyphs(family, self.pieces[index].bold)

    def _set_word(self, word: list[tuple[int, int]], chosen: list[list[str | None]]) -> None:
        chars = [(i, o, self.pieces[i].text[o]) for i, o in word]
        missing = [(i, c) for i, _, c in chars if not c.isascii() and not self._covered(self.family, i, c)]
        if not missing:
            return
        families = {_family_for(c) for _, c in missing}
        whole = next(iter(families)) if len(families) == 1 else None
        if whole and all(self._covered(whole, i, c) for i, _, c in chars):
            for i, o, _ in chars:
                chosen[i][o] = whole
            return
        if self.shaping:
            scripts = " and ".join(sorted({ucd.script_name(_script(c)) for _, c in missing}))
            raise RenderError(f"a word mixes {scripts} letters that no one font holds; put a space between them")
        for i, o, c in chars:
            if not c.isascii() and not self._covered(self.family, i, c):
                family = _family_for(c)
                if not self._covered(family, i, c):
                    raise RenderError(f"no installed font can print this {ucd.script_name(_script(c))} character")
                chosen[i][o] = family


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
    shaping = any(_script(c) in SHAPED_SCRIPTS for c in non_ascii)
    glyphs = pdfmetrics.getFont(font_name).face.charToGlyph
    if not shaping and all(ord(c) in glyphs for c in non_ascii):
        return Prepared(markup, False, False)
    family, bold, _ = ps2tt(font_name)
    pieces = _pieces(markup, bool(bold))
    for piece in pieces:
        if not piece.tag:
            piece.text = visual_order(piece.text, _measure(size, piece.bold) if width else None, width)
    return Prepared(_markup(pieces, family, shaping), shaping, has_rtl(non_ascii))


def _prepare_lines(markup: str, font_name: str, size: float, width: float | None, rtl: bool) -> Prepared:
    """A paragraph broken into lines here (one, without `width`): right to left, each line in visual order and
    each word as HarfBuzz takes it; else (Chinese) at UAX #14's opportunities."""
    family, bold, _ = ps2tt(font_name)
    paragraphs: list[list[Cell]] = [[]]
    for piece in _pieces(markup, bool(bold)):
        if piece.tag and piece.text.lower().startswith("<br"):
            paragraphs.append([])
        elif not piece.tag:
            paragraphs[-1] += [(char, piece.bold) for char in piece.text]
    lines = paragraphs
    if width:
        units, measure = (linefit.word_units, _word_width) if rtl else (linefit.break_units, _run_width)
        space = pdfmetrics.stringWidth(" ", font_name, size)
        fitted = functools.partial(linefit.fit, measure=measure(font_name, size), space=space, width=width - _SLACK)
        lines = [line for part in paragraphs for line in fitted(units(part))]
    pieces: list[_Piece] = []
    for number, line in enumerate(lines):
        if number:
            pieces.append(_Piece("<br/>", tag=True))
        if rtl:  # kept whole while the lines were fitted, a no-break space now parts words of different scripts,
            # so each is shaped in its own font (a digit shaped in an Arabic word takes the Arabic font's form)
            line = _for_harfbuzz([(" " if char == "\u00a0" else char, b) for char, b in rtl_lines.visual(line)])
        pieces += _bold_pieces(line)
    text = "".join(piece.text for piece in pieces if not piece.tag)
    shaping = any(_script(c) in SHAPED_SCRIPTS for c in text if not c.isascii())
    return Prepared(_markup(pieces, family, shaping), shaping, True)


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


def _bold_pieces(cells: list[Cell]) -> list[_Piece]:
    """Runs of text, bold ones between <b> and </b>."""
    pieces: list[_Piece] = []
    for bold, run in itertools.groupby(cells, key=lambda cell: cell[1]):
        text = "".join(char for char, _ in run)
        pieces += (
            [_Piece("<b>", tag=True), _Piece(text, False, True), _Piece("</b>", tag=True)]
            if bold
            else [_Piece(text, False, False)]
        )
    return pieces


def _word_width(font_name: str, size: float) -> Callable[[list[Cell]], float]:
    """The width of words as ReportLab sets them: each in the font of its script, shaped by HarfBuzz."""
    family = ps2tt(font_name)[0]
    space = pdfmetrics.stringWidth(" ", font_name, size)

    def width(run: list[Cell]) -> float:
        words = "".join(char for char, _ in run).split(" ")
        return sum(word_width(word, run[0][1]) for word in words if word) + space * (len(words) - 1)

    def word_width(text: str, bold: bool) -> float:
        missing = [c for c in text if not c.isascii() and ord(c) not in _glyphs(family, bold)]
        chosen = _family_for(missing[0]) if missing else family
        if is_subset_family(chosen):  # cut per paragraph, so not measurable yet: the layout's font stands in
            return pdfmetrics.stringWidth(text, face_name(family, bold), size)
        _glyphs(chosen, bold)  # registers the face
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


def _markup(pieces: list[_Piece], family: str, shaping: bool) -> str:
    """The pieces as ReportLab markup, each character in a font that has it."""
    chosen = _cut_subsets(pieces, _Setter(pieces, family, shaping).fonts())
    out = []
    for piece, fonts in zip(pieces, chosen, strict=True):
        if piece.tag:
            out.append(piece.text)
            continue
        fonts = _spaces_joined(piece.text, fonts)
        start = 0
        for end in range(1, len(piece.text) + 1):
            if end == len(piece.text) or fonts[end] != fonts[start]:
                run = html.escape(piece.text[start:end], quote=False).replace(LINE_BREAK, "<br/>")
                family = fonts[start]  # named by the face of its weight: the only one registered may be the bold
                out.append(f'<font face="{face_name(family, piece.bold)}">{run}</font>' if family else run)
                start = end
    return "".join(out)


def _spaces_joined(text: str, fonts: list[str | None]) -> list[str | None]:
    """A space between two words set in one fallback font is set in it too, so a paragraph in another script is
    one fragment a font, not one a word (ReportLab draws each fragment on its own)."""
    joined = list(fonts)
    for index, char in enumerate(text):
        if char == " " and fonts[index] is None and 0 < index < len(text) - 1:
            before, after = fonts[index - 1], fonts[index + 1]
            if before is not None and before == after:
                joined[index] = before
    return joined


def _cut_subsets(pieces: list[_Piece], chosen: list[list[str | None]]) -> list[list[str | None]]:
    """Families too big to embed whole (CJK) become their face cut to everyday text (one for every paragraph),
    or, when the paragraph sets a character outside it, a face cut to the characters this paragraph sets."""
    chars: dict[str, str] = {}
    weights: dict[str, set[bool]] = {}
    for piece, fonts in zip(pieces, chosen, strict=True):
        for char, family in zip(piece.text, fonts, strict=True):
            if family is not None and is_subset_family(family):
                chars[family] = chars.get(family, "") + char
                weights.setdefault(family, set()).add(piece.bold)
    if not chars:
        return chosen
    cut = {family: _cut(family, text, weights[family]) for family, text in chars.items()}
    return [[cut.get(family, family) if family else None for family in fonts] for fonts in chosen]


def _cut(family: str, text: str, weights: set[bool]) -> str:
    """The family name `text` is set in: the everyday face's (in `weights`) when it holds every character."""
    if set(text) <= common_characters():
        (name,) = {common_family(family, bold) for bold in weights}  # the same name, each weight registered
        return name
    return subset_family(family, "".join(sorted(set(text))))


def text_width(text: str, font_name: str, size: float) -> float:
    """How wide `text` (plain, one line) prints in `font_name` at `size`, each character in the font it is set in
    (a CJK character, set in a face cut later, as one em: the CJK faces' advance)."""
    glyphs = pdfmetrics.getFont(font_name).face.charToGlyph
    bold = ps2tt(font_name)[1]
    total = 0.0
    for char in text:
        if char.isascii() or ord(char) in glyphs:
            total += pdfmetrics.stringWidth(char, font_name, size)
        elif unicodedata.east_asian_width(char) in "WF":
            total += size
        else:
            fallback = _family_for(char)
            _glyphs(fallback, bool(bold))  # registers the face
            total += pdfmetrics.stringWidth(char, face_name(fallback, bool(bold)), size)
    return total


def _measure(size: float, bold: bool) -> Callable[[str], float]:
    """The width of a right-to-left run in its script's font, with room for shaping's wider forms."""

    def width(text: str) -> float:
        return pdfmetrics.stringWidth(text, face_name(_family_for(text[0]), bold), size) * 1.15

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
