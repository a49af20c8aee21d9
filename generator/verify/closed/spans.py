"""ActualText must say what its glyphs are.

The generator writes ActualText only around text in scripts that print as shaped glyphs (Arabic,
Hebrew, Devanagari, Thai names): a reader gets the letters, not the glyph codes. PDFium reads the
ActualText instead of the glyphs, so the glyphs drawn inside must be the shaping of that text. The
drawn glyphs are cut into words (runs of one face's letters between spaces and punctuation); each
word of the ActualText, shaped with HarfBuzz (the features ReportLab shapes with), must be one drawn
word in the face that drew it, every drawn word used once (compared as outlines, a word's glyphs as
a set: shaping reorders them). What is drawn between words must be the text's own punctuation, in
any of the span's faces. Numbers must also be drawn as the ActualText has them: in its order in
left-to-right text; in text holding right-to-left letters, where the bidirectional algorithm may
draw one number before another, each number (a run of digits) whole.

A word is matched whole, not glyph by glyph from a common pool: a bold lead-in and the regular text
after it share many letters, and a pool lets one word take another's glyphs.
"""

from __future__ import annotations

import collections
import functools
import unicodedata

import pikepdf
import uharfbuzz

from generator.render.rtl import has_rtl
from generator.verify.closed.faces import OutlineKey, SourceFace, is_empty
from generator.verify.closed.fonts import DrawnFont

_FEATURES = {"kern": True, "liga": True, "dlig": True}
"""The OpenType features ReportLab shapes with."""
_DIGITS = "0123456789"


def span_problem(actual_text: str, text_object: bytes, fonts: dict[str, DrawnFont]) -> str:
    """Why the glyphs of `text_object` (content stream text, BT to ET) are not the shaping of `actual_text`
    (empty when they are); `fonts`: the page's proven fonts by resource name."""
    drawn = _drawn(text_object, fonts)
    if drawn is None:
        return "ActualText around text in a font the page does not give"
    faces = list(dict.fromkeys(face for run in drawn for face, _, _ in run))
    drawn_words, between = _drawn_words(drawn)
    for word in "".join(char if _in_word(char) else " " for char in actual_text).split():
        found = next((key for face in faces if drawn_words[key := (face, _shaped_word(face, word))] > 0), None)
        if found is None:
            return "ActualText that does not say what its glyphs are"
        drawn_words[found] -= 1
    if +drawn_words:  # words drawn that the text does not say
        return "ActualText that does not say what its glyphs are"
    marks = {char for char in actual_text if not _in_word(char) and not char.isspace()}
    punctuation = {face.key(gid) for face in faces for char in marks if (gid := face.glyph_of(ord(char))) is not None}
    if any(key not in punctuation for key in between):
        return "ActualText that does not say what its glyphs are"
    drawn_numbers = " ".join("".join(_digit(face, gid) or " " for face, gid, _ in run) for run in drawn).split()
    numbers = "".join(char if char in _DIGITS else " " for char in actual_text).split()
    if not has_rtl(actual_text):
        drawn_numbers, numbers = ["".join(drawn_numbers)], ["".join(numbers)]
    if sorted(drawn_numbers) != sorted(numbers):
        return "ActualText whose numbers are not drawn as it says them"
    return ""


Word = frozenset[tuple[OutlineKey, int]]
"""A word's glyphs as a set with counts (shaping and right-to-left drawing reorder them)."""


def _word(keys: list[OutlineKey]) -> Word:
    return frozenset(collections.Counter(key for key in keys if not is_empty(key)).items())


def _drawn_words(drawn: list[list[Glyph]]) -> tuple[collections.Counter[tuple[SourceFace, Word]], list[OutlineKey]]:
    """The words drawn (runs of one face's word glyphs), and the visible glyphs drawn between them."""
    words: collections.Counter[tuple[SourceFace, Word]] = collections.Counter()
    between: list[OutlineKey] = []
    for line in drawn:
        word: list[OutlineKey] = []
        word_face: SourceFace | None = None
        for face, gid, char in [*line, (None, 0, " ")]:
            if face is not word_face or not _drawn_in_word(char):
                if word:
                    words[(word_face, _word(word))] += 1
                word, word_face = [], face
            if face is None:
                break
            if _drawn_in_word(char):
                word.append(face.key(gid))
            elif not is_empty(face.key(gid)):
                between.append(face.key(gid))
    return words, between


def _drawn_in_word(char: str) -> bool:
    """A drawn code is part of a word when its text is a letter, mark or digit, or a private-use code point (a
    shaped form no character maps to: see generator/render/fontfiles.py)."""
    return _in_word(char) or unicodedata.category(char) == "Co"


def _in_word(char: str) -> bool:
    """Letters, marks and digits make words; punctuation between them is drawn by whichever face the line's
    font choice gave it, so it is compared character by character, not shaped with its word."""
    return unicodedata.category(char)[0] in "LMN"


def _shaped_word(face: SourceFace, word: str) -> Word | None:
    """The glyphs of `word` shaped in `face` (None when the face lacks a glyph for it)."""
    glyphs = _shape(face, word)
    return None if glyphs is None else _word(glyphs)


def _shape(face: SourceFace, word: str) -> list[OutlineKey] | None:
    """The outlines of `word` shaped by HarfBuzz in `face`; None when the face lacks a glyph for it."""
    buffer = uharfbuzz.Buffer()
    buffer.add_str(word)
    buffer.guess_segment_properties()
    uharfbuzz.shape(_harfbuzz(face), buffer, _FEATURES)
    glyphs = [info.codepoint for info in buffer.glyph_infos]
    return None if 0 in glyphs else [face.key(gid) for gid in glyphs]


@functools.cache
def _harfbuzz(face: SourceFace) -> uharfbuzz.Font:
    return uharfbuzz.Font(uharfbuzz.Face(uharfbuzz.Blob.from_file_path(str(face.path))))


def _digit(face: SourceFace, gid: int) -> str:
    for digit in _DIGITS:
        if face.glyph_of(ord(digit)) == gid:
            return digit
    return ""


_PARSER = pikepdf.new()


Glyph = tuple[SourceFace, int, str]
"""A drawn glyph: its source face, glyph id and ToUnicode text."""
_MOVES = {"Td", "TD", "T*", "Tm"}
"""The operators that start a new line (or move within one): a word never goes on across them."""


def _drawn(text_object: bytes, fonts: dict[str, DrawnFont]) -> list[list[Glyph]] | None:
    """The glyphs a text object draws, in drawing order, cut where the text position moves (lines and the runs
    right-to-left lines are set in): the last word of one line is drawn next to the first of the next."""
    stream = pikepdf.Stream(_PARSER, text_object)
    font: DrawnFont | None = None
    drawn: list[list[Glyph]] = [[]]
    for operands, operator in pikepdf.parse_content_stream(stream):
        if str(operator) in _MOVES:
            drawn.append([])
        elif str(operator) == "Tf":
            font = fonts.get(str(operands[0]))
            if font is None:
                return None
        elif str(operator) in ("Tj", "TJ"):
            if font is None:
                return None
            strings = operands[0] if str(operator) == "TJ" else [operands[0]]
            for string in strings:
                if isinstance(string, pikepdf.String):
                    for code in bytes(string):
                        char = font.chars.get(code)
                        gid = font.face.glyph_of(ord(char)) if char else None
                        if gid is None:
                            return None
                        drawn[-1].append((font.face, gid, char))
    return drawn
