"""ActualText must say what its glyphs are.

The generator writes ActualText only around text in scripts that print as shaped glyphs (Arabic,
Hebrew, Devanagari, Thai names): a reader gets the letters, not the glyph codes. PDFium reads the
ActualText instead of the glyphs, so the glyphs drawn inside must be the shaping of that text: each
word of it shaped with HarfBuzz (the features ReportLab shapes with) in the faces the span draws
with, and together exactly the glyphs drawn (compared as outlines, every glyph once), but for the
text's own punctuation, which may be drawn in any of the span's faces. Numbers must
also be drawn as the ActualText has them: in its order in left-to-right text; in text holding
right-to-left letters, where the bidirectional algorithm may draw one number before another, each
number (a run of digits) whole.
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
    faces = list(dict.fromkeys(face for face, _ in drawn))
    remaining = collections.Counter(face.key(gid) for face, gid in drawn if not is_empty(face.key(gid)))
    words = "".join(char if _in_word(char) else " " for char in actual_text).split()
    for word in words:
        shaped = _shaping_drawn(word, faces, remaining)
        if shaped is None:
            return "ActualText that does not say what its glyphs are"
        remaining -= shaped
    marks = {char for char in actual_text if not _in_word(char) and not char.isspace()}
    punctuation = collections.Counter(
        {face.key(gid): 1 for face in faces for char in marks if (gid := face.glyph_of(ord(char))) is not None}
    )
    if any(key not in punctuation for key in remaining):  # what is left must be the text's punctuation
        return "ActualText that does not say what its glyphs are"
    starts = _line_starts(text_object)
    drawn_numbers = "".join(
        (" " if index in starts else "") + (_digit(face, gid) or " ") for index, (face, gid) in enumerate(drawn)
    ).split()
    numbers = "".join(char if char in _DIGITS else " " for char in actual_text).split()
    if not has_rtl(actual_text):
        drawn_numbers, numbers = ["".join(drawn_numbers)], ["".join(numbers)]
    if sorted(drawn_numbers) != sorted(numbers):
        return "ActualText whose numbers are not drawn as it says them"
    return ""


def _in_word(char: str) -> bool:
    """Letters, marks and digits make words; punctuation between them is drawn by whichever face the line's
    font choice gave it, so it is compared character by character, not shaped with its word."""
    return unicodedata.category(char)[0] in "LMN"


def _shaping_drawn(word: str, faces: list[SourceFace], drawn: collections.Counter[OutlineKey]):
    """The glyphs of `word` shaped in the first face (of those drawn) whose glyphs are all among `drawn`."""
    for face in faces:
        glyphs = _shape(face, word)
        if glyphs is not None:
            counted = collections.Counter(key for key in glyphs if not is_empty(key))
            if not counted - drawn:
                return counted
    return None


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
_LINE_MOVES = frozenset({"Td", "TD", "Tm", "T*", "'", '"'})
"""Operators that start a new line of text."""


def _line_starts(text_object: bytes) -> set[int]:
    """The indices (in `_drawn`'s order) of the glyphs that start a line after the first: a number ending one line
    and a number starting the next (a date broken after its day, "24 نوفمبر" / "2026") are two numbers, not one."""
    starts, count = set(), 0
    for operands, operator in pikepdf.parse_content_stream(pikepdf.Stream(_PARSER, text_object)):
        if str(operator) in _LINE_MOVES and count:
            starts.add(count)
        if str(operator) in ("Tj", "TJ"):  # as `_drawn` counts them
            strings = operands[0] if str(operator) == "TJ" else [operands[0]]
            count += sum(len(bytes(string)) for string in strings if isinstance(string, pikepdf.String))
    return starts


def _drawn(text_object: bytes, fonts: dict[str, DrawnFont]) -> list[tuple[SourceFace, int]] | None:
    """The glyphs a text object draws, as (source face, glyph id), in drawing order."""
    stream = pikepdf.Stream(_PARSER, text_object)
    font: DrawnFont | None = None
    drawn: list[tuple[SourceFace, int]] = []
    for operands, operator in pikepdf.parse_content_stream(stream):
        if str(operator) == "Tf":
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
                        drawn.append((font.face, gid))
    return drawn
