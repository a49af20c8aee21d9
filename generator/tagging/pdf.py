"""Adds the structure tree to the PDF a TaggingCanvas is saving: the last step of a tagged render.

Adds what PDF/UA-1 asks of the document beside the marked content: the structure tree
and its ParentTree, /MarkInfo, /Lang, /ViewerPreferences /DisplayDocTitle, each page's
/StructParents and /Tabs /S, and XMP metadata (generator.tagging.xmp). Dates
come from the leaflet's made-on date, so the same inputs still give the same bytes.

The objects go into ReportLab's own document before it writes the file, so the PDF is
written once (reading it back and saving it again with another library cost a fifth of
a render). Each structure element formats itself as bytes when ReportLab writes it, by
which time every object has its number.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import NamedTuple

from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFDocument, PDFName, PDFObject, PDFPage, PDFString

from generator.content.chain import ContentChain
from generator.errors import RenderError
from generator.tagging.structure import Element, MarkedContent
from generator.tagging.xmp import xmp_packet

Marked = dict[int, list[Element]]
"""Page number -> the element each marked-content id of the page belongs to (the id is the index)."""

_ROLE = re.compile("[A-Za-z][A-Za-z0-9]*")
_PAGE_KEYS = [*PDFPage.__NoDefault__, "StructParents", "Tabs"]
"""What a page dictionary writes when set: ReportLab's keys and the two a tagged page adds."""


@dataclass(frozen=True)
class Structure:
    """The structure tree a TaggingCanvas writes when it saves, and what the document's metadata says of it."""

    document: Element
    language: str
    made_on: dt.date
    chain: ContentChain | None = None
    """The files the leaflet prints, their hashes, status and approvals, for its XMP."""


@functools.cache
def _name(value: str) -> bytes:
    if not _ROLE.fullmatch(value):
        raise RenderError(f"tagging: '{value[:40]}' is not a structure name")
    return b"/" + value.encode("ascii")


class _Body(PDFObject):
    """An indirect object written as given: bytes, and text strings ReportLab formats (and would encrypt)."""

    __RefOnly__ = 1
    parts: bytes | list[bytes | PDFString]
    """The whole object as bytes, or its pieces when it holds text strings."""

    def format(self, document: PDFDocument) -> bytes:
        parts = self.parts
        if isinstance(parts, bytes):
            return parts
        return b"".join(part if isinstance(part, bytes) else part.format(document) for part in parts)


class _Metadata(PDFObject):
    """The XMP metadata stream, uncompressed as PDF/A and PDF/UA readers expect."""

    __RefOnly__ = 1

    def __init__(self, xmp: str) -> None:
        self.xmp = xmp.encode("utf-8")

    def format(self, document: PDFDocument) -> bytes:
        content = document.encrypt.encode(self.xmp)
        return b"<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n%s\nendstream\n" % (len(content), content)


def _with_content(element: Element, found: set[int]) -> bool:
    """Collect the ids of `element` and every element under it that has marked content below it."""
    has = False
    for kid in element.kids:
        has = (_with_content(kid, found) if isinstance(kid, Element) else True) or has
    if has:
        found.add(id(element))
    return has


class _Written(NamedTuple):
    element: Element
    body: _Body
    parent: bytes
    """Reference of the parent element (or of the StructTreeRoot)."""


class _Registry:
    """Objects registered with ReportLab's document, whose `N 0 R` is known as soon as they are."""

    def __init__(self, document: PDFDocument) -> None:
        self.document = document
        self.pages = [self.ref(page) for page in document.Pages.pages]

    def ref(self, obj: PDFObject) -> bytes:
        name = self.document.Reference(obj).name
        return b"%d %d R" % self.document.idToObjectNumberAndVersion[name]

    def add(self, parts: list[bytes | PDFString]) -> bytes:
        body = _Body()
        body.parts = parts
        return self.ref(body)


def _register(tree: Element, parent: bytes, registry: _Registry) -> tuple[list[_Written], dict[int, bytes]]:
    """Register an object for `tree` and every element under it with content, in tree order; and their
    references by element id (all known before any dictionary is written, so each is written once)."""
    kept: set[int] = set()
    _with_content(tree, kept)
    written: list[_Written] = []
    refs: dict[int, bytes] = {}

    def visit(element: Element, parent: bytes) -> None:
        body = _Body()
        refs[id(element)] = ref = registry.ref(body)
        written.append(_Written(element, body, parent))
        for kid in element.kids:
            if isinstance(kid, Element) and id(kid) in kept:
                visit(kid, ref)

    visit(tree, parent)
    return written, refs


