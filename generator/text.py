"""Paragraphs that print every character: fallback fonts by script, right-to-left order, shaping.

ReportLab sets a paragraph word by word, and when shaping (uharfbuzz) is on it shapes each
word with the font of its first character, in the direction of its first strong script. So:

- each word whose characters the style's font lacks is set whole in the fallback family of
  its script (generator.fonts.SCRIPT_FAMILIES), one font per word;
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

import html
import re
from dataclasses import dataclass

from bidi import get_display
from fontTools import unicodedata as ucd
from reportlab.lib.fonts import ps2tt
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Paragraph

from generator.errors import RenderError
from generator.fonts import FALLBACK_FAMILY, SCRIPT_FAMILIES, register_face

SHAPED_SCRIPTS = frozenset({"Arab", "Hebr", "Deva", "Thai"})
"""Scripts that print correctly only when shaped (joined letters, conjuncts, placed marks)."""
_NEUTRAL_SCRIPTS = frozenset({"Zyyy", "Zinh", "Zzzz"})
_IGNORABLE = frozenset("\u200c\u200d")
"""Zero-width (non-)joiners: shaping instructions, not glyphs."""
_WORD_BREAK = frozenset(
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u200b\u2028\u2029\u202f\u205f\u3000"
)
"""The characters ReportLab splits words at (not the no-break space)."""
_WORD_SPLIT = re.compile(f"([{''.join(sorted(_WORD_BREAK))}]+)")
_PIECE = re.compile(r"<[^>]*>|[^<]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_BOLD_TAG = re.compile(r"<(/?)(b|strong)\s*>", re.IGNORECASE)
_MIRROR = str.maketrans("()[]{}<>\u00ab\u00bb\u2039\u203a", ")(][}{><\u00bb\u00ab\u203a\u2039")


@dataclass
class _Piece:
    """A tag, or a run of text (unescaped) and whether it is bold."""

    text: str
    tag: bool
    bold: bool = False


def _script(char: str) -> str:
    script = ucd.script(char)
    if script in _NEUTRAL_SCRIPTS:
        extensions = sorted(ucd.script_extension(char) & SCRIPT_FAMILIES.keys())
        return extensions[0] if extensions else script
    return script


def _is_rtl_char(char: str) -> bool:
    return ucd.bidirectional(char) in ("R", "AL")


def _shaped_right_to_left(word: str) -> bool:
    """Whether HarfBuzz shapes `word` right to left: its first character of a real script decides."""
    for char in word:
        script = ucd.script(char)
        if script not in _NEUTRAL_SCRIPTS:
            return ucd.script_horizontal_direction(script, "LTR") == "RTL"
    return False


def _rtl_runs(text: str) -> list[tuple[int, int]]:
    """Spans from a right-to-left letter to the last one after it with no left-to-right letter between."""
    runs, start, last = [], None, None
    for i, char in enumerate(text):
        kind = ucd.bidirectional(char) if not char.isascii() else ("L" if char.isalpha() else "ON")
        if kind in ("R", "AL"):
            start = i if start is None else start
            last = i
        elif kind == "L" and start is not None and last is not None:
            runs.append((start, last + 1))
            start = last = None
    if start is not None and last is not None:
        runs.append((start, last + 1))
    return runs


def visual_order(text: str) -> str:
    """`text` (in a left-to-right paragraph) as ReportLab with HarfBuzz must be given it to print in visual order.

    Each right-to-left run is isolated (like HTML's <bdi>): it is put in visual order on its own,
    so digits and punctuation beside a name stay where the sentence has them.
    """
    if text.isascii() or not any(_is_rtl_char(c) for c in "".join(_NON_ASCII.findall(text))):
        return text
    parts, end = [], 0
    for start, stop in _rtl_runs(text):
        run = text[start:stop].replace(" ", "\u00a0")
        parts += [text[end:start], get_display(run, base_dir="R")]
        end = stop
    visual = "".join([*parts, text[end:]])
    return "".join(_for_harfbuzz(word) for word in _WORD_SPLIT.split(visual))


def _for_harfbuzz(word: str) -> str:
    """A word in visual order as HarfBuzz must get it: reversed and mirrored when it shapes it right to left."""
    if _shaped_right_to_left(word):
        return word[::-1].translate(_MIRROR)
    if any(not c.isascii() and _is_rtl_char(c) for c in word):
        raise RenderError("a word starts with left-to-right letters and goes on in right-to-left ones; put a space")
    return word


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
    if script in _NEUTRAL_SCRIPTS:
        return FALLBACK_FAMILY
    family = SCRIPT_FAMILIES.get(script)
    name = ucd.script_name(script, script)
    if family is None:
        raise RenderError(f"no font can print {name} letters (supported scripts: {_known()})")
    try:
        register_face(family, False)
    except RenderError as exc:
        raise RenderError(f"cannot print {name} letters: {exc}") from None
    return family


def _known() -> str:
    return ", ".join(sorted({ucd.script_name(s) for s in SCRIPT_FAMILIES}))


def _glyphs(family: str, bold: bool) -> dict[int, int]:
    return register_face(family, bold).face.charToGlyph


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
                if char in _WORD_BREAK:
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


def prepare(markup: str, font_name: str) -> tuple[str, bool]:
    """Markup whose every character exists in the font it is set in, and whether it needs shaping."""
    if markup.isascii():
        return markup, False
    non_ascii = "".join(_NON_ASCII.findall(markup))
    shaping = any(_script(c) in SHAPED_SCRIPTS for c in non_ascii)
    glyphs = pdfmetrics.getFont(font_name).face.charToGlyph
    if not shaping and all(ord(c) in glyphs for c in non_ascii):
        return markup, False
    family, bold, _ = ps2tt(font_name)
    pieces = _pieces(markup, bool(bold))
    for piece in pieces:
        if not piece.tag:
            piece.text = visual_order(piece.text)
    chosen = _Setter(pieces, family, shaping).fonts()
    out = []
    for piece, fonts in zip(pieces, chosen, strict=True):
        if piece.tag:
            out.append(piece.text)
            continue
        start = 0
        for end in range(1, len(piece.text) + 1):
            if end == len(piece.text) or fonts[end] != fonts[start]:
                run = html.escape(piece.text[start:end], quote=False)
                face = fonts[start]
                out.append(f'<font face="{face}">{run}</font>' if face else run)
                start = end
    return "".join(out), shaping


def _shaped(style: ParagraphStyle) -> ParagraphStyle:
    return ParagraphStyle(f"{style.name}-shaped", parent=style, shaping=1)


class Text(Paragraph):
    """A paragraph whose characters all exist in the fonts it is set in, in visual order, shaped when needed."""

    def __init__(self, text: str, style: ParagraphStyle, **kwargs: object) -> None:
        markup, shaping = prepare(text, style.fontName)
        super().__init__(markup, _shaped(style) if shaping else style, **kwargs)  # type: ignore[arg-type]


class WholeParagraph(Text):
    """A paragraph that moves to the next page rather than split.

    Keeps every sentence (and so every required warning) on one page, so page
    furniture never lands in the middle of it.
    """

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        return []
