"""The dose-time strip (issue 26; PEMAT items 15, 17, 26, 7 and 24): what it says, what it draws, and that the
verifier reads both back from the page, refusing a tablet added or taken away."""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pikepdf
import pytest
import yaml
from helpers import SAMPLE_MADE_ON, pdf_pages_text
from hypothesis import given, settings
from hypothesis import strategies as st
from tampering import page_drawing, shape_removed_or_added

from generator.content.labels import load_wording
from generator.paths import SAMPLES, library_root
from generator.prescription.strip import TABLET_POINTS, dose_strip, example_times, slot_at
from generator.verify.pictures import drawn_cells
from generator.verify.reader import read_pages

ENGLISH = load_wording(library_root(), "en")
SPANISH = load_wording(library_root(), "es")
AS_NEEDED = {
    "medicine": "ibuprofen",
    "dose_mg": 600,
    "strength_mg": 600,
    "times_per_day": 3,
    "every_hours": 6,
    "as_needed": True,
    "as_needed_for": "back-pain",
    "start": dt.date(2026, 11, 24),
    "days_supply": 7,
}
FIXED = {"medicine": "carisoprodol", "dose_mg": 350, "times_per_day": 3, "start": dt.date(2026, 11, 24)}
FIXED["days_supply"] = 14
PILL = re.compile(rf"-?[\d.]+ -?[\d.]+ m(?:\s+-?[\d.]+ -?[\d.]+ l){{{TABLET_POINTS - 1}}}\s+f\*?")
"""A drawn tablet in a page's content: TABLET_POINTS corners, filled."""


def _with(sample: dict[str, Any], prescription: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(sample)
    data["prescription"] = dict(prescription)
    return data


def _schedule(generator, data: dict[str, Any]):
    from generator.inputs.personalisation import parse_personalisation
    from generator.prescription.policy import ClinicPolicy

    parsed = parse_personalisation(data, "test")
    return generator.schedule(parsed.prescription.medicine, parsed, ClinicPolicy(), "test")


def _cells(pdf: bytes) -> list[int]:
    """The tablets drawn in each cell of the strip, in the order the cells are drawn, as the verifier reads them."""
    cells, astray = drawn_cells(read_pages(pdf, "test"))
    assert not astray
    return [count for _, count in cells]


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(pdf_pages_text(pdf)).split())


# --- what the strip says -----------------------------------------------------------------------------------------


def test_a_course_at_set_times_is_a_grid_of_its_times_of_day(generator, sample) -> None:
    strip = dose_strip(_schedule(generator, _with(sample, FIXED)), ENGLISH, short_dates=True)
    assert strip is not None and strip.title == "When to take it each day"
    assert [c.label for c in strip.columns] == ["Morning", "Midday", "Evening"]
    (step,) = strip.steps
    assert step.dates == "" and not step.example
    assert [(c.slot, c.amount, c.tablets) for c in step.cells] == [
        ("morning", "1\u00a0tablet,\n350\u00a0mg", 1),
        ("midday", "1\u00a0tablet,\n350\u00a0mg", 1),
        ("evening", "1\u00a0tablet,\n350\u00a0mg", 1),
    ]


def test_a_taper_has_a_row_per_step_with_its_dates(generator, sample) -> None:
    strip = dose_strip(_schedule(generator, sample), SPANISH, short_dates=True)
    assert strip is not None and strip.title == "Cuándo tomar sus dosis cada día"
    assert [c.label for c in strip.columns] == ["Por la mañana", "Al mediodía", "Por la noche"]
    assert [step.dates for step in strip.steps] == [
        "Del 24 nov 2026 al\n7 dic 2026",
        "Del 8 dic 2026 al\n10 dic 2026",
        "Del 11 dic 2026 al\n13 dic 2026",
    ]
    assert [[c.slot for c in step.cells] for step in strip.steps] == [
        ["morning", "midday", "evening"],
        ["morning", "evening"],
        ["morning"],
    ]


