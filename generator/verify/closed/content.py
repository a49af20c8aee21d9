"""Every statement of a page's content stream must be one the generator writes.

ReportLab and the tagging canvas write a small language: graphics state (q, Q, translations and
uniform scales), colours as RGB, rectangles and lines filled or stroked, images, text objects with
an identity text matrix, a font and size, leading and lines of text, and marked content for the
structure tree. A stream is matched whole against that language (one regular expression, run in C),
so anything else refuses the page: clipping (W), extended graphics state (gs: soft masks, transfer
functions, blend modes, alpha), optional content (/OC), shadings and patterns, inline images, text
rise, character, word and horizontal spacing (Ts, Tc, Tw, Tz), other text render modes (Tr), text
matrices other than a translation, rotated, skewed or mirrored scales, and ActualText anywhere but
around a text object. (A scale that squashes text drawn inside it is refused by the page reader,
which holds every text object's full matrix to an upright, unsquashed one.)
"""

from __future__ import annotations

import re

import re2

_NUMBER = r"-?(?:\d+(?:\.\d*)?|\.\d+)"
_POSITIVE = r"(?:\d+(?:\.\d*)?|\.\d+)"
_STRING = r"\((?:[^\\()]|\\.)*\)"
"""A literal string; ReportLab escapes every parenthesis and backslash in it."""
_ADJUSTMENT = r"-?[12]?\d{1,2}(?:\.\d+)?\s"
"""A TJ position adjustment from shaping (kerning): under 300 thousandths of an em, so no glyph is moved onto
the one before it."""
_TEXT_STATEMENTS = [
    r"T\*",
    rf"{_STRING} Tj",
    rf"1 0 0 1 {_NUMBER} {_NUMBER} Tm",
    rf"{_NUMBER} {_NUMBER} Td",
    rf"{_POSITIVE} TL",
    rf"/F\d+\+\d+ {_POSITIVE} Tf",
    rf"{_POSITIVE} {_POSITIVE} {_POSITIVE} rg",
    rf"\[\s*(?:{_STRING}\s*|{_ADJUSTMENT}\s*)*\] TJ",
]
_TEXT_OBJECT = r"BT\s+(?:(?:{})\s+)*ET".format("|".join(_TEXT_STATEMENTS))
_PLACED_TEXT = [
    *_TEXT_STATEMENTS,
    rf"\[\s*(?:{_STRING}\s*|-?(?:\d{{1,4}}(?:\.\d*)?|\.\d+)\s+)*(?:-?(?:\d{{1,4}}(?:\.\d*)?|\.\d+))?\] TJ",
    r"-?(?:\d(?:\.\d*)?|\.\d+) Ts",
]
"""Inside ActualText, shaping also places marks: a glyph moved by up to 10 ems (a diacritic back over its
letter) or raised by under 10 points; the glyphs drawn are held to the shaping of the ActualText."""
_SPAN_OPENING = r"/Span <</ActualText <(?:FEFF|feff)[0-9A-Fa-f]*>>> BDC\s+"
"""How the tagging canvas opens a Span with ActualText (UTF-16BE with its byte-order mark, as hexadecimal)."""
_SHAPED_SPAN = _SPAN_OPENING + r"BT\s+(?:(?:{})\s+)*ET\s+EMC".format("|".join(_PLACED_TEXT))
"""Text whose glyphs do not map back to its letters (shaped scripts), inside the Span giving its ActualText."""
_STATEMENTS = [
    r"q|Q|EMC|S|n|f\*|f",
    _TEXT_OBJECT,
    rf"1 0 0 1 {_NUMBER} {_NUMBER} cm",
    rf"{_POSITIVE} {_POSITIVE} {_POSITIVE} (?:rg|RG)",
    rf"{_POSITIVE} (?:w|J|j)",
    r"/Artifact BMC",
    r"/Artifact <</Type /Pagination>> BDC",
    r"/(?:P|H1|H2|H3|TH|TD|Lbl|LBody|Figure|Caption) <</MCID \d+>> BDC",
    rf"{_NUMBER} {_NUMBER} (?:m|l)",
    rf"{_NUMBER} {_NUMBER} {_NUMBER} {_NUMBER} re",
    rf"\[(?:\s*{_POSITIVE})*\s*\] {_POSITIVE} d",
    rf"{_POSITIVE} 0 0 {_POSITIVE} {_NUMBER} {_NUMBER} cm",
    r"/FormXob\.[0-9a-f]+ Do",
    _SHAPED_SPAN,
]
_STREAM = re2.compile(r"\s*(?:(?:{})(?:\s+|$))*".format("|".join(_STATEMENTS)).encode("latin-1"))
"""Run by RE2 (a linear-time automaton) on the stream's bytes: about a tenth of Python's re on a page's stream."""
_ACTUAL_TEXT = re.compile(rb"/Span <</ActualText <(?:FEFF|feff)([0-9A-Fa-f]*)>>> BDC\s+(BT\s.*?\sET)\s+EMC", re.S)


def unknown_statement(stream: bytes) -> str | None:
    """None when every statement of `stream` is one the generator writes; else what the first that is not does
    (an operator's name only: never text the page shows)."""
    matched = _STREAM.match(stream)
    assert matched is not None  # the pattern matches the empty prefix
    if matched.end() == len(stream):
        return None
    return _operator_after(stream.decode("latin-1"), matched.end())


_KNOWN = frozenset(
    {"q", "Q", "BT", "ET", "T*", "Tj", "TJ", "Tm", "Td", "TL", "Tf", "Ts", "rg", "RG", "w", "J", "j", "d"}
    | {"m", "l", "re", "S", "n", "f", "f*", "cm", "Do", "BDC", "BMC", "EMC"}
)
"""The operators the generator writes (the statements above), to say which of a refused statement's is not."""
_TOKEN = re.compile(rf"{_STRING}|<<|>>|<[0-9A-Fa-f\s]*>|/[^\s/\[\]()<>{{}}%]*|{_NUMBER}|[\[\]]|([^\s/\[\]()<>{{}}%]+)")


_TOP = re.compile("|".join(_STATEMENTS))
_IN_TEXT = re.compile("|".join(_TEXT_STATEMENTS))
_SPACE = re.compile(r"\s*")
_OPENING = re.compile(rf"(?:{_SPAN_OPENING})?BT\s")


def _operator_after(stream: str, start: int) -> str:
    """What the statement at `start` does that the generator never does: the operator when the generator
    never writes it (e.g. 'W', 'gs', 'Tc'), else the operator there (inside a text object: of the statement
    in it) used with operands or in a place it never is. Statement by statement: only when refusing."""
    position = start
    opening = _OPENING.match(stream, position)
    if _TOP.match(stream, position) is None and opening is not None:  # a text object: which statement in it
        position = opening.end()
        while (inside := _IN_TEXT.match(stream, _SPACE.match(stream, position).end())) is not None:
            position = inside.end()
    for token in _TOKEN.finditer(stream, position):
        operator = token.group(1)
        if operator is None:
            continue
        if operator not in _KNOWN:
            return f"the operator '{operator}', which the generator never writes"
        return f"'{operator}' with operands or in a place the generator never writes"
    return "an unfinished statement"


def actual_texts(stream: bytes) -> list[tuple[str, bytes]]:
    """Each ActualText span of a stream that passed `unknown_statement`: (its text, the text object it wraps)."""
    if b"/ActualText" not in stream:
        return []
    return [
        (bytes.fromhex(found.group(1).decode("ascii")).decode("utf-16-be", "replace"), found.group(2))
        for found in _ACTUAL_TEXT.finditer(stream)
    ]
