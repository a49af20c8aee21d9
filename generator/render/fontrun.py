"""Which font each character of a paragraph is set in: the style's, or the fallback family of its script.

ReportLab sets a paragraph word by word, and when shaping (uharfbuzz) is on it shapes each word with the
font of its first character. So each word whose characters the style's font lacks is set whole in the
fallback family of its script (generator.render.fonts.SCRIPT_FAMILIES), one font per word; a character of
no one script (a digit, full-width punctuation) takes the first installed family that has it. Families too
big to embed whole (CJK) are set in a face cut for them (generator.render.cjk_common). A character no font
can print is an error naming its script, never a blank or a box.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from dataclasses import dataclass

from fontTools import unicodedata as ucd
from reportlab.lib.fonts import ps2tt
from reportlab.pdfbase import pdfmetrics

from generator.errors import RenderError
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
from generator.render.rtl import LINE_BREAK, NEUTRAL_SCRIPTS, WORD_BREAK

SHAPED_SCRIPTS = frozenset({"Arab", "Hebr", "Deva", "Thai"})
"""Scripts that print correctly only when shaped (joined letters, conjuncts, placed marks)."""
_IGNORABLE = frozenset("\u200c\u200d")
"""Zero-width (non-)joiners: shaping instructions, not glyphs."""
_PIECE = re.compile(r"<[^>]*>|[^<]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_SPACED = re.compile(r"( +)")
"""Splits text into words and the spaces between them (kept: a space is set in the style's font)."""
_BOLD_TAG = re.compile(r"<(/?)(b|strong)\s*>", re.IGNORECASE)


@dataclass
class Piece:
    """A tag, or a run of text (unescaped) and whether it is bold."""

    text: str
    tag: bool
    bold: bool = False


def script_of(char: str) -> str:
    script = ucd.script(char)
    if script in NEUTRAL_SCRIPTS:
        extensions = sorted(ucd.script_extension(char) & SCRIPT_FAMILIES.keys())
        return extensions[0] if extensions else script
    return script


def split_pieces(markup: str, bold: bool) -> list[Piece]:
    pieces = []
    depth = 0
    for match in _PIECE.finditer(markup):
        part = match.group(0)
        if part.startswith("<"):
            tag = _BOLD_TAG.fullmatch(part)
            if tag:
                depth += -1 if tag.group(1) else 1
            pieces.append(Piece(part, tag=True))
        else:
            pieces.append(Piece(html.unescape(part), tag=False, bold=bold or depth > 0))
    return pieces


def family_for(char: str) -> str:
    script = script_of(char)
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
            if ord(char) in glyphs(family, False):
                return family
        except RenderError:  # not installed (a system font): the next one
            continue
    return FALLBACK_FAMILY


def _known() -> str:
    return ", ".join(sorted({ucd.script_name(s) for s in SCRIPT_FAMILIES}))


def glyphs(family: str, bold: bool) -> frozenset[int] | dict[int, int]:
    return coverage(family, bold)


class Setter:
    """Assigns a font family to each character of a paragraph's text, word by word."""

    def __init__(self, pieces: list[Piece], family: str, shaping: bool) -> None:
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
        return ord(char) in glyphs(family, self.pieces[index].bold)

    def _set_word(self, word: list[tuple[int, int]], chosen: list[list[str | None]]) -> None:
        chars = [(i, o, self.pieces[i].text[o]) for i, o in word]
        missing = [(i, c) for i, _, c in chars if not c.isascii() and not self._covered(self.family, i, c)]
        if not missing:
            return
        families = {family_for(c) for _, c in missing}
        whole = next(iter(families)) if len(families) == 1 else None
        if whole and all(self._covered(whole, i, c) for i, _, c in chars):
            for i, o, _ in chars:
                chosen[i][o] = whole
            return
        if self.shaping:
            scripts = " and ".join(sorted({ucd.script_name(script_of(c)) for _, c in missing}))
            raise RenderError(f"a word mixes {scripts} letters that no one font holds; put a space between them")
        for i, o, c in chars:
            if not c.isascii() and not self._covered(self.family, i, c):
                family = family_for(c)
                if not self._covered(family, i, c):
                    raise RenderError(f"no installed font can print this {ucd.script_name(script_of(c))} character")
                chosen[i][o] = family


def fonted_markup(pieces: list[Piece], family: str, shaping: bool) -> str:
    """The pieces as ReportLab markup, each character in a font that has it."""
    joined = [_spaces_joined(p.text, f) for p, f in zip(pieces, Setter(pieces, family, shaping).fonts(), strict=True)]
    chosen = cut_subsets(pieces, joined)  # after joining: a face cut to a paragraph's characters holds its spaces
    out = []
    for piece, fonts in zip(pieces, chosen, strict=True):
        if piece.tag:
            out.append(piece.text)
            continue
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


def cut_subsets(pieces: list[Piece], chosen: list[list[str | None]]) -> list[list[str | None]]:
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
    return subset_family(family, "".join(sorted({char for char in text if not char.isascii()} | PRINTABLE_ASCII)))


PRINTABLE_ASCII = frozenset(chr(code) for code in range(32, 127))
"""Cut into every paragraph's face: a space or a quotation mark set in it is drawn in it (without its glyph
ReportLab draws an empty box: generator.verify.closed.boxes), and a verifier in another process finds the face
again from the characters beyond ASCII its subset maps (generator.verify.closed.faces)."""


def text_width(text: str, font_name: str, size: float) -> float:
    """How wide `text` (plain, one line) prints in `font_name` at `size`, each word in the font it is set in: the
    style's, or the fallback family of its script (a word of everyday CJK text in the face cut for it)."""
    own = pdfmetrics.getFont(font_name).face.charToGlyph
    bold = bool(ps2tt(font_name)[1])
    total = 0.0
    for word in _SPACED.split(text):
        missing = [char for char in word if not char.isascii() and ord(char) not in own]
        if not missing:
            total += pdfmetrics.stringWidth(word, font_name, size)
            continue
        family = family_for(missing[0])
        if not is_subset_family(family):
            glyphs(family, bold)  # registers the face
            total += pdfmetrics.stringWidth(word, face_name(family, bold), size)
        elif set(word) <= common_characters():
            total += pdfmetrics.stringWidth(word, face_name(common_family(family, bold), bold), size)
        else:  # a rare character: its face is cut with the paragraph; a CJK character is one em
            total += sum(size if unicodedata.east_asian_width(char) in "WF" else size * 0.6 for char in word)
    return total