def test_two_tablets_a_dose_are_two_tablets_in_each_cell(generator, sample) -> None:
    rx = {"medicine": "methocarbamol", "dose_mg": 1500, "strength_mg": 750, "times_per_day": 4}
    rx |= {"start": dt.date(2026, 11, 24), "days_supply": 3}
    strip = dose_strip(_schedule(generator, _with(sample, rx)), ENGLISH, short_dates=True)
    assert strip is not None
    assert [(c.label, c.amount, c.tablets) for c in strip.steps[0].cells][-1] == (
        "Bedtime",
        "2\u00a0tablets,\n1,500\u00a0mg",
        2,
    )


@pytest.mark.parametrize(
    ("hours", "english", "spanish"),
    [
        (6, "if you take a dose at 8:00\u00a0AM, wait until 2:00\u00a0PM", "espere hasta las 2:00\u00a0p.m."),
        (4, "if you take a dose at 8:00\u00a0AM, wait until 12:00\u00a0PM", "espere hasta las 12:00\u00a0p.m."),
        (8, "if you take a dose at 8:00\u00a0AM, wait until 4:00\u00a0PM", "espere hasta las 4:00\u00a0p.m."),
    ],
)
def test_the_worked_example_is_worked_out_from_the_interval(generator, sample, hours, english, spanish) -> None:
    schedule = _schedule(generator, _with(sample, AS_NEEDED | {"every_hours": hours}))
    strip = dose_strip(schedule, ENGLISH, short_dates=True)
    assert strip is not None and strip.title == "How long to wait between doses" and not strip.columns
    (step,) = strip.steps
    assert english in step.example and step.example.startswith("For example:")
    assert [c.tablets for c in step.cells] == [1, 1]
    assert step.cells[0].label == "8:00\u00a0AM"
    spanish_strip = dose_strip(schedule, SPANISH, short_dates=True)
    assert spanish_strip is not None and spanish in spanish_strip.steps[0].example


def test_doses_every_so_many_hours_say_when_to_take_the_next(generator, sample) -> None:
    rx = AS_NEEDED | {"as_needed": False, "every_hours": 8, "as_needed_for": None}
    strip = dose_strip(_schedule(generator, _with(sample, rx)), ENGLISH, short_dates=True)
    assert strip is not None
    example = "For example: if you take a dose at 8:00\u00a0AM, take the next one at 4:00\u00a0PM."
    assert strip.steps[0].example == example


def test_only_when_needed_with_no_interval_has_no_strip(generator, sample) -> None:
    rx = {k: v for k, v in AS_NEEDED.items() if k != "every_hours"}
    assert dose_strip(_schedule(generator, _with(sample, rx)), ENGLISH, short_dates=True) is None


def test_compact_forms(generator, sample) -> None:
    fixed = _schedule(generator, sample)
    assert dose_strip(fixed, ENGLISH, True, "example") is None
    assert dose_strip(fixed, ENGLISH, True, "none") is None
    steps = dose_strip(fixed, ENGLISH, True, "steps")
    assert steps is not None and not steps.columns and len(steps.steps) == 3
    needed = _schedule(generator, _with(sample, AS_NEEDED))
    assert dose_strip(needed, ENGLISH, True, "example") is not None


@settings(max_examples=200, deadline=None)
@given(hours=st.integers(min_value=1, max_value=48), hour=st.integers(0, 23), minute=st.sampled_from([0, 15, 30, 45]))
def test_the_next_dose_is_the_interval_later_and_says_when_it_is_the_next_day(hours, hour, minute) -> None:
    start = dt.time(hour, minute)
    first, then, next_day = example_times(hours, start)
    minutes = hour * 60 + minute + hours * 60
    assert first == start
    assert (then.hour, then.minute) == divmod(minutes % (24 * 60), 60)
    assert next_day == (minutes >= 24 * 60)


@settings(max_examples=30, deadline=None)
@given(hours=st.integers(min_value=1, max_value=24))
def test_the_example_sentence_names_the_next_day_past_midnight(generator, hours) -> None:
    sample = yaml.safe_load((SAMPLES / "patient.yaml").read_text())
    schedule = _schedule(generator, _with(sample, AS_NEEDED | {"every_hours": hours, "times_per_day": 1}))
    strip = dose_strip(schedule, ENGLISH, short_dates=True)
    assert strip is not None
    sentence = strip.steps[0].example
    assert ("the next day" in sentence) == (8 + hours >= 24)
    _, then, _ = example_times(hours)
    assert ENGLISH.time(then) in sentence and strip.steps[0].cells[1].slot == slot_at(then)


