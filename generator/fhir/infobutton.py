"""HL7 Infobutton (URL-based implementation guide) requests -> a feed of the topic the code or name selects.

A request names the medicine by an RxNorm code, an NDC, or its name (`mainSearchCriteria.v.dn`).
The answer follows MedlinePlus Connect's shape: an Atom feed (text/xml) or its JSON
rendering (application/json) with one entry per matching topic. A code, name, code system,
language or recipient the library has nothing for gives an empty feed, not an error.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from generator.content.codes import CodeIndex
from generator.content.library import Library
from generator.content.ndc import NDC_OID, product_key
from generator.errors import InputError
from generator.languages import LanguageCodeError, leaflet_language

RXNORM_OID = "2.16.840.1.113883.6.88"
CODE_SYSTEMS = (RXNORM_OID, NDC_OID)
ATOM = "http://www.w3.org/2005/Atom"
RESPONSE_TYPES = ("text/xml", "application/atom+xml", "application/json", "application/pdf")
RECIPIENTS = ("PAT", "PROV", "PAYOR")
READERS = ("PAT", "PROV")
"""Recipients the leaflets are for: patients, and providers who hand them out (payors get an empty feed)."""
GENDERS = ("M", "F", "UN")
GENDER_PARAMETERS = ("patientPerson.administrativeGenderCode.c", "administrativeGenderCode.c")
"""The implementation guide's name, and the shorter one this service read before."""
AGE_UNITS = ("a", "mo", "wk", "d")
_NUMBER = re.compile(r"^[0-9]{1,3}(\.[0-9]+)?$")
CODE, SYSTEM, NAME = "mainSearchCriteria.v.c", "mainSearchCriteria.v.cs", "mainSearchCriteria.v.dn"


@dataclass(frozen=True)
class InfobuttonQuery:
    """The parameters of one knowledge request that this service reads."""

    code: str | None
    code_system: str | None
    name: str | None
    language: str
    response_type: str
    recipient: str

    def categories(self) -> list[tuple[str, str]]:
        """The request echoed as Atom categories (scheme, term), as MedlinePlus Connect does."""
        asked = [(CODE, self.code), (SYSTEM, self.code_system), (NAME, self.name)]
        return [(scheme, term) for scheme, term in asked if term is not None] + [
            ("informationRecipient", self.recipient),
            ("informationRecipient.languageCode.c", self.language),
        ]

    def feed_id(self) -> str:
        """The feed's id: the code asked for, or the name when no code was given."""
        if self.code is not None:
            return f"urn:patient-handouts:infobutton:{self.code_system}:{quote(self.code)}"
        return f"urn:patient-handouts:infobutton:dn:{quote(self.name or '')}"


@dataclass(frozen=True)
class FeedEntry:
    """One matching leaflet."""

    topic: str
    title: str
    summary: str
    language: str
    version: str
    link: str | None


def parse_query(params: Mapping[str, str]) -> InfobuttonQuery:
    """Check the Infobutton parameters; a malformed request names each bad parameter."""
    problems: list[tuple[str, str]] = []

    def get(name: str, default: str | None = None) -> str | None:
        value = params.get(name)
        return value.strip() if value is not None and value.strip() else default

    code, system, name = get(CODE), get(SYSTEM), get(NAME)
    if code is None and name is None:
        problems.append((CODE, f"missing: give a code (with {SYSTEM}) or the medicine's name ({NAME})"))
    if code is not None and system is None:
        problems.append((SYSTEM, "missing: the code system of mainSearchCriteria.v.c"))
    if code is not None and system == NDC_OID:
        try:
            product_key(code)
        except ValueError as exc:
            problems.append((CODE, str(exc)))
    try:
        language = leaflet_language(get("informationRecipient.languageCode.c", "en") or "en")
    except LanguageCodeError as exc:
        language = ""
        problems.append(("informationRecipient.languageCode.c", str(exc)))
    response = get("knowledgeResponseType", "text/xml") or "text/xml"
    if response not in RESPONSE_TYPES:
        problems.append(("knowledgeResponseType", f"expected one of {', '.join(RESPONSE_TYPES)}"))
    recipient = get("informationRecipient", "PAT") or "PAT"
    if recipient not in RECIPIENTS:
        problems.append(("informationRecipient", f"expected one of {', '.join(RECIPIENTS)}"))
    for parameter in GENDER_PARAMETERS:
        gender = get(parameter)
        if gender is not None and gender not in GENDERS:
            problems.append((parameter, f"expected one of {', '.join(GENDERS)}"))
    age, unit = get("age.v.v"), get("age.v.u")
    if age is not None and not _NUMBER.match(age):
        problems.append(("age.v.v", "expected a number"))
    if (age is None) != (unit is None) or (unit is not None and unit not in AGE_UNITS):
        problems.append(("age.v.u", f"give age.v.v with a unit: {', '.join(AGE_UNITS)}"))
    if problems:
        text = "; ".join(f"{name}: {message}" for name, message in problems)
        raise InputError(f"request: {text}", tuple(problems))
    return InfobuttonQuery(code, system, name, language, response, recipient)


