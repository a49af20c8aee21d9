"""What the browser tests of the desk page share: sizes, the date as typed, axe-core checks, errors read."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from helpers import CHROMIUM

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1366, "height": 768}
TABLET = {"width": 820, "height": 1180}
TODAY = dt.date.today()
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
CODE = "[0-9a-f]{8}"
"""The short random code in a download's name."""

NO_CHROMIUM = "Debian's Chromium is not installed (apt-get install chromium)"
NO_AXE = "axe-core is not installed (npm ci --prefix tests/axe; .ci/run does it)"
IN_CHROMIUM = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=NO_CHROMIUM),
    pytest.mark.skipif(not AXE.exists(), reason=NO_AXE),
]
"""The marks of a module of browser tests: skipped without Chromium or axe-core."""


def typed(day: dt.date) -> str:
    """A date as staff type it."""
    return day.strftime("%m/%d/%Y")


def check(page: Any, state: str) -> None:
    """No axe-core violation in this state; its screenshot saved when asked for."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text())
    violations = page.evaluate(
        "async () => (await axe.run(document)).violations.map(v => v.id + ': ' + v.nodes.map(n => n.target).join(', '))"
    )
    assert violations == [], (state, violations)
    ids = page.evaluate("[...document.querySelectorAll('[id]')].map(e => e.id)")
    assert len(ids) == len(set(ids)), state
    folder = os.environ.get("HANDOUT_SCREENSHOT_DIR")
    if folder:
        from PIL import Image

        if page.locator("#preview").is_visible():
            page.wait_for_timeout(2000)  # let the PDF viewer draw the first page for the picture
        size = page.viewport_size
        target = Path(folder) / f"{state}-{size['width']}x{size['height']}.png"
        Image.open(io.BytesIO(page.screenshot())).convert("RGB").quantize(64).save(target, optimize=True)


def errors_of(page: Any, control: str) -> list[str]:
    ids = (page.get_attribute(control, "aria-describedby") or "").split()
    return [page.inner_text(f"#{i}") for i in ids if i.startswith("error-")]


def download(page: Any, tmp_path: Path) -> tuple[str, bytes]:
    with page.expect_download() as started:
        page.click("#download")
    saved = tmp_path / started.value.suggested_filename
    started.value.save_as(saved)
    return started.value.suggested_filename, saved.read_bytes()


def order_starting(name: str, start: dt.date = TODAY) -> dict:
    """A sample order of tests/fhir, its course moved to start on `start` (so no warning says it started before)."""
    bundle = json.loads((Path(__file__).parent / "fhir" / name).read_text())
    for entry in bundle["entry"]:
        order = entry["resource"]
        if order["resourceType"] != "MedicationRequest":
            continue
        periods = [
            d["timing"]["repeat"]["boundsPeriod"]
            for d in order["dosageInstruction"]
            if "boundsPeriod" in d["timing"]["repeat"]
        ]
        shift = start - min(dt.date.fromisoformat(period["start"][:10]) for period in periods if "start" in period)
        for period in periods:
            for key in set(period) & {"start", "end"}:
                period[key] = (dt.date.fromisoformat(period[key][:10]) + shift).isoformat() + period[key][10:]
        order["authoredOn"] = start.isoformat()
        order.get("dispenseRequest", {}).pop("validityPeriod", None)
    return bundle