# --- what the pages show, in every layout ------------------------------------------------------------------------

LAYOUTS = ["standard", "a4", "grayscale", "large-print", "trifold", "one-sheet"]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_taper_strip_in_every_layout(make, sample, layout, language) -> None:
    handout = make(sample, layout=layout, language=language)
    text = _text(handout.pdf)
    wording = ENGLISH if language == "en" else SPANISH
    if layout == "trifold":  # no room for a course's strip: the form `example`
        assert wording.labels.strip_title not in text and _cells(handout.pdf) == []
        return
    assert wording.labels.strip_title in text
    amount = wording.labels.strip_amount.format(amount=wording.tablets("tablet", 1), total="350")
    assert " ".join(amount.split()) in text
    assert _cells(handout.pdf) == [1, 1, 1, 1, 1, 1]  # three, then two, then one time a day


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("layout", [*LAYOUTS, "one-page"])
def test_the_worked_example_in_every_layout(make, topic_sample, layout, language) -> None:
    handout = make(topic_sample("acetaminophen"), layout=layout, topic="acetaminophen", language=language)
    text = _text(handout.pdf)
    if layout == "one-page":  # no room on one side: the form `none`
        assert "8:00" not in text and _cells(handout.pdf) == []
        return
    time, later = ("8:00 AM", "2:00 PM") if language == "en" else ("8:00 a.m.", "2:00 p.m.")
    assert time in text and later in text
    assert ("wait until 2:00 PM" if language == "en" else "espere hasta las 2:00 p.m.") in text
    assert _cells(handout.pdf) == [2, 2]  # 2 tablets of 500 mg a dose, in each of the example's two doses


def test_large_print_draws_it_at_14_pt_or_more(make, sample) -> None:
    pages = read_pages(make(sample, layout="large-print").pdf, "test")
    strip = [page for page in pages if page.cells]
    runs = [run for page in strip for run in page.runs if "tablet," in run.text or run.text.startswith("Morning")]
    assert len(runs) == 7 and min(run.size for run in runs) >= 14  # six amounts and a heading
    assert min(run.size for page in strip for run in page.runs if run.text.startswith("350")) >= 14


def test_the_strip_is_tagged_text_and_its_drawing_is_an_artifact(make, sample) -> None:
    page = next(page for page in read_pages(make(sample).pdf, "test") if page.cells)
    tagged = {marked.mcid for marked in page.marked}
    runs = [run for run in page.runs if run.text.startswith(("Nov 24, 2026 to", "Dec 7, 2026"))]
    assert runs and all(run.mcid in tagged for run in runs)


def test_a_two_step_course_of_several_tablets_is_counted_cell_by_cell(make, topic_sample) -> None:
    data = topic_sample("methocarbamol")  # 1,500 mg (2 tablets) four times a day for 3 days, then a step down
    data["prescription"] |= {
        "taper": [{"from": dt.date(2026, 11, 27), "dose_mg": 750, "times_per_day": 3}],
        "last_day": dt.date(2026, 11, 30),
    }
    handout = make(data, topic="methocarbamol")
    assert _cells(handout.pdf) == [2, 2, 2, 2, 1, 1, 1]


# --- a tablet added or taken away is refused ---------------------------------------------------------------------

MADE_ON = SAMPLE_MADE_ON
PATIENT = Path(__file__).parents[1] / "handouts/carisoprodol/sample.yaml"


@pytest.fixture
def leaflet(sample_leaflet: Path) -> Path:
    """The sample carisoprodol leaflet (standard layout), made on MADE_ON."""
    return sample_leaflet


def _strip_page(pdf: pikepdf.Pdf) -> int:
    """The number of the page the strip is drawn on (after the most important block, which page 1 keeps whole)."""
    return page_drawing(pdf, PILL)


