"""Reads a page's part of the structure tree with PDFium: which marked content is tagged, in what order.

PDFium loads, per page, the structure elements that point to that page's content (and their
ancestors), keeping each element's kid indexes as in the whole tree. The path of kid indexes
from the root therefore sorts content of every page into the tree's reading order.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import pypdfium2.raw as pdfium_c

ARTIFACT_ROLE = "Artifact"
_ROLE_CHARS = 64


@dataclass(frozen=True)
class Marked:
    """Marked content a (non-artifact) structure element points to."""

    order: tuple[int, ...]
    """Kid indexes from the structure tree's root to the content: its place in reading order."""
    mcid: int


def read_structure(page: object) -> tuple[Marked, ...]:
    """The page's tagged marked content, in reading order; empty for an untagged page."""
    tree = pdfium_c.FPDF_StructTree_GetForPage(page)
    if not tree:
        return ()
    found: list[Marked] = []
    buffer = (ctypes.c_ushort * _ROLE_CHARS)()
    try:
        for index in range(pdfium_c.FPDF_StructTree_CountChildren(tree)):
            element = pdfium_c.FPDF_StructTree_GetChildAtIndex(tree, index)
            if element:
                _walk(element, (index,), found, buffer)
    finally:
        pdfium_c.FPDF_StructTree_Close(tree)
    return tuple(found)


def _role(element: object, buffer: ctypes.Array[ctypes.c_ushort]) -> str:
    length = pdfium_c.FPDF_StructElement_GetType(element, buffer, _ROLE_CHARS * 2)
    return bytes(buffer)[: max(0, min(length, _ROLE_CHARS * 2) - 2)].decode("utf-16-le", "replace")


def _walk(element: object, path: tuple[int, ...], found: list[Marked], buffer: ctypes.Array[ctypes.c_ushort]) -> None:
    if _role(element, buffer) == ARTIFACT_ROLE:
        return
    for index in range(pdfium_c.FPDF_StructElement_CountChildren(element)):
        kid = pdfium_c.FPDF_StructElement_GetChildAtIndex(element, index)
        if kid:
            _walk(kid, (*path, index), found, buffer)
            continue
        mcid = pdfium_c.FPDF_StructElement_GetChildMarkedContentID(element, index)
        if mcid >= 0:
            found.append(Marked((*path, index), mcid))
