"""Golden text per page for each topic and language: compares meaning (words per page, in order), not bytes.

After a reviewed content or rendering change, rewrite the golden files with

    UPDATE_GOLDEN=1 pytest tests/test_golden.py

and read the diff (`git diff tests/golden`) before committing it. A topic gains a golden
file per language as soon as every one of its blocks has that translation.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from helpers import pdf_pages_text

from generator.content.library import Library
from generator.paths import library_root

GOLDEN = Path(__file__).parent / "golden"
MONTHS_EN = "January|February|March|April|May|June|July|August|September|October|November|December"
MONTHS_ES = "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre"
DATES = (
    re.compile(rf"\b(?:{MONTHS_EN}) \d{{1,2}}, \d{{4}}"),
    re.compile(rf"\b\d{{1,2}} de (?:{MONTHS_ES}) de \d{{4}}"),
)


def page_texts(pdf: bytes) -> str:
    """Each page's words on one line per text line, dates masked, pages separated."""
    pages = []
    for number, text in enumerate(pdf_pages_text(pdf), start=1):
        for date in DATES:
            text = date.sub("<DATE>", text)
        lines = [" ".join(line.split()) for line in text.splitlines()]
        pages.append(f"=== page {number} ===\n" + "\n".join(line for line in lines if line))
    return "\n".join(pages) + "\n"


def _cases() -> list[object]:
    library = Library(library_root())
    cases = [(topic, language, "standard") for topic in library.topic_names() for language in library.languages(topic)]
    return [*cases, ("carisoprodol", "en", "a4")]


@pytest.mark.parametrize(("topic", "language", "layout"), _cases())
def test_leaflet_text_per_page(make, topic_sample, topic, language, layout) -> None:
    pdf = make(topic_sample(topic), topic=topic, layout=layout, language=language).pdf
    actual = page_texts(pdf)
    golden = GOLDEN / f"{topic}-{language}-{layout}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(actual, encoding="utf-8")
    if not golden.is_file():
        pytest.fail(f"no golden file {golden.name}: check the leaflet, then run UPDATE_GOLDEN=1 pytest {__file__}")
    assert actual == golden.read_text(encoding="utf-8")
