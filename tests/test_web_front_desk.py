"""The front desk in seconds (issue 28), in Debian's Chromium with axe-core: an order imported from the EHR (file
dropped or chosen, or pasted), the results where the eyes are, every problem in one round, zoom and print.

T1 (carisoprodol, English, from an imported order) is counted in actions and timed with a keystroke-level model
(tests/klm.py) against the same leaflet typed by hand; with HANDOUT_KLM_REPORT set, both are written to that file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from desk_page import IN_CHROMIUM, TODAY, check, download, errors_of, order_starting, typed
from helpers import pdf_text
from klm import Receptionist

pytestmark = IN_CHROMIUM
PRINTS = (
    "() => { window.__prints = 0; document.getElementById('preview').contentWindow.print = () => window.__prints++; }"
)
"""Stub the preview's print (the test counts the calls): run after each leaflet is shown."""


def _saved(tmp_path: Path, bundle: dict, name: str = "order.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(bundle), encoding="utf-8")
    return path


def _medication_request(bundle: dict) -> dict:
    return next(
        entry["resource"] for entry in bundle["entry"] if entry["resource"]["resourceType"] == "MedicationRequest"
    )


def _paste(page: Any, text: str) -> None:
    """Paste `text` into the order box, as Ctrl+V does."""
    page.focus("#order-paste")
    page.evaluate(
        """text => {
            const data = new DataTransfer();
            data.setData("text/plain", text);
            const paste = new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true });
            document.getElementById("order-paste").dispatchEvent(paste);
        }""",
        text,
    )


def _report(name: str, person: Receptionist) -> None:
    target = os.environ.get("HANDOUT_KLM_REPORT")
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.write(f"{name}\t{len(person.actions)} actions\t{person.seconds} s\t{''.join(person.operators)}\n")


def test_t1_from_an_imported_order_in_at_most_five_actions_and_faster_than_typing(open_page, tmp_path) -> None:
    order = _saved(tmp_path, order_starting("carisoprodol-tid.json"))
    page = open_page()
    person = Receptionist(page)
    person.drop(order)
    page.locator("#order-status", has_text="Filled in from the order").wait_for()
    assert page.evaluate("document.activeElement.id") == "make"  # nothing missing: Make is next
    person.click("#make")
    page.locator("#preview:not([hidden])").wait_for()
    page.evaluate(PRINTS)
    person.click("#print")
    assert page.evaluate("window.__prints") == 1
    assert len(person.actions) <= 5, person.actions
    _, pdf = download(page, tmp_path)  # after the count: the leaflet printed, read back
    heading = page.inner_text("#result-heading")
    assert heading == "Leaflet ready for Mari: Carisoprodol (Soma), English, Standard leaflet"
    text = pdf_text(pdf)
    assert "Maria Elena Lopez" in text and "Dr. Sam Lee" in text
    assert "1 tablet of 350 mg each time in the morning, at midday, and in the evening" in text
    last = TODAY + dt.timedelta(days=13)
    assert f"{last:%b} {last.day}, {last.year}" in text  # 14 days, as the order says
    check(page, "imported-order")

    by_hand = Receptionist(open_page())  # the same leaflet typed from the paper order
    by_hand.choose("#topic-0", "carisoprodol")
    by_hand.type_into("#patient-name", "Maria Elena Lopez")
    by_hand.type_into("#patient-preferred", "Mari")
    by_hand.type_into("#patient-dob", "03/05/1979")
    by_hand.type_into("#prescriber-name", "Dr. Sam Lee")
    by_hand.type_into("#prescriber-phone", "555-0100")
    by_hand.choose("#rx-dose", "350")  # the only strength that makes 350 mg is chosen for you
    assert by_hand.page.input_value("#rx-strength") == "350"
    by_hand.type_into("#rx-times", "3")
    by_hand.type_into("#rx-days", "14")
    by_hand.type_into("#rx-refills", "0")
    by_hand.click("#make")
    by_hand.page.locator("#preview:not([hidden])").wait_for()
    by_hand.page.evaluate(PRINTS)
    by_hand.click("#print")
    assert pdf_text(download(by_hand.page, tmp_path)[1]) == pdf_text(pdf)  # the same leaflet, typed
    _report("T1 imported order", person)
    _report("T1 typed by hand", by_hand)
    assert person.seconds < by_hand.seconds / 3, (person.seconds, by_hand.seconds)


def test_a_pasted_bare_order_asks_for_the_patient_on_the_page(open_page) -> None:
    bundle = order_starting("carisoprodol-tid.json")
    page = open_page()
    page.fill("#prescriber-name", "Someone Else")  # kept from the patient before: the order's prescriber wins
    _paste(page, json.dumps(_medication_request(bundle)))
    page.locator("#order-status", has_text="Filled in from the order").wait_for()
    said = "Filled in from the order: the prescriber and Carisoprodol (Soma). Check each field before you make the"
    assert page.inner_text("#order-status") == said + " leaflet."
    assert page.evaluate("document.activeElement.id") == "patient-name"
    assert errors_of(page, "#patient-name") == ["Not in the order: fill this in."]
    assert page.input_value("#prescriber-name") == "Sam Lee, MD"
    assert page.input_value("#rx-dose") == "350" and page.input_value("#rx-times") == "3"
    assert page.input_value("#rx-start") == typed(TODAY) and page.input_value("#rx-days") == "14"
    check(page, "imported-bare-order")
    page.fill("#patient-name", "Maria Lopez")
    page.click("#make")
    page.locator("#preview:not([hidden])").wait_for()
    assert page.inner_text("#result-heading").startswith("Leaflet ready for Maria Lopez: Carisoprodol (Soma)")


def test_a_chosen_taper_order_fills_each_step_in_days(open_page, tmp_path) -> None:
    page = open_page()
    page.set_input_files("#order-file", str(_saved(tmp_path, order_starting("carisoprodol-taper.json"))))
    page.locator("#order-status", has_text="with its steps to lower the dose").wait_for()
    assert page.input_value("#rx-days") == "10" and page.input_value("#step-days-0") == "3"
    assert page.input_value("#step-times-0") == "2" and page.input_value("#rx-last") == ""
    last = TODAY + dt.timedelta(days=12)
    assert f"Worked out from the days: {typed(last)}" in page.inner_text("#last-day-field")
    page.locator("#rx-summary", has_text="(3 days)").wait_for()


def test_several_orders_for_one_patient_fill_the_several_medicines_form(open_page, tmp_path) -> None:
    bundle = order_starting("carisoprodol-tid.json")
    second = order_starting("cyclobenzaprine-contained.json")
    entry = next(entry for entry in second["entry"] if entry["resource"]["resourceType"] == "MedicationRequest")
    entry["resource"] |= {"subject": {"reference": "Patient/p-1001"}, "requester": {"reference": "Practitioner/dr-lee"}}
    entry["fullUrl"] = "https://ehr.example.org/fhir/MedicationRequest/rx-5502"
    bundle["entry"].append(entry)
    page = open_page()
    page.set_input_files("#order-file", str(_saved(tmp_path, bundle)))
    page.locator("#order-status", has_text="Carisoprodol (Soma) and Cyclobenzaprine").wait_for()
    assert page.input_value("#topic-0") == "carisoprodol" and page.input_value("#rx2-medicine") == "cyclobenzaprine"
    assert page.input_value("#rx2-dose") == "10" and page.input_value("#rx2-strength") == "5"
    page.click("#make")
    page.locator("#preview:not([hidden])").wait_for()
    assert "Carisoprodol (Soma) and Cyclobenzaprine" in page.inner_text("#result-heading")


def test_an_order_refused_for_a_clinical_reason_says_why_and_leaves_the_form(open_page, tmp_path) -> None:
    bundle = order_starting("carisoprodol-tid.json")
    _medication_request(bundle)["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"]["value"] = 10
    page = open_page()
    page.fill("#patient-name", "Kept As Typed")
    page.set_input_files("#order-file", str(_saved(tmp_path, bundle)))
    page.locator("#form-error:not([hidden])").wait_for()
    message = page.inner_text("#form-error")
    assert message.startswith("The order was not read, so the form was not filled: ")
    assert "doseQuantity: 3,500 mg a dose is above the 350 mg limit for carisoprodol" in message  # the EHR's words
    assert "MedicationRequest" not in message and "dose_mg" not in message  # not the whole FHIR path
    assert page.evaluate("document.activeElement.id") == "form-error"
    assert page.input_value("#patient-name") == "Kept As Typed"
    check(page, "imported-order-refused")


def test_email_result_next_to_send_and_sending_again_asks_first(open_page, tmp_path) -> None:
    from generator.mail.settings import EmailSettings

    outbox = tmp_path / "outbox"
    settings = EmailSettings.model_validate({"from": "Clinic <leaflets@clinic.example>", "pdf_password": "random"})
    page = open_page(email=settings, outbox=outbox)
    page.set_input_files("#order-file", str(_saved(tmp_path, order_starting("carisoprodol-tid.json"))))
    page.locator("#order-status", has_text="Filled in from the order").wait_for()
    page.click("#make")
    page.locator("#preview:not([hidden])").wait_for()
    page.fill("#email-to", "maria@example.org")
    page.click("#send-email")
    result = page.locator("#email-result", has_text="email written to")
    result.wait_for()
    assert page.evaluate("document.activeElement.id") == "email-result"
    assert page.get_attribute("#email-result", "role") == "status"
    code = re.search(r"PDF code \(give it by phone or in person, never by email\): (\S+)\.", result.inner_text())
    assert code, result.inner_text()
    box, send = result.bounding_box(), page.locator("#send-email").bounding_box()
    viewport = page.viewport_size
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]  # in view
    assert 0 <= box["y"] - (send["y"] + send["height"]) < 60  # right under Send
    page.click("#send-email")  # the same leaflet again: asked first, nothing sent yet
    assert page.locator("#resend-box").is_visible() and len(list(outbox.glob("*.eml"))) == 1
    assert "A new email goes with a new PDF code" in page.inner_text("#resend-box")
    assert page.evaluate("document.activeElement.id") == "resend-yes"
    check(page, "email-sent-again")
    page.click("#resend-no")
    assert page.locator("#resend-box").is_hidden() and len(list(outbox.glob("*.eml"))) == 1
    page.click("#send-email")
    page.click("#resend-yes")
    page.wait_for_function(
        "document.querySelectorAll('#email-result').length && !document.querySelector('#resend-box:not([hidden])')"
    )
    page.locator("#email-result", has_text="email written to").wait_for()
    assert len(list(outbox.glob("*.eml"))) == 2
    assert code.group(1) not in page.inner_text("#email-result")  # a new code
    page.click("#next-patient-done")
    assert page.inner_text("#email-result") == ""


