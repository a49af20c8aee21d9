"""Right-to-left runs (Arabic, Hebrew) put in visual order for ReportLab, which shapes with HarfBuzz.

ReportLab sets a paragraph word by word and, with shaping on, hands each word to HarfBuzz, which
reverses (and mirrors) a word of a right-to-left script while joining its letters; ReportLab
itself does no bidirectional reordering (that needs rlbidi, which is not on PyPI). So here:

- each right-to-left run (from a right-to-left letter to the last one with no left-to-right
  letter between) is isolated, like HTML's <bdi>, and put in visual order with python-bidi
  (the Unicode bidirectional algorithm); digits and punctuation around it keep their place;
- its words are joined by no-break spaces, so ReportLab never breaks it across lines in the
  wrong order; a run too wide for the line is broken into lines that fit, first words first;
- each word HarfBuzz will shape right to left is handed over reversed and mirrored, since
  HarfBuzz reverses and mirrors it again.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bidi import get_display
from fontTools import unicodedata as ucd

from generator.errors import RenderError

NEUTRAL_SCRIPTS = frozenset({"Zyyy", "Zinh", "Zzzz"})
"""Common, inherited and unknown: characters that take the script around them."""
LINE_BREAK = "\u2028"
"""Stands for a forced line break inside text (refused in input, so never data)."""
WORD_BREAK = frozenset(
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u200b\u2028\u2029\u202f\u205f\u3000"
)
"""The characters ReportLab splits words at (not the no-break space)."""
_WORD_SPLIT = re.compile(f"([{''.join(sorted(WORD_BREAK))}]+)")
MIRROR = str.maketrans("()[]{}<>\u00ab\u00bb\u2039\u203a", ")(][}{><\u00bb\u00ab\u203a\u2039")


def _is_rtl_char(char: str) -> bool:
    return ucd.bidirectional(char) in ("R", "AL")


def shaped_right_to_left(word: str) -> bool:
    """Whether HarfBuzz shapes `word` right to left: its first character of a real script decides."""
    for char in word:
        script = ucd.script(char)
        if script not in NEUTRAL_SCRIPTS:
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


def has_rtl(text: str) -> bool:
    """Whether `text` holds a right-to-left letter."""
    return not text.isascii() and any(_is_rtl_char(c) for c in text if not c.isascii())


def visual_order(text: str, measure: Callable[[str], float] | None = None, width: float | None = None) -> str:
    """`text` (in a left-to-right paragraph) as ReportLab with HarfBuzz must be given it to print in visual order.

    With `measure` and `width`, a run wider than `width` is broken (LINE_BREAK) into lines that fit.
    """
    if not has_rtl(text):
        return text
    parts, end = [], 0
    for start, stop in _rtl_runs(text):
        lines = _fit(text[start:stop], measure, width) if measure and width else [text[start:stop]]
        visual = [get_display(line.replace(" ", "\u00a0"), base_dir="R") for line in lines]
        parts += [text[end:start], LINE_BREAK.join(visual)]
        end = stop
    visual_text = "".join([*parts, text[end:]])
    return "".join(for_harfbuzz(word) for word in _WORD_SPLIT.split(visual_text))


def _fit(run: str, measure: Callable[[str], float], width: float) -> list[str]:
    """The run's words in lines no wider than `width` (a longer single word gets a line of its own)."""
    lines, current = [], ""
    for word in run.split(" "):
        longer = f"{current} {word}" if current else word
        if current and measure(longer) > width:
            lines.append(current)
            current = word
        else:
            current = longer
    return [*lines, current]


def for_harfbuzz(word: str) -> str:
    """A word in visual order as HarfBuzz must get it: reversed and mirrored when it shapes it right to left."""
    if shaped_right_to_left(word):
        handed = word[::-1].translate(MIRROR)
        if not shaped_right_to_left(handed):  # HarfBuzz would take it left to right and not join its letters
            raise RenderError("a word mixes right-to-left and left-to-right letters; put a space between them")
        return handed
    if any(not c.isascii() and _is_rtl_char(c) for c in word):
        raise RenderError("a word starts with left-to-right letters and goes on in right-to-left ones; put a space")
    return word
