"""The leaflet itself: warnings, personal details, escaping, fonts, determinism (read back with pypdf)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from helpers import pdf_pages_text, pdf_text
from pypdf import PdfReader

from generator.verify import missing_sentences


def test_sample_has_every_required_warning(make, sample, generator) -> None:
    handout = make(sample)
    required = generator.required_sentences("carisoprodol", "en")
    assert len(required) >= 7
    assert missing_sentences(pdf_pages_text(handout.pdf), required) == []


def test_required_warnings_cover_the_issue_topics(generator) -> None:
    text = " ".join(generator.required_sentences("carisoprodol", "en")).lower()
    for phrase in (
        "alcohol",
        "drive",
        "opioids",
        "benzodiazepines",
        "2 or 3 weeks",
        "suddenly",
        "share",
        "controlled substance",
        "911",
    ):
        assert phrase in text, phrase


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {},
            [
                "Prepared for Maria Lopez",
                "Prescribed by Dr. Sam Lee, 555-0100",
                "Nov 24, 2026 Dec 7, 2026 1 tablet of 350 mg each time in the morning, at midday, and in the "
                "evening Most in one day: 3 tablets (1,050 mg)",
                "Last day to take it December 13, 2026",
            ],
        ),
        (
            {"prescription": {"dose_mg": 250, "times_per_day": 4, "days_supply": 7, "taper": []}},
            [
                "Nov 24, 2026 Nov 30, 2026 1 tablet of 250 mg each time in the morning, at midday, in the "
                "evening, and at bedtime",
                "Do not take more than 4 tablets (1,000 mg) in one day.",
            ],
        ),
        (
            {"prescription": {"dose_mg": 350, "times_per_day": 1, "days_supply": 5, "taper": []}},
            [
                "Nov 24, 2026 Nov 28, 2026 1 tablet of 350 mg each time in the morning",
                "Do not take more than 1 tablet (350 mg) in one day.",
            ],
        ),
        ({"patient": {"name": "Nguyễn Văn Thành", "preferred_name": "Thành"}}, ["Nguyễn Văn Thành"]),
    ],
)
def test_personal_details_appear(make, sample, change, expected) -> None:
    for section, values in change.items():
        sample[section].update(values)
    if change.get("prescription", {}).get("taper") == []:
        sample["prescription"].pop("last_day")
    text = pdf_text(make(sample).pdf)
    for value in expected:
        assert value in text


def test_taper_plan_is_a_dated_table(make, sample) -> None:
    text = pdf_text(make(sample).pdf)
    assert "Your dose schedule From Until How much When" in text
    for row in (
        "Nov 24, 2026 Dec 7, 2026 1 tablet of 350 mg each time in the morning, at midday, and in the evening "
        "Most in one day: 3 tablets (1,050 mg)",
        "Dec 8, 2026 Dec 10, 2026 1 tablet of 350 mg each time in the morning and in the evening "
        "Most in one day: 2 tablets (700 mg)",
        "Dec 11, 2026 Dec 13, 2026 1 tablet of 350 mg each time in the morning Most in one day: 1 tablet (350 mg)",
    ):
        assert row in text
    assert "Do not take more in one day than the row for that day says." in text


def test_no_taper_table_without_a_plan(make, sample) -> None:
    sample["prescription"]["taper"] = []
    sample["prescription"].pop("last_day")
    text = pdf_text(make(sample).pdf)
    assert "in the morning and in the evening" not in text and "Most in one day" not in text
    assert "Last day to take it December 7, 2026" in text
    assert "Take your last dose on December 7, 2026. You can usually stop then." in text
    assert "lower your dose" not in text.replace("how to lower your dose", "")


def test_older_adult_caution_only_at_65_and_over(make, sample, generator) -> None:
    block = generator.library.block("carisoprodol", "older-adults", "en")
    title = block.title
    sample["patient"]["age"] = 70
    assert title in pdf_text(make(sample).pdf)
    sample["patient"]["age"] = 40
    assert title not in pdf_text(make(sample).pdf)


@pytest.mark.parametrize(
    "name",
    ["O'Brien <Smith> & Sons", '<img src="/etc/passwd"/>', "{{ 7 * 7 }}", "Zoë Łukasz Müller", "<b>bold</b> &amp;"],
)
def test_hostile_and_unicode_names_print_literally(make, sample, name) -> None:
    sample["patient"]["name"] = name
    sample["patient"]["preferred_name"] = name
    sample["prescriber"]["name"] = name
    text = pdf_text(make(sample).pdf)
    assert name in text
    assert "49" not in text.replace("1-800", "")  # the template in the name was not evaluated


def test_unicode_font_is_embedded_with_every_glyph(make, sample) -> None:
    """Latin names in Noto Sans; a clinic whose language-help notice is in English only (its other scripts are set
    in their own faces)."""
    sample["patient"]["name"] = "Nguyễn Zoë Łukasz Müller"
    sample["clinic"] = {"name": "Hill Clinic", "phone": "555-0123"}
    pdf = make(sample).pdf
    assert "Nguyễn Zoë Łukasz Müller" in pdf_text(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    fonts = {f.get_object()["/BaseFont"] for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    assert fonts and all("NotoSans" in str(f) for f in fonts)  # no base-14 font without the glyphs
    descriptors = [
        f.get_object()["/FontDescriptor"] for page in reader.pages for f in page["/Resources"]["/Font"].values()
    ]
    assert all("/FontFile2" in d for d in descriptors)  # embedded TrueType


def test_same_inputs_give_identical_bytes(make, sample) -> None:
    assert make(sample).pdf == make(sample).pdf


def test_made_on_date_is_printed_and_only_it_changes(make, sample) -> None:
    first = make(sample, made_on=dt.date(2026, 11, 25))
    later = make(sample, made_on=dt.date(2027, 1, 2))
    assert "Made November 25, 2026" in pdf_text(first.pdf)
    assert "Made January 2, 2027" in pdf_text(later.pdf)
    assert first.pdf != later.pdf


def test_metadata(make, sample) -> None:
    reader = PdfReader(io.BytesIO(make(sample).pdf))
    meta = reader.metadata
    assert meta.title == "Carisoprodol (Soma)"
    assert "patient information" in meta.subject
    assert meta.creator.startswith("patient-handouts")
    assert reader.trailer["/Root"]["/Lang"] == "en"


@pytest.mark.parametrize(
    ("layout", "paper", "size"),
    [("standard", None, (612, 792)), ("standard", "a4", (595, 842)), ("a4", None, (595, 842))],
)
def test_paper_sizes(make, sample, layout, paper, size) -> None:
    reader = PdfReader(io.BytesIO(make(sample, layout=layout, paper=paper).pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size


def test_three_to_six_pages_with_page_x_of_y(make, sample) -> None:
    handout = make(sample)
    assert 3 <= handout.pages <= 6  # the sample's three-step taper with its dose-time strip: 6 (the layout's most)
    pages = pdf_pages_text(handout.pdf)
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert "555-0199" in text  # clinic phone on every page
    assert "555-0111" in pages[-1]  # after-hours line on the last page (the dose calendar's)
    last = " ".join(pages[-1].split())
    assert "In an emergency, call 911. Poison Help: 1-800-222-1222." in last


def test_age_from_date_of_birth_brings_the_older_adult_caution(make, sample, generator) -> None:
    title = generator.library.block("carisoprodol", "older-adults", "en").title
    del sample["patient"]["age"]
    sample["patient"]["date_of_birth"] = dt.date(1950, 1, 1)
    assert title in pdf_text(make(sample).pdf)
    sample["patient"]["date_of_birth"] = dt.date(1990, 1, 1)
    assert title not in pdf_text(make(sample).pdf)
