"""Where a batch's leaflets and records go: a folder, or any fsspec URL (e.g. `s3://bucket/prefix`).

Every file appears whole or not at all:
- a folder (or a `file://` URL): written to a temporary name beside it, flushed to disk,
  then renamed into place (a rename is atomic on one file system);
- an object store (s3, gcs, gs, abfs, az, memory): written in one request; the store shows
  a new object only once it has all of it, so readers never see half a leaflet. What such
  a store does not give: a lock (two batches writing into the same prefix are not stopped,
  as they are in a folder), and cleaning up after an interrupted upload (there is nothing
  half-written to clean);
- any other fsspec file system (e.g. sftp): a temporary name, then a move; whether the
  move is atomic is up to that server.

Workers of a Dask cluster write here themselves, so a folder must be one they all see at
the same path (a shared folder), and a URL one they can all reach with their credentials.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import InputError
from generator.files import write_atomically

STATE_FOLDER = ".handout-state"
OBJECT_STORES = frozenset({"s3", "s3a", "gcs", "gs", "abfs", "abfss", "az", "memory"})
"""fsspec protocols whose single writes are atomic."""


def is_url(out: str) -> bool:
    """Whether --out names a URL (scheme://...) rather than a folder."""
    return "://" in out


def absolute(out: str) -> str:
    """--out as every process finds it whatever its working folder: a folder made absolute, a URL as it is."""
    return out if is_url(out) else os.path.abspath(out)


@dataclass(frozen=True)
class Store:
    """A folder or URL that leaflets (`NAME.pdf`) and their records (`.handout-state/NAME.json`) are written to."""

    out: str

    def location(self, name: str) -> str:
        """Where `name` is, as the manifest shows it."""
        return f"{self.out.rstrip('/')}/{name}" if is_url(self.out) else str(Path(self.out) / name)

    def write(self, name: str, data: bytes) -> None:
        """Write `data` so that `name` appears whole or not at all."""
        if not is_url(self.out):
            write_atomically(Path(self.out) / name, data)
            return
        fs, path = _filesystem(self.location(name))
        try:
            if _protocol(fs) in OBJECT_STORES:
                fs.pipe_file(path, data)
            else:
                parent, _, leaf = path.rpartition("/")
                fs.makedirs(parent, exist_ok=True)
                temp = f"{parent}/.{leaf}.{uuid.uuid4().hex}.part"
                fs.pipe_file(temp, data)
                fs.mv(temp, path)
        except OSError as exc:
            raise InputError(f"{self.location(name)}: cannot write the file ({exc.strerror or exc})") from None

    def read(self, name: str) -> bytes | None:
        """The bytes of `name`, or None when it is not there or cannot be read."""
        try:
            if not is_url(self.out):
                return (Path(self.out) / name).read_bytes()
            fs, path = _filesystem(self.location(name))
            return bytes(fs.cat_file(path))
        except (OSError, ValueError):
            return None

    def read_made(self, name: str, sha256: str) -> bytes | None:
        """The bytes of `name` when it is there and its sha256 is `sha256` (as made); else None."""
        data = self.read(name)
        return data if data is not None and hashlib.sha256(data).hexdigest() == sha256 else None

    def unchanged(self, name: str, inputs: str) -> dict[str, Any] | None:
        """The saved record of leaflet `name` when it exists whole and was made from the same inputs."""
        record_bytes = self.read(f"{STATE_FOLDER}/{name}.json")
        if record_bytes is None:
            return None
        try:
            record = json.loads(record_bytes)
            same = (
                record.get("inputs") == inputs and self.read_made(f"{name}.pdf", str(record.get("sha256"))) is not None
            )
        except (ValueError, AttributeError):
            return None
        return record if same else None


def _filesystem(url: str) -> tuple[Any, str]:
    try:
        from fsspec.core import url_to_fs
    except ImportError:
        raise InputError(f"{url}: --out: a URL needs fsspec (pip install 'patient-handouts[dask]')") from None
    try:
        return url_to_fs(url)
    except (ImportError, ValueError) as exc:  # e.g. s3:// without s3fs installed
        raise InputError(f"--out: cannot open {url.split('://')[0]}:// URLs ({exc})") from None


def _protocol(fs: Any) -> str:
    protocol = fs.protocol
    return protocol if isinstance(protocol, str) else protocol[0]
