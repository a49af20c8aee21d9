"""handout batch: good and bad rows, manifest, resume after an interruption, combined PDF."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import pdf_text, write_csv
from pypdf import PdfReader

HEADER = [
    "id",
    "patient.name",
    "patient.age",
    "prescriber.name",
    "prescription.medicine",
    "prescription.dose_mg",
    "prescription.times_per_day",
    "prescription.start",
    "prescription.days_supply",
    "prescription.taper",
    "prescription.last_day",
    "layout",
]
GOOD = [
    "P1",
    "Maria Lopez",
    "47",
    "Dr. Sam Lee",
    "carisoprodol",
    "350",
    "3",
    "2026-11-24",
    "14",
    "2026-12-08:350:2; 2026-12-11:350:1",
    "2026-12-13",
    "",
]
FULL_DOSE_ONLY = {"prescription.taper": "", "prescription.last_day": ""}
"""GOOD without its taper: the one-page holds a schedule of one step (a taper of three does not fit one side)."""


def _row(**changes: str) -> list[str]:
    row = dict(zip(HEADER, GOOD, strict=True))
    row.update(changes)
    return [row[c] for c in HEADER]


def _csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    return write_csv(path, header, rows)


def _manifest(out: Path) -> list[dict[str, str]]:
    with (out / "manifest.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _batch(run_cli, source: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    return run_cli("batch", str(source), "--out", str(out), "--made-on", "2026-11-25", "--jobs", "1", *extra)


def test_good_and_bad_rows(run_cli, tmp_path) -> None:
    rows = [
        _row(id="P1"),
        _row(id="P2", **{"prescription.dose_mg": "3500"}),
        _row(id="P3", **{"patient.name": ""}),
        _row(id="P4", **{"prescription.taper": "next week"}),
        _row(id="P5", **{"prescription.medicine": "aspirin"}),
        _row(id="P6", layout="one-page", **FULL_DOSE_ONLY),
        _row(id="../escape"),
        _row(id="P1"),
    ]
    source = _csv(tmp_path / "patients.csv", rows)
    out = tmp_path / "out"
    code, stdout, stderr = _batch(run_cli, source, out)
    assert code == 1
    assert "2 made, 6 failed, 0 skipped" in stdout
    assert sorted(p.name for p in out.glob("*.pdf")) == ["P1.pdf", "P6.pdf"]
    manifest = {m["row"]: m for m in _manifest(out)}
    assert [m["status"] for m in manifest.values()] == [
        "made",
        "failed",
        "failed",
        "failed",
        "failed",
        "made",
        "failed",
        "failed",
    ]
    reasons = {row: m["reason"] for row, m in manifest.items()}
    assert (
        reasons["3"]
        == "patients.csv row 3: prescription.dose_mg: 3,500 mg a dose is above the 350 mg limit for carisoprodol"
    )
    assert reasons["4"] == "patients.csv row 4: patient.name: missing required field"
    assert reasons["5"].startswith("patients.csv row 5: prescription.taper: expected steps like 2026-12-08:350:2")
    assert reasons["6"].startswith("patients.csv row 6: prescription.medicine: no topic is about this medicine")
    assert reasons["8"].startswith("patients.csv row 8: id: use 1-64 letters")
    assert reasons["9"] == "patients.csv row 9: id: used by an earlier row"
    made = manifest["2"]
    assert (
        made["pages"] == str(len(PdfReader(out / "P1.pdf").pages))
        and len(made["sha256"]) == 64
        and made["output"].endswith("P1.pdf")
    )
    assert "Maria Lopez" in pdf_text(out / "P1.pdf")
    assert len(PdfReader(out / "P6.pdf").pages) == 1
    assert "row 3" in stderr and "Maria" not in stderr  # failures reported by row, no patient data
    assert not list(tmp_path.glob("*.pdf"))  # nothing escaped the output folder


def test_hostile_cells_print_literally(run_cli, tmp_path) -> None:
    hostile = '=HYPERLINK("x") <img src="/etc/passwd"/> & {{ 7*7 }}'
    source = _csv(tmp_path / "p.csv", [_row(**{"patient.name": hostile, "prescriber.name": "<b>Dr</b> O'Neil"})])
    out = tmp_path / "out"
    assert _batch(run_cli, source, out)[0] == 0
    text = pdf_text(out / "P1.pdf")
    assert hostile in text and "<b>Dr</b> O'Neil" in text


def test_wrong_header_stops_before_any_work(run_cli, tmp_path) -> None:
    source = _csv(tmp_path / "p.csv", [["x"] * len(HEADER)], header=[*HEADER[:-1], "patient.nickname"])
    out = tmp_path / "out"
    code, _, err = _batch(run_cli, source, out)
    assert code == 2
    assert err == f"Error: {source}: unknown column(s) patient.nickname (see docs/batches.md, batch columns)\n"
    assert not out.exists()
    missing = _csv(tmp_path / "m.csv", [], header=["id", "patient.name", "prescription.dose_mg"])
    code, _, err = _batch(run_cli, missing, out)
    assert code == 2 and "missing required column(s) prescriber.name, prescription.medicine" in err


def test_json_lines_input(run_cli, tmp_path, sample) -> None:
    sample["prescription"]["start"] = "2026-11-24"
    sample["prescription"]["last_day"] = "2026-12-13"
    for step in sample["prescription"]["taper"]:
        step["from"] = step["from"].isoformat()
    lines = [json.dumps({**sample, "id": "J1"}), "{broken", json.dumps({**sample, "id": "J2", "layout": "trifold"})]
    source = tmp_path / "p.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, _ = _batch(run_cli, source, out)
    assert code == 1 and "2 made, 1 failed" in stdout
    assert [m["reason"] for m in _manifest(out)][
        1
    ] == "p.jsonl line 2: invalid JSON: Expecting property name enclosed in double quotes"
    assert len(PdfReader(out / "J2.pdf").pages) == 2


def test_combined_pdf_starts_each_leaflet_on_a_front_page(run_cli, tmp_path) -> None:
    layouts = ["standard", "one-page", "large-print", "trifold"]
    rows = [
        _row(id=f"C{i}", layout=name, **(FULL_DOSE_ONLY if name == "one-page" else {}))
        for i, name in enumerate(layouts)
    ]
    source = _csv(tmp_path / "p.csv", rows)
    out, combined = tmp_path / "out", tmp_path / "print.pdf"
    assert _batch(run_cli, source, out, "--combine", str(combined))[0] == 0
    counts = [len(PdfReader(out / f"C{i}.pdf").pages) for i in range(len(layouts))]
    pages = PdfReader(combined).pages
    assert len(pages) == sum(n + n % 2 for n in counts)
    start = 0
    for count in counts:
        assert start % 2 == 0  # 0-based even index = odd page number = front of a sheet
        first = pages[start].extract_text()
        assert "Carisoprodol (Soma)" in first or "Page 1 of" in first
        if count % 2:
            assert not pages[start + count].extract_text().strip()  # the padding page is blank
        start += count + count % 2


def test_resume_makes_only_what_is_missing_or_changed(run_cli, tmp_path) -> None:
    rows = [_row(id=f"R{i}") for i in range(5)]
    source = _csv(tmp_path / "p.csv", rows)
    out = tmp_path / "out"
    assert _batch(run_cli, source, out)[0] == 0
    (out / "R1.pdf").unlink()
    (out / ".R3.pdf.abc.part").write_bytes(b"half a PDF")  # what a killed run leaves
    rows[4] = _row(id="R4", **{"prescription.days_supply": "12", "prescription.taper": "", "prescription.last_day": ""})
    _csv(source, rows)
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("*.pdf")}
    code, stdout, _ = _batch(run_cli, source, out, "--resume")
    assert code == 0 and "2 made, 0 failed, 3 skipped" in stdout
    statuses = {m["id"]: m["status"] for m in _manifest(out)}
    assert statuses == {"R0": "skipped", "R1": "made", "R2": "skipped", "R3": "skipped", "R4": "made"}
    for name in ("R0.pdf", "R2.pdf", "R3.pdf"):
        assert (out / name).stat().st_mtime_ns == before[name]
    assert not list(out.glob(".*.part"))


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_killed_batch_leaves_no_partial_files_and_resumes(tmp_path) -> None:
    source = _csv(tmp_path / "p.csv", [_row(id=f"K{i:03d}") for i in range(60)])
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "generator",
        "batch",
        str(source),
        "--out",
        str(out),
        "--jobs",
        "2",
        "--made-on",
        "2026-11-25",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while len(list(out.glob("K*.pdf"))) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode != 0
    assert b"Traceback" not in stderr
    made = sorted(out.glob("K*.pdf"))
    assert 5 <= len(made) < 60
    assert not list(out.glob(".*.part")) and not list((out / ".handout-state").glob(".*.part"))
    assert not (out / "manifest.csv").exists()
    for pdf in made:
        PdfReader(io.BytesIO(pdf.read_bytes())).pages[0].extract_text()  # every file left is whole
    result = subprocess.run([*command, "--resume"], capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert f"{60 - len(made)} made, 0 failed, {len(made)} skipped" in result.stdout
    assert len(list(out.glob("K*.pdf"))) == 60
    assert os.stat(out / "K000.pdf").st_mode & 0o044  # readable by the group and others, as usual


def test_shipped_example_file(run_cli, tmp_path) -> None:
    example = Path(__file__).resolve().parent.parent / "examples" / "patients.csv"
    code, stdout, _ = _batch(run_cli, example, tmp_path / "out")
    assert code == 0, stdout
    assert "6 made, 0 failed" in stdout


def test_spreadsheet_quirks(run_cli, tmp_path) -> None:
    """Blank rows are skipped; rows keep the numbers a spreadsheet shows them."""
    rows = [
        _row(id="Q1"),
        [""] * len(HEADER),
        _row(id="Q2", **{"patient.name": "Tab\tinside"}),
        _row(id="Q3", **{"prescription.dose_mg": "3500"}),
    ]
    source = _csv(tmp_path / "p.csv", rows)
    code, stdout, _ = _batch(run_cli, source, tmp_path / "out")
    assert code == 1 and "1 made, 2 failed" in stdout
    reasons = {m["id"]: m["reason"] for m in _manifest(tmp_path / "out")}
    assert reasons["Q2"] == "p.csv row 4: patient.name: contains a control character"
    assert reasons["Q3"].startswith("p.csv row 5: prescription.dose_mg:")


def test_file_that_is_not_utf8(run_cli, tmp_path) -> None:
    source = tmp_path / "p.csv"
    source.write_bytes(
        (",".join(HEADER) + "\n" + ",".join(_row(**{"patient.name": "José Peña"})) + "\n").encode("cp1252")
    )
    code, _, err = _batch(run_cli, source, tmp_path / "out")
    assert code == 2 and "not UTF-8 text; save the file as 'CSV UTF-8'" in err
    assert not (tmp_path / "out").exists()


def test_out_must_be_a_folder(run_cli, tmp_path) -> None:
    source = _csv(tmp_path / "p.csv", [_row()])
    (tmp_path / "afile").write_text("x")
    code, _, err = _batch(run_cli, source, tmp_path / "afile")
    assert code == 2 and "--out: cannot make the folder" in err


def test_json_lines_empty_extras_count_as_not_given(run_cli, tmp_path, sample) -> None:
    sample["prescription"] = {
        "medicine": "carisoprodol",
        "dose_mg": 350,
        "times_per_day": 3,
        "start": "2026-11-24",
        "days_supply": 7,
    }
    lines = [json.dumps({**sample, "id": None, "topic": ""}), json.dumps({**sample, "id": 7})]
    source = tmp_path / "p.jsonl"
    source.write_text("\n".join(lines), encoding="utf-8")
    code, stdout, _ = _batch(run_cli, source, tmp_path / "out")
    assert code == 1 and "1 made, 1 failed" in stdout
    reason = [m["reason"] for m in _manifest(tmp_path / "out")][1]
    assert reason == "p.jsonl line 2: id: expected text, got a whole number"


def test_resume_notices_an_edited_layout(run_cli, tmp_path, layouts_copy) -> None:
    source = _csv(tmp_path / "p.csv", [_row(id="L1")])
    out = tmp_path / "out"
    args = ("--layouts", str(layouts_copy), "--resume")
    assert _batch(run_cli, source, out, *args)[0] == 0
    assert "0 made, 0 failed, 1 skipped" in _batch(run_cli, source, out, *args)[1]
    standard = layouts_copy / "standard.yaml"
    standard.write_text(standard.read_text().replace("size: 11,", "size: 10.5,"), encoding="utf-8")
    assert "1 made, 0 failed, 0 skipped" in _batch(run_cli, source, out, *args)[1]


def test_clinic_course_limit_holds_in_a_batch(run_cli, tmp_path, write_yaml) -> None:
    config = write_yaml(
        "clinic.yaml", {"clinic": {"name": "C", "phone": "555"}, "policy": {"max_days": {"carisoprodol": 14}}}
    )
    rows = [_row(id="P1"), _row(id="P2", **{"prescription.taper": "", "prescription.last_day": ""})]
    out = tmp_path / "out"
    code, _, _ = _batch(run_cli, _csv(tmp_path / "patients.csv", rows), out, "--config", str(config))
    assert code == 1
    refused, made = _manifest(out)
    # P1 tapers to December 13: 20 days in all; P2 stops after its 14 days' supply
    assert (made["id"], made["status"]) == ("P2", "made")
    assert refused["id"] == "P1" and refused["status"] == "failed"
    assert "above the 14-day limit set by the clinic for carisoprodol" in refused["reason"]


def test_a_leaflet_gone_before_combining_is_one_error_naming_it(run_cli, tmp_path, monkeypatch) -> None:
    from generator.batch.rowmaker import RowMaker

    make = RowMaker.make

    def make_then_lose(self: RowMaker, row):
        result = make(self, row)
        if result.id == "C1":
            Path(result.output).unlink()  # e.g. removed by someone else before --combine reads it
        return result

    monkeypatch.setattr(RowMaker, "make", make_then_lose)
    source = _csv(tmp_path / "p.csv", [_row(id=f"C{i}") for i in range(3)])
    out, combined = tmp_path / "out", tmp_path / "print.pdf"
    code, _, err = _batch(run_cli, source, out, "--combine", str(combined))
    assert code == 6
    assert "Traceback" not in err and err.endswith(
        f"\nError: {out / 'C1.pdf'}: --combine: this leaflet is missing, or not the one the manifest lists; "
        "the combined PDF was not written (the manifest is complete)\n"
    )
    assert [m["status"] for m in _manifest(out)] == ["made"] * 3 and not combined.exists()
