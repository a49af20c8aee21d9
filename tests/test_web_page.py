"""The front-desk page in a real browser (Debian's Chromium, driven by Playwright), checked with axe-core.

Each state a receptionist meets (empty, errors, taper, success, general error) is checked for
accessibility violations at desktop (1366x768) and tablet (820x1180) sizes; with
HANDOUT_SCREENSHOT_DIR set, each state's screenshot is saved there (docs/screenshots/ in the repo).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from desk_page import CODE, DESKTOP, IN_CHROMIUM, ISO_DATE, TABLET, TODAY, check, download, errors_of, typed
from helpers import pdf_pages_text, pdf_text
from pypdf import PdfReader

from generator.paths import library_root
from generator.verify.html import html_text

pytestmark = IN_CHROMIUM


def tab_to(page: Any, element_id: str, most: int = 60) -> None:
    """Reach an element with the Tab key alone."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} not reached with Tab")


def fill(page: Any, topic: str, strength: str, dose: str, times: str, days: str) -> None:
    """A patient, a prescriber and a prescription of the medicine `topic`, starting today."""
    page.select_option("#topic-0", topic)
    page.fill("#patient-name", "Maria Lopez")
    page.fill("#prescriber-name", "Dr. Sam Lee")
    page.select_option("#rx-strength", strength)
    page.select_option("#rx-dose", dose)
    page.fill("#rx-times", times)
    assert page.input_value("#rx-start") == typed(TODAY)  # the default start
    page.fill("#rx-days", days)


def fill_methocarbamol(page: Any, times: str = "4") -> None:
    fill(page, "methocarbamol", "750", "1500", times, "3")


def summary_says(page: Any, words: str, line: str = "#rx-summary") -> str:
    """Wait until the line under a prescription (asked of the server) says `words`; its text, spaces plain."""
    script = "([line, words]) => document.querySelector(line).textContent.replace(/\\u00a0/g, ' ').includes(words)"
    page.wait_for_function(script, arg=[line, words])
    return page.inner_text(line).replace("\xa0", " ")


def test_made_leaflet_is_cleared_by_any_edit_and_next_patient_keeps_the_prescriber(open_page, tmp_path) -> None:
    page = open_page()
    assert page.locator("#preview").is_hidden() and page.locator("#result").is_hidden()  # no empty preview box
    check(page, "empty")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url) if "/api/leaflets" in request.url else None)
    keys = [
        ("topic-0", "Carisoprodol"),  # a closed select picks the option typed
        ("patient-name", "Zoë O'Brien"),
        ("prescriber-name", "Dr. Sam Lee"),
        ("rx-strength", "350"),
        ("rx-dose", "1"),
        ("rx-times", "3"),
        ("rx-days", "10"),
    ]
    for element_id, keys_typed in keys:  # keyboard only from here to the download
        tab_to(page, element_id)
        page.keyboard.type(keys_typed)
    assert page.input_value("#topic-0") == "carisoprodol" and page.input_value("#rx-dose") == "350"
    said = summary_says(page, "1 tablet of 350 mg each time in the morning, at midday, and in the evening, from ")
    assert "Do not take more than 3 tablets (1,050 mg) in one day." in said
    assert page.locator("#make").bounding_box()["y"] + 44 <= DESKTOP["height"]  # Make in view without scrolling
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # a second submit while the first is on its way is ignored
    assert page.get_attribute("#make", "aria-disabled") == "true"
    page.locator("#preview:not([hidden])").wait_for()
    assert len(requests) == 1
    assert page.evaluate("document.activeElement.id") == "result-heading"
    box = page.locator("#preview").bounding_box()
    assert 0 <= box["y"] < DESKTOP["height"] / 2  # the preview is in view after Make
    check(page, "success")
    outlined = {"#preview": ".frame"}  # a focused frame's document has the focus: its box draws the outline
    for selector in ("#preview", "#print", "#download", "#patient-name", "#topic-0", "#make", "#result-heading"):
        page.focus(selector)
        box = outlined.get(selector, selector)
        outline = page.eval_on_selector(box, "e => getComputedStyle(e).outlineStyle + getComputedStyle(e).outlineWidth")
        assert outline == "solid3px", (selector, outline)
    page.focus("#download")
    with page.expect_download() as started:
        page.keyboard.press("Enter")
    name = started.value.suggested_filename
    assert re.fullmatch(f"carisoprodol-en-{CODE}.pdf", name)
    saved = tmp_path / name
    started.value.save_as(saved)
    text = pdf_text(saved)
    assert "Zoë O'Brien" in text and "1 tablet of 350 mg each time in the morning, at midday, and in the" in text

    page.focus("#patient-name")
    page.keyboard.press("End")
    page.keyboard.type("n")  # any edit: the leaflet made before must not be printed
    assert page.is_disabled("#download") and page.is_disabled("#print")
    assert page.locator("#preview").is_hidden() and page.get_attribute("#preview", "src") is None
    assert "changed" in page.inner_text("#status")

    page.click("#next-patient")
    assert page.input_value("#patient-name") == "" and page.input_value("#topic-0") == ""
    assert page.input_value("#prescriber-name") == "Dr. Sam Lee"
    assert page.locator("#result").is_hidden() and page.locator("#prescription").is_hidden()


