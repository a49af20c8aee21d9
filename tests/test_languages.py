"""Languages: Spanish leaflets in every layout, missing translations, and a clinic's own library."""

from __future__ import annotations

import shutil

import pytest
import yaml
from helpers import pdf_pages_text, pdf_text

from generator.content.labels import load_wording
from generator.paths import library_root
from generator.verify import missing_sentences

LAYOUTS = ["standard", "a4", "large-print", "one-sheet", "trifold", "grayscale"]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_spanish_leaflet_in_every_layout(run_cli, tmp_path, layout, generator, write_yaml) -> None:
    """The sample's taper in every layout that holds it (one-page does not: see the test below)."""
    output = tmp_path / f"es-{layout}.pdf"
    patient = generator.library.sample_input("carisoprodol")
    args = ("--lang", "es", "--layout", layout, "--made-on", "2026-11-25", "--patient", str(patient))
    code, _, err = run_cli("build", "carisoprodol", *args, "-o", str(output))
    assert code == 0, err
    code, out, _ = run_cli("verify", str(output), "--topic", "carisoprodol", "--lang", "es", "--patient", str(patient))
    assert code == 0, out
    pages = pdf_pages_text(output)
    spanish = generator.required_sentences("carisoprodol", "es")
    english = generator.required_sentences("carisoprodol", "en")
    assert missing_sentences(pages, spanish) == []
    assert missing_sentences(pages, english) == english  # never mixed with English warnings
    text = pdf_text(output)
    assert "Su horario de dosis Desde Hasta Cuánto Cuándo" in text
    dates = "24 nov 2026 7 dic 2026"  # every layout's schedule has short dates (generator.layout(...).short_dates)
    assert all(generator.layout(name).short_dates for name in LAYOUTS)
    when = "por la mañana, al mediodía y por la noche"
    assert f"{dates} 1 tableta de 350 mg cada vez {when}" in text
    # thousands without a separator in Spanish: 1,050 or 1.050 could be read as 1.05
    assert f"{when} Máximo en un día: 3 tabletas (1050 mg)" in text
    assert "No tome más en un día de lo que dice la fila de ese día." in text
    assert "Último día del tratamiento 13 de diciembre de 2026" in text
    assert "Primer día del tratamiento 24 de noviembre de 2026" in text
    if layout != "trifold":
        assert f"Página 1 de {len(pages)}" in text


def test_spanish_carisoprodol_does_not_fit_one_side_and_one_page_names_one_sheet(
    run_cli, tmp_path, generator, write_yaml
) -> None:
    """Even its full dose alone: carisoprodol's Spanish warnings in short form (with the FDA MedWatch line) need
    more than one side; the refusal names one-sheet and nothing is written."""
    sample = yaml.safe_load(generator.library.sample_input("carisoprodol").read_text(encoding="utf-8"))
    sample["prescription"] = {k: v for k, v in sample["prescription"].items() if k not in ("taper", "last_day")}
    output = tmp_path / "es-one-page.pdf"
    args = ("--lang", "es", "--layout", "one-page", "--patient", str(write_yaml("patient.yaml", sample)))
    code, _, err = run_cli("build", "carisoprodol", *args, "-o", str(output))
    assert code == 4 and err.rstrip().endswith("use the layout 'one-sheet'"), err
    assert not output.exists()


def test_patient_language_picks_spanish(run_cli, tmp_path, sample, write_yaml) -> None:
    sample["patient"]["language"] = "es"
    output = tmp_path / "es.pdf"
    assert run_cli("build", "carisoprodol", "--patient", str(write_yaml("p.yaml", sample)), "-o", str(output))[0] == 0
    assert "Paciente Maria Lopez" in pdf_text(output)
    assert run_cli("verify", str(output), "--topic", "carisoprodol", "--lang", "es")[0] == 0


def test_missing_translation_names_block_and_language(run_cli, library_copy, tmp_path) -> None:
    (library_copy / "carisoprodol" / "tapering.es.yaml").unlink()
    output = tmp_path / "o.pdf"
    code, _, err = run_cli("build", "carisoprodol", "--lang", "es", "--library", str(library_copy), "-o", str(output))
    assert code == 3
    assert (
        err
        == f"Error: {library_copy / 'carisoprodol' / 'tapering.es.yaml'}: block 'tapering' has no 'es' translation\n"
    )
    assert not output.exists()


