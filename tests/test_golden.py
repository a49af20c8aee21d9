"""Golden text per page for the sample leaflet: compares meaning (words per page), not bytes.

Set UPDATE_GOLDEN=1 to rewrite the golden files after a reviewed content change.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from helpers import pdf_pages_text

GOLDEN = Path(__file__).parent / "golden"
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATE = re.compile(rf"\b(?:{MONTHS}) \d{{1,2}}, \d{{4}}")


def page_texts(pdf: bytes) -> str:
    """Each page's words on one line per text line, dates masked, pages separated."""
    pages = []
    for number, text in enumerate(pdf_pages_text(pdf), start=1):
        lines = [" ".join(line.split()) for line in DATE.sub("<DATE>", " ".join(text.split(" "))).splitlines()]
        pages.append(f"=== page {number} ===\n" + "\n".join(line for line in lines if line))
    return "\n".join(pages) + "\n"


@pytest.mark.parametrize("layout", ["standard", "a4"])
def test_sample_leaflet_text_per_page(make, sample, layout) -> None:
    actual = page_texts(make(sample, layout=layout).pdf)
    golden = GOLDEN / f"carisoprodol-{layout}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8")
