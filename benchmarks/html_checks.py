"""What checking the HTML leaflet costs. Run from the repository root:

    python benchmarks/html_checks.py [--runs 30]

Prints medians, measured in the same run, for the standard carisoprodol leaflet's HTML version: making it
(personalise, render, verify), the verifier alone (closed world and shown text) and its parts, and Chromium's
computed-style audit (tests/browser/shown_styles.js): starting the browser once, then each page loaded and
audited.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
AUDIT = (ROOT / "tests" / "browser" / "shown_styles.js").read_text(encoding="utf-8")


def _median_ms(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    from helpers import CHROMIUM, CHROMIUM_FLAGS
    from playwright.sync_api import sync_playwright

    from generator.content.library import Library
    from generator.inputs.personalisation import choose_clinic, read_personalisation
    from generator.layouts import LayoutLibrary
    from generator.paths import SAMPLES, layouts_root, library_root
    from generator.pipeline import Generator, HandoutRequest
    from generator.verify.html import check_html, html_text
    from generator.verify.html.styles import generated_problems
    from generator.verify.html.tree import read_page
    from generator.verify.html.world import world_problems

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    generator = Generator(Library(library_root()), LayoutLibrary(layouts_root()))
    data = read_personalisation(SAMPLES / "patient.yaml")
    clinic = choose_clinic(data, None, None, SAMPLES / "clinic.yaml")
    request = HandoutRequest("carisoprodol", data, clinic, dt.date(2026, 11, 25))
    expected = list(generator.prepare(request, "bench").expected_html)
    page = generator.build_html(request, "bench").html
    build = _median_ms(lambda: generator.build_html(request, "bench"), runs)
    verify = _median_ms(lambda: check_html(page, expected), runs)
    tree = read_page(page)
    parse = _median_ms(lambda: read_page(page), runs)
    closed = _median_ms(lambda: (world_problems(tree), generated_problems(tree.root)), runs)
    shown = _median_ms(lambda: html_text(page), runs)
    print(f"HTML leaflet ({len(page):,} characters): made and verified {build:.1f} ms; verifier alone {verify:.1f} ms")
    print(f"  of which: parse {parse:.1f} ms, closed world {closed:.1f} ms, shown text (parse included) {shown:.1f} ms")
    with sync_playwright() as playwright:
        start = time.perf_counter()
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        context = browser.new_context(java_script_enabled=True)
        tab = context.new_page()
        launch = (time.perf_counter() - start) * 1000

        def audit() -> object:
            tab.set_content(page)
            return tab.evaluate(AUDIT)

        per_page = _median_ms(audit, runs)
        browser.close()
    print(f"Chromium computed-style audit: start {launch:.0f} ms once, then {per_page:.1f} ms a page")
    print(f"the audit a page is {per_page / verify:.0f}x the verifier and {per_page / build:.1f}x making the page")


if __name__ == "__main__":
    main()
