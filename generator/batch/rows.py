"""Reading a batch: CSV (one row per patient, dotted column names), JSON Lines, or FHIR NDJSON.

Rows are streamed, never all held in memory. A problem with the file as a whole (not
UTF-8, a broken header, a quoted CSV cell running over several lines, as an unclosed
quote does) stops the batch before any work, naming the line; a problem in one row or
JSON line only marks that row as failed. A CSV row is one line: the row number is the
line number a spreadsheet or editor shows.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from pydantic import BaseModel

from generator.content.schema import describe_kind
from generator.errors import InputError
from generator.inputs.personalisation import Personalisation
from generator.inputs.strictdata import DataError, load_json

EXTRA_COLUMNS = ("id", "topic", "layout", "language", "email")
"""Columns beside the personalisation fields."""
TAPER_COLUMN = "prescription.taper"
_COLUMN_LIKE = re.compile(r"[a-z][a-z_]*(\.[a-z][a-z_]*)?")
MAX_LINE_CHARS = 64 * 1024
"""Longest JSON Lines line read; a longer one fails its row."""
_TAPER_STEP = re.compile(r"^\s*([^:]+?)\s*:\s*([0-9.]+)\s*:\s*(\d+)\s*$")
_TAPER_WHEN = re.compile(r"^(?:(?P<start>\d{4}-\d{2}-\d{2})(?:/(?P<both>\d+)d)?|(?P<days>\d+)d)$")
"""A step's first day (2026-12-08), its days at that dose (5d), or both (2026-12-08/5d)."""


@dataclass(frozen=True)
class BatchRow:
    """One patient of a batch, with where it came from."""

    where: str
    """E.g. 'patients.csv row 14', for messages."""
    number: int
    """Row number: spreadsheet row for CSV (the header is row 1), line number for JSON Lines."""
    data: dict[str, Any] = field(default_factory=dict)
    """The single-handout input shape (patient, prescriber, prescription, clinic)."""
    extras: dict[str, str] = field(default_factory=dict)
    """id, topic, layout, language, email when given."""
    problem: str | None = None
    """Why the row could not even be read, if so."""
    fhir: bool = False
    """`data` is a FHIR R4 Bundle (a line of FHIR NDJSON) rather than the single-handout shape."""
    skip: str | None = None
    """Why this input line makes no leaflet and needs none (e.g. a Bulk Data order that is not active), if so."""


def _columns(model: type[BaseModel], prefix: str) -> dict[str, bool]:
    """Dotted column names of a model's scalar fields, and whether each is required."""
    columns: dict[str, bool] = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        if name in ("taper", "logo"):
            continue
        columns[f"{prefix}{key}"] = info.is_required()
    return columns


def known_columns() -> dict[str, bool]:
    """Every CSV column a batch may have, and whether it is required."""
    from generator.inputs.personalisation import Clinic, Patient, Prescriber, Prescription

    columns = {**_columns(Patient, "patient."), **_columns(Prescriber, "prescriber.")}
    columns |= _columns(Prescription, "prescription.") | {TAPER_COLUMN: False}
    columns |= {name: False for name in _columns(Clinic, "clinic.")}
    columns |= dict.fromkeys(EXTRA_COLUMNS, False)
    return columns