def test_unknown_language_is_an_input_error(run_cli, tmp_path, sample, write_yaml, generator) -> None:
    code, _, err = run_cli("build", "carisoprodol", "--lang", "fr", "-o", str(tmp_path / "o.pdf"))
    available = ", ".join(generator.library.languages("carisoprodol"))
    assert {"en", "es", "zh-Hans"} <= set(available.split(", "))
    assert code == 2 and err.endswith(
        f": language: no leaflet on 'carisoprodol' in this language (available: {available})\n"
    )
    sample["patient"]["language"] = "fr"
    patient = write_yaml("p.yaml", sample)
    code, _, err = run_cli("build", "carisoprodol", "--patient", str(patient), "-o", str(tmp_path / "o.pdf"))
    assert code == 2 and err.startswith(f"Error: {patient}: patient.language: no leaflet on 'carisoprodol'")


def test_language_without_labels(run_cli, library_copy, tmp_path) -> None:
    """Blocks translated but the generator's own words missing: the library is incomplete (content error)."""
    for spanish in library_copy.glob("*/*.es.yaml"):
        shutil.copy(spanish, spanish.with_name(spanish.name.replace(".es.", ".fr.")))
    output = tmp_path / "o.pdf"
    code, _, err = run_cli("build", "carisoprodol", "--lang", "fr", "--library", str(library_copy), "-o", str(output))
    assert code == 3 and "no labels for language 'fr'" in err


def test_a_language_is_added_with_files_only(run_cli, library_copy, tmp_path) -> None:
    """Portuguese labels plus a .pt.yaml beside every block: no code change."""
    labels = yaml.safe_load((library_copy / "labels" / "es.yaml").read_text(encoding="utf-8"))
    labels.update(language_name="Português", locale="pt_BR", page="Página {page} de {pages}")
    (library_copy / "labels" / "pt.yaml").write_text(yaml.safe_dump(labels, allow_unicode=True), encoding="utf-8")
    for spanish in library_copy.glob("*/*.es.yaml"):
        shutil.copy(spanish, spanish.with_name(spanish.name.replace(".es.", ".pt.")))
    output = tmp_path / "pt.pdf"
    code, _, err = run_cli("build", "carisoprodol", "--lang", "pt", "--library", str(library_copy), "-o", str(output))
    assert code == 0, err
    assert "24 de novembro de 2026" in pdf_text(output)
    code, out, _ = run_cli("list", "--library", str(library_copy))
    assert "Português" in out


def test_clinic_library_with_an_extra_topic(run_cli, library_copy, tmp_path, monkeypatch) -> None:
    topic = library_copy / "heat-packs"
    topic.mkdir()
    (topic / "topic.yaml").write_text(
        "title: Using heat packs safely\ncontent_version: clinic-1\nblocks: [overview]\n", encoding="utf-8"
    )
    block = {
        "kind": "overview",
        "title": "How do I use a heat pack?",
        "severity": "warning",
        "required": True,
        "must_say": ["Never sleep on a heat pack."],
        "body": [{"warning": "Never sleep on a heat pack."}],
        "sources": ["Riverside clinic nursing protocol 12"],
        "origin": "human",
        "checked": "Riverside clinic nurses checked it against protocol 12 on 2026-11-01",
    }
    (topic / "overview.yaml").write_text(yaml.safe_dump(block), encoding="utf-8")
    monkeypatch.setenv("HANDOUT_LIBRARY", str(library_copy))
    output = tmp_path / "heat.pdf"
    code, _, err = run_cli("build", "heat-packs", "-o", str(output))
    assert code == 0, err
    assert "Never sleep on a heat pack." in pdf_text(output) and "Using heat packs safely" in pdf_text(output)
    assert "heat-packs" in run_cli("list")[1]


@pytest.mark.parametrize(
    ("language", "value", "written"),
    [("en", 1500, "1,500"), ("es", 1500, "1500"), ("en", 7.5, "7.5"), ("es", 7.5, "7.5"), ("en", 0.1 * 3, "0.3")],
)
def test_milligrams_as_each_language_writes_them(language, value, written) -> None:
    assert load_wording(library_root(), language).mg(value) == written
