"""Medicines that should not be taken together without the prescriber knowing: warnings for staff when one
leaflet holds two medicines of the same class (two that make people sleepy, two muscle relaxants).

Each topic lists its `classes`; the library's `classes.yaml` says, for each class, what staff are told
and where that comes from. The leaflet is still made: the prescriber may mean it.
"""

from __future__ import annotations

import functools
from pathlib import Path

from pydantic import Field, RootModel

from generator.content.schema import StrictModel, parse_model
from generator.errors import ContentError
from generator.yamlio import load_mapping

CLASSES_FILE = "classes.yaml"


class MedicineClass(StrictModel):
    """A class of medicines, and what staff are told when a leaflet holds two of it."""

    says: str = Field(min_length=1)
    """The warning, action first, in plain words for staff."""
    source: str = Field(min_length=1)
    """Where it comes from (label sections, guidance)."""


class MedicineClasses(RootModel[dict[str, MedicineClass]]):
    """Every class a topic may name, by key."""


@functools.cache
def load_classes(library_root: Path) -> dict[str, MedicineClass]:
    """The library's classes of medicines (none when it has no classes file)."""
    path = library_root / CLASSES_FILE
    if not path.is_file():
        return {}
    return parse_model(MedicineClasses, load_mapping(path, ContentError), str(path), ContentError).root


def combination_warnings(
    classes: dict[str, MedicineClass], medicines: list[tuple[str, list[str]]]
) -> list[tuple[str, str]]:
    """(field, message) for each class two or more of `medicines` ((name, its classes)) share."""
    found = []
    for key, medicine_class in classes.items():
        names = [name for name, named in medicines if key in named]
        if len(names) > 1:
            found.append(("prescriptions", f"{medicine_class.says} ({', '.join(names)}; {medicine_class.source})"))
    return found
