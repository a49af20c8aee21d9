"""Where a batch writes: a lock on its folder, the manifest, and clean-up after a killed run.

- One batch at a time per folder: `.handout-batch.lock` is held (flock) while it runs;
  a second batch into the same folder refuses to start.
- manifest.csv is written as rows finish into `.manifest.csv.part`, whose disk space is
  reserved before the first row, then renamed into place. If the disk still fills up,
  the complete lines written so far become manifest.csv and the batch stops with an
  error saying so; never a half-written line, never a stray `.part`.
- Text cells a spreadsheet would run as a formula (starting with =, +, -, @, tab or
  carriage return) get a leading apostrophe, and every cell is quoted (OWASP's advice
  against CSV injection).
"""

from __future__ import annotations

import contextlib
import csv
import errno
import fcntl
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from generator.errors import InputError

LOCK_NAME = ".handout-batch.lock"
MANIFEST_FIELDS = (
    "row",
    "id",
    "source",
    "status",
    "output",
    "pages",
    "sha256",
    "reason",
    "warnings",
    "email",
    "password",
    "content_status",
    "audit",
)
RESERVED_BYTES_PER_ROW = 2048
"""Disk space reserved per manifest line before any row is made."""
_CELL_LIMITS = {
    "id": 64,
    "source": 1000,
    "output": 600,
    "reason": 1000,
    "warnings": 2000,
    "email": 300,
    "password": 64,
    "content_status": 100,
    "audit": 20,
}
"""Longest text per manifest cell, in characters; longer text is cut with '...'."""
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A cell a spreadsheet shows as text: a leading apostrophe before a formula character."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _cell(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    limit = _CELL_LIMITS.get(name)
    if limit and len(value) > limit:
        value = value[: limit - 3] + "..."
    return neutralise(value)


@contextlib.contextmanager
def folder_lock(out_dir: Path) -> Iterator[None]:
    """Hold the batch lock of `out_dir`; refuse (InputError) when another batch holds it or the folder is read-only."""
    try:
        handle = os.open(out_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise InputError(f"{out_dir}: --out: cannot write in this folder ({exc.strerror}); nothing was made") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError(
                f"{out_dir}: --out: another batch is writing into this folder; "
                "wait for it to finish or choose another folder (nothing was made)"
            ) from None
        yield
    finally:
        os.close(handle)


def remove_stale_parts(out_dir: Path, state_folder: str) -> None:
    """Delete temporary files a killed run left behind (outputs themselves are always whole)."""
    for folder in (out_dir, out_dir / state_folder):
        for part in folder.glob(".*.part"):
            part.unlink(missing_ok=True)


class Manifest:
    """manifest.csv, written as rows finish and renamed into place when the batch ends."""

    def __init__(self, path: Path, rows: int) -> None:
        self.path = path
        self.temp = path.with_name(f".{path.name}.part")
        self.size = 0
        self.rows = 0
        self.done = False
        try:
            self.file = self.temp.open("wb", buffering=0)
        except OSError as exc:
            raise InputError(f"{path}: cannot write the manifest ({exc.strerror}); nothing was made") from None
        try:
            _reserve(self.file.fileno(), (rows + 1) * RESERVED_BYTES_PER_ROW)
            self._write(dict(zip(MANIFEST_FIELDS, MANIFEST_FIELDS, strict=True)))
        except OSError as exc:
            self.abandon()
            raise InputError(f"{path}: cannot write the manifest ({exc.strerror}); nothing was made") from None

    def _write(self, cells: dict[str, Any]) -> None:
        buffer = io.StringIO()
        csv.DictWriter(buffer, fieldnames=MANIFEST_FIELDS, quoting=csv.QUOTE_ALL).writerow(cells)
        data = buffer.getvalue().encode("utf-8")
        view = memoryview(data)
        while view:
            view = view[self.file.write(view) :]
        self.size += len(data)

    def add(self, row: dict[str, Any]) -> None:
        """Write one row's line; if the disk refuses it, keep the lines before it and stop the batch."""
        cells = {name: _cell(name, value) for name, value in row.items()}
        try:
            self._write(cells)
        except OSError as exc:
            self.finish()
            raise InputError(
                f"{self.path}: cannot write the manifest ({exc.strerror}); the batch stopped, "
                f"the manifest lists the {self.rows} row(s) finished before this"
            ) from None
        self.rows += 1

    def finish(self) -> None:
        """Rename the complete lines into place as manifest.csv."""
        if self.done:
            return
        self.done = True
        try:
            self.file.truncate(self.size)  # a half-written line, and the unused reserved space
            os.fsync(self.file.fileno())
            self.file.close()
            os.replace(self.temp, self.path)
        except OSError as exc:
            self.temp.unlink(missing_ok=True)
            raise InputError(f"{self.path}: cannot write the manifest ({exc.strerror})") from None

    def abandon(self) -> None:
        """Drop the manifest (the batch was interrupted before it finished)."""
        if self.done:
            return
        self.done = True
        self.file.close()
        self.temp.unlink(missing_ok=True)


def _reserve(handle: int, size: int) -> None:
    """Reserve disk space so later writes cannot run out of it; file systems without support are skipped."""
    try:
        os.posix_fallocate(handle, 0, size)
    except OSError as exc:
        if exc.errno not in (errno.EOPNOTSUPP, errno.EINVAL):
            raise
