"""Bad input: one clear line naming the file and field, a non-zero exit, no partial output."""

from __future__ import annotations

from pathlib import Path

import pytest

CASES = sorted((Path(__file__).parent / "cases").glob("bad_*.yaml"))


def _expected(case: Path) -> str:
    first = case.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: ")
    return first.removeprefix("# expect: ")


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_bad_patient_file(run_cli, tmp_path, case) -> None:
    output = tmp_path / "out.pdf"
    code, _, err = run_cli("build", "carisoprodol", "--patient", str(case), "-o", str(output))
    assert code == 2
    assert err.startswith(f"Error: {case}")
    assert _expected(case) in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not output.exists()
    assert list(tmp_path.iterdir()) == []  # no temporary file left either


def test_missing_patient_file(run_cli, tmp_path) -> None:
    code, _, err = run_cli(
        "build", "carisoprodol", "--patient", str(tmp_path / "nope.yaml"), "-o", str(tmp_path / "o.pdf")
    )
    assert (code, err) == (2, f"Error: {tmp_path / 'nope.yaml'}: file not found\n")


def test_unknown_topic(run_cli, tmp_path) -> None:
    code, _, err = run_cli("build", "aspirin", "-o", str(tmp_path / "o.pdf"))
    assert code == 2
    assert ": topic: unknown topic (known: acetaminophen, carisoprodol," in err and "aspirin" not in err


def test_unknown_layout(run_cli, tmp_path) -> None:
    code, _, err = run_cli("build", "carisoprodol", "--layout", "poster", "-o", str(tmp_path / "o.pdf"))
    assert code == 2
    assert err.startswith("Error: layout: unknown layout (known: a4,") and "poster" not in err


def test_existing_output_is_kept_when_the_build_fails(run_cli, tmp_path) -> None:
    output = tmp_path / "leaflet.pdf"
    output.write_bytes(b"previous leaflet")
    case = Path(__file__).parent / "cases" / "bad_dose_above_limit.yaml"
    code, _, _ = run_cli("build", "carisoprodol", "--patient", str(case), "-o", str(output))
    assert code == 2
    assert output.read_bytes() == b"previous leaflet"


BROKEN_CONTENT = {
    "malformed-yaml": ("overview", lambda text: "title: [unclosed\n", "overview.yaml:2: invalid YAML"),
    "unknown-key": ("overview", lambda text: text + "colour: red\n", "overview.yaml: colour: unknown field"),
    "undefined-variable": (
        "side-effects",
        lambda text: text.replace("body:\n", 'body:\n  - text: "Hello {{ patient_name }}"\n', 1),
        "side-effects.yaml: body[0].text: unknown template variable: 'patient_name' is undefined",
    ),
    "template-syntax": (
        "how-to-take",
        lambda text: text.replace("body:\n", 'body:\n  - text: "Hello {{ patient.name "\n', 1),
        "how-to-take.yaml: body[0].text: template syntax error",
    ),
    "sandbox": (
        "overview",
        lambda text: text.replace("body:\n", 'body:\n  - text: "{{ patient.__class__.__mro__ }}"\n', 1),
        "overview.yaml: body[0].text: template not allowed: access to attribute '__class__'",
    ),
}


@pytest.mark.parametrize("case", BROKEN_CONTENT.values(), ids=BROKEN_CONTENT.keys())
def test_broken_content(run_cli, library_copy, tmp_path, case) -> None:
    block, change, expected = case
    path = library_copy / "carisoprodol" / f"{block}.yaml"
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    output = tmp_path / "o.pdf"
    code, _, err = run_cli("build", "carisoprodol", "--library", str(library_copy), "-o", str(output))
    assert code == 3, err
    assert expected in err
    assert err.count("\n") == 1
    assert not output.exists()


def test_topic_naming_a_missing_block(run_cli, library_copy, tmp_path) -> None:
    topic = library_copy / "carisoprodol" / "topic.yaml"
    topic.write_text(topic.read_text().replace("blocks: [", "blocks: [no-such-block, "), encoding="utf-8")
    code, _, err = run_cli("build", "carisoprodol", "--library", str(library_copy), "-o", str(tmp_path / "o.pdf"))
    assert code == 3
    assert "unknown block 'no-such-block'" in err


def test_content_that_drops_a_required_sentence_is_refused(run_cli, library_copy, edit_block, tmp_path) -> None:
    def drop_first_sentence(block: dict) -> None:
        sentence = block["must_say"][0]
        for item in block["body"]:
            for key, value in item.items():
                if isinstance(value, str) and sentence in value:
                    item[key] = value.replace(sentence, "Try to drink less.")

    sentence = edit_block("carisoprodol/safety-precautions", drop_first_sentence)["must_say"][0]
    output = tmp_path / "o.pdf"
    code, _, err = run_cli("build", "carisoprodol", "--library", str(library_copy), "-o", str(output))
    assert code == 6
    assert f'required warning "{sentence}": missing' in err and "refusing to write it" in err
    assert not output.exists()


def test_unwritable_output(run_cli, tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run_cli("build", "carisoprodol", "--made-on", "2026-11-20", "-o", str(blocker / "leaflet.pdf"))
    assert code == 2
    lines = [line for line in err.splitlines() if ": content: " not in line]  # but the shipped drafts' warning
    assert len(lines) == 1 and lines[0].startswith(f"Error: {blocker / 'leaflet.pdf'}: cannot write the file")