def test_methocarbamol_picked_from_offered_strengths(open_page, tmp_path) -> None:
    page = open_page()
    page.select_option("#topic-0", "methocarbamol")
    options = page.locator("#rx-strength option").all_inner_texts()
    assert options == ["Choose…", "500 mg tablets", "750 mg tablets", "1,000 mg tablets"]
    page.select_option("#rx-strength", "500")
    assert page.locator("#rx-dose option").all_inner_texts()[1:] == [
        "1 tablet (500 mg)",
        "2 tablets (1,000 mg)",
        "3 tablets (1,500 mg)",
    ]
    fill_methocarbamol(page)
    assert page.locator("#rx-dose option").all_inner_texts()[1:] == ["1 tablet (750 mg)", "2 tablets (1,500 mg)"]
    said = summary_says(
        page, "2 tablets of 750 mg each time (1,500 mg) in the morning, at midday, in the evening, and at"
    )
    assert said.startswith("2 tablets of 750 mg each time (1,500 mg)") and "in one day" in said
    assert page.evaluate("document.scrollingElement.scrollHeight") <= 2 * DESKTOP["height"]
    page.click("#make")
    page.locator("#preview:not([hidden])").wait_for()
    name, pdf = download(page, tmp_path)
    assert re.fullmatch(f"methocarbamol-en-{CODE}.pdf", name)
    assert "2 tablets of 750 mg each time (1,500 mg) in the morning, at midday, in the evening" in pdf_text(pdf)
    with page.expect_download() as started:  # the same leaflet as an accessible web page
        page.click("#download-html")
    assert re.fullmatch(f"methocarbamol-en-{CODE}.html", started.value.suggested_filename)
    started.value.save_as(tmp_path / "leaflet.html")
    web_page = (tmp_path / "leaflet.html").read_text(encoding="utf-8")
    assert "2 tablets of 750 mg each time (1,500 mg)" in " ".join(html_text(web_page).split())