def _tampered(leaflet: Path, target: Path, how: str) -> Path:
    with pikepdf.open(leaflet) as pdf:
        number = _strip_page(pdf)
        assert len(PILL.findall(pdf.pages[number - 1].Contents.read_bytes().decode("latin-1"))) == 6
        shape_removed_or_added(pdf, number, PILL, 3, how)  # step 2's morning
        pdf.save(target)
    return target


def test_the_untouched_leaflet_passes(run_cli, leaflet) -> None:
    code, out, _ = run_cli("verify", str(leaflet), "--patient", str(PATIENT), "--made-on", MADE_ON)
    assert code == 0, out


@pytest.mark.parametrize(("how", "drawn"), [("removed", 0), ("added", 2)])
def test_a_tablet_added_or_removed_is_refused(run_cli, leaflet, tmp_path, how, drawn) -> None:
    tampered = _tampered(leaflet, tmp_path / f"{how}.pdf", how)
    code, out, err = run_cli("verify", str(tampered), "--patient", str(PATIENT), "--made-on", MADE_ON)
    assert code == 6
    assert "Maria Lopez" not in out + err and "Sam Lee" not in out + err  # never the patient's data
    with pikepdf.open(leaflet) as pdf:
        number = _strip_page(pdf)
    assert (
        f"PROBLEM: the dose-time strip, step 2 of 3, cell 1 of 2 (morning): page {number}: {drawn} tablet(s) drawn "
        "in it, the prescription says 1"
    ) in out


def test_a_tablet_outside_the_cells_is_refused(run_cli, leaflet, tmp_path) -> None:
    with pikepdf.open(leaflet) as pdf:
        number = _strip_page(pdf)
        page = pdf.pages[number - 1]
        content = page.Contents.read_bytes().decode("latin-1")
        pill = next(PILL.finditer(content))
        page.obj.Contents = pdf.make_stream((content + f"\nq 1 0 0 1 0 -300 cm {pill.group(0)} Q").encode("latin-1"))
        target = tmp_path / "astray.pdf"
        pdf.save(target)
    code, out, _ = run_cli("verify", str(target), "--patient", str(PATIENT), "--made-on", MADE_ON)
    assert code == 6 and f"PROBLEM: the dose-time strip: page {number}: a tablet drawn outside its cells" in out


def test_the_grid_is_mirrored_right_to_left(generator, sample) -> None:
    from generator.render.dose_strip import StripGrid, StripRow
    from generator.render.styles import make_styles

    layout = generator.layout("standard")
    strip = dose_strip(_schedule(generator, sample), ENGLISH, short_dates=True)
    assert strip is not None
    for language, first_right in (("en", False), ("ar", True)):
        grid = StripGrid(strip, make_styles(layout, False, language))
        grid.wrap(500, 1000)
        assert (grid._column_x(0) > grid._column_x(1)) == first_right
    needed = dose_strip(_schedule(generator, _with(sample, AS_NEEDED)), ENGLISH, short_dates=True)
    assert needed is not None
    row = StripRow(needed.steps[0], make_styles(layout, False, "ar"))
    row.wrap(500, 1000)
    assert row._x(0, 100) == 400  # the first dose on the right


def test_the_pdf_draws_only_what_the_closed_world_allows(make, sample) -> None:
    from generator.verify.closed import check_file

    pdf = make(sample).pdf
    assert check_file(pdf, None) == []
    with pikepdf.open(io.BytesIO(pdf)) as document:
        content = document.pages[0].Contents.read_bytes()
    assert b" c\n" not in content and b" h\n" not in content  # polygons and lines: no curves, no closing statements


# --- the HTML version ---------------------------------------------------------------------------------------------


def _html(generator, data: dict[str, Any], topic: str = "carisoprodol", layout: str = "standard", **options: Any):
    from generator.inputs.personalisation import choose_clinic, parse_personalisation
    from generator.pipeline import HandoutRequest

    parsed = parse_personalisation(data, "test input")
    clinic = choose_clinic(parsed, None, None, SAMPLES / "clinic.yaml")
    request = HandoutRequest(topic, parsed, clinic, made_on=dt.date(2026, 11, 25), layout=layout, **options)
    return generator.build_html(request, "test input"), generator.prepare(request, "test input").expected_html


