"""Batch progress: a bar with rate and ETA on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from tqdm import tqdm


class _Bar(tqdm):  # type: ignore[type-arg]
    """A bar without tqdm's monitor thread: the batch forks its workers and no thread may be alive then."""

    monitor_interval = 0


class Progress:
    """Counts finished rows; never prints patient data, only counts and rates."""

    def __init__(self, total: int, stream: TextIO | None = None, every_seconds: float = 10.0) -> None:
        stream = stream or sys.stderr
        self.total, self.stream, self.every = total, stream, every_seconds
        self.done = 0
        self.start = self.last = time.monotonic()
        self.bar = _Bar(total=total, unit="leaflet", file=stream, dynamic_ncols=True) if stream.isatty() else None

    def step(self) -> None:
        """One more row finished."""
        self.done += 1
        if self.bar is not None:
            self.bar.update()
            return
        now = time.monotonic()
        if now - self.last >= self.every or self.done == self.total:
            self.last = now
            rate = self.done / max(now - self.start, 1e-9)
            eta = (self.total - self.done) / rate if rate else 0.0
            print(
                f"progress: {self.done}/{self.total} rows, {rate:.1f}/s, ETA {eta:.0f}s", file=self.stream, flush=True
            )

    def message(self, text: str) -> None:
        """A line (e.g. a failed row) that does not break the bar."""
        if self.bar is not None:
            self.bar.write(text, file=self.stream)
        else:
            print(text, file=self.stream, flush=True)

    def close(self) -> None:
        """Finish the bar."""
        if self.bar is not None:
            self.bar.close()

    @property
    def elapsed(self) -> float:
        """Seconds since the batch started."""
        return time.monotonic() - self.start