def test_taper_steps_by_days_copy_the_step_before_and_show_their_dates(open_page, tmp_path) -> None:
    page = open_page()
    fill(page, "carisoprodol", "350", "350", "3", "14")
    assert page.locator("#last-day-field").is_hidden()
    page.click("#add-step")
    step = page.get_by_role("group", name="Lower dose, step 1")
    assert page.evaluate("document.activeElement.id") == "step-days-0"
    assert step.get_by_label("Times a day").input_value() == "3"  # copied from the full dose
    assert step.get_by_label("Each time").input_value() == "350"
    step.get_by_label("Days at this dose").fill("3")
    first = TODAY + dt.timedelta(days=14)
    short = lambda day: f"{day:%b} {day.day}, {day.year}"  # noqa: E731
    assert (
        page.inner_text("#step-dates-0") == f"From {short(first)} until {short(first + dt.timedelta(days=2))} (3 days)"
    )
    page.fill("#rx-days", "10")  # the dates follow the full-dose days
    first = TODAY + dt.timedelta(days=10)
    assert page.inner_text("#step-dates-0").startswith(f"From {short(first)} until")
    step.get_by_label("Times a day").fill("2")
    page.click("#add-step")
    second = page.get_by_role("group", name="Lower dose, step 2")
    assert (
        second.get_by_label("Times a day").input_value() == "2"
        and second.get_by_label("Days at this dose").input_value() == "3"
    )
    page.get_by_role("button", name="Remove step 2").click()
    assert page.locator(".step").count() == 1
    assert page.evaluate("document.activeElement.id") == "add-step"
    last = first + dt.timedelta(days=2)
    assert f"Worked out from the days: {typed(last)}" in page.inner_text("#last-day-field")
    said = summary_says(page, ": 1 tablet of 350 mg each time in the morning and in the evening. Most in one day: 2 ")
    rows = "() => document.querySelector('#rx-summary').textContent.split('Most in one day').length - 1 === 2"
    page.wait_for_function(rows)  # the removed step's row goes when the server has answered again
    said = page.inner_text("#rx-summary").replace("\xa0", " ")
    assert said.startswith("From ") and said.count("Most in one day") == 2  # each step's row, as the leaflet's
    assert f"until {short(last)} (3 days):" in said  # each step's length and the last day, before Make
    check(page, "taper")
    page.fill("#rx-last", typed(last + dt.timedelta(days=1)))  # the 12/13-for-12/12 slip
    page.click("#make")
    page.locator(".error").first.wait_for()
    assert errors_of(page, "#rx-last") == [f"Must be {typed(last)}, the last of the last step's 3 days."]
    page.fill("#rx-last", typed(last))
    page.click("#make")
    page.locator("#preview:not([hidden])").wait_for()
    _, pdf = download(page, tmp_path)
    text = pdf_text(pdf)
    assert "1 tablet of 350 mg each time in the morning, at midday, and in the evening" in text
    assert "1 tablet of 350 mg each time in the morning and in the evening" in text
    assert short(last) in text


def test_all_errors_in_one_round_on_their_fields(open_page) -> None:
    page = open_page()
    fill_methocarbamol(page, times="4")
    page.select_option("#rx-dose", "750")  # 750 mg 4 times a day: 3,000 mg a day, within the first days' limit
    page.fill("#patient-name", "")
    page.fill("#patient-dob", "13/45/1960")
    page.click("#add-step")
    page.select_option("#step-dose-0", "1500")  # more than before, and 6,000 mg a day from day 4
    page.fill("#step-times-0", "4")
    page.fill("#rx-start", typed(TODAY.replace(year=TODAY.year + 36)))  # a start years ahead: in the same round
    page.click("#make")
    page.locator(".error").first.wait_for()
    assert errors_of(page, "#patient-name") == ["Required: fill this in."]
    assert errors_of(page, "#patient-dob") == ["Enter the date as MM/DD/YYYY, e.g. 11/24/2026."]
    assert page.get_attribute("#patient-dob", "aria-describedby").split()[0] == "patient-dob-hint"
    step_dose = errors_of(page, "#step-dose-0")  # two errors on one field: both read with it
    assert any("above the 4,500 mg daily limit from day 4" in message for message in step_dose)
    assert any(message.startswith("More than the step before (750 mg)") for message in step_dose)
    assert len(step_dose) == 2
    assert errors_of(page, "#step-times-0") == []  # a daily limit belongs to the dose
    assert errors_of(page, "#step-days-0") == [
        "Required: the days at this dose, or the course's “Last day to take it”."
    ]
    assert errors_of(page, "#rx-start") == ["More than a year after today; check the year."]
    every = page.locator(".error").all_inner_texts()
    assert not [m for m in every if ISO_DATE.search(m) or "_" in m or "input should" in m.lower()], every
    assert page.evaluate("document.activeElement.id") == "patient-name"
    assert page.locator("#form-error").is_hidden()
    check(page, "errors")