def check_header(path: Path, header: list[str]) -> None:
    """Refuse a CSV header with unknown, duplicate or missing columns, before any work starts."""
    columns = known_columns()
    unknown = [c for c in header if c not in columns]
    if header and len(unknown) == len(header):
        raise InputError(f"{path}: line 1 is not a header of known columns; is the header row missing?")
    if unknown:
        # a name shaped like a column is shown; anything else might be patient data from a missing header
        shown = [c for c in unknown if _COLUMN_LIKE.fullmatch(c)]
        others = f"{len(unknown) - len(shown)} other unknown column(s)" if len(shown) < len(unknown) else ""
        listed = ", ".join([*shown, others] if others else shown)
        raise InputError(f"{path}: unknown column(s) {listed} (see docs/batches.md, batch columns)")
    duplicates = sorted({c for c in header if header.count(c) > 1})
    if duplicates:
        raise InputError(f"{path}: column(s) given twice: {', '.join(duplicates)}")
    needed = {c for c, required in columns.items() if required}
    if not any(c.startswith("prescription.") for c in header):  # a batch of a non-drug topic
        needed = {c for c in needed if not c.startswith("prescription.")}
    missing = [c for c in columns if c in needed and c not in header]
    if missing:
        raise InputError(f"{path}: missing required column(s) {', '.join(missing)}")


def parse_taper(cell: str) -> list[dict[str, str]]:
    """'2026-12-08:350:2; 5d:350:1' -> taper steps (from or days, dose_mg, times_per_day)."""
    steps = []
    for number, part in enumerate(filter(str.strip, cell.split(";")), start=1):
        match = _TAPER_STEP.match(part)
        when = _TAPER_WHEN.match(match.group(1)) if match else None
        if not match or not when:
            raise ValueError(
                f"{TAPER_COLUMN}: expected steps like 2026-12-08:350:2 or 5d:350:2 separated by ';' "
                f"(step {number} is not)"
            )
        step = {"from": when["start"], "days": when["both"] or when["days"]}
        step |= dict(zip(("dose_mg", "times_per_day"), match.groups()[1:], strict=True))
        steps.append({key: value for key, value in step.items() if value is not None})
    return steps


def _split_extras(flat: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str], str | None]:
    """Take id, topic, layout, language and email out of a row; empty or null ones count as not given."""
    extras: dict[str, str] = {}
    for key in EXTRA_COLUMNS:
        value = flat.pop(key, None)
        if value in (None, ""):
            continue
        if not isinstance(value, str):
            return flat, extras, f"{key}: expected text, got {describe_kind(value)}"
        extras[key] = value
    return flat, extras, None


def _csv_row(path: Path, number: int, record: dict[str, str]) -> BatchRow:
    where = f"{path.name} row {number}"
    flat, extras, _ = _split_extras({k: v.strip() for k, v in record.items() if v and v.strip()})
    data: dict[str, Any] = {}
    try:
        if TAPER_COLUMN in flat:
            flat[TAPER_COLUMN] = parse_taper(flat[TAPER_COLUMN])
    except ValueError as exc:
        return BatchRow(where, number, extras=extras, problem=str(exc))
    for column, value in flat.items():
        section, key = column.split(".", 1)
        data.setdefault(section, {})[key] = value
    return BatchRow(where, number, data, extras)


def load_line(line: str | None) -> tuple[Any, str | None]:
    """A JSON line's value, or why it cannot be read (strict: no duplicate keys, no huge numbers; None: too long)."""
    if line is None:
        return None, f"longer than {MAX_LINE_CHARS // 1024} KiB"
    try:
        return load_json(line), None
    except DataError as exc:
        return None, f"{exc.field}: {exc}" if exc.field else str(exc)
    except json.JSONDecodeError as exc:
        return None, f"invalid JSON: {exc.msg}"


def _json_object(where: str, number: int, line: str | None, fhir: bool) -> dict[str, Any] | BatchRow:
    """The line's JSON object, or a failed row saying why."""
    record, problem = load_line(line)
    if problem:
        return BatchRow(where, number, problem=problem, fhir=fhir)
    if not isinstance(record, dict):
        expected = "a FHIR Bundle (a JSON object)" if fhir else "a JSON object"
        return BatchRow(where, number, problem=f"expected {expected}", fhir=fhir)
    return record


def _jsonl_row(path: Path, number: int, line: str | None) -> BatchRow:
    where = f"{path.name} line {number}"
    record = _json_object(where, number, line, fhir=False)
    if isinstance(record, BatchRow):
        return record
    data, extras, problem = _split_extras(record)
    return BatchRow(where, number, data, extras, problem)


