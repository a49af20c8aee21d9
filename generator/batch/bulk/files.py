"""The NDJSON files of a FHIR Bulk Data export: one resource a line, whatever each file is called.

Lines are read as bytes with their offsets, so a resource can be read again later from where it
is instead of being kept in memory. A line that starts with its `resourceType` (as exports write
them) tells its type without being parsed, so lines of types a pass does not read cost little.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from generator.batch.rows import MAX_LINE_CHARS, load_line
from generator.errors import InputError

_BOM = b"\xef\xbb\xbf"
_TYPE_FIRST = re.compile(rb'\s*\{\s*"resourceType"\s*:\s*"([A-Za-z]{1,64})"\s*[,}]')
_TYPE_NAME = re.compile(r"[A-Z][A-Za-z]{0,63}")


@dataclass(frozen=True)
class Line:
    """One non-blank line of an export file."""

    file: int
    """Which file (ExportFiles.paths)."""
    number: int
    """Line number in its file."""
    row: int
    """Line number counted through every file of the export in name order (the manifest's row)."""
    offset: int
    """Where the line starts in its file, in bytes."""
    text: bytes | None
    """The line; None when it is longer than MAX_LINE_CHARS (not held)."""
    kind: str | None
    """The resourceType the line starts with, when it starts with one."""


def sniff(text: bytes) -> str | None:
    """The resourceType a line starts with (`{"resourceType":"Patient",...`), else None (parse it to know)."""
    match = _TYPE_FIRST.match(text.removeprefix(_BOM))
    return match.group(1).decode() if match else None


def parse(text: bytes | None) -> dict[str, Any] | str:
    """One line's resource (a JSON object with a resourceType), or why it is not one (no value quoted)."""
    try:
        record, problem = load_line(None if text is None else text.removeprefix(_BOM).decode("utf-8"))
    except UnicodeDecodeError:
        return "not UTF-8 text"
    if problem:
        return problem
    if not isinstance(record, dict):
        return "expected a FHIR resource (a JSON object)"
    kind = record.get("resourceType")
    if not isinstance(kind, str) or not _TYPE_NAME.fullmatch(kind):
        return "resourceType: missing or not a resource type (each line of a Bulk Data file is one FHIR resource)"
    return record


class ExportFiles:
    """The `.ndjson` files of one folder, in name order; a context manager that closes what it opened."""

    def __init__(self, folder: Path) -> None:
        if not folder.is_dir():
            raise InputError(f"{folder}: --fhir-bulk: expected the folder of a Bulk Data export (.ndjson files)")
        self.paths = sorted(p for p in folder.iterdir() if p.is_file() and p.name.lower().endswith(".ndjson"))
        if not self.paths:
            raise InputError(f"{folder}: --fhir-bulk: no .ndjson files in this folder")
        self._open: dict[int, IO[bytes]] = {}

    def place(self, file: int, number: int) -> str:
        """E.g. 'MedicationRequest.000.ndjson line 12', for messages."""
        return f"{self.paths[file].name} line {number}"

    def lines(self) -> Iterator[Line]:
        """Every non-blank line of every file; a line over MAX_LINE_CHARS bytes is never held whole."""
        row = 0
        for file, path in enumerate(self.paths):
            with self._opened(path) as handle:
                number = 0
                while True:
                    offset = handle.tell()
                    text = handle.readline(MAX_LINE_CHARS + 1)
                    if not text:
                        break
                    number += 1
                    row += 1
                    kind = sniff(text)
                    if len(text) > MAX_LINE_CHARS and not text.endswith((b"\n", b"\r")):
                        while (rest := handle.readline(MAX_LINE_CHARS)) and not rest.endswith((b"\n", b"\r")):
                            pass
                        yield Line(file, number, row, offset, None, kind)
                    elif text.strip():
                        yield Line(file, number, row, offset, text, kind)

    def read(self, file: int, offset: int) -> dict[str, Any]:
        """The resource at `offset` of a file (a line read before, which parsed)."""
        handle = self._open.get(file)
        if handle is None:
            handle = self._open[file] = self._opened(self.paths[file])
        handle.seek(offset)
        record = parse(handle.readline(MAX_LINE_CHARS + 1))
        if isinstance(record, str):  # the file changed while the batch read it
            raise InputError(f"{self.paths[file]}: changed while the batch read it ({record}); nothing more was made")
        return record

    @staticmethod
    def _opened(path: Path) -> IO[bytes]:
        try:
            return path.open("rb")
        except OSError as exc:
            raise InputError(f"{path}: cannot read file ({exc.strerror or exc.__class__.__name__})") from None

    def __enter__(self) -> ExportFiles:
        return self

    def __exit__(self, *exc: object) -> None:
        for handle in self._open.values():
            handle.close()
        self._open.clear()