def fill_too_long_for_one_page(page: Any) -> None:
    """An 81-year-old with a two-step taper, on the one-page layout: it cannot hold all of it."""
    fill(page, "carisoprodol", "350", "350", "3", "5")
    page.fill("#patient-age", "81")
    for number, (times, days) in enumerate((("2", "2"), ("1", "3"))):
        page.click("#add-step")
        step = page.get_by_role("group", name=f"Lower dose, step {number + 1}")
        step.get_by_label("Days at this dose").fill(days)
        step.get_by_label("Times a day").fill(times)
        step.get_by_label("Each time").select_option("350")
    page.select_option("#layout", "one-page")


def test_a_general_error_is_next_to_make_and_focused(open_page) -> None:
    page = open_page()
    fill_too_long_for_one_page(page)
    page.click("#make")
    page.locator("#form-error:not([hidden])").wait_for()
    assert page.evaluate("document.activeElement.id") == "form-error"
    message = page.inner_text("#form-error")
    assert "too long for this layout" in message and "Choose the layout 'One sheet, both sides" in message
    make, error = page.locator("#make").bounding_box(), page.locator("#form-error").bounding_box()
    assert error["y"] < make["y"] + make["height"] and make["y"] < error["y"] + error["height"]  # side by side
    check(page, "general-error")


def test_two_leaflets_in_one_print_with_warnings_first(open_page, tmp_path) -> None:
    page = open_page()
    fill(page, "carisoprodol", "350", "350", "3", "7")
    page.fill("#patient-age", "70")
    page.click("#add-topic")
    page.select_option("#topic-1", "low-back-pain")
    page.check("#double-sided")
    page.click("#make")
    page.locator("#preview:not([hidden])").wait_for()
    warnings = page.inner_text("#warnings")
    action = "Check with the prescriber: guidelines advise against muscle relaxants for patients 65 or older."
    assert action + " The form says age 70." in warnings and "Beers" not in warnings  # the action first
    page.get_by_role("button", name="Why?").click()
    assert page.get_attribute(".why-toggle", "aria-expanded") == "true"
    assert "PubMed 37139824" in page.inner_text("#warnings")  # the source, behind "Why?"
    assert page.locator("#warnings").bounding_box()["y"] < page.locator("#print").bounding_box()["y"]
    status = page.inner_text("#content-status")
    assert re.fullmatch(r"Content not yet approved by your clinic \((\d+) of \1 files are drafts\)\.", status)
    assert page.get_attribute("#content-status", "role") == "status"  # read out when it appears
    box, button = page.locator("#content-status").bounding_box(), page.locator("#print").bounding_box()
    assert 0 < button["y"] - (box["y"] + box["height"]) < 40  # just above the Print button
    check(page, "success-two-leaflets")
    name, pdf = download(page, tmp_path)
    assert re.fullmatch(f"carisoprodol-low-back-pain-en-{CODE}.pdf", name)
    pages = pdf_pages_text(pdf)
    first = next(i for i, text in enumerate(pages) if "Low back pain" in text)
    assert "Carisoprodol" in pages[0] and first % 2 == 0  # the second leaflet starts on a front page
    assert len(PdfReader(io.BytesIO(pdf)).pages) % 2 == 0


def test_a_server_requiring_approved_content_says_why_it_refuses(open_page) -> None:
    from generator.content.approvals import ContentRules
    from generator.prescription.policy import ClinicPolicy

    page = open_page(policy=ClinicPolicy(content=ContentRules(require="approved")))
    fill_methocarbamol(page)
    page.click("#make")
    page.locator("#form-error:not([hidden])").wait_for()
    message = page.inner_text("#form-error")
    assert "was not made: this server prints only content approved by your clinic" in message
    assert "topic 'methocarbamol' (en): not approved on" in message and "library has a problem" not in message
    assert page.locator("#preview").is_hidden() and page.locator("#content-status").is_hidden()
    check(page, "not-approved")