def _element_parts(
    element: Element, parent: bytes, refs: dict[int, bytes], pages: list[bytes]
) -> bytes | list[bytes | PDFString]:
    """A structure element's dictionary: its role, parent, page, attributes and kids."""
    home = None
    for kid in element.kids:
        if isinstance(kid, MarkedContent):
            home = kid.page
            break
    parts: list[bytes | PDFString] = [b"<< /Type /StructElem /S ", _name(element.role), b" /P ", parent]
    if home is not None:
        parts += [b" /Pg ", pages[home - 1]]
    if element.alt is not None:
        parts += [b" /Alt ", PDFString(element.alt)]
    if element.lang is not None:
        parts += [b" /Lang ", PDFString(element.lang)]
    if element.scope is not None:
        parts += [b" /A << /O /Table /Scope ", _name(element.scope), b" >>"]
    kids: list[bytes] = []
    for kid in element.kids:
        if isinstance(kid, Element):
            if id(kid) in refs:
                kids.append(refs[id(kid)])
        elif kid.page == home:
            kids.append(b"%d" % kid.mcid)
        else:
            kids.append(b"<< /Type /MCR /Pg %s /MCID %d >>" % (pages[kid.page - 1], kid.mcid))
    parts += [b" /K ", kids[0] if len(kids) == 1 else b"[" + b" ".join(kids) + b"]", b" >>"]
    if element.alt is None and element.lang is None:
        return b"".join(parts)  # type: ignore[arg-type]  # bytes only
    return parts


def add_structure(document: PDFDocument, structure: Structure, marked: Marked) -> None:
    """Put `structure` into ReportLab's `document` (all pages shown, not yet saved) as its structure tree."""
    registry = _Registry(document)
    root = _Body()
    written, refs = _register(structure.document, registry.ref(root), registry)
    for element, body, parent in written:
        body.parts = _element_parts(element, parent, refs, registry.pages)
    nums: list[bytes] = []
    for page, content in sorted(marked.items()):
        missing = [e.role for e in content if id(e) not in refs]
        if missing:
            raise RenderError(f"tagging: page {page} has content of a {missing[0]} outside the document's structure")
        nums.append(b"%d %s" % (page - 1, registry.add([b"[", b" ".join(refs[id(e)] for e in content), b"]"])))
        document.Pages.pages[page - 1].StructParents = page - 1
    parent_tree = registry.add([b"<< /Nums [", b" ".join(nums), b"] >>"])
    top, count = refs[id(structure.document)], len(registry.pages)
    root.parts = [b"<< /Type /StructTreeRoot /K %s /ParentTree %s /ParentTreeNextKey %d >>" % (top, parent_tree, count)]
    for page_object in document.Pages.pages:
        page_object.__NoDefault__ = _PAGE_KEYS
        page_object.Tabs = PDFName("S")
    document.Catalog.StructTreeRoot = root
    _add_metadata(document, structure)


def _add_metadata(document: PDFDocument, structure: Structure) -> None:
    """Dates, XMP and the catalog's entries; and the file's /ID drawn from what its pages draw (ReportLab's own,
    in invariant mode, depends only on the document information: two patients' leaflets would share it)."""
    for page in document.Pages.pages:
        document.updateSignature(page.stream)
    info, catalog = document.info, document.Catalog
    stamp = f"D:{structure.made_on:%Y%m%d}000000Z"
    info._dateFormatter = lambda *_: stamp
    fields = ("title", "subject", "author", "keywords", "producer", "creator")
    xmp = xmp_packet(
        {key: getattr(info, key) for key in fields}, structure.language, structure.made_on, structure.chain
    )
    catalog.Metadata = _Metadata(xmp)
    catalog.MarkInfo = PDFDictionary({"Marked": "true"})
    catalog.Lang = PDFString(structure.language)
    catalog.ViewerPreferences = PDFDictionary({"DisplayDocTitle": "true"})
