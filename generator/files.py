"""Writing files so that they appear whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from generator.errors import InputError


def write_atomically(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write `data` so that `path` appears whole or not at all; with the usual mode, or `mode` (e.g. 0o600 for a
    file only its owner may read)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise InputError(f"{path}: cannot write the file ({exc.strerror or exc.__class__.__name__})") from None
    try:
        os.fchmod(handle, 0o666 & ~_umask() if mode is None else mode)  # mkstemp makes 0600
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except OSError as exc:
        os.unlink(temp)
        raise InputError(f"{path}: cannot write the file ({exc.strerror or exc.__class__.__name__})") from None
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
