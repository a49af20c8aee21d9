"""The dose schedule's columns: no word is broken, the width is used, and lines are not wasted."""

from __future__ import annotations

import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

from generator.render.column_widths import CELL_PADDING, fitted_widths
from generator.render.fonts import register_family

HEADER = ("From", "Until", "How much", "When")
ROWS = [
    ("Nov 24, 2026", "Dec 7, 2026", "1\u00a0tablet of 350\u00a0mg each time", "in the morning and at bedtime"),
    (
        "Dec 8, 2026",
        "Dec 10, 2026",
        "2\u00a0tablets of 750\u00a0mg each time (1,500\u00a0mg)",
        "in the morning, at midday, and in the evening<br/>Most in one day: 6\u00a0tablets (4,500\u00a0mg)",
    ),
]


@pytest.fixture(scope="module")
def styles() -> tuple[ParagraphStyle, ParagraphStyle]:
    fonts = register_family("noto-sans")
    return ParagraphStyle("h", fontName=fonts.bold, fontSize=11), ParagraphStyle(
        "c", fontName=fonts.regular, fontSize=11
    )


def _lines(text: str, width: float, style: ParagraphStyle) -> int:
    paragraph = Paragraph(text, style)
    paragraph.wrap(width - 2 * CELL_PADDING, 10_000)
    return len(paragraph.blPara.lines)


@pytest.mark.parametrize("width", [150, 220, 320, 468, 540, 800])
def test_no_word_is_broken_and_the_width_is_used(styles, width) -> None:
    header, cell = styles
    rows = (HEADER, *ROWS)
    widths = fitted_widths(rows, width, header, cell)
    assert sum(widths) == pytest.approx(width)
    longest_words = [
        max(
            stringWidth(word, (header if n == 0 else cell).fontName, 11)
            for n, row in enumerate(rows)
            for word in row[column].replace("<br/>", " ").split(" ")
        )
        for column in range(4)
    ]
    if sum(longest_words) + 4 * 2 * CELL_PADDING < width:  # room for every word: none is broken
        for column, (room, word) in enumerate(zip(widths, longest_words, strict=True)):
            assert room - 2 * CELL_PADDING >= word, (column, room, word)


def test_a_table_that_fits_has_a_line_a_cell(styles) -> None:
    header, cell = styles
    rows = (HEADER, ROWS[0])
    widths = fitted_widths(rows, 540, header, cell)
    for row in rows:
        assert [
            _lines(text, room, header if row is HEADER else cell) for text, room in zip(row, widths, strict=True)
        ] == [1] * 4


def test_room_goes_where_it_saves_lines(styles) -> None:
    """At the standard leaflet's width the long When cell gets the room: a row of a taper is two lines, not more."""
    header, cell = styles
    widths = fitted_widths((HEADER, *ROWS), 468, header, cell)
    tallest = max(_lines(text, room, cell) for text, room in zip(ROWS[1], widths, strict=True))
    assert tallest <= 3