def test_a_leaflet_without_the_chosen_language_says_so(open_page, tmp_path) -> None:
    library = tmp_path / "handouts"
    shutil.copytree(library_root(), library)
    for path in (library / "low-back-pain").glob("*.*.yaml"):  # every translation: name.LANGUAGE.yaml
        path.unlink()
    page = open_page(library=library)
    assert "(English)" in page.locator("#topic-0 option[value='low-back-pain']").inner_text()
    page.select_option("#language", "es")
    page.select_option("#topic-0", "low-back-pain")
    note = page.locator("#topic-note-0")
    assert note.is_visible() and note.inner_text().startswith("Not available in Español: only in English.")
    assert page.input_value("#language") == "es"  # never switched silently


@pytest.mark.parametrize("viewport", [TABLET, {"width": 320, "height": 640}], ids=["tablet", "phone"])
def test_small_screens(open_page, viewport) -> None:
    page = open_page(viewport)
    wide = "document.scrollingElement.scrollWidth"
    assert page.evaluate(wide) <= viewport["width"]
    check(page, "empty")
    fill_methocarbamol(page, times="6")
    page.fill("#patient-name", "")
    page.click("#add-step")
    page.click("#make")
    page.locator(".error").first.wait_for()
    assert page.evaluate(wide) <= viewport["width"]  # no sideways scroll, errors shown
    check(page, "errors")
    if viewport == TABLET:
        page.click("#next-patient")
        fill_too_long_for_one_page(page)
        page.click("#make")
        page.locator("#form-error:not([hidden])").wait_for()
        check(page, "general-error")
        page.select_option("#layout", "standard")
        page.click("#make")
        page.locator("#preview:not([hidden])").wait_for()
        check(page, "success")


def test_email_and_saved_prescribers(open_page, tmp_path) -> None:
    from generator.inputs.personalisation import Prescriber
    from generator.mail.settings import EmailSettings

    settings = EmailSettings.model_validate({"from": "Clinic <leaflets@clinic.example>"})
    outbox = tmp_path / "outbox"
    page = open_page(email=settings, outbox=outbox, prescribers=(Prescriber(name="Dr. Ana Ruiz", phone="555-0101"),))
    page.select_option("#saved-prescriber", "Dr. Ana Ruiz")
    assert (
        page.input_value("#prescriber-name") == "Dr. Ana Ruiz" and page.input_value("#prescriber-phone") == "555-0101"
    )
    page.fill("#prescriber-name", "Dr. Sam Lee")
    page.fill("#prescriber-phone", "555-0100")
    page.click("#save-prescriber")
    fill_methocarbamol(page)
    stored = page.evaluate("JSON.stringify(localStorage)")
    assert "Dr. Sam Lee" in stored and "Maria" not in stored  # prescribers only, never patient data
    page.click("#make")
    page.locator("#preview:not([hidden])").wait_for()
    assert page.locator("#email-box").is_visible()
    page.fill("#email-to", "maria@example.org")
    page.click("#send-email")
    page.locator("#email-result", has_text="email written to").wait_for()
    assert [path.name.split("-")[0] for path in outbox.glob("*.eml")] == ["methocarbamol"]
    page.reload()
    page.locator("#topic-0 option").nth(1).wait_for(state="attached")
    options = page.locator("#saved-prescriber option").all_inner_texts()
    assert options == ["Type a new one below", "Dr. Ana Ruiz, 555-0101", "Dr. Sam Lee, 555-0100"]


def make_and_download(page: Any, tmp_path: Path) -> tuple[str, str]:
    page.click("#make")
    page.locator("#preview:not([hidden])").wait_for()
    name, pdf = download(page, tmp_path)
    return name, pdf_text(pdf)


def test_times_of_day_changed_from_the_usual_ones(open_page, tmp_path) -> None:
    page = open_page()
    fill(page, "carisoprodol", "350", "350", "2", "7")
    when = page.get_by_role("group", name="When")
    ticked = [
        box for box in ("Morning", "Midday", "Evening", "Bedtime") if when.get_by_label(box, exact=True).is_checked()
    ]
    assert ticked == ["Morning", "Evening"]  # the usual times for 2 doses a day
    summary_says(page, "in the morning and in the evening")
    when.get_by_label("Evening", exact=True).uncheck()
    when.get_by_label("Bedtime", exact=True).check()
    said = summary_says(page, "1 tablet of 350 mg each time in the morning and at bedtime")
    assert "Do not take more than 2 tablets (700 mg) in one day." in said
    page.select_option("#rx-meal-morning", "with-breakfast")  # a meal beside a ticked time of day
    summary_says(page, "with breakfast and at bedtime")
    page.select_option("#rx-meal-morning", "")
    page.fill("#rx-refills", "0")
    summary_says(page, "Refills: None.")
    check(page, "times-of-day")
    _, text = make_and_download(page, tmp_path)
    assert "1 tablet of 350 mg each time in the morning and at bedtime" in text
    assert "Refills None" in text