def _topic_of(query: InfobuttonQuery, index: CodeIndex) -> str | None:
    """The topic the request's code selects (RxNorm or NDC), else the one its medicine name names."""
    match = None
    if query.code is not None and query.code_system == RXNORM_OID:
        match = index.get(query.code)
    elif query.code is not None and query.code_system == NDC_OID:
        match = index.get_ndc(product_key(query.code))
    if match is not None:
        return match.topic
    return index.by_name(query.name) if query.name is not None else None


def find_entries(
    query: InfobuttonQuery, library: Library, index: CodeIndex, leaflet_url: str | None
) -> list[FeedEntry]:
    """The leaflets for the request: the topic its code or medicine name selects, in the asked language."""
    if query.recipient not in READERS:
        return []
    topic = _topic_of(query, index)
    if topic is None or query.language not in library.languages(topic):
        return []
    words = library.topic_words(topic, query.language)
    link = leaflet_url.replace("{topic}", topic) if leaflet_url else None
    version = library.topic(topic).content_version
    return [FeedEntry(topic, words.title, words.subtitle, query.language, version, link)]


def _subtitle(entries: list[FeedEntry]) -> str:
    """What the feed holds, by medicine (never the code asked for)."""
    return f"Leaflets for {', '.join(entry.title for entry in entries)}" if entries else "No leaflet for this request"


def _entry_id(entry: FeedEntry) -> str:
    return f"tag:patient-handouts,{entry.version}:{entry.topic}/{entry.language}"


def json_feed(query: InfobuttonQuery, entries: list[FeedEntry], updated: dt.datetime) -> dict[str, Any]:
    """The feed in MedlinePlus Connect's JSON rendering of Atom (`_value` for element text)."""
    stamp = updated.isoformat()
    return {
        "feed": {
            "lang": query.language,
            "title": {"_value": "patient-handouts Infobutton", "type": "text"},
            "subtitle": {"_value": _subtitle(entries), "type": "text"},
            "updated": {"_value": stamp},
            "id": {"_value": query.feed_id()},
            "category": [{"scheme": scheme, "term": term} for scheme, term in query.categories()],
            "entry": [
                {
                    "lang": entry.language,
                    "title": {"_value": entry.title, "type": "text"},
                    "link": [{"title": entry.title, "rel": "alternate", "type": "html", "href": entry.link}]
                    if entry.link
                    else [],
                    "id": {"_value": _entry_id(entry)},
                    "updated": {"_value": stamp},
                    "summary": {"_value": entry.summary, "type": "text"},
                }
                for entry in entries
            ],
        }
    }


def atom_feed(query: InfobuttonQuery, entries: list[FeedEntry], updated: dt.datetime) -> bytes:
    """The feed as Atom XML (the Infobutton SOA implementation guide's knowledge response)."""
    ET.register_namespace("", ATOM)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        element.text = text
        return element

    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": query.language})
    sub(feed, "title", "patient-handouts Infobutton", type="text")
    sub(feed, "subtitle", _subtitle(entries), type="text")
    sub(feed, "updated", updated.isoformat())
    sub(feed, "id", query.feed_id())
    author = sub(feed, "author")
    sub(author, "name", "patient-handouts")
    for scheme, term in query.categories():
        sub(feed, "category", scheme=scheme, term=term)
    for entry in entries:
        node = sub(feed, "entry", **{"{http://www.w3.org/XML/1998/namespace}lang": entry.language})
        sub(node, "title", entry.title, type="text")
        if entry.link:
            sub(node, "link", rel="alternate", type="text/html", href=entry.link, title=entry.title)
        sub(node, "id", _entry_id(entry))
        sub(node, "updated", updated.isoformat())
        sub(node, "summary", entry.summary, type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
