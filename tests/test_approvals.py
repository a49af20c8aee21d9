"""Approvals: `handout approve` over a copy of the library, builds under --require approved, lint's information."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml
from helpers import pdf_text, write_csv

from generator.content.approvals import APPROVALS_FILE

MADE_ON = "2026-12-05"


def _approve(run_cli, library: Path, topic: str, lang: str, role: str, *extra: str) -> None:
    name = {"pharmacist": "Ana Ruiz", "translator": "Luis Gomez", "reviser": "Eva Sanz"}.get(role, "Sam Lee")
    code, out, err = run_cli(
        "approve", topic, "--lang", lang, "--library", str(library), "--name", name, "--role", role, *extra
    )
    assert code == 0, err
    assert "Approved" in out


def _build(run_cli, library: Path, topic: str, lang: str, output: Path, *extra: str) -> tuple[int, str, str]:
    return run_cli(
        "build", topic, "--lang", lang, "--library", str(library), "--made-on", MADE_ON, "-o", str(output), *extra
    )


def _change_word(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_approved_spanish_leaflet_builds_with_the_approval_date(run_cli, library_copy, tmp_path) -> None:
    for role, date in (("pharmacist", "2026-12-01"), ("translator", "2026-12-02"), ("reviser", "2026-12-03")):
        _approve(run_cli, library_copy, "carisoprodol", "es", role, "--date", date)
    approvals = yaml.safe_load((library_copy / "carisoprodol" / APPROVALS_FILE).read_text(encoding="utf-8"))
    assert [entry["role"] for entry in approvals["how-to-take.es.yaml"]] == ["pharmacist", "translator", "reviser"]
    assert [entry["role"] for entry in approvals["topic.yaml"]] == ["pharmacist"]  # the original: no translator
    assert (library_copy / "labels" / APPROVALS_FILE).is_file() and (library_copy / "shared" / APPROVALS_FILE).is_file()
    output = tmp_path / "es.pdf"
    code, _, err = _build(run_cli, library_copy, "carisoprodol", "es", output, "--require", "approved")
    assert code == 0, err
    assert "Contenido 2026.12.2, aprobado el 3 de diciembre de 2026. Impreso el 5 de diciembre de 2026." in pdf_text(
        output
    )


def test_require_approved_refuses_drafts_and_any_builds_them(run_cli, library_copy, tmp_path) -> None:
    output = tmp_path / "lbp.pdf"
    code, _, err = _build(run_cli, library_copy, "low-back-pain", "en", output, "--require", "approved")
    assert code == 3
    first = library_copy / "low-back-pain" / "main-message.yaml"  # the first block of the topic
    assert err.startswith(f"Error: {first}: topic 'low-back-pain' (en): ")
    assert "not approved on 2026-12-05: no approval by a pharmacist, physician or nurse" in err
    assert not output.exists()
    code, _, err = _build(run_cli, library_copy, "low-back-pain", "en", output, "--require", "any")
    assert code == 0, err
    text = pdf_text(output)
    assert "Content version" in text and "approved" not in text.split("Content version", 1)[1][:40]


def test_partly_approved_footer_says_nothing_about_approval(run_cli, library_copy, tmp_path) -> None:
    _approve(run_cli, library_copy, "low-back-pain", "en", "pharmacist", "--block", "low-back-pain/overview.yaml")
    output = tmp_path / "lbp.pdf"
    code, _, err = _build(run_cli, library_copy, "low-back-pain", "en", output)
    assert code == 0, err
    assert "Content version 2026.12.2. Made December 5, 2026." in pdf_text(output)


@pytest.fixture
def approved_en(run_cli, library_copy) -> Path:
    """The copy with the English low-back-pain leaflet approved by a pharmacist on 2026-12-01."""
    _approve(run_cli, library_copy, "low-back-pain", "en", "pharmacist", "--date", "2026-12-01")
    return library_copy


def test_one_changed_word_is_refused_naming_the_file(run_cli, approved_en, tmp_path) -> None:
    output = tmp_path / "lbp.pdf"
    assert _build(run_cli, approved_en, "low-back-pain", "en", output, "--require", "approved")[0] == 0
    block = approved_en / "low-back-pain" / "self-care.yaml"
    _change_word(block, "walk", "stroll")
    code, _, err = _build(run_cli, approved_en, "low-back-pain", "en", output, "--require", "approved")
    assert code == 3
    assert err.strip() == (
        f"Error: {block}: topic 'low-back-pain' (en): not approved on 2026-12-05: changed since a clinician approved "
        "it on 2026-12-01; approved content is required"
    )


def test_reformatted_block_stays_approved(run_cli, approved_en, tmp_path) -> None:
    block = approved_en / "low-back-pain" / "self-care.yaml"
    data = yaml.safe_load(block.read_text(encoding="utf-8"))
    reordered = dict(reversed(list(data.items())))
    block.write_text(yaml.safe_dump(reordered, default_style='"', width=60, allow_unicode=True), encoding="utf-8")
    code, _, err = _build(run_cli, approved_en, "low-back-pain", "en", tmp_path / "l.pdf", "--require", "approved")
    assert code == 0, err


def test_changed_sources_or_note_stay_approved(run_cli, approved_en, tmp_path) -> None:
    block = approved_en / "low-back-pain" / "self-care.yaml"
    data = yaml.safe_load(block.read_text(encoding="utf-8"))
    data["checked"] = "Checked again by the clinic's nurses"
    data["sources"] = [*data["sources"], "Another source"]
    block.write_text(yaml.safe_dump(data), encoding="utf-8")
    code, _, err = _build(run_cli, approved_en, "low-back-pain", "en", tmp_path / "l.pdf", "--require", "approved")
    assert code == 0, err


def test_made_on_past_due_is_refused(run_cli, approved_en, tmp_path) -> None:
    code, _, err = run_cli(
        "build", "low-back-pain", "--library", str(approved_en), "--made-on", "2028-12-02", "--require", "approved"
    )
    assert code == 3
    assert "not approved on 2028-12-02: past due on 2028-12-02 (a clinician's approval of 2026-12-01 was due " in err
    assert "2028-12-01)" in err


def test_config_review_cycle_and_require(run_cli, library_copy, tmp_path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(
        "clinic: {name: Riverside Clinic, phone: 555-0100}\ncontent: {require: approved, review_months: 12}\n",
        encoding="utf-8",
    )
    _approve(
        run_cli, library_copy, "low-back-pain", "en", "pharmacist", "--date", "2026-12-01", "--config", str(config)
    )
    approvals = yaml.safe_load((library_copy / "low-back-pain" / APPROVALS_FILE).read_text(encoding="utf-8"))
    assert approvals["overview.yaml"][0]["due"] == "2027-12-01"
    output = str(tmp_path / "l.pdf")
    base = ("build", "low-back-pain", "--library", str(library_copy), "--config", str(config), "-o", output)
    assert run_cli(*base, "--made-on", "2027-06-01")[0] == 0
    code, _, err = run_cli(*base, "--made-on", "2028-01-01")
    assert code == 3 and "past due on 2028-01-01" in err
    code, _, err = run_cli(*base, "--made-on", "2027-06-01", "--require", "any")
    assert code == 2
    assert err.strip() == (
        "Error: --require any: the clinic config requires approved content; the command line cannot lower it"
    )


def test_spanish_without_reviser_is_refused(run_cli, library_copy, tmp_path) -> None:
    _approve(run_cli, library_copy, "low-back-pain", "es", "pharmacist", "--date", "2026-12-01")
    _approve(run_cli, library_copy, "low-back-pain", "es", "translator", "--date", "2026-12-01")
    code, _, err = _build(run_cli, library_copy, "low-back-pain", "es", tmp_path / "es.pdf", "--require", "approved")
    assert code == 3
    assert "topic 'low-back-pain' (es): not approved on 2026-12-05: a translation without a reviser's approval" in err


def test_approve_needs_library_and_fitting_files(run_cli, library_copy) -> None:
    code, _, err = run_cli("approve", "low-back-pain", "--lang", "en", "--name", "Ana", "--role", "pharmacist")
    assert (code, err.strip()) == (
        2,
        "Error: --library: required: the built-in library is package data; approve a copy of it",
    )
    base = ("approve", "low-back-pain", "--library", str(library_copy), "--name", "Ana")
    code, _, err = run_cli(*base, "--lang", "en", "--role", "translator")
    assert code == 2 and "the 'en' leaflet of low-back-pain is the original, not a translation" in err
    code, _, err = run_cli(*base, "--lang", "en", "--role", "pharmacist", "--block", "carisoprodol/overview.yaml")
    assert code == 2 and "not a file the 'en' leaflet of low-back-pain prints" in err
    code, _, err = run_cli(*base, "--lang", "../es", "--role", "pharmacist")
    assert (code, err.strip()) == (2, "Error: --lang ../es: not a language code (such as en, es or pt-BR)")
    assert not (library_copy / "low-back-pain" / APPROVALS_FILE).exists()


def test_broken_approvals_file_is_a_content_error(run_cli, library_copy, tmp_path) -> None:
    (library_copy / "low-back-pain" / APPROVALS_FILE).write_text(
        "overview.yaml:\n- {name: Ana, role: janitor, date: 2026-12-01, due: 2027-12-01, sha256: abc}\n",
        encoding="utf-8",
    )
    code, _, err = _build(run_cli, library_copy, "low-back-pain", "en", tmp_path / "l.pdf")
    assert code == 3
    assert "approvals.yaml: overview.yaml[0].role: input should be" in err
    assert "overview.yaml[0].sha256: string should match pattern" in err


def test_lint_reports_status_changes_and_due_dates(run_cli, approved_en) -> None:
    _change_word(approved_en / "low-back-pain" / "self-care.yaml", "walk", "stroll")
    code, out, _ = run_cli("lint", "--library", str(approved_en), "--today", "2028-11-01")
    assert code == 0
    assert "lint: 0 error(s), 0 warning(s)" in out
    assert "INFO: low-back-pain (en): content status: draft (7 of 8 files approved; first not: " in out
    assert "low-back-pain/self-care.yaml: changed since a clinician approved it on 2026-12-01)" in out
    approvals = approved_en / "low-back-pain" / APPROVALS_FILE
    assert (
        f"INFO: {approvals}: self-care.yaml[0]: pharmacist Ana Ruiz's approval of 2026-12-01 no longer matches: "
        "the file changed since" in out
    )
    assert (
        f"INFO: {approvals}: overview.yaml[0]: pharmacist Ana Ruiz's approval of 2026-12-01 is due on 2028-12-01 "
        "(within 60 days)" in out
    )
    assert "INFO: carisoprodol (en): content status: draft (1 of 16 files approved"  # labels/en.yaml is approved in out


def test_batch_fails_the_unapproved_row_and_makes_the_others(run_cli, library_copy, tmp_path) -> None:
    _approve(run_cli, library_copy, "low-back-pain", "en", "pharmacist", "--date", "2026-12-01")
    header = ["id", "patient.name", "patient.language", "prescriber.name", "topic"]
    rows = [
        ["A", "Maria Lopez", "en", "Dr. Sam Lee", "low-back-pain"],
        ["B", "Li Wei", "es", "Dr. Sam Lee", "low-back-pain"],
    ]
    source = write_csv(tmp_path / "rows.csv", header, rows)
    out = tmp_path / "out"
    library = str(library_copy)
    code, stdout, _ = run_cli(
        "batch", str(source), "--out", str(out), "--library", library, "--made-on", MADE_ON, "--jobs", "1",
        "--require", "approved",
    )  # fmt: skip
    assert code == 1
    assert "1 made, 1 failed" in stdout
    with (out / "manifest.csv").open(encoding="utf-8") as handle:
        made = {row["id"]: row for row in csv.DictReader(handle)}
    assert (made["A"]["status"], made["B"]["status"]) == ("made", "failed")
    assert "topic 'low-back-pain' (es): not approved on 2026-12-05: no approval by a pharmacist" in made["B"]["reason"]
