"""Tables mirrored for a leaflet read right to left: the first column on the right.

A table is laid out from its cells, column widths and style commands; mirroring reverses each row
and the widths, and maps each command's columns (and its left and right sides) to the other side,
so a right-to-left table is drawn as the mirror image of the left-to-right one. Its structure
(generator.tagging) is made from the logical rows, so it still reads first column first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

T = TypeVar("T")

_SIDES = {"LEFTPADDING": "RIGHTPADDING", "RIGHTPADDING": "LEFTPADDING", "LINEBEFORE": "LINEAFTER"}
_SIDES["LINEAFTER"] = "LINEBEFORE"
Command = tuple[Any, ...]


def mirror_rows(rows: Sequence[Sequence[T]]) -> list[list[T]]:
    """Each row's cells from right to left."""
    return [list(row)[::-1] for row in rows]


def mirror_commands(commands: Sequence[Command], columns: int) -> list[Command]:
    """Table style commands for the mirrored table of `columns` columns."""

    def mirrored(column: int) -> int:
        return columns - 1 - (column % columns)

    out = []
    for name, (first, top), (last, bottom), *rest in commands:
        start, end = sorted((mirrored(first), mirrored(last)))
        out.append((_SIDES.get(name, name), (start, top), (end, bottom), *rest))
    return out
