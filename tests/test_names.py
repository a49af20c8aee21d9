"""Topic, layout and language names users type never reach the file system unchecked: a name too long for it,
one with a path or a NUL in it, is unknown like any other name, an input error on its field (exit 2, HTTP 422)
that lists what there is and does not repeat what was typed."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from helpers import INPUT as VALID
from test_web import _settings

from generator.languages import NOT_A_CODE
from generator.names import MAX_NAME_LENGTH, is_language, is_name
from generator.web.app import create_app

BAD_NAMES = {
    "300 letters": "a" * 300,
    "slash": "carisoprodol/overview",
    "dot-dot": "..",
    "climbing": "../handouts/carisoprodol",
    "NUL": "carisoprodol\x00",
    "long non-ASCII": "é" * 200,
}
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "patients.csv"


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(_settings()), base_url="http://127.0.0.1:8000")


def test_what_a_name_may_be() -> None:
    assert is_name("low-back-pain") and is_name("a4") and is_name("x" * MAX_NAME_LENGTH)
    assert not any(is_name(name) for name in [*BAD_NAMES.values(), "x" * (MAX_NAME_LENGTH + 1), "Soma", "-a", ""])
    assert is_language("es") and is_language("pt-BR")
    assert not any(is_language(code) for code in [*BAD_NAMES.values(), "e", "en_US", "en\n"])


@pytest.mark.parametrize("name", BAD_NAMES.values(), ids=BAD_NAMES.keys())
@pytest.mark.parametrize(
    ("option", "expected"),
    [
        ((), "Error: command line: topic: unknown topic (known: acetaminophen, carisoprodol, cyclobenzaprine,"),
        (("--layout",), "Error: layout: unknown layout (known: a4, grayscale, large-print,"),
        (("--lang",), f"Error: the carisoprodol sample: language: {NOT_A_CODE}"),
    ],
    ids=["topic", "layout", "language"],
)
def test_cli_refuses_a_bad_name_in_one_line(run_cli, tmp_path, option, expected, name) -> None:
    args = (name,) if not option else ("carisoprodol", *option, name)
    code, _, err = run_cli("build", *args, "-o", str(tmp_path / "x.pdf"))
    assert code == 2, err
    assert err.startswith(expected) and err.count("\n") == 1, err
    assert name not in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", BAD_NAMES.values(), ids=BAD_NAMES.keys())
@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("topic", "unknown topic (known: acetaminophen, carisoprodol, cyclobenzaprine,"),
        ("layout", "unknown layout (known: a4, grayscale,"),
        ("language", NOT_A_CODE),
    ],
)
def test_api_handouts_refuses_a_bad_name(client, field, message, name) -> None:
    response = client.post("/api/handouts", json={**VALID, field: name})
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert error["field"] == field and error["message"].startswith(message), error
    assert name not in response.json()["error"]


@pytest.mark.parametrize("name", BAD_NAMES.values(), ids=BAD_NAMES.keys())
@pytest.mark.parametrize(
    ("key", "field", "message"),
    [
        ("topics", "topics[0]", "unknown leaflet (known: acetaminophen, carisoprodol, cyclobenzaprine,"),
        ("layout", "layout", "expected one of a4, grayscale,"),
        ("language", "language", "expected one of ar, en, es,"),
    ],
)
def test_api_leaflets_refuses_a_bad_name(client, key, field, message, name) -> None:
    body = {**VALID, "topics": ["carisoprodol"], key: [name] if key == "topics" else name}
    response = client.post("/api/leaflets", json=body)
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert error["field"] == field and error["message"].startswith(message), error
    assert name not in response.json()["error"]


def test_batch_rows_with_bad_names_fail_on_their_field(run_cli, tmp_path) -> None:
    with EXAMPLE.open(encoding="utf-8") as handle:
        lines = csv.reader(handle)
        header = next(lines)
        row = dict(zip(header, next(lines), strict=True))
    changes = [{"topic": "a" * 300}, {"layout": "a" * 300}, {"language": "a" * 300}, {"language": "../../labels/en"}]
    rows = [{**row, "id": f"R{index}", "email": "", **change} for index, change in enumerate(changes)]
    source = tmp_path / "p.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, [*header, "language"])
        writer.writeheader()
        writer.writerows(rows)
    code, _, _ = run_cli("batch", str(source), "--out", str(tmp_path / "out"), "--jobs", "1")
    assert code == 1
    with (tmp_path / "out" / "manifest.csv").open(encoding="utf-8") as handle:
        reasons = [line["reason"] for line in csv.DictReader(handle)]
    assert reasons == [
        "p.csv row 2: topic: unknown topic (known: acetaminophen, carisoprodol, cyclobenzaprine, ibuprofen, "
        "low-back-pain, methocarbamol, naproxen)",
        "p.csv row 3: layout: unknown layout (known: a4, grayscale, large-print, one-page, one-sheet, standard, "
        "trifold)",
        f"p.csv row 4: language: {NOT_A_CODE}",
        f"p.csv row 5: language: {NOT_A_CODE}",
    ]
