"""The verifier: what must be read must be visible, and a leaflet must match its prescription.

Tampered copies are made with PDFium's editing API (a warning removed, turned white, shrunk,
made invisible with render mode 3, moved off the page, or covered), then checked with
`handout verify`; pypdf still finds most of their text, which is why presence is not enough.
PDFium rewrites a page it edits in its own words, which the closed world refuses as well
(tests/test_verify_closed.py); here each is also refused for what it hides.
"""

from __future__ import annotations

import ctypes
import io
import re
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from helpers import pdf_text

from generator.verify.reader import read_pages
from generator.verify.visibility import contrast

WARNING = "Do not drink alcohol while you take carisoprodol."
MADE_ON = "2026-11-24"


@pytest.fixture(scope="module")
def leaflet(tmp_path_factory) -> Path:
    """The sample carisoprodol leaflet, built once with the CLI."""
    from generator.cli import main

    output = tmp_path_factory.mktemp("verify") / "leaflet.pdf"
    assert main(["build", "carisoprodol", "--made-on", MADE_ON, "-o", str(output)]) == 0
    return output


def _object_text(obj, textpage) -> str:
    size = pdfium_c.FPDFTextObj_GetText(obj, textpage, None, 0)
    buffer = (ctypes.c_ushort * (size // 2 + 1))()
    pdfium_c.FPDFTextObj_GetText(obj, textpage, buffer, size)
    return bytes(buffer)[: max(0, size - 2)].decode("utf-16-le")


def tamper(source: Path, target: Path, starts_with: str, change: Callable[[object, object], None]) -> Path:
    """Apply `change(page, text object)` to every text object whose text starts a piece of `starts_with`."""
    document = pdfium.PdfDocument(source.read_bytes())
    touched = 0
    for page in document:
        textpage = page.get_textpage()
        objects = [pdfium_c.FPDFPage_GetObject(page.raw, i) for i in range(pdfium_c.FPDFPage_CountObjects(page.raw))]
        for obj in objects:
            if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_TEXT:
                continue
            text = _object_text(obj, textpage).strip()
            if text and starts_with.startswith(text[:20]):
                change(page.raw, obj)
                touched += 1
        pdfium_c.FPDFPage_GenerateContent(page.raw)
    assert touched, f"no text object starts {starts_with!r}"
    buffer = io.BytesIO()
    document.save(buffer)
    target.write_bytes(buffer.getvalue())
    return target


def _white(page, obj) -> None:
    pdfium_c.FPDFPageObj_SetFillColor(obj, 255, 255, 255, 255)


def _tiny(page, obj) -> None:
    left, bottom = ctypes.c_float(), ctypes.c_float()
    pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, ctypes.c_float(), ctypes.c_float())
    scale = 0.5 / 11  # 11 pt body text down to 0.5 pt, in place
    pdfium_c.FPDFPageObj_Transform(obj, scale, 0, 0, scale, left.value * (1 - scale), bottom.value * (1 - scale))


def _invisible(page, obj) -> None:
    pdfium_c.FPDFTextObj_SetTextRenderMode(obj, pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE)


def _off_page(page, obj) -> None:
    pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, 0, -2000)


def _removed(page, obj) -> None:
    pdfium_c.FPDFPage_RemoveObject(page, obj)


def _covered(page, obj) -> None:
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
    rect = pdfium_c.FPDFPageObj_CreateNewRect(
        left.value, bottom.value, right.value - left.value, top.value - bottom.value
    )
    pdfium_c.FPDFPageObj_SetFillColor(rect, 255, 255, 255, 255)
    pdfium_c.FPDFPath_SetDrawMode(rect, pdfium_c.FPDF_FILLMODE_WINDING, 0)
    pdfium_c.FPDFPage_InsertObject(page, rect)


TAMPERING = {
    "white": (_white, "contrast 1.2:1 against its background", True),
    "0.5 pt": (_tiny, "0.5 pt, below the 10 pt minimum", True),
    "render mode 3": (_invisible, "text render mode 3, not filled", True),
    "off the page": (_off_page, "outside the page margins", True),
    "covered": (_covered, "covered by something drawn over it", True),
    "removed": (_removed, "missing", False),
}


def test_an_untampered_copy_still_passes(run_cli, leaflet, tmp_path) -> None:
    copy = tamper(leaflet, tmp_path / "copy.pdf", WARNING, lambda page, obj: None)
    code, out, err = run_cli("verify", str(copy), "--topic", "carisoprodol", "--layout", "standard")
    assert code == 0, out + err