def test_every_few_hours_and_only_when_needed(open_page, tmp_path) -> None:
    page = open_page()
    fill(page, "cyclobenzaprine", "10", "10", "3", "10")
    page.get_by_label("Every few hours").check()
    assert (
        page.get_by_label("Times a day (required)", exact=True).count() == 0 and page.locator("#rx-slots").is_hidden()
    )
    assert page.get_by_label("Most times a day (required)").is_visible()
    page.click("#make")
    page.locator(".error").first.wait_for()
    assert errors_of(page, "#rx-every") == ["Required: fill this in."]
    page.fill("#rx-every", "6")
    summary_says(page, "every 6 hours, up to 3 times a day")
    page.get_by_label("Only when needed").check()
    assert page.get_by_label("At least how many hours apart (optional)").input_value() == "6"
    reasons = page.locator("#rx-reason option").all_inner_texts()
    assert reasons == ["Not said", "back pain", "muscle pain", "muscle spasm"]
    page.select_option("#rx-reason", "muscle-spasm")
    page.fill("#rx-every", "")
    said = summary_says(page, "only when you need it for muscle spasm, up to 3 times a day,")
    assert "hours apart" not in said
    check(page, "as-needed")
    _, text = make_and_download(page, tmp_path)
    assert "1 tablet of 10 mg each time only when you need it for muscle spasm, up to 3 times a day" in text


def add_cyclobenzaprine(page: Any) -> None:
    """A second medicine for the patient filled in by `fill`: cyclobenzaprine 5 mg three times a day."""
    page.click("#add-medicine")
    assert page.evaluate("document.activeElement.id") == "rx2-medicine"
    second = page.get_by_role("group", name="Medicine 2")
    page.select_option("#rx2-medicine", "cyclobenzaprine")
    second.get_by_label("Tablet strength").select_option("5")
    second.get_by_label("Each time").select_option("5")
    page.fill("#rx2-times", "3")
    page.fill("#rx2-days", "10")
    page.fill("#rx2-start", typed(TODAY))


def test_two_medicines_make_one_leaflet(open_page, tmp_path) -> None:
    page = open_page()
    fill(page, "carisoprodol", "350", "350", "3", "7")
    add_cyclobenzaprine(page)
    assert page.inner_text("#prescription-legend") == "Medicine 1: Carisoprodol (Soma)"
    assert page.inner_text("#rx2-legend") == "Medicine 2: Cyclobenzaprine (Flexeril)"
    summary_says(page, "1 tablet of 5 mg each time in the morning, at midday, and in the evening", "#rx2-summary")
    page.click("#add-topic")
    page.select_option("#topic-1", "low-back-pain")
    page.click("#make")
    page.locator("#preview:not([hidden])").wait_for()
    assert "Carisoprodol (Soma) and Cyclobenzaprine (Flexeril) + Low back pain" in page.inner_text("#result-heading")
    assert "two muscle relaxants" in page.inner_text("#warnings")
    check(page, "success-two-medicines")
    name, pdf = download(page, tmp_path)
    assert re.fullmatch(f"carisoprodol-cyclobenzaprine-low-back-pain-en-{CODE}.pdf", name)
    pages = pdf_pages_text(pdf)
    text = " ".join(" ".join(page_text.split()) for page_text in pages)
    assert "Your medicines" in pages[0] and "What to take, and when" in text
    assert text.count("Carisoprodol (Soma)") > 1 and text.count("Cyclobenzaprine (Flexeril)") > 1
    assert "1 tablet of 5 mg each time in the morning, at midday, and in the evening" in text
    assert sum("Your medicines" in page_text for page_text in pages) == 1  # one leaflet for both medicines
    assert "Low back pain" in text

    page.focus("#rx2-remove")  # one medicine again: its leaflet alone, the other group gone
    page.keyboard.press("Enter")
    assert page.locator("#rx2-medicine").count() == 0 and page.evaluate("document.activeElement.id") == "add-medicine"
    assert page.inner_text("#prescription-legend") == "Prescription: Carisoprodol (Soma)"
    assert page.get_attribute("#rx-dose", "data-field") == "prescription.dose_mg"


