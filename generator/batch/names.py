"""The output names a batch has used, so a second row with the same id is refused."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path


class NameSet:
    """The output names a batch has used, kept in a temporary SQLite file so memory stays flat
    (a set in memory would grow by ~9 MiB per 100,000 rows); no journal and no syncing: it lives
    only as long as the batch."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="handout-names-")
        self._db = sqlite3.connect(Path(self._folder.name) / "names.db", isolation_level=None)
        self._db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; CREATE TABLE names (name TEXT PRIMARY KEY) WITHOUT ROWID"
        )

    def add(self, name: str) -> bool:
        """Add `name`; False when it was already there."""
        return self._db.execute("INSERT OR IGNORE INTO names VALUES (?)", (name,)).rowcount == 1

    def __enter__(self) -> NameSet:
        return self

    def __exit__(self, *exc: object) -> None:
        self._db.close()
        self._folder.cleanup()
