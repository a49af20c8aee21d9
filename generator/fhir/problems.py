"""Collects every problem of one FHIR input, each with its FHIR path, and reports them together."""

from __future__ import annotations

from generator.errors import InputError


class Problems:
    """Problems found so far; `raise_if_any` turns them into one InputError naming each FHIR path."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.found: list[tuple[str, str]] = []

    def add(self, path: str, message: str) -> None:
        """Record one problem at `path` (messages never quote the patient's values)."""
        self.found.append((path, message))

    def fail(self, path: str, message: str) -> InputError:
        """Record a problem that stops the reading at once; raise the result."""
        self.add(path, message)
        return self.error()

    def error(self) -> InputError:
        """Every problem so far as one InputError."""
        text = "; ".join(f"{path}: {message}" for path, message in self.found)
        return InputError(f"{self.where}: {text}", tuple(self.found))

    def raise_if_any(self) -> None:
        """Stop when anything was found."""
        if self.found:
            raise self.error()
