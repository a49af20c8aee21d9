"""The content chain: every leaflet's XMP records each printed file's path, language, hash, origin, status and
approvals (as `content: approvals_in_pdf` says); the manifest's content_status column; `handout verify` reads it."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from helpers import write_csv
from pypdf import PdfReader

from generator.content.approvals import file_hash, printed_files
from generator.content.library import Library
from generator.paths import library_root

MADE_ON = "2026-12-05"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
PH = "{https://patient-handouts.example/ns/content/1.0/}"
CLINIC = "clinic: {name: Riverside Clinic, phone: 555-0100}\n"


def _xmp(pdf: Path) -> bytes:
    return PdfReader(pdf).root_object["/Metadata"].get_object().get_data()


def _chain(pdf: Path) -> dict[tuple[str, str], dict[str, object]]:
    """(path, language) -> the file's fields, its approvals a list of {role, date[, name]}, read with ElementTree."""
    files = {}
    for item in ElementTree.fromstring(_xmp(pdf)).iter(f"{PH}files"):
        for li in item.iterfind(f"{RDF}Seq/{RDF}li"):
            fields: dict[str, object] = {child.tag.removeprefix(PH): (child.text or "").strip() for child in li}
            approvals = li.find(f"{PH}approvals")
            fields["approvals"] = (
                None
                if approvals is None
                else [{c.tag.removeprefix(PH): c.text for c in a} for a in approvals.iterfind(f"{RDF}Seq/{RDF}li")]
            )
            files[(str(fields["path"]), str(fields["language"]))] = fields
    return files


def _build(run_cli, output: Path, *extra: str, lang: str = "en") -> None:
    code, _, err = run_cli("build", "low-back-pain", "--lang", lang, "--made-on", MADE_ON, "-o", str(output), *extra)
    assert code == 0, err


def _config(tmp_path: Path, shown: str) -> str:
    config = tmp_path / f"config-{shown}.yaml"
    config.write_text(CLINIC + f"content: {{approvals_in_pdf: {shown}}}\n", encoding="utf-8")
    return str(config)


@pytest.fixture
def approved(run_cli, library_copy) -> Path:
    """The library copy with the English low-back-pain leaflet approved by pharmacist Ana Ruiz on 2026-12-01."""
    code, _, err = run_cli(
        "approve", "low-back-pain", "--lang", "en", "--library", str(library_copy), "--name", "Ana Ruiz",
        "--role", "pharmacist", "--date", "2026-12-01",
    )  # fmt: skip
    assert code == 0, err
    return library_copy


def test_every_printed_file_is_recorded_with_its_hash_as_a_draft(run_cli, tmp_path) -> None:
    output = tmp_path / "es.pdf"
    _build(run_cli, output, lang="es")
    chain = _chain(output)
    library = Library(library_root())
    printed = printed_files(library, "low-back-pain", "es")
    assert len(chain) == len(printed)
    for file in printed:
        recorded = chain[(file.path.relative_to(library.root).as_posix(), file.language)]
        assert recorded["sha256"] == file_hash(file.path)
        assert (recorded["status"], recorded["origin"], recorded["approvals"]) == ("draft", "human", [])
    assert ("low-back-pain/topic.yaml", "en") in chain and ("labels/es.yaml", "es") in chain


def test_same_inputs_give_the_same_bytes(run_cli, approved, tmp_path) -> None:
    first, second = tmp_path / "1.pdf", tmp_path / "2.pdf"
    _build(run_cli, first, "--library", str(approved))
    _build(run_cli, second, "--library", str(approved))
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize(
    ("shown", "approvals"),
    [
        (None, [{"role": "pharmacist", "date": "2026-12-01"}]),
        ("roles", [{"role": "pharmacist", "date": "2026-12-01"}]),
        ("names", [{"name": "Ana Ruiz", "role": "pharmacist", "date": "2026-12-01"}]),
        ("none", None),
    ],
)
def test_approvals_are_recorded_as_the_config_says(run_cli, approved, tmp_path, shown, approvals) -> None:
    output = tmp_path / "l.pdf"
    config = ("--config", _config(tmp_path, shown)) if shown else ()
    _build(run_cli, output, "--library", str(approved), *config)
    chain = _chain(output)
    assert chain and all(file["status"] == "approved" for file in chain.values())
    assert all(file["approvals"] == approvals for file in chain.values())
    assert all(len(str(file["sha256"])) == 64 for file in chain.values())
    xmp = _xmp(output)
    assert (b"Ana Ruiz" in xmp) == (shown == "names")
    assert (b"pharmacist" in xmp) == (shown != "none")
    assert (b"<ph:approvalsInPdf>" + (shown or "roles").encode()) in xmp


