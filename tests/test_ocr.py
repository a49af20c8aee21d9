"""OCR, as an audit: Tesseract reads the rendered pages, and each expected piece must be read where it was found.

The sample leaflets read as printed in English and Spanish; a copy whose drawn "3" is the outline of an
"8" (its text layer still says 350 mg) is refused by `handout verify --ocr` and by `handout batch --audit`;
the audited rows are chosen by a hash of their name, so `--resume` audits the same rows and keeps the result.
"""

from __future__ import annotations

import csv
import re
import shutil
import string
from pathlib import Path

import pytest
from helpers import write_csv
from hypothesis import given
from hypothesis import strategies as st
from tampering import draw_digit_as, edit_embedded_font

from generator.batch.audit import chosen
from generator.verify.reader import read_pages
from generator.verify.rendered import ocr
from generator.verify.rendered.ocr import OCR_BUDGET, disagreement, ocr_problems

_needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="Debian's tesseract-ocr (and tesseract-ocr-spa) is not installed"
)
SAMPLE = Path(__file__).parents[1] / "generator" / "samples" / "patient.yaml"
MADE_ON = "2026-11-25"


def _swapped(pdf: bytes) -> bytes:
    """The leaflet with every regular "3" drawn as an "8" (the text layer still says 3)."""
    return edit_embedded_font(pdf, "NotoSans-Regular", draw_digit_as("3", "8"))


@_needs_tesseract
@pytest.mark.parametrize("language", ["en", "es"])
def test_ocr_reads_the_sample_leaflets_as_printed(make, sample, language) -> None:
    handout = make(sample, language=language)
    expected = list(handout.checks.expected)
    pages = read_pages(handout.pdf, "test")
    problems, compared = ocr_problems(handout.pdf, pages, expected, handout.checks.rules, language, "test")
    assert problems == []
    # every piece in Latin letters and the leaflet's language, in Noto Sans, was read (the language-help lines in
    # other languages are not: Tesseract reads one language at a time)
    assert compared == sum(item.language in ("", language) for item in expected)
    assert compared < len(expected)  # the sample clinic lists the notice's other languages


def _without_the_closed_world(monkeypatch) -> None:
    """The closed world switched off (it proves each glyph, so it refuses a 3 drawn as an 8 itself): what is left
    to catch it is the independent audit."""
    from generator.verify import check, closed

    monkeypatch.setattr(closed, "check_file", lambda *args: [])
    monkeypatch.setattr(check, "check_file", lambda *args: [])


@_needs_tesseract
def test_verify_ocr_refuses_a_dose_digit_drawn_as_another(make, sample, run_cli, tmp_path, monkeypatch) -> None:
    """On the trifold (two pages, no calendar: the same check, a fraction of the pages to read)."""
    swapped = tmp_path / "swapped.pdf"
    swapped.write_bytes(_swapped(make(sample, layout="trifold").pdf))
    patient = ("--patient", str(SAMPLE), "--made-on", MADE_ON, "--layout", "trifold")
    code, out, _ = run_cli("verify", str(swapped), *patient)
    assert code == 6 and "draws a glyph that is not the character its text layer names" in out  # the closed world
    _without_the_closed_world(monkeypatch)
    assert run_cli("verify", str(swapped), *patient)[0] == 0  # the text layer alone says 3
    code, out, err = run_cli("verify", str(swapped), *patient, "--ocr")
    assert code == 6, out + err
    assert re.search(r"PROBLEM: dose schedule row 1 of 3: page \d: OCR reads \d digit\(s\) differently from", out), out


@_needs_tesseract
def test_verify_ocr_says_what_it_read(make, sample, run_cli, tmp_path) -> None:
    leaflet = tmp_path / "leaflet.pdf"
    leaflet.write_bytes(make(sample, language="es").pdf)
    code, out, err = run_cli("verify", str(leaflet), "--lang", "es", "--ocr")
    assert code == 0, out + err
    assert re.search(r"OCR \(es\): (\d+) of \1 pieces read as printed", out), out


def test_verify_ocr_without_tesseract_says_so(make, sample, run_cli, tmp_path, monkeypatch) -> None:
    import pytesseract

    leaflet = tmp_path / "leaflet.pdf"
    leaflet.write_bytes(make(sample).pdf)
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(tmp_path / "no-tesseract"))
    ocr._installed_models.cache_clear()
    try:
        code, _, err = run_cli("verify", str(leaflet), "--ocr")
    finally:
        ocr._installed_models.cache_clear()
    assert code == 2
    assert err == "Error: --ocr: Tesseract is not installed (install the Debian package tesseract-ocr)\n"


def test_verify_ocr_without_the_language_model_says_so(make, sample, run_cli, tmp_path, monkeypatch) -> None:
    leaflet = tmp_path / "leaflet.pdf"
    leaflet.write_bytes(make(sample, language="es").pdf)
    monkeypatch.setattr(ocr, "_installed_models", lambda: frozenset({"eng", "osd"}))
    code, _, err = run_cli("verify", str(leaflet), "--lang", "es", "--ocr")
    assert code == 2
    assert err == "Error: --ocr: Tesseract has no 'spa' model (install the Debian package tesseract-ocr-spa)\n"


_TEXT = st.text(alphabet=string.ascii_letters + string.digits + ",.():-", min_size=1, max_size=80)