def _ndjson_row(path: Path, number: int, line: str | None) -> BatchRow:
    """One line of FHIR NDJSON (Bulk Data export format): a whole Bundle, read later by generator.fhir."""
    where = f"{path.name} line {number}"
    record = _json_object(where, number, line, fhir=True)
    return record if isinstance(record, BatchRow) else BatchRow(where, number, record, fhir=True)


def _is_ndjson(path: Path) -> bool:
    return path.suffix.lower() == ".ndjson"


def _is_jsonl(path: Path) -> bool:
    return path.suffix.lower() == ".jsonl" or _is_ndjson(path)


def _lines(handle: TextIO) -> Iterator[tuple[int, str | None]]:
    """(line number, text) of each non-blank line; None for a line over MAX_LINE_CHARS, never held whole."""
    number = 0
    while line := handle.readline(MAX_LINE_CHARS + 1):
        number += 1
        if len(line) > MAX_LINE_CHARS and not line.endswith(("\n", "\r")):
            while (rest := handle.readline(MAX_LINE_CHARS)) and not rest.endswith(("\n", "\r")):
                pass
            yield number, None
        elif line.strip():
            yield number, line


def _csv_records(path: Path, handle: TextIO) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of each CSV record; a record over several lines or bad quoting stops everything."""
    reader = csv.reader(handle, strict=True)
    line = 0
    try:
        for cells in reader:
            if reader.line_num > line + 1:
                raise InputError(
                    f"{path} line {line + 1}: a quoted cell runs over {reader.line_num - line} lines "
                    "(an unclosed quote?); cells cannot hold line breaks. Nothing was made"
                )
            line = reader.line_num
            yield line, cells
    except csv.Error as exc:
        raise InputError(
            f"{path} line {line + 1}: not readable as CSV ({exc}); check the quotes of this row. Nothing was made"
        ) from None


def read_rows(path: Path) -> Iterator[BatchRow]:
    """Stream the rows of a CSV or JSON Lines file; the CSV header is checked first.

    Rows are numbered by their line in the file (the CSV header is row 1); blank rows are skipped.
    """
    with _open(path) as handle:
        if _is_jsonl(path):
            read_line = _ndjson_row if _is_ndjson(path) else _jsonl_row
            for number, line in _lines(handle):
                yield read_line(path, number, line)
            return
        records = _csv_records(path, handle)
        header = [name.strip() for name in next(records, (0, []))[1]]
        while header and not header[-1]:
            header.pop()  # a trailing comma after the last column name
        check_header(path, header)
        for number, cells in records:
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header) :]):
                yield BatchRow(f"{path.name} row {number}", number, problem="more cells than columns")
                continue
            yield _csv_row(path, number, dict(zip(header, cells, strict=False)))


def _open(path: Path) -> TextIO:
    try:
        return path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"{path}: cannot read file ({exc.strerror or exc.__class__.__name__})") from None


def count_rows(path: Path) -> int:
    """Read the whole file once before any work: how many rows it has.

    Refuses a file that is not UTF-8 text, or a CSV file whose quoting is broken or
    whose cells run over several lines, naming the line.
    """
    try:
        with _open(path) as handle:
            if _is_jsonl(path):
                return sum(1 for _ in _lines(handle))
            rows = sum(1 for _, cells in _csv_records(path, handle) if any(c.strip() for c in cells))
            return max(rows - 1, 0)
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text; save the file as 'CSV UTF-8' (or UTF-8 JSON Lines)") from None


def personalisation_of(row: BatchRow) -> Personalisation:
    """The validated personalisation of a row; errors name the row."""
    from generator.inputs.personalisation import parse_personalisation

    if row.problem:
        raise InputError(f"{row.where}: {row.problem}")
    return parse_personalisation(row.data, row.where)
