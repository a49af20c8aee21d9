"""Reads a page's part of the structure tree with PDFium: which marked content is tagged, in what order.

PDFium loads, per page, the structure elements that point to that page's content (and their
ancestors), keeping each element's kid indexes as in the whole tree. The path of kid indexes
from the root therefore sorts content of every page into the tree's reading order.
"""

from __future__ import annotations

import ctypes
from typing import NamedTuple

import pypdfium2.raw as pdfium_c

from generator.verify import pdfium_calls as pdfium

ARTIFACT_ROLE = "Artifact"
_ROLE_CHARS = 64


class Marked(NamedTuple):
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
    role = (ctypes.c_ushort * _ROLE_CHARS)()
    try:
        for index in range(pdfium_c.FPDF_StructTree_CountChildren(tree)):
            element = pdfium_c.FPDF_StructTree_GetChildAtIndex(tree, index)
            if element:
                _walk(pdfium.address(element), (index,), found, role)
    finally:
        pdfium_c.FPDF_StructTree_Close(tree)
    return tuple(found)


_ARTIFACT = (ARTIFACT_ROLE + "\0").encode("utf-16-le")
"""What PDFium writes for an Artifact element's role: UTF-16LE with the closing NUL."""


def _is_artifact(element: int, role: ctypes.Array[ctypes.c_ushort]) -> bool:
    length = pdfium.element_role(element, role, _ROLE_CHARS * 2)
    return length == len(_ARTIFACT) and ctypes.string_at(role, length) == _ARTIFACT


def _walk(element: int, path: tuple[int, ...], found: list[Marked], role: ctypes.Array[ctypes.c_ushort]) -> None:
    if _is_artifact(element, role):
        return
    for index in range(pdfium.count_kids(element)):
        kid = pdfium.kid_element(element, index)
        if kid:
            _walk(kid, (*path, index), found, role)
            continue
        mcid = pdfium.kid_mcid(element, index)
        if mcid >= 0:
            found.append(Marked((*path, index), mcid))