ZOOMS = [
    ("200%", {"width": 683, "height": 384}),
    ("400%", {"width": 341, "height": 192}),
    ("320px", {"width": 320, "height": 640}),
]


@pytest.mark.parametrize(("zoom", "viewport"), ZOOMS, ids=[zoom for zoom, _ in ZOOMS])
def test_no_focused_control_is_covered_at_any_zoom(open_page, tmp_path, zoom, viewport) -> None:
    page = open_page(viewport)
    page.set_input_files("#order-file", str(_saved(tmp_path, order_starting("carisoprodol-taper.json"))))
    page.locator("#order-status", has_text="Filled in from the order").wait_for()
    page.focus("#order-file")
    covered = []
    for _ in range(80):
        page.keyboard.press("Tab")
        hidden = page.evaluate(
            """() => {
                const focused = document.activeElement;
                const bar = document.querySelector("form > .actions");
                if (!focused || bar.contains(focused) || getComputedStyle(bar).position !== "sticky") return null;
                const box = focused.getBoundingClientRect(), under = bar.getBoundingClientRect();
                const overlap = Math.min(box.bottom, under.bottom) - Math.max(box.top, under.top);
                return overlap > 0 ? focused.id + " " + overlap : null;
            }"""
        )
        if hidden:
            covered.append(hidden)
        if page.evaluate("document.activeElement.id") == "make":
            break
    assert covered == [], (zoom, covered)
    check(page, f"zoom-{zoom.removesuffix('%')}")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= viewport["width"]  # no sideways scrolling


