"""Keystroke-level (KLM) times of the front desk's usual tasks on the desk page, done in Debian's Chromium. Run from
the repository root:

    python benchmarks/desk_klm.py                                       # this checkout's page
    PYTHONPATH=/path/to/other/checkout python benchmarks/desk_klm.py    # another checkout's page (e.g. before)

Each task goes from the page loaded to the print call (stubbed): its actions (a click, a key chord, a file drop;
each letter typed counts too) and its KLM estimate (see tests/klm.py for the operators). Tasks:
T1 carisoprodol 350 mg three times a day for 14 days (tests/fhir/carisoprodol-tid.json), typed: every field the
order gives; T1 required: the required fields only; T2 the taper order (tests/fhir/carisoprodol-taper.json),
typed; and T1 and T2 from the order dropped on the page, where the page can import one.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import uvicorn
from desk_page import TODAY, order_starting, typed
from helpers import CHROMIUM, CHROMIUM_FLAGS
from klm import Receptionist

from generator.inputs.personalisation import read_clinic
from generator.paths import SAMPLES, layouts_root, library_root
from generator.web.app import WebSettings
from generator.web.server import server_config

STUB_PRINT = "() => { document.getElementById('preview').contentWindow.print = () => 0; }"


def _serve() -> tuple[str, uvicorn.Server]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = WebSettings(library_root(), layouts_root(), read_clinic(SAMPLES / "clinic.yaml"))
    server = uvicorn.Server(server_config(settings, "127.0.0.1", port))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}/", server


def _dose(person: Receptionist, strength: str, dose: str, prefix: str = "rx") -> None:
    """The dose; on a page that lists doses only once a strength is chosen, the strength first."""
    if not person.page.locator(f"#{prefix}-dose option[value='{dose}']").count():
        person.choose(f"#{prefix}-strength", strength)
    person.choose(f"#{prefix}-dose", dose)


def _start(person: Receptionist) -> None:
    """The start date, where the page does not give today already."""
    if not person.page.input_value("#rx-start"):
        person.type_into("#rx-start", typed(TODAY))


def t1_typed(person: Receptionist, every_field: bool = True) -> None:
    person.choose("#topic-0", "carisoprodol")
    person.type_into("#patient-name", "Maria Elena Lopez")
    if every_field:
        person.type_into("#patient-preferred", "Mari")
        person.type_into("#patient-dob", "03/05/1979")
    person.type_into("#prescriber-name", "Dr. Sam Lee")
    if every_field:
        person.type_into("#prescriber-phone", "555-0100")
    _dose(person, "350", "350")
    person.type_into("#rx-times", "3")
    person.type_into("#rx-days", "14")
    _start(person)
    if every_field:
        person.type_into("#rx-refills", "0")


def t2_typed(person: Receptionist) -> None:
    page = person.page
    person.choose("#topic-0", "carisoprodol")
    person.type_into("#patient-name", "Jordan Smith")
    person.type_into("#prescriber-name", "Dr. Ada Okafor")
    _dose(person, "350", "350")
    person.type_into("#rx-times", "3")
    person.type_into("#rx-days", "10")
    _start(person)
    person.click("#add-step")
    if page.locator("#step-days-0").count():  # steps by their days, copying the step before
        person.type_into("#step-days-0", "3")
        person.type_over("#step-times-0", "2")
    else:  # steps by their first day (filled in), the last day typed
        person.type_into("#step-times-0", "2")
        person.choose("#step-dose-0", "350")
        person.type_into("#rx-last", typed(TODAY + dt.timedelta(days=12)))


def from_order(name: str) -> Callable[[Receptionist], None]:
    def drop(person: Receptionist) -> None:
        path = Path(tempfile.mkdtemp()) / name
        path.write_text(json.dumps(order_starting(name)), encoding="utf-8")
        person.drop(path)
        person.page.locator("#order-status", has_text="Filled in from the order").wait_for()

    return drop


def run(browser: Any, url: str, task: Callable[[Receptionist], None]) -> Receptionist:
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(url)
    page.locator("#topic-0 option").nth(1).wait_for(state="attached")
    person = Receptionist(page)
    task(person)
    person.click("#make")
    page.locator("#preview:not([hidden])").wait_for()
    page.evaluate(STUB_PRINT)
    person.click("#print")
    page.close()
    return person


def main() -> None:
    from playwright.sync_api import sync_playwright

    url, server = _serve()
    tasks: list[tuple[str, Callable[[Receptionist], None]]] = [
        ("T1 typed", t1_typed),
        ("T1 typed, required fields only", lambda person: t1_typed(person, every_field=False)),
        ("T2 taper typed", t2_typed),
        ("T1 from the order", from_order("carisoprodol-tid.json")),
        ("T2 from the order", from_order("carisoprodol-taper.json")),
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page()
        page.goto(url)
        imports = page.locator("#order-file").count() > 0
        page.close()
        print(f"{'task':<34} {'actions':>7} {'KLM s':>7}")
        for name, task in tasks:
            if "from the order" in name and not imports:
                print(f"{name:<34} {'-':>7} {'-':>7}  (this page cannot import an order)")
                continue
            person = run(browser, url, task)
            print(f"{name:<34} {len(person.actions):>7} {person.seconds:>7.2f}")
        browser.close()
    server.should_exit = True


if __name__ == "__main__":
    main()
