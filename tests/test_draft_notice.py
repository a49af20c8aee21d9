"""Under `content: require: any`, a leaflet printing drafts says so: to staff in a warning, to the patient on page 1."""

from __future__ import annotations

import datetime as dt
import re

from helpers import pdf_pages_text
from test_approvals import _approve, _build
from test_verify import _removed, tamper

from generator.verify.html import check_html, html_text

NOTICE_EN = "This leaflet is not yet approved by your clinic."
NOTICE_ES = "Este folleto aún no está aprobado por su clínica."
DRAFTS = "content: not yet approved by your clinic: "


def _one_line(text: str) -> str:
    return " ".join(text.split())


def test_a_draft_leaflet_says_so_on_page_1_and_to_staff(run_cli, library_copy, tmp_path) -> None:
    output = tmp_path / "draft.pdf"
    code, _, err = _build(run_cli, library_copy, "carisoprodol", "en", output)
    assert code == 0, err
    first, *rest = pdf_pages_text(output)
    assert NOTICE_EN in _one_line(first)
    assert all(NOTICE_EN not in _one_line(page) for page in rest)
    warned = [line for line in err.splitlines() if DRAFTS in line]
    assert len(warned) == 1 and warned[0].endswith("files are drafts (handout review, handout approve)"), err
    assert "Maria" not in err  # never the patient's data (the sample patient's)


def test_an_approved_leaflet_has_neither(run_cli, library_copy, tmp_path) -> None:
    _approve(run_cli, library_copy, "carisoprodol", "en", "pharmacist", "--date", "2026-12-01")
    output = tmp_path / "approved.pdf"
    code, _, err = _build(run_cli, library_copy, "carisoprodol", "en", output)
    assert code == 0, err
    assert all(NOTICE_EN not in _one_line(page) for page in pdf_pages_text(output))
    assert "content:" not in err


def test_spanish_draft_and_approved(run_cli, library_copy, tmp_path) -> None:
    draft = tmp_path / "draft-es.pdf"
    code, _, err = _build(run_cli, library_copy, "carisoprodol", "es", draft)
    assert code == 0, err
    assert NOTICE_ES in _one_line(pdf_pages_text(draft)[0]) and DRAFTS in err
    _approve(run_cli, library_copy, "carisoprodol", "es", "pharmacist", "--date", "2026-12-01")
    _approve(run_cli, library_copy, "carisoprodol", "es", "translator", "--date", "2026-12-01")
    code, _, err = _build(run_cli, library_copy, "carisoprodol", "es", draft)
    assert code == 0 and NOTICE_ES in _one_line(pdf_pages_text(draft)[0])  # still no reviser: a draft
    assert DRAFTS in err and "files are drafts" in err
    _approve(run_cli, library_copy, "carisoprodol", "es", "reviser", "--date", "2026-12-01")
    approved = tmp_path / "approved-es.pdf"
    code, _, err = _build(run_cli, library_copy, "carisoprodol", "es", approved)
    assert code == 0, err
    assert all(NOTICE_ES not in _one_line(page) for page in pdf_pages_text(approved))
    assert "content:" not in err


def test_a_past_due_approval_is_a_warning_naming_the_file(run_cli, library_copy, tmp_path) -> None:
    _approve(run_cli, library_copy, "carisoprodol", "en", "pharmacist", "--date", "2026-12-01")
    output = tmp_path / "late.pdf"
    code, _, err = run_cli(
        "build", "carisoprodol", "--library", str(library_copy), "--made-on", "2028-12-02", "-o", str(output)
    )
    assert code == 0, err
    assert "content: carisoprodol/how-to-take.yaml: approval past due on 2028-12-02 (" in err
    assert NOTICE_EN in _one_line(pdf_pages_text(output)[0])


def test_verify_refuses_a_draft_leaflet_without_its_line(run_cli, library_copy, tmp_path) -> None:
    output = tmp_path / "draft.pdf"
    code, _, err = _build(run_cli, library_copy, "carisoprodol", "en", output)
    assert code == 0, err
    patient = library_copy / "carisoprodol" / "sample.yaml"
    made_on = ("--library", str(library_copy), "--made-on", "2026-12-05", "--patient", str(patient))
    code, out, err = run_cli("verify", str(output), *made_on)
    assert code == 0, out + err
    bad = tamper(output, tmp_path / "bad.pdf", NOTICE_EN, _removed)
    code, out, _ = run_cli("verify", str(bad), *made_on)
    assert code == 6
    assert "PROBLEM: the line saying it is not yet approved by the clinic: missing" in out


def test_verify_without_patient_expects_the_line_the_chain_records(run_cli, library_copy, tmp_path) -> None:
    output = tmp_path / "draft.pdf"
    code, _, err = _build(run_cli, library_copy, "carisoprodol", "en", output)
    assert code == 0, err
    library = ("--library", str(library_copy))
    code, out, err = run_cli("verify", str(output), *library)
    assert code == 0, out + err
    bad = tamper(output, tmp_path / "bad.pdf", NOTICE_EN, _removed)
    code, out, _ = run_cli("verify", str(bad), *library)
    assert code == 6
    line = f'PROBLEM: page 1: the line saying it is not yet approved by the clinic ("{NOTICE_EN}"): missing'
    assert line in out.splitlines(), out


def test_the_html_version_carries_the_line_exactly_when_the_pdf_does(run_cli, library_copy, tmp_path) -> None:
    page = tmp_path / "draft.html"
    code, _, err = _build(run_cli, library_copy, "carisoprodol", "en", page, "--format", "html")
    assert code == 0, err
    draft = page.read_text(encoding="utf-8")
    main = r'(<p class="callout caution">[^<]*</p>\n)*'  # the main message
    under_title = rf'</h1>\n(<p class="subtitle">[^<]*</p>\n)?{main}<p>{re.escape(NOTICE_EN)}</p>'
    assert re.search(under_title, draft)  # under the title, subtitle and main message, as on page 1 of the PDF
    _approve(run_cli, library_copy, "carisoprodol", "en", "pharmacist", "--date", "2026-12-01")
    code, _, err = _build(run_cli, library_copy, "carisoprodol", "en", page, "--format", "html")
    assert code == 0, err
    assert NOTICE_EN not in html_text(page.read_text(encoding="utf-8"))


def test_the_html_verifier_expects_the_line_of_a_draft(generator, sample) -> None:
    from generator.html import render_html
    from generator.inputs.personalisation import parse_personalisation, read_clinic
    from generator.paths import SAMPLES
    from generator.pipeline import HandoutRequest

    data = parse_personalisation(sample, "test")
    request = HandoutRequest("carisoprodol", data, read_clinic(SAMPLES / "clinic.yaml"), dt.date(2026, 12, 5))
    prepared = generator.prepare(request, "test")
    page = render_html(prepared.leaflet, prepared.layout)
    assert check_html(page, list(prepared.expected_html)) == []
    missing = check_html(page.replace(NOTICE_EN, ""), list(prepared.expected_html))
    assert missing == ["the line saying it is not yet approved by the clinic: missing"]
