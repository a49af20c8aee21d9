"""Property-based fuzzing of the patient-file shape in YAML, JSON, CSV, JSON Lines and the API body.

Properties: reading never raises anything but InputError (no traceback), the API never answers
500, and whatever is accepted holds exactly what was written: a count written `010`, `yes` or
`3.0`, a dose written `0350` or `1e3`, a phone written `0123` never turns into another value.
Most examples only parse; a few build the PDF and read the values back from it.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from helpers import pdf_text
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.batch.rows import count_rows, personalisation_of, read_rows
from generator.errors import InputError
from generator.inputs.personalisation import Personalisation, read_clinic, read_personalisation
from generator.paths import SAMPLES, layouts_root, library_root
from generator.web.app import WebSettings, create_app

KINDS = {
    "patient.name": "text",
    "patient.preferred_name": "text",
    "patient.age": "count",
    "patient.date_of_birth": "date",
    "prescriber.name": "text",
    "prescriber.phone": "text",
    "prescription.dose_mg": "amount",
    "prescription.times_per_day": "count",
    "prescription.start": "date",
    "prescription.days_supply": "count",
    "prescription.strength_mg": "amount",
    "clinic.phone": "text",
    "clinic.after_hours": "text",
}
BASE = {
    "patient.name": "Maria Lopez",
    "prescriber.name": "Dr. Sam Lee",
    "prescription.medicine": "carisoprodol",
    "prescription.dose_mg": "350",
    "prescription.times_per_day": "3",
    "prescription.start": "2026-11-24",
    "prescription.days_supply": "14",
    "clinic.name": "Riverside Family Clinic",
    "clinic.phone": "555-0199",
}
NULLS = ("", "~", "null", "Null", "NULL")
DEEP = "[" * 3000 + "]" * 3000
TRICKY = [
    *("010", "0x10", "0o10", "1_000", "+3", "3.0", "1e3", "1E3", "-1", "0", "00", "07", "14", "350", "37.5"),
    *("350.50", "0350", ".5", "5.", "1,400", " 14 ", "14 mg", "9" * 30, "9" * 400, "9" * 5000),
    *("yes", "no", "on", "off", "y", "n", "true", "false", "True", "FALSE", ".inf", "-.inf", ".nan", "NaN"),
    *("2026-11-24", "2026-13-01", "20261124", "02/03/1979", "2026-11-24 10:00:00", "1979-02-03"),
    *("0123", "5550100", "555-0100", "+1 555 0100", "=cmd", "Zoë", "O'Neil", "[1]", "{a: 1}", DEEP),
    *NULLS,
]
_PLAIN_SAFE = re.compile(r"[A-Za-z0-9~.+-][A-Za-z0-9 .()/+_,-]*[A-Za-z0-9.)_]|[A-Za-z0-9~]|\[+\]+|")
_PLAIN_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")

literals = st.one_of(
    st.sampled_from(TRICKY),
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 .()/+-]{0,18}[A-Za-z0-9]", fullmatch=True),
    st.integers(-10, 10**6).map(str),
    st.dates(dt.date(1890, 1, 1), dt.date(2110, 12, 31)).map(dt.date.isoformat),
    st.text(max_size=12),
)
changes = st.dictionaries(st.sampled_from(sorted(KINDS)), literals, max_size=4)


class Raw:
    """A JSON number or structure written as raw text (json.dumps cannot write 5,000 digits)."""

    def __init__(self, text: str) -> None:
        self.text = text


json_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**25), 10**25),
    st.floats(allow_nan=True, allow_infinity=True),
    literals,
    st.lists(st.integers(0, 9), max_size=2),
    st.sampled_from([Raw("9" * 5000), Raw("9" * 400), Raw("1e400"), Raw("-1e999"), Raw(DEEP)]),
)
json_changes = st.dictionaries(st.sampled_from(sorted(KINDS)), json_values, max_size=4)


def _value(parsed: Personalisation, field: str) -> Any:
    section, key = field.split(".")
    part = getattr(parsed, section)
    return None if part is None else getattr(part, key)


def _holds_what_was_written(kind: str, written: Any, parsed: Any) -> bool:
    """`parsed` is exactly `written` read as this kind of field; None written means not given."""
    if written is None:
        return parsed is None
    if isinstance(written, Raw):
        return False  # every raw literal is out of range or a structure: never accepted
    number = isinstance(written, (int, float)) and not isinstance(written, bool)
    if kind == "count":
        return (number and parsed == written) or (isinstance(written, str) and str(parsed) == written)
    if kind == "amount":
        if number:
            return parsed == written
        return isinstance(written, str) and bool(_PLAIN_DECIMAL.fullmatch(written)) and parsed == float(written)
    if kind == "date":
        return isinstance(written, str) and parsed.isoformat() == written
    return isinstance(written, str) and parsed == written.strip()


def _check_accepted(parsed: Personalisation, written: dict[str, Any]) -> None:
    for field, value in written.items():
        if field in KINDS:
            assert _holds_what_was_written(KINDS[field], value, _value(parsed, field)), (field, value)


def _nested(flat: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field, value in flat.items():
        section, key = field.split(".")
        data.setdefault(section, {})[key] = value
    return data


def _yaml_scalar(literal: str, style: str) -> tuple[str, Any]:
    """How `literal` is written, and what a reader means by it (None: null)."""
    if style == "plain" and _PLAIN_SAFE.fullmatch(literal):
        return literal, None if literal in NULLS else literal
    if style == "single" and "\n" not in literal:
        return "'" + literal.replace("'", "''") + "'", literal
    return json.dumps(literal), literal


def _json_text(data: dict[str, Any]) -> str:
    raws: list[str] = []

    def encode(value: Any) -> Any:
        if isinstance(value, Raw):
            raws.append(value.text)
            return f"@@RAW{len(raws) - 1}@@"
        return value

    text = json.dumps({s: {k: encode(v) for k, v in fields.items()} for s, fields in data.items()})
    for index, raw in enumerate(raws):
        text = text.replace(f'"@@RAW{index}@@"', raw)
    return text


def _parse_file(path: Path) -> Personalisation | None:
    try:
        return read_personalisation(path)
    except InputError as exc:
        assert str(exc).startswith(str(path)) and "\n" not in str(exc)
        return None


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@FAST
@given(change=changes, styles=st.lists(st.sampled_from(["plain", "single", "double"]), min_size=13, max_size=13))
def test_yaml_patient_files(folder, change, styles) -> None:
    written: dict[str, Any] = {}
    lines: dict[str, list[str]] = {}
    for index, (field, literal) in enumerate(sorted({**BASE, **change}.items())):
        text, meaning = _yaml_scalar(literal, styles[index % len(styles)] if field in change else "double")
        written[field] = meaning
        section, key = field.split(".")
        lines.setdefault(section, []).append(f"  {key}: {text}")
    path = folder / "patient.yaml"
    path.write_text("".join(f"{s}:\n" + "\n".join(rows) + "\n" for s, rows in lines.items()), encoding="utf-8")
    parsed = _parse_file(path)
    if parsed is not None:
        _check_accepted(parsed, written)


@FAST
@given(change=json_changes, duplicate=st.booleans())
def test_json_patient_files(folder, change, duplicate) -> None:
    flat = {**BASE, **change}
    text = _json_text(_nested(flat))
    if duplicate:
        text = text[:-1] + ', "patient": {"name": "Other Person"}}'
    path = folder / "patient.json"
    path.write_text(text, encoding="utf-8")
    parsed = _parse_file(path)
    if parsed is not None:
        assert not duplicate
        _check_accepted(parsed, flat)


def _csv_meaning(cell: str) -> str | None:
    return cell.strip() or None


@settings(max_examples=100, deadline=None)
@given(change=changes)
def test_csv_batch_rows(folder, change) -> None:
    flat = {**BASE, **change}
    columns = sorted(flat)
    path = folder / "patients.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerow([flat[c] for c in columns])
        writer.writerow([BASE.get(c, "") for c in columns])
    try:
        total = count_rows(path)
    except InputError as exc:
        assert "line 2" in str(exc) and any(end in "".join(flat.values()) for end in "\r\n")  # a line break
        return
    rows = list(read_rows(path))
    assert total == len(rows) == 2 and [row.number for row in rows] == [2, 3]
    personalisation_of(rows[1])  # the good row is unaffected
    try:
        parsed = personalisation_of(rows[0])
    except InputError as exc:
        assert str(exc).startswith("patients.csv row 2: ")
        return
    _check_accepted(parsed, {field: _csv_meaning(value) for field, value in flat.items()})


@settings(max_examples=100, deadline=None)
@given(change=json_changes)
def test_json_lines_batch_rows(folder, change) -> None:
    flat = {**BASE, **change}
    good = json.dumps(_nested(BASE))
    path = folder / "patients.jsonl"
    path.write_text("\n".join([good, _json_text(_nested(flat)), good]) + "\n", encoding="utf-8")
    rows = list(read_rows(path))
    assert [row.number for row in rows] == [1, 2, 3]
    personalisation_of(rows[0])
    personalisation_of(rows[2])  # a bad line fails only its own row
    try:
        parsed = personalisation_of(rows[1])
    except InputError as exc:
        assert str(exc).startswith("patients.jsonl line 2: ")
        return
    _check_accepted(parsed, flat)


@pytest.fixture(scope="module")
def client() -> TestClient:
    clinic = read_clinic(SAMPLES / "clinic.yaml")
    return TestClient(create_app(WebSettings(library_root(), layouts_root(), clinic)), base_url="http://127.0.0.1:8000")


ascii_text = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 .'-]{0,20}", fullmatch=True)


@settings(max_examples=40, deadline=None)
@given(
    change=st.dictionaries(
        st.sampled_from(sorted(k for k in KINDS if not k.startswith("clinic."))),
        st.one_of(json_values.filter(lambda v: not isinstance(v, str)), ascii_text, st.sampled_from(TRICKY)),
        max_size=3,
    ),
    duplicate=st.booleans(),
)
def test_the_api_body(client, change, duplicate) -> None:
    flat = {k: v for k, v in {**BASE, **change}.items() if not k.startswith("clinic.")}
    text = _json_text(_nested(flat))
    if duplicate:
        text = text[:-1] + ', "prescriber": {"name": "Other"}}'
    response = client.post("/api/handouts", content=text.encode(), headers={"content-type": "application/json"})
    assert response.status_code in (200, 413, 422), response.text
    if response.status_code == 422:
        assert all(error["field"] for error in response.json()["errors"]), response.text
        return
    if response.status_code == 200:
        assert not duplicate
        text_out = pdf_text(response.content)
        for field, value in change.items():
            kind = KINDS[field]
            assert not isinstance(value, Raw) and value is not False and value is not True, (field, value)
            if kind == "text" and field != "patient.preferred_name" and isinstance(value, str):
                assert value.strip() in text_out, (field, value)
            if kind == "count" and isinstance(value, str):
                assert _PLAIN_DECIMAL.fullmatch(value) and "." not in value and value[0] != "-", (field, value)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from(["yes", "0123", "null?", "Zoe 2026-11-24", "O'Neil", "1e3"]) | ascii_text,
    phone=st.sampled_from(["0123", "555-0100", "0x1F", "+1 555 0100"]),
    style=st.sampled_from(["plain", "single", "double"]),
)
@example(name="A-", phone="0123", style="plain")  # PDFium reads a hyphen ending a text object as \x02
@example(name="0  ", phone="0123", style="double")  # the reader drops end spaces the YAML kept
def test_built_leaflets_print_what_was_written(run_cli, folder, name, phone, style) -> None:
    name_text, name_meaning = _yaml_scalar(name, style)
    phone_text, phone_meaning = _yaml_scalar(phone, style)
    path = folder / "build.yaml"
    path.write_text(
        f"patient: {{name: {name_text}}}\nprescriber: {{name: Dr. Sam Lee, phone: {phone_text}}}\n"
        "prescription: {medicine: carisoprodol, dose_mg: 350, times_per_day: 3, start: 2026-11-24, days_supply: 7}\n",
        encoding="utf-8",
    )
    output = folder / "build.pdf"
    output.unlink(missing_ok=True)
    args = ("--patient", str(path), "-o", str(output), "--made-on", "2026-11-25")
    code, _, err = run_cli("build", "carisoprodol", *args)
    assert code in (0, 2) and "Traceback" not in err
    if code == 0:
        text = pdf_text(output)  # whitespace collapsed, as a reader sees the page; names are read without end spaces
        name_shown, phone_shown = (" ".join(str(meaning).split()) for meaning in (name_meaning, phone_meaning))
        assert f"Prepared for {name_shown} Prescribed by Dr. Sam Lee, {phone_shown} " in text
        assert "350 mg" in text and "in the morning, at midday, and in the evening" in text