@given(before=_TEXT, piece=_TEXT, after=_TEXT)
def test_text_read_as_printed_agrees(before, piece, after) -> None:
    printed = before + piece + after
    assert disagreement(printed, len(before), len(piece), printed) == ""


@given(piece=_TEXT, data=st.data())
def test_any_digit_read_differently_is_refused(piece, data) -> None:
    digits = [i for i, char in enumerate(piece) if char.isdigit()]
    at = data.draw(st.sampled_from(digits)) if digits else None
    if at is None:
        piece, at = piece + "7", len(piece)
    other = data.draw(st.sampled_from([d for d in string.digits if d != piece[at]]))
    read = piece[:at] + other + piece[at + 1 :]
    assert "digit" in disagreement(piece, 0, len(piece), read)
    assert "digit" in disagreement(piece, 0, len(piece), piece[:at] + piece[at + 1 :])  # a digit not read
    assert "digit" in disagreement(piece, 0, len(piece), piece[:at] + other + piece[at:])  # a digit read in addition


@given(piece=st.text(alphabet=string.ascii_lowercase, min_size=OCR_BUDGET, max_size=200), data=st.data())
def test_one_misread_letter_in_twenty_is_allowed_and_two_are_not(piece, data) -> None:
    at = data.draw(st.integers(0, len(piece) - 1))
    assert disagreement(piece, 0, len(piece), piece[:at] + "X" + piece[at + 1 :]) == ""  # X: never in the piece
    short = piece[:OCR_BUDGET]
    assert "characters differently" in disagreement(short, 0, OCR_BUDGET, "XX" + short[2:])


def test_a_letter_read_as_its_look_alike_digit_is_a_misread_letter_not_a_digit() -> None:
    printed = "Tome carisoprodol por no mas de 2 o 3 semanas.".replace(" ", "")
    assert disagreement(printed, 0, len(printed), printed.replace("2o3", "203")) == ""


def test_accents_do_not_count() -> None:
    assert disagreement("PreparadoparaZoëMüller", 0, 22, "PreparadoparaZoeMuller") == ""


@given(name=st.text(min_size=1, max_size=30))
def test_a_row_is_always_or_never_audited(name) -> None:
    assert not chosen(name, 0)
    assert chosen(name, 100)
    assert chosen(name, 25) == chosen(name, 25)


def test_about_the_percentage_asked_is_audited() -> None:
    share = sum(chosen(f"row-{n:06d}", 25) for n in range(4000)) / 4000
    assert 0.22 < share < 0.28, share


HEADER = [
    "id",
    "patient.name",
    "prescriber.name",
    "prescription.medicine",
    "prescription.dose_mg",
    "prescription.times_per_day",
    "prescription.start",
    "prescription.days_supply",
    "layout",
]
IDS = ["P1", "P2", "P3", "P4", "P5"]
PERCENT = "40"


def _rows(path: Path, ids: list[str]) -> Path:
    rows = [[i, "Maria Lopez", "Dr. Sam Lee", "carisoprodol", "350", "3", "2026-11-24", "7", "trifold"] for i in ids]
    return write_csv(path, HEADER, rows)


def _manifest(out: Path) -> dict[str, dict[str, str]]:
    with (out / "manifest.csv").open(newline="", encoding="utf-8") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


@_needs_tesseract
def test_resume_audits_the_same_rows_and_keeps_the_result(run_cli, tmp_path) -> None:
    audited = {i for i in IDS if chosen(i, float(PERCENT))}
    assert audited and audited != set(IDS)  # the ids were chosen so that some rows are audited and some not
    source, out = _rows(tmp_path / "rows.csv", IDS), tmp_path / "out"
    batch = ("batch", str(source), "--out", str(out), "--jobs", "1", "--made-on", MADE_ON)
    assert run_cli(*batch)[0] == 0
    assert {row["audit"] for row in _manifest(out).values()} == {""}
    for _ in range(2):  # made before without an audit: audited now; then the result is kept
        code, out_text, err = run_cli(*batch, "--resume", "--audit", PERCENT)
        assert code == 0, out_text + err
        manifest = _manifest(out)
        assert {i for i, row in manifest.items() if row["audit"] == "passed"} == audited
        assert {row["audit"] for i, row in manifest.items() if i not in audited} == {""}
        assert {row["status"] for row in manifest.values()} == {"skipped"}


@_needs_tesseract
def test_an_audit_that_reads_another_dose_refuses_the_row(run_cli, tmp_path, monkeypatch) -> None:
    from generator import pipeline

    render = pipeline.render_pdf
    monkeypatch.setattr(pipeline, "render_pdf", lambda *args: _swapped(render(*args)))
    _without_the_closed_world(monkeypatch)  # which would refuse the leaflet before the audit
    source, out = _rows(tmp_path / "rows.csv", ["P1"]), tmp_path / "out"
    code, _, _ = run_cli("batch", str(source), "--out", str(out), "--jobs", "1", "--made-on", MADE_ON, "--audit", "100")
    row = _manifest(out)["P1"]
    assert code == 1
    assert (row["status"], row["audit"]) == ("failed", "refused")
    assert "audit: " in row["reason"] and "page 1: OCR reads" in row["reason"] and "digit" in row["reason"]
    assert not (out / "P1.pdf").exists()