def test_a_problem_in_the_second_medicine_is_on_its_field(open_page) -> None:
    page = open_page()
    fill(page, "carisoprodol", "350", "350", "3", "7")
    add_cyclobenzaprine(page)
    page.fill("#rx2-times", "4")  # above cyclobenzaprine's 3 a day
    page.click("#add-medicine")  # a third, its medicine not chosen
    page.click("#make")
    page.locator(".error").first.wait_for()
    assert errors_of(page, "#rx2-times") == ["4 doses a day is above the limit of 3 a day for cyclobenzaprine."]
    assert errors_of(page, "#rx-times") == [] and errors_of(page, "#rx2-dose") == []
    assert errors_of(page, "#rx3-medicine") == ["Required: choose one."]
    assert page.evaluate("document.activeElement.id") == "rx2-times"
    check(page, "errors-two-medicines")


def test_one_page_holds_one_medicine(open_page) -> None:
    page = open_page()
    assert page.inner_text("#layout-help").endswith("hold one medicine.")
    fill(page, "carisoprodol", "350", "350", "3", "7")
    add_cyclobenzaprine(page)
    page.select_option("#layout", "one-page")
    page.click("#make")
    page.locator(".error").first.wait_for()
    [message] = errors_of(page, "#layout")
    assert "holds one medicine: for 2 medicines choose 'Standard leaflet (3 to 7 pages)'" in message
    assert page.evaluate("document.activeElement.id") == "layout"
    assert page.locator("#form-error").is_hidden()
    page.click("#next-patient")  # the next patient starts with no medicine groups
    assert page.locator(".medicine").count() == 0 and page.locator("#add-medicine").is_hidden()
    page.select_option("#topic-0", "methocarbamol")
    assert page.locator(".medicine").count() == 1 and page.input_value("#rx-times") == ""


def test_each_person_signs_in_with_their_own_token_and_the_audit_log_names_them(browser, live_server, tmp_path) -> None:
    """With staff accounts the page asks for a token, says who is signed in, keeps the token for this browser
    session only, reports the download to the audit log, and Sign out forgets the token."""
    from generator.web.accounts import Accounts, add_account, read_accounts

    users, log = tmp_path / "users.yaml", tmp_path / "audit.jsonl"
    token = add_account(users, "alice", "desk")
    page = browser.new_page(viewport=DESKTOP, accept_downloads=True)
    try:
        page.goto(live_server(accounts=Accounts(read_accounts(users)), audit_log=log))
        page.locator("#token").wait_for(state="visible")
        page.fill("#token", token)
        page.keyboard.press("Tab")  # the change event signs in
        page.locator("#signed-in-name", has_text="Signed in as alice").wait_for()
        page.locator("#topic-0 option").nth(1).wait_for(state="attached")
        check(page, "signed-in")
        assert token not in page.evaluate("JSON.stringify(localStorage)")  # a person's token: this session only
        fill_methocarbamol(page)
        name, text = make_and_download(page, tmp_path)
        assert "Maria Lopez" in text and name.startswith("methocarbamol-")
        entries = [json.loads(line) for line in log.read_text().splitlines()]
        assert [(e["user"], e["action"]) for e in entries] == [("alice", "made"), ("alice", "downloaded")]
        page.click("#sign-out")
        page.locator("#token").wait_for(state="visible")
        assert page.evaluate("JSON.stringify([sessionStorage, localStorage])") == "[{},{}]"
    finally:
        page.close()
