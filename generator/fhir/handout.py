"""What every FHIR front end (CLI, batch, web) shares: reading a bundle file, building with FHIR-path errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from generator.errors import InputError
from generator.fhir.mapping import FhirInput
from generator.pipeline import Generator, Handout, HandoutRequest
from generator.yamlio import load_data_file

T = TypeVar("T")


def read_bundle_file(path: Path) -> Any:
    """The decoded JSON of a bundle file; errors name the file, never its content."""
    return load_data_file(path, InputError)


def decode_bundle(text: str, where: str) -> Any:
    """JSON text -> data; a syntax error names the line, not the text."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}:{exc.lineno}: invalid JSON: {exc.msg}") from None


def with_fhir_paths(fhir: FhirInput, where: str, make: Callable[[], T]) -> T:
    """Run `make`; the generator's field errors name the FHIR elements they came from."""
    try:
        return make()
    except InputError as exc:
        raise fhir.explain(exc, where) from None


def build_fhir(generator: Generator, request: HandoutRequest, fhir: FhirInput, where: str) -> Handout:
    """Make the leaflet; the generator's field errors name the FHIR elements they came from."""
    return with_fhir_paths(fhir, where, lambda: generator.build(request, where))