@pytest.mark.parametrize("layout", ["standard", "trifold"])
def test_the_html_strip_has_the_whole_course_and_its_tablets(generator, sample, layout) -> None:
    handout, _ = _html(generator, sample, layout=layout)
    page = handout.html
    assert "<figcaption>When to take it each day</figcaption>" in page
    cells = re.findall(
        r"<li><span class=\"icon (\w+)\"></span><strong>(\w+)</strong> <span class=\"tablets\">(.*?)</span>", page
    )
    assert [(slot, label, body.count('class="tablet"')) for slot, label, body in cells] == [
        ("morning", "Morning", 1),
        ("midday", "Midday", 1),
        ("evening", "Evening", 1),
        ("morning", "Morning", 1),
        ("evening", "Evening", 1),
        ("morning", "Morning", 1),
    ]


def test_the_html_worked_example_in_spanish(generator, topic_sample) -> None:
    handout, _ = _html(generator, topic_sample("ibuprofen"), topic="ibuprofen", language="es")
    assert "Por ejemplo: si toma una dosis a las 8:00\u00a0a.m., espere hasta las 2:00\u00a0p.m." in handout.html


def test_a_tablet_added_to_the_html_strip_is_refused(generator, sample) -> None:
    from generator.verify.html.check import check_html

    handout, expected = _html(generator, sample)
    one = '<span class="tablets"><span class="tablet"></span></span>'
    two = '<span class="tablets"><span class="tablet"></span><span class="tablet"></span></span>'
    assert check_html(handout.html, list(expected)) == []
    problems = check_html(handout.html.replace(one, two, 4), list(expected))
    assert any(
        "the dose-time strip, step 2 of 3, cell 1 of 2 (morning): 2 tablet(s) drawn in it, the prescription says 1" in p
        for p in problems
    ), problems
    removed = check_html(handout.html.replace('<span class="tablet"></span>', "", 1), list(expected))
    assert any("cell 1 of 3 (morning): 0 tablet(s) drawn in it" in p for p in removed), removed


def test_doses_at_a_set_time_only_when_needed_are_not_every_day(generator, sample) -> None:
    rx = {k: v for k, v in AS_NEEDED.items() if k != "every_hours"} | {"times": ["bedtime"], "times_per_day": 1}
    strip = dose_strip(_schedule(generator, _with(sample, rx)), ENGLISH, short_dates=True)
    assert strip is not None and strip.title == "When you may take it, only if you need it"
    assert [(c.label, c.tablets) for c in strip.steps[0].cells] == [("Bedtime", 1)]


def test_an_arabic_leaflet_mirrors_its_strip_and_verifies(tmp_path_factory) -> None:
    """The translated methocarbamol (tests/translated.py): the grid's first time of day on the right, each cell's
    tablets counted, and the build verified (the amount's two lines: no numbers run together in its ActualText)."""
    from translated import TOPIC, translated_library

    from generator.content.library import Library
    from generator.inputs.personalisation import choose_clinic, parse_personalisation
    from generator.layouts import LayoutLibrary
    from generator.paths import layouts_root
    from generator.pipeline import Generator, HandoutRequest

    library = translated_library(tmp_path_factory.mktemp("translated") / "library")
    data = yaml.safe_load((library / TOPIC / "sample.yaml").read_text(encoding="utf-8"))
    parsed = parse_personalisation(data, "sample")
    clinic = choose_clinic(parsed, None, None, SAMPLES / "clinic.yaml")
    request = HandoutRequest(TOPIC, parsed, clinic, language="ar", made_on=dt.date(2026, 11, 25))
    handout = Generator(Library(library), LayoutLibrary(layouts_root())).build(request, "sample")
    pages = [page for page in read_pages(handout.pdf, "test") if page.cells]
    assert _cells(handout.pdf) == [2] * 7
    first, second = pages[0].cells[:2]
    assert first[0] > second[0]  # morning right of midday
