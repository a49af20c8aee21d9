"""The compact layouts (one-page, one-sheet, trifold) hold every required warning of every topic and language at 10 pt.

Each topic is built with its own sample, and with a long taper for an 81-year-old (the older-adults
block shows and the dose schedule has four rows), then read back with pypdf.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from typing import Any

import pytest
import yaml
from helpers import pdf_pages_text, pdf_text
from layout_checks import text_runs
from pypdf import PdfReader

from generator.content.labels import load_wording
from generator.content.terms import TextPiece, load_terms, unexplained_terms
from generator.errors import TooLongError
from generator.inputs.personalisation import choose_clinic, parse_personalisation
from generator.paths import SAMPLES
from generator.personalise import personalise
from generator.pipeline import HandoutRequest
from generator.verify import missing_sentences

TOPICS = ["carisoprodol", "cyclobenzaprine", "methocarbamol", "low-back-pain"]
LANGUAGES = ["en", "es"]
LAYOUTS = {"one-page": (1,), "one-sheet": (1, 2), "trifold": (2,)}
"""Each compact layout and the page counts it may print."""
MADE_ON = dt.date(2026, 11, 24)


def _step(when: str, dose: float, times: int, strength: float | None = None) -> dict[str, Any]:
    step: dict[str, Any] = {"from": dt.date.fromisoformat(when), "dose_mg": dose, "times_per_day": times}
    if strength is not None:
        step["strength_mg"] = strength
    return step


LONG_TAPERS: dict[str, dict[str, Any]] = {
    "carisoprodol": {
        "medicine": "carisoprodol",
        "dose_mg": 350,
        "times_per_day": 4,
        "start": MADE_ON,
        "days_supply": 9,
        "taper": [_step("2026-12-03", 350, 3), _step("2026-12-06", 350, 2), _step("2026-12-09", 250, 1, 250)],
        "last_day": dt.date(2026, 12, 12),
    },
    "cyclobenzaprine": {
        "medicine": "cyclobenzaprine",
        "dose_mg": 10,
        "strength_mg": 10,
        "times_per_day": 3,
        "start": MADE_ON,
        "days_supply": 7,
        "taper": [_step("2026-12-01", 10, 2), _step("2026-12-04", 5, 2, 5), _step("2026-12-07", 5, 1, 5)],
        "last_day": dt.date(2026, 12, 9),
    },
    "methocarbamol": {
        "medicine": "methocarbamol",
        "dose_mg": 1500,
        "strength_mg": 750,
        "times_per_day": 4,
        "start": MADE_ON,
        "days_supply": 3,
        "taper": [_step("2026-11-27", 1500, 3), _step("2026-12-01", 750, 3), _step("2026-12-04", 750, 2)],
        "last_day": dt.date(2026, 12, 6),
    },
}
"""A three-step taper after the full dose, for each medicine topic."""

TOO_LONG = {
    ("carisoprodol", "en", "long-taper-81"),
    ("carisoprodol", "es", "long-taper-81"),
    ("cyclobenzaprine", "en", "long-taper-81"),
    ("cyclobenzaprine", "es", "long-taper-81"),
    ("methocarbamol", "en", "long-taper-81"),
    ("methocarbamol", "es", "long-taper-81"),
    ("carisoprodol", "en", "sample"),
    ("carisoprodol", "es", "sample"),
    ("cyclobenzaprine", "es", "sample"),
}
"""What one side cannot hold (refused as too long, never shrunk): carisoprodol's warnings, cyclobenzaprine's in Spanish
since the main message under the title and the heart conditions in everyday words (issue 26), and a long taper for an
older adult (the older-adults block, and each dose schedule row's times of day and daily limit take a line or two);
one-page's refusal names one-sheet, which holds every one of them (tested below)."""


def _input(generator, topic: str, case: str) -> dict[str, Any]:
    path = generator.library.sample_path(topic)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if case == "long-taper-81":
        data["patient"]["age"] = 81
        if topic in LONG_TAPERS:
            data["prescription"] = dict(LONG_TAPERS[topic])
    return data


def _build(generator, topic: str, language: str, layout: str, data: dict[str, Any]):
    parsed = parse_personalisation(data, "test input")
    clinic = choose_clinic(parsed, None, None, SAMPLES / "clinic.yaml")
    request = HandoutRequest(topic, parsed, clinic, made_on=MADE_ON, layout=layout, language=language)
    return generator.build(request, "test input")


def _cases():
    for topic in TOPICS:
        for language in LANGUAGES:
            for layout in LAYOUTS:
                for case in ("sample", "long-taper-81"):
                    if layout != "one-page" or (topic, language, case) not in TOO_LONG:
                        yield pytest.param(topic, language, layout, case, id=f"{topic}-{language}-{layout}-{case}")


@pytest.mark.parametrize(("topic", "language", "case"), sorted(TOO_LONG))
def test_one_page_refuses_what_one_side_cannot_hold_and_names_one_sheet(generator, topic, language, case) -> None:
    with pytest.raises(TooLongError) as refused:
        _build(generator, topic, language, "one-page", _input(generator, topic, case))
    assert refused.value.instead == "one-sheet"
    assert str(refused.value).endswith("use the layout 'one-sheet'")


@pytest.mark.parametrize(("topic", "language", "layout", "case"), list(_cases()))
def test_compact_layout_holds_every_required_warning(generator, topic, language, layout, case) -> None:
    data = _input(generator, topic, case)
    handout = _build(generator, topic, language, layout, data)
    pages = pdf_pages_text(handout.pdf)
    assert len(pages) in LAYOUTS[layout]
    assert missing_sentences(pages, generator.required_sentences(topic, language)) == []
    text = pdf_text(handout.pdf)
    assert data["patient"]["name"] in text
    medicine = generator.library.topic(topic).medicine is not None
    if medicine:
        heading = load_wording(generator.library.root, language).labels.schedule_heading
        assert heading in text
        older = generator.library.block(topic, "older-adults", language)
        assert (older.title in text) is (case == "long-taper-81")


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("topic", TOPICS)
def test_compact_reading_explains_every_term(generator, topic, language, layout) -> None:
    """`short` bodies are what the compact layouts print: a term they use is explained where they first use it."""
    data = parse_personalisation(_input(generator, topic, "long-taper-81"), "test input")
    clinic = choose_clinic(data, None, None, SAMPLES / "clinic.yaml")
    schedule, _ = generator.check(HandoutRequest(topic, data, clinic, MADE_ON), "test input")
    wording = load_wording(generator.library.root, language)
    leaflet = personalise(
        generator.library, topic, language, generator.layout(layout), data, clinic, schedule, wording, MADE_ON
    )
    pieces = []
    for block in leaflet.blocks:
        pieces.append(TextPiece(f"{block.kind}: title", _plain(block.title), True, heading=True))
        for index, item in enumerate(block.items):
            pieces += [TextPiece(f"{block.kind}: item {index}", _plain(text), True) for text in item.texts]
    problems = unexplained_terms(pieces, load_terms(generator.library.root), language)
    assert [(p.where, p.term) for p in problems] == []


def _plain(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


@pytest.mark.parametrize("language", LANGUAGES)
def test_trifold_back_panel_stays_in_the_middle_with_a_long_schedule(generator, language) -> None:
    """A long taper fills the cover: the line saying where to get a dose calendar is on the back panel, so the
    contact details stay in the middle panel of side 1 and the blocks start on the inner flap."""
    handout = _build(
        generator, "methocarbamol", language, "trifold", _input(generator, "methocarbamol", "long-taper-81")
    )
    labels = load_wording(generator.library.root, language).labels
    runs = [run for run in text_runs(handout.pdf) if run.page == 1]
    width = float(PdfReader(io.BytesIO(handout.pdf)).pages[0].mediabox.width)
    panel = {run.text.strip(): int(run.x // (width / 3)) for run in runs}
    assert panel[labels.contact_heading] == 1  # the back panel: the middle of side 1
    assert panel[labels.prepared_for] == 2  # the cover, with the prepared-for box: the right
    first = generator.library.block("methocarbamol", "most-important", language).title
    assert any(first.startswith(text) and where == 0 for text, where in panel.items() if text)  # the flap: left