def test_manifest_content_status_column(run_cli, approved, tmp_path) -> None:
    header = ["id", "patient.name", "prescriber.name", "topic", "language"]
    rows = [["A", "Maria Lopez", "Dr. Sam Lee", "low-back-pain", "en"], ["B", "Li Wei", "Dr. Sam Lee", "x", "es"]]
    rows.append(["C", "Li Wei", "Dr. Sam Lee", "low-back-pain", "es"])
    source = write_csv(tmp_path / "rows.csv", header, rows)
    out = tmp_path / "out"
    code, stdout, _ = run_cli(
        "batch", str(source), "--out", str(out), "--library", str(approved), "--made-on", MADE_ON, "--jobs", "1"
    )
    assert code == 1 and "2 made, 1 failed" in stdout, stdout
    with (out / "manifest.csv").open(encoding="utf-8") as handle:
        lines = list(csv.reader(handle))
    assert lines[0][-2:] == ["content_status", "audit"]  # audit: handout batch --audit (tests/test_ocr.py)
    made = {line[1]: dict(zip(lines[0], line, strict=True)) for line in lines[1:]}
    printed = len(printed_files(Library(approved), "low-back-pain", "es"))
    assert made["A"]["content_status"] == "approved"
    assert made["B"]["status"] == "failed" and made["B"]["content_status"] == ""
    assert made["C"]["content_status"] == f"draft ({printed - 1} of {printed} files)"  # topic.yaml is approved


def test_verify_prints_the_chain_and_flags_a_file_changed_since(run_cli, approved, tmp_path) -> None:
    output = tmp_path / "l.pdf"
    _build(run_cli, output, "--library", str(approved))
    block = approved / "low-back-pain" / "self-care.yaml"
    block.write_text(block.read_text(encoding="utf-8").replace("walk", "stroll", 1), encoding="utf-8")
    code, out, err = run_cli("verify", str(output), "--library", str(approved))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith(f"OK: {output}: ")
    assert lines[1].startswith("Language-help notice: not checked")  # no clinic named (tests/test_language_notice.py)
    assert lines[2] == "Content chain (the PDF's XMP; made 2026-12-05, approvals recorded as roles): approved"
    files = {line.split(" ")[2]: line for line in lines[3:]}
    assert len(files) == len(printed_files(Library(approved), "low-back-pain", "en"))
    assert files["low-back-pain/self-care.yaml"].endswith("; changed since this leaflet was made")
    assert files["low-back-pain/overview.yaml"] == (
        "  low-back-pain/overview.yaml (en): approved; approvals: pharmacist 2026-12-01; "
        f"sha256 {file_hash(approved / 'low-back-pain' / 'overview.yaml')[:12]}"
    )
    assert sum("changed since" in line for line in lines) == 1


def test_verify_says_when_a_printed_file_is_missing_from_the_chain(run_cli, tmp_path) -> None:
    output = tmp_path / "l.pdf"
    _build(run_cli, output)
    data = output.read_bytes()
    path = b"<ph:path>low-back-pain/overview.yaml</ph:path>"
    assert data.count(path) == 1
    output.write_bytes(data.replace(path, path.replace(b"overview", b"overviex")))  # same length: offsets hold
    code, out, err = run_cli("verify", str(output))
    assert code == 6
    [line] = [line for line in out.splitlines() if "overviex" in line]
    assert line.startswith("  low-back-pain/overviex.yaml (en): draft; approvals: none; sha256 ")
    assert line.endswith("; not in the library now")
    assert out.splitlines()[-1] == (
        "PROBLEM: content chain: low-back-pain/overview.yaml (en) is printed by 'low-back-pain' "
        "but not in the PDF's XMP"
    )
    assert err.strip() == f"Error: {output}: 1 printed file(s) missing from its content chain"


def test_verify_of_a_pdf_without_a_chain_says_so(run_cli, tmp_path) -> None:
    output = tmp_path / "l.pdf"
    _build(run_cli, output)
    data = output.read_bytes()
    start = data.index(b'\n  <rdf:Description rdf:about="" xmlns:ph=')
    end = data.index(b"</rdf:Description>\n </rdf:RDF>") + len(b"</rdf:Description>")
    output.write_bytes(data[:start] + b" " * (end - start) + data[end:])  # the same length: offsets hold
    code, out, _ = run_cli("verify", str(output))
    assert code == 0, out
    assert out.splitlines()[-1].startswith("Content chain: none in the PDF's XMP")


def test_resume_makes_a_row_again_after_an_approval(run_cli, library_copy, tmp_path) -> None:
    source = write_csv(tmp_path / "rows.csv", ["id", "patient.name", "prescriber.name"], [["A", "Li Wei", "Dr. Lee"]])
    out, library = tmp_path / "out", str(library_copy)
    args = ("batch", str(source), "--out", str(out), "--library", library, "--made-on", MADE_ON, "--jobs", "1")
    run_cli(*args, "--topic", "low-back-pain")
    code, _, err = run_cli(
        "approve", "low-back-pain", "--lang", "en", "--library", library, "--name", "Ana Ruiz", "--role", "pharmacist",
        "--date", "2026-12-01",
    )  # fmt: skip
    assert code == 0, err
    code, stdout, _ = run_cli(*args, "--topic", "low-back-pain", "--resume")
    assert "1 made" in stdout, stdout
    with (out / "manifest.csv").open(encoding="utf-8") as handle:
        assert [row["content_status"] for row in csv.DictReader(handle)] == ["approved"]
