"""Writes the structure tree into a PDF ReportLab made, with pikepdf: the last step of a tagged render.

Adds what PDF/UA-1 asks of the document beside the marked content: the structure tree
and its ParentTree, /MarkInfo, /Lang, /ViewerPreferences /DisplayDocTitle, each page's
/StructParents and /Tabs /S, and XMP metadata with dc:title and pdfuaid:part 1. Dates
come from the leaflet's made-on date, so the same inputs still give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from xml.sax.saxutils import escape

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from generator.errors import RenderError
from generator.tagging.canvas import Marked
from generator.tagging.structure import Element, MarkedContent

_XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
   <dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
   <dc:language><rdf:Bag><rdf:li>{language}</rdf:li></rdf:Bag></dc:language>
   <pdf:Keywords>{keywords}</pdf:Keywords>
   <pdf:Producer>{producer}</pdf:Producer>
   <xmp:CreatorTool>{creator}</xmp:CreatorTool>
   <xmp:CreateDate>{date}</xmp:CreateDate>
   <xmp:ModifyDate>{date}</xmp:ModifyDate>
   <xmp:MetadataDate>{date}</xmp:MetadataDate>
   <pdfuaid:part>1</pdfuaid:part>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
"""XMP metadata: the document information, plus the PDF/UA-1 identification."""
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(value: object) -> str:
    return escape(_NOT_XML.sub("", str(value)))


def _with_content(element: Element, found: set[int]) -> bool:
    """Collect the ids of `element` and every element under it that has marked content below it."""
    has = False
    for kid in element.kids:
        has = (_with_content(kid, found) if isinstance(kid, Element) else True) or has
    if has:
        found.add(id(element))
    return has


class _TreeWriter:
    """Turns elements into PDF structure element dictionaries, remembering which is which."""

    def __init__(self, pdf: pikepdf.Pdf, document: Element) -> None:
        self.pdf = pdf
        self.pages = [page.obj for page in pdf.pages]
        self.written: dict[int, pikepdf.Object] = {}
        self.kept: set[int] = set()
        _with_content(document, self.kept)

    def write(self, element: Element, parent: pikepdf.Object) -> pikepdf.Object:
        fields: dict[str, object] = {"/Type": Name.StructElem, "/S": _name(element.role), "/P": parent}
        home = next((kid.page for kid in element.kids if isinstance(kid, MarkedContent)), None)
        if home is not None:
            fields["/Pg"] = self.pages[home - 1]
        if element.alt is not None:
            fields["/Alt"] = String(element.alt)
        if element.lang is not None:
            fields["/Lang"] = String(element.lang)
        if element.scope is not None:
            fields["/A"] = Dictionary({"/O": Name.Table, "/Scope": _name(element.scope)})
        entry = self.pdf.make_indirect(Dictionary(fields))
        self.written[id(element)] = entry
        kids: list[object] = []
        for kid in element.kids:
            if isinstance(kid, Element):
                if id(kid) in self.kept:
                    kids.append(self.write(kid, entry))
            elif kid.page == home:
                kids.append(kid.mcid)
            else:
                kids.append(Dictionary({"/Type": Name.MCR, "/Pg": self.pages[kid.page - 1], "/MCID": kid.mcid}))
        entry.K = kids[0] if len(kids) == 1 else kids
        return entry


@functools.cache
def _name(value: str) -> Name:
    return Name("/" + value)


def write_structure(pdf: bytes, document: Element, marked: Marked, language: str, made_on: dt.date) -> bytes:
    """`pdf` (marked content from a TaggingCanvas) with `document` as its structure tree, ready for PDF/UA-1."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        root = doc.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        writer = _TreeWriter(doc, document)
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
        for page_object in writer.pages:
            page_object.Tabs = Name.S
        info = doc.docinfo
        info.CreationDate = info.ModDate = String(f"D:{made_on:%Y%m%d}000000Z")
        xmp = _XMP.format(
            title=_xml(info.Title),
            subject=_xml(info.Subject),
            author=_xml(info.Author),
            language=_xml(language),
            keywords=_xml(info.Keywords),
            producer=_xml(info.Producer),
            creator=_xml(info.Creator),
            date=f"{made_on.isoformat()}T00:00:00Z",
        )
        catalog = doc.Root
        catalog.Metadata = doc.make_stream(xmp.encode("utf-8"), Type=Name.Metadata, Subtype=Name.XML)
        catalog.StructTreeRoot = root
        catalog.MarkInfo = Dictionary(Marked=True)
        catalog.Lang = String(language)
        catalog.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        out = io.BytesIO()
        doc.save(
            out,
            deterministic_id=True,
            min_version="1.7",
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            fix_metadata_version=False,
        )
    return out.getvalue()
