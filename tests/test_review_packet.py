"""`handout review`: review packets (HTML and PDF) of a copy of the library, --since against approvals, errors."""

from __future__ import annotations

import html
import re
from pathlib import Path

from helpers import pdf_text

from generator.content.library import Library

DATE = "2026-12-05"


def _review(run_cli, library: Path, lang: str, output: Path, *extra: str) -> tuple[int, str, str]:
    return run_cli(
        "review", "carisoprodol", "--lang", lang, "--library", str(library), "--date", DATE, "-o", str(output), *extra
    )


def _packet(run_cli, library: Path, lang: str, output: Path, *extra: str) -> str:
    code, out, err = _review(run_cli, library, lang, output, *extra)
    assert code == 0, err
    assert out.startswith(f"Wrote {output}: ")
    return output.read_text(encoding="utf-8")


def _sections(page: str) -> dict[str, str]:
    """The text of each file's section of an HTML packet (tags dropped, white space collapsed), by its path."""
    found = re.findall(r'<section class="file"[^>]*>\s*<h2 id="[^"]+">([^<]+)</h2>(.*?)</section>', page, re.S)
    return {name: " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split()) for name, body in found}


def _titles(library: Path, lang: str) -> list[str]:
    return [block.title for block in Library(library).blocks("carisoprodol", lang)]


def test_english_packet_shows_every_block_its_sources_and_status(run_cli, library_copy, tmp_path) -> None:
    page = _packet(run_cli, library_copy, "en", tmp_path / "en.html")
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">') and "<script" not in page
    sections = _sections(page)
    assert "carisoprodol/how-to-take.yaml" in sections and "shared/get-help.yaml" in sections
    assert {"carisoprodol/topic.yaml", "labels/en.yaml"} <= set(sections)
    text = html.unescape(page)
    for title in _titles(library_copy, "en"):
        assert title in text
    how_to_take = sections["carisoprodol/how-to-take.yaml"]
    assert "FDA label for SOMA (carisoprodol) tablets, section 2: 250 mg to 350 mg" in how_to_take
    assert "Status: draft (no approval by a pharmacist, physician or nurse)" in how_to_take
    assert "Origin: human" in how_to_take and "not a pharmacist's approval" in how_to_take
    assert "Shown when: schedule is defined" in how_to_take and "No approvals recorded." in how_to_take


def test_spanish_packet_has_the_english_beside_it(run_cli, library_copy, tmp_path) -> None:
    page = _packet(run_cli, library_copy, "es", tmp_path / "es.html")
    sections = _sections(page)
    english, spanish = _titles(library_copy, "en"), _titles(library_copy, "es")
    section = sections["carisoprodol/how-to-take.es.yaml"]
    assert "Translation (es)" in section and "English original" in section
    how = 5  # how-to-take: after the main message, most-important, overview, who-should-not-take, older-adults
    assert section.index(spanish[how]) < section.index("English original") < section.index(english[how])
    assert '<div lang="es">' in page and '<div lang="en">' in page
    assert "Status: draft (no approval by a pharmacist, physician or nurse); never approved" in section
    assert "Prepared for" in sections["labels/es.yaml"] and "Paciente" in sections["labels/es.yaml"]


def test_pdf_packet_reads_the_same(run_cli, library_copy, tmp_path) -> None:
    output = tmp_path / "es.pdf"
    code, _, err = _review(run_cli, library_copy, "es", output)
    assert code == 0, err
    text = pdf_text(output)
    assert "Review packet: Carisoprodol (Soma)" in text
    for title in _titles(library_copy, "es")[:3] + _titles(library_copy, "en")[:3]:
        assert title in text
    assert "Status: draft" in text and "English original" in text and "FDA label for SOMA" in text


def test_since_shows_only_what_changed_since_approved(run_cli, library_copy, tmp_path) -> None:
    block = "carisoprodol/how-to-take.yaml"
    code, _, err = run_cli(
        "approve", "carisoprodol", "--lang", "en", "--library", str(library_copy), "--name", "Ana Ruiz",
        "--role", "pharmacist", "--block", block, "--date", "2026-12-01",
    )  # fmt: skip
    assert code == 0, err
    page = _packet(run_cli, library_copy, "en", tmp_path / "all.html")
    approved = _sections(page)[block]
    assert "Status: approved; unchanged since approved on 2026-12-01" in approved
    assert "Ana Ruiz" in approved and "2026-12-01 2028-12-01 yes" in approved
    since = _sections(_packet(run_cli, library_copy, "en", tmp_path / "since.html", "--since", "2026.11.2"))
    assert block not in since
    assert "carisoprodol/overview.yaml" in since and "labels/en.yaml" in since
    assert all("never approved" in section for section in since.values())
    page = (tmp_path / "since.html").read_text(encoding="utf-8")
    assert "--since 2026.11.2: the library keeps no copy of earlier content versions" in html.unescape(page)

    path = library_copy / block
    path.write_text(path.read_text(encoding="utf-8").replace("at most", "at the most", 1), encoding="utf-8")
    since = _sections(_packet(run_cli, library_copy, "en", tmp_path / "again.html", "--since", "2026.11.2"))
    assert "changed since approved on 2026-12-01" in since[block]
    assert "no: changed since approved" in since[block]  # the approval's row


def test_content_is_escaped(run_cli, library_copy, edit_block, tmp_path) -> None:
    def inject(block: dict) -> None:
        block["title"] = "Title <script>alert(1)</script>"
        block["body"][0]["text"] = "Keep <b>bold</b> but not <script>alert(2)</script> & <img src=x onerror=y>"

    edit_block("carisoprodol/how-to-take", inject)
    page = _packet(run_cli, library_copy, "en", tmp_path / "x.html")
    assert "<script" not in page and "<img" not in page
    assert "Title &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Keep <strong>bold</strong> but not &lt;script&gt;alert(2)&lt;/script&gt; &amp; &lt;img" in page
    code, _, err = _review(run_cli, library_copy, "en", tmp_path / "x.pdf")
    assert code == 0, err
    assert "not <script>alert(2)</script> & <img src=x onerror=y>" in pdf_text(tmp_path / "x.pdf")


def test_errors_are_one_line_and_write_nothing(run_cli, library_copy, tmp_path) -> None:
    output = tmp_path / "p.html"
    code, _, err = run_cli("review", "nosuch", "--lang", "en", "--library", str(library_copy), "-o", str(output))
    assert code == 2 and err.startswith("Error: command line: topic: unknown topic (known: ")
    code, _, err = _review(run_cli, library_copy, "fr", output)
    languages = ", ".join(Library(library_copy).languages("carisoprodol"))
    assert (code, err) == (2, f"Error: --lang fr: topic 'carisoprodol' has no 'fr' leaflet (languages: {languages})\n")
    code, _, err = _review(run_cli, library_copy, "en", tmp_path / "p.txt")
    assert (
        code == 2
        and err == f"Error: -o {tmp_path / 'p.txt'}: expected a file ending .html or .pdf (the packet's format)\n"
    )
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    code, _, err = _review(run_cli, library_copy, "en", blocker / "p.pdf")
    assert code == 2 and err.startswith(f"Error: {blocker / 'p.pdf'}: cannot write the file")
    assert not output.exists() and err.count("\n") == 1
    assert list(tmp_path.glob("*.part")) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["file", "library"]


def test_builtin_library_can_be_reviewed(run_cli, tmp_path) -> None:
    output = tmp_path / "p.html"
    code, _, err = run_cli("review", "carisoprodol", "--lang", "en", "--date", DATE, "-o", str(output))
    assert code == 0, err
    assert "carisoprodol/overview.yaml" in _sections(output.read_text(encoding="utf-8"))