def test_printing_the_page_prints_the_leaflet_or_a_one_line_notice(open_page, tmp_path) -> None:
    page = open_page()
    page.emulate_media(media="print")
    shown = page.evaluate(
        "[...document.body.querySelectorAll('*')].filter(e => e.getClientRects().length).map(e => e.id)"
    )
    assert shown == ["print-notice"]
    assert page.inner_text("#print-notice") == "Use “Print leaflet” on the page to print the leaflet."
    page.emulate_media(media="screen")
    page.set_input_files("#order-file", str(_saved(tmp_path, order_starting("carisoprodol-tid.json"))))
    page.locator("#order-status", has_text="Filled in from the order").wait_for()
    page.click("#make")
    page.locator("#preview:not([hidden])").wait_for()
    page.evaluate(PRINTS)
    page.keyboard.press("Control+P")  # Ctrl+P prints the leaflet made, not the form
    assert page.evaluate("window.__prints") == 1


def test_a_dose_two_strengths_make_is_asked_for_on_the_strength(open_page) -> None:
    page = open_page()
    page.select_option("#topic-0", "methocarbamol")
    assert page.locator("#rx-dose option").all_inner_texts()[:3] == ["Choose…", "500 mg", "750 mg"]
    page.select_option("#rx-dose", "1500")  # 2 x 750 mg or 3 x 500 mg: no strength chosen for you
    assert page.input_value("#rx-strength") == ""
    page.fill("#patient-name", "Maria Lopez")
    page.fill("#prescriber-name", "Dr. Sam Lee")
    page.fill("#rx-times", "3")
    page.fill("#rx-days", "3")
    page.click("#make")
    page.locator(".error").first.wait_for()
    [message] = errors_of(page, "#rx-strength")
    assert message.startswith("Required: 1,500 mg can be made as 2 x 750 mg or 3 x 500 mg tablets")
    assert errors_of(page, "#rx-dose") == []
    assert page.evaluate("document.activeElement.id") == "rx-strength"
