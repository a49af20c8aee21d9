"""Reads a leaflet's content chain back from its XMP and holds it against the content library as it is now.

A file whose content hash differs from the library's today has changed since the leaflet was made: information,
not a failure. A file the leaflet's topics print that its chain does not record is a problem.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ElementTree
from pathlib import Path, PurePosixPath

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from generator.content.approvals import ApprovalsShown, Status, file_hash, printed_files
from generator.content.chain import NAMESPACE, ChainApproval, ChainFile, ContentChain, library_path
from generator.content.library import Library
from generator.errors import ContentError, VerifyError

_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_PH = "{" + NAMESPACE + "}"
_HASH_SHOWN = 12
"""How many hex digits of a hash a report shows."""
_SHOWN: tuple[ApprovalsShown, ...] = ("names", "roles", "none")
_STATUSES: tuple[Status, ...] = ("approved", "draft", "machine-draft")


def read_xmp(pdf: Path, password: str | None = None) -> bytes | None:
    """The PDF's XMP packet, or None when it has none (or cannot be read: the page checks say why)."""
    try:
        reader = PdfReader(pdf)
        if reader.is_encrypted:
            reader.decrypt(password or "")
        metadata = reader.root_object.get("/Metadata")
        return metadata.get_object().get_data() if metadata is not None else None
    except (OSError, PyPdfError, ValueError, KeyError, AttributeError):
        return None


def _text(element: ElementTree.Element, name: str, where: str) -> str:
    found = element.find(_PH + name)
    if found is None or found.text is None:
        raise VerifyError(f"{where}: the content chain in its XMP has a file without {name}")
    return found.text.strip()


def _date(value: str, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise VerifyError(f"{where}: the content chain in its XMP has a date that is not one: {value[:40]}") from None


def _choice(value: str, allowed: tuple[str, ...], name: str, where: str) -> str:
    if value not in allowed:
        raise VerifyError(f"{where}: the content chain in its XMP has an unknown {name}: {value[:40]}")
    return value


def _file(item: ElementTree.Element, where: str) -> ChainFile:
    approvals = tuple(
        ChainApproval(_text(li, "role", where), _date(_text(li, "date", where), where), li.findtext(_PH + "name", ""))
        for li in item.iterfind(f"{_PH}approvals/{_RDF}Seq/{_RDF}li")
    )
    status = _choice(_text(item, "status", where), _STATUSES, "status", where)
    return ChainFile(
        _text(item, "path", where),
        _text(item, "language", where),
        _text(item, "sha256", where),
        _text(item, "origin", where),
        status,  # type: ignore[arg-type]  # checked against _STATUSES
        approvals,
    )


def parse_chain(xmp: bytes, where: str) -> ContentChain | None:
    """The content chain an XMP packet records; None when it records none; a VerifyError when it cannot be read."""
    if b"<!DOCTYPE" in xmp or b"<!ENTITY" in xmp:
        raise VerifyError(f"{where}: its XMP declares a DOCTYPE or entities, which a leaflet's never does")
    try:
        root = ElementTree.fromstring(xmp)
    except ElementTree.ParseError as exc:
        raise VerifyError(f"{where}: its XMP is not well-formed XML ({exc})") from None
    for description in root.iter(_RDF + "Description"):
        files = description.find(_PH + "files")
        if files is None:
            continue
        shown = _choice(_text(description, "approvalsInPdf", where), _SHOWN, "approvalsInPdf", where)
        made_on = _date(_text(description, "madeOn", where), where)
        items = tuple(_file(item, where) for item in files.iterfind(f"{_RDF}Seq/{_RDF}li"))
        return ContentChain(made_on, shown, items)  # type: ignore[arg-type]  # checked against _SHOWN
    return None


def _approvals(file: ChainFile, shown: ApprovalsShown) -> str:
    if shown == "none":
        return "not recorded"
    if not file.approvals:
        return "none"
    said = [
        f"{e.name} ({e.role}) {e.date.isoformat()}" if e.name else f"{e.role} {e.date.isoformat()}"
        for e in file.approvals
    ]
    return ", ".join(said)


def _library_file(library: Library, path: str) -> Path | None:
    """The library's file at a path the PDF names; None for a path that leaves the library."""
    relative = PurePosixPath(path)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        return None
    return library.root.joinpath(*relative.parts)


def _since(library: Library, file: ChainFile) -> str:
    """What became of the file in the library since the leaflet was made ("" when unchanged)."""
    found = _library_file(library, file.path)
    if found is None or not found.is_file():
        return "; not in the library now"
    try:
        current = file_hash(found)
    except ContentError:
        return "; cannot be read in the library now"
    return "; changed since this leaflet was made" if current != file.sha256 else ""


def chain_lines(chain: ContentChain, library: Library) -> list[str]:
    """A heading line, then one line per file: path, language, status, approvals, hash prefix, and any change."""
    lines = [
        f"Content chain (the PDF's XMP; made {chain.made_on.isoformat()}, approvals recorded as {chain.shown}): "
        f"{chain.summary}"
    ]
    for file in chain.files:
        lines.append(
            f"  {file.path} ({file.language}): {file.status}; approvals: {_approvals(file, chain.shown)}; "
            f"sha256 {file.sha256[:_HASH_SHOWN]}{_since(library, file)}"
        )
    return lines


def unrecorded(chain: ContentChain, library: Library, topics: list[str], language: str) -> list[str]:
    """The files a leaflet of `topics` in `language` prints (as the library is now) that `chain` does not record."""
    recorded = {(file.path, file.language) for file in chain.files}
    problems = []
    for topic in topics:
        for printed in printed_files(library, topic, language):
            key = (library_path(printed.path, library.root), printed.language)
            if key not in recorded:
                problems.append(f"content chain: {key[0]} ({key[1]}) is printed by '{topic}' but not in the PDF's XMP")
    return list(dict.fromkeys(problems))
