"""The handout command as users run it: help, list, build, verify."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import pdf_text
from reportlab.pdfgen.canvas import Canvas


def test_console_script_builds_the_sample(tmp_path) -> None:
    """The installed `handout` script, as the README runs it (a real subprocess)."""
    script = Path(sys.executable).parent / "handout"
    output = tmp_path / "leaflet.pdf"
    result = subprocess.run(
        [str(script), "build", "carisoprodol", "-o", str(output)],
        capture_output=True,
        text=True,
        env=os.environ,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Wrote" in result.stdout
    assert "Maria Lopez" in pdf_text(output)


@pytest.mark.parametrize("command", [[], ["build"], ["verify"], ["list"]])
def test_help(run_cli, command) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run_cli(*command, "--help")
    assert exit_info.value.code == 0


def test_help_explains_options(capsys) -> None:
    from generator.cli import main

    with pytest.raises(SystemExit):
        main(["build", "--help"])
    text = capsys.readouterr().out
    for option in ("--patient", "--clinic", "--config", "--layout", "--paper", "--library", "--made-on", "-o"):
        assert option in text


def test_list(run_cli) -> None:
    code, out, _ = run_cli("list")
    assert code == 0
    assert "carisoprodol" in out and "Carisoprodol (Soma)" in out
    assert "standard" in out and "a4" in out
    assert "English" in out


def test_build_with_patient_and_clinic_files(run_cli, tmp_path, sample, write_yaml) -> None:
    sample["patient"]["name"] = "Łukasz Müller"
    patient = write_yaml("patient.yaml", sample)
    clinic = write_yaml("clinic.yaml", {"name": "Hillside Health", "phone": "555-0123", "after_hours": "555-0999"})
    output = tmp_path / "out.pdf"
    code, _, err = run_cli(
        "build",
        "carisoprodol",
        "--patient",
        str(patient),
        "--clinic",
        str(clinic),
        "--layout",
        "standard",
        "--paper",
        "a4",
        "-o",
        str(output),
    )
    assert code == 0, err
    text = pdf_text(output)
    assert "Łukasz Müller" in text and "Hillside Health" in text and "555-0999" in text
    assert "Riverside" not in text


def test_clinic_from_config_file_and_environment(run_cli, tmp_path, sample, write_yaml, monkeypatch) -> None:
    patient = write_yaml("patient.yaml", sample)
    config = write_yaml("config.yaml", {"clinic": {"name": "Lakeview Clinic", "phone": "555-0777"}})
    monkeypatch.setenv("HANDOUT_CONFIG", str(config))
    output = tmp_path / "out.pdf"
    code, _, err = run_cli("build", "carisoprodol", "--patient", str(patient), "-o", str(output))
    assert code == 0, err
    assert "Lakeview Clinic" in pdf_text(output)


def test_clinic_in_patient_file_wins_over_config(run_cli, tmp_path, sample, write_yaml, monkeypatch) -> None:
    sample["clinic"] = {"name": "Patient File Clinic", "phone": "555-0456"}
    patient = write_yaml("patient.yaml", sample)
    monkeypatch.setenv(
        "HANDOUT_CONFIG", str(write_yaml("config.yaml", {"clinic": {"name": "Config Clinic", "phone": "1"}}))
    )
    output = tmp_path / "out.pdf"
    assert run_cli("build", "carisoprodol", "--patient", str(patient), "-o", str(output))[0] == 0
    assert "Patient File Clinic" in pdf_text(output)


def test_json_patient_file(run_cli, tmp_path, sample) -> None:
    import json

    sample["prescription"]["start"] = "2026-11-24"
    sample["prescription"]["last_day"] = "2026-12-13"
    for step in sample["prescription"]["taper"]:
        step["from"] = step["from"].isoformat()
    patient = tmp_path / "patient.json"
    patient.write_text(json.dumps(sample))
    output = tmp_path / "out.pdf"
    code, _, err = run_cli("build", "carisoprodol", "--patient", str(patient), "-o", str(output))
    assert code == 0, err
    assert "Maria Lopez" in pdf_text(output)


def test_verify_accepts_a_built_leaflet(run_cli, tmp_path, generator) -> None:
    output = tmp_path / "out.pdf"
    assert run_cli("build", "carisoprodol", "-o", str(output))[0] == 0
    code, out, _ = run_cli("verify", str(output), "--topic", "carisoprodol")
    assert code == 0
    count = len(generator.required_sentences("carisoprodol", "en"))
    assert out.startswith(f"OK: {output}: {count} required warnings of 'carisoprodol' (en) visible")


def test_verify_names_each_missing_warning(run_cli, tmp_path, generator) -> None:
    required = generator.required_sentences("carisoprodol", "en")
    pdf = tmp_path / "partial.pdf"
    canvas = Canvas(str(pdf))
    for index, sentence in enumerate(required[:2]):
        canvas.drawString(40, 700 - 20 * index, sentence)
    canvas.save()
    code, out, err = run_cli("verify", str(pdf), "--topic", "carisoprodol")
    assert code == 6
    for sentence in required[2:]:
        assert f'PROBLEM: required warning "{sentence}": missing' in out
    for sentence in required[:2]:
        assert sentence not in out
    assert "PROBLEM: not a tagged PDF: there is no structure tree for a screen reader to read" in out
    # not made by the generator: its Helvetica and its content are outside the closed world
    assert "PROBLEM: page 1: font /F1: a Type1 font that is not a TrueType subset the generator embeds" in out
    assert "PROBLEM: page 1: the content uses 'Tf' with operands or in a place the generator never writes" in out
    assert f"{len(required) - 2 + 3} problem(s) with the required warnings of 'carisoprodol'" in err


def test_verify_tolerates_line_breaks_soft_hyphens_and_quote_styles(generator) -> None:
    from generator.verify import missing_sentences

    sentence = generator.required_sentences("carisoprodol", "en")[0]
    words = sentence.split()
    broken = " ".join(words[:2]) + "\n" + " ".join(words[2:])
    middle = broken.index(words[-1]) + 2
    soft = broken[:middle] + "\u00ad\n" + broken[middle:]
    assert missing_sentences([soft], [sentence]) == []
    assert missing_sentences([broken.replace(words[-1], "something else")], [sentence]) == [sentence]
    assert missing_sentences(["Don\u2019t  stop"], ["Don't stop"]) == []


def test_verify_rejects_a_file_that_is_not_a_pdf(run_cli, tmp_path) -> None:
    fake = tmp_path / "fake.pdf"
    fake.write_text("not a pdf")
    code, _, err = run_cli("verify", str(fake), "--topic", "carisoprodol")
    assert code == 6
    assert err.startswith(f"Error: {fake}: not a readable PDF")


def test_build_with_a_patient_file_and_no_topic_takes_the_prescriptions_medicine(run_cli, tmp_path) -> None:
    sample = Path(__file__).parents[1] / "handouts" / "methocarbamol" / "sample.yaml"
    output = tmp_path / "leaflet.pdf"
    code, _, err = run_cli("build", "--patient", str(sample), "-o", str(output), "--made-on", "2026-11-01")
    assert code == 0, err
    text = pdf_text(output.read_bytes())
    assert "Methocarbamol (Robaxin)" in text and "arisoprodol" not in text
    assert "1,500 mg" in text  # the prescription's dose


@pytest.mark.parametrize(
    ("patient", "expected"),
    [
        (
            'patient: {name: "Ann Lee", age: 47}\nprescriber: {name: "Dr. Sam Lee", phone: "555-0100"}\n',
            ": topic: missing (name a topic, or give a prescription)",
        ),
        (
            'patient: {name: "Ann Lee", age: 47}\nprescriber: {name: "Dr. Sam Lee", phone: "555-0100"}\n'
            "prescription: {medicine: zzmedicine, dose_mg: 325, times_per_day: 3, start: 2026-11-24,"
            " days_supply: 14}\n",
            ": prescription.medicine: no topic is about this medicine (topics: acetaminophen, carisoprodol,",
        ),
    ],
    ids=["no prescription", "no topic about the medicine"],
)
def test_build_without_a_topic_refuses_what_names_none(run_cli, tmp_path, patient: str, expected: str) -> None:
    source = tmp_path / "patient.yaml"
    source.write_text(patient, encoding="utf-8")
    code, _, err = run_cli("build", "--patient", str(source), "-o", str(tmp_path / "o.pdf"))
    assert code == 2 and err.startswith(f"Error: {source}{expected}")
    assert "zzmedicine" not in err and err.count("\n") == 1
    code, _, err = run_cli("build", "-o", str(tmp_path / "o.pdf"))
    assert code == 2 and "topic: missing (name a topic, or give --patient FILE or --fhir FILE" in err
    assert not (tmp_path / "o.pdf").exists()