@pytest.mark.parametrize("how", TAMPERING, ids=TAMPERING)
def test_a_hidden_or_missing_warning_fails_verify(run_cli, leaflet, tmp_path, how) -> None:
    change, reason, still_extractable = TAMPERING[how]
    bad = tamper(leaflet, tmp_path / "bad.pdf", WARNING, change)
    assert (WARNING in pdf_text(bad)) == still_extractable  # a plain text check would pass the first five
    code, out, _ = run_cli("verify", str(bad), "--topic", "carisoprodol", "--layout", "standard")
    assert code == 6
    warning_lines = [line for line in out.splitlines() if line.startswith("PROBLEM: required warning")]
    assert warning_lines == [line for line in warning_lines if f'"{WARNING}": ' in line and reason in line]
    assert len(warning_lines) == 1, out


def test_a_hidden_schedule_row_fails_verify_with_the_patient(run_cli, leaflet, tmp_path) -> None:
    row_start = "Dec 8, 2026"
    bad = tamper(leaflet, tmp_path / "bad.pdf", row_start, _white)
    patient = Path(__file__).parents[1] / "handouts/carisoprodol/sample.yaml"
    code, out, _ = run_cli("verify", str(bad), "--topic", "carisoprodol", "--patient", str(patient))
    assert code == 6
    assert "dose schedule row 2 of 3: not visible" in out


def test_a_leaflet_for_one_patient_fails_verify_with_another_prescription(run_cli, leaflet, write_yaml) -> None:
    patient = Path(__file__).parents[1] / "handouts/carisoprodol/sample.yaml"
    code, out, err = run_cli("verify", str(leaflet), "--topic", "carisoprodol", "--patient", str(patient))
    assert code == 0, out + err
    said = r"OK: .+: \d+ required warnings of 'carisoprodol' \(en\) visible; "
    first = out.splitlines()[0]  # the content chain follows it
    assert re.fullmatch(said + r"the patient, prescriber and dose schedule match \(\d pages\)", first), out
    other = {
        "patient": {"name": "Other Person"},
        "prescriber": {"name": "Dr. Sam Lee", "phone": "555-0100"},
        "prescription": {"medicine": "carisoprodol", "dose_mg": 250, "times_per_day": 3, "start": "2026-11-24"}
        | {"days_supply": 14},
    }
    code, out, _ = run_cli(
        "verify", str(leaflet), "--topic", "carisoprodol", "--patient", str(write_yaml("o.yaml", other))
    )
    assert code == 6
    assert "the patient's name in the prepared-for box: missing" in out
    assert "dose schedule row 1 of 1: missing" in out
    assert "Other Person" not in out  # patient values never in messages


def test_a_patient_file_without_a_prescription_is_checked_against_the_topic_the_pdf_names(
    run_cli, tmp_path, write_yaml
) -> None:
    prescriber = {"name": "Dr. Sam Lee", "phone": "555-0100"}
    patient = write_yaml("p.yaml", {"patient": {"name": "Ana Ruiz"}, "prescriber": prescriber})
    leaflet = tmp_path / "generic.pdf"
    code, _, err = run_cli("build", "low-back-pain", "--patient", str(patient), "-o", str(leaflet))
    assert code == 0, err
    code, out, err = run_cli("verify", str(leaflet), "--patient", str(patient))
    assert code == 0 and "required warnings of 'low-back-pain' (en) visible" in out, out + err
    code, out, _ = run_cli(
        "verify",
        str(leaflet),
        "--patient",
        str(write_yaml("o.yaml", {"patient": {"name": "Bo"}, "prescriber": prescriber})),
    )
    assert code == 6 and "the patient's name in the prepared-for box: missing" in out
    code, _, err = run_cli("verify", str(tmp_path / "nosuch.pdf"), "--patient", str(patient))
    assert code != 0 and "nosuch.pdf: file not found" in err  # said first, not a topic problem


def test_the_reader_sees_what_is_drawn(leaflet) -> None:
    pages = read_pages(leaflet, "leaflet")
    runs = [run for page in pages for run in page.runs]
    warning = next(run for run in runs if run.text.startswith("Do not drink alcohol"))
    assert warning.size == pytest.approx(11) and warning.render_mode == 0 and not warning.covered
    assert contrast(warning.fill[:3], warning.background) >= 4.5
    assert warning.background != (255, 255, 255)  # it sits on the callout's tint


def test_contrast_ratio_matches_wcag() -> None:
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21)
    assert contrast((119, 119, 119), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)
    assert contrast((255, 255, 255), (255, 255, 255)) == pytest.approx(1)
