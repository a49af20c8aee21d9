"""Writes the structure tree into a PDF ReportLab made, with pikepdf: the last step of a tagged render.

Adds what PDF/UA-1 asks of the document beside the marked content: the structure tree
and its ParentTree, /MarkInfo, /Lang, /ViewerPreferences /DisplayDocTitle, each page's
/StructParents and /Tabs /S, and XMP metadata with dc:title and pdfuaid:part 1. Dates
come from the leaflet's made-on date, so the same inputs still give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from generator.errors import RenderError
from generator.tagging.structure import Element, MarkedContent


class _TreeWriter:
    """Turns elements into PDF structure element dictionaries, remembering which is which."""

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.pdf = pdf
        self.pages = [page.obj for page in pdf.pages]
        self.written: dict[int, pikepdf.Object] = {}

    def write(self, element: Element, parent: pikepdf.Object) -> pikepdf.Object:
        entry = self.pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name("/" + element.role), P=parent))
        self.written[id(element)] = entry
        home = next((kid.page for kid in element.kids if isinstance(kid, MarkedContent)), None)
        if home is not None:
            entry.Pg = self.pages[home - 1]
        kids: list[object] = []
        for kid in element.kids:
            if isinstance(kid, Element):
                if kid.has_content():
                    kids.append(self.write(kid, entry))
            elif kid.page == home:
                kids.append(kid.mcid)
            else:
                kids.append(Dictionary(Type=Name.MCR, Pg=self.pages[kid.page - 1], MCID=kid.mcid))
        entry.K = kids[0] if len(kids) == 1 else Array(kids)
        if element.alt is not None:
            entry.Alt = String(element.alt)
        if element.lang is not None:
            entry.Lang = String(element.lang)
        if element.scope is not None:
            entry.A = Dictionary(O=Name.Table, Scope=Name("/" + element.scope))
        return entry


def write_structure(
    pdf: bytes, document: Element, marked: dict[int, list[Element]], language: str, made_on: dt.date
) -> bytes:
    """`pdf` (marked content from a TaggingCanvas) with `document` as its structure tree, ready for PDF/UA-1."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        root = doc.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        writer = _TreeWriter(doc)
        root.K = writer.write(document, root)
        nums: list[object] = []
        for page, elements in sorted(marked.items()):
            missing = [e.role for e in elements if id(e) not in writer.written]
            if missing:
                raise RenderError(
                    f"tagging: page {page} has content of a {missing[0]} outside the document's structure"
                )
            nums += [page - 1, doc.make_indirect(Array([writer.written[id(e)] for e in elements]))]
            writer.pages[page - 1].StructParents = page - 1
        root.ParentTree = doc.make_indirect(Dictionary(Nums=Array(nums)))
        root.ParentTreeNextKey = len(writer.pages)
        for page in writer.pages:
            page.Tabs = Name.S
        catalog = doc.Root
        catalog.StructTreeRoot = root
        catalog.MarkInfo = Dictionary(Marked=True)
        catalog.Lang = String(language)
        catalog.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        info = doc.docinfo
        info.CreationDate = info.ModDate = String(f"D:{made_on:%Y%m%d}000000Z")
        stamp = f"{made_on.isoformat()}T00:00:00Z"
        with doc.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta["dc:title"] = str(info.Title)
            meta["dc:description"] = str(info.Subject)
            meta["dc:creator"] = [str(info.Author)]
            meta["dc:language"] = [language]
            meta["pdf:Keywords"] = str(info.Keywords)
            meta["pdf:Producer"] = str(info.Producer)
            meta["xmp:CreatorTool"] = str(info.Creator)
            meta["xmp:CreateDate"] = meta["xmp:ModifyDate"] = meta["xmp:MetadataDate"] = stamp
            meta["pdfuaid:part"] = "1"
        out = io.BytesIO()
        doc.save(out, deterministic_id=True, min_version="1.7")
    return out.getvalue()
