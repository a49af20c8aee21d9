"""HL7 Infobutton (URL-based implementation guide) requests -> a feed of the topic that matches the code.

The answer follows MedlinePlus Connect's shape: an Atom feed (text/xml) or its JSON
rendering (application/json) with one entry per matching topic. A code, code system,
language or recipient the library has nothing for gives an empty feed, not an error.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.content.codes import CodeIndex
from generator.content.library import Library
from generator.errors import InputError

RXNORM_OID = "2.16.840.1.113883.6.88"
ATOM = "http://www.w3.org/2005/Atom"
RESPONSE_TYPES = ("text/xml", "application/atom+xml", "application/json", "application/pdf")
RECIPIENTS = ("PAT", "PROV", "PAYOR")
GENDERS = ("M", "F", "UN")
AGE_UNITS = ("a", "mo", "wk", "d")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_NUMBER = re.compile(r"^[0-9]{1,3}(\.[0-9]+)?$")


@dataclass(frozen=True)
class InfobuttonQuery:
    """The parameters of one knowledge request that this service reads."""

    code: str
    code_system: str
    language: str
    response_type: str
    recipient: str

    def categories(self) -> list[tuple[str, str]]:
        """The request echoed as Atom categories (scheme, term), as MedlinePlus Connect does."""
        return [
            ("mainSearchCriteria.v.c", self.code),
            ("mainSearchCriteria.v.cs", self.code_system),
            ("informationRecipient", self.recipient),
            ("informationRecipient.languageCode.c", self.language),
        ]


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

    code, system = get("mainSearchCriteria.v.c"), get("mainSearchCriteria.v.cs")
    for name, value in (("mainSearchCriteria.v.c", code), ("mainSearchCriteria.v.cs", system)):
        if value is None:
            problems.append((name, "missing"))
    language = get("informationRecipient.languageCode.c", "en") or "en"
    if not _LANGUAGE.match(language):
        problems.append(("informationRecipient.languageCode.c", "expected a language code such as en or es"))
    response = get("knowledgeResponseType", "text/xml") or "text/xml"
    if response not in RESPONSE_TYPES:
        problems.append(("knowledgeResponseType", f"expected one of {', '.join(RESPONSE_TYPES)}"))
    recipient = get("informationRecipient", "PAT") or "PAT"
    if recipient not in RECIPIENTS:
        problems.append(("informationRecipient", f"expected one of {', '.join(RECIPIENTS)}"))
    gender = get("administrativeGenderCode.c")
    if gender is not None and gender not in GENDERS:
        problems.append(("administrativeGenderCode.c", f"expected one of {', '.join(GENDERS)}"))
    age, unit = get("age.v.v"), get("age.v.u")
    if age is not None and not _NUMBER.match(age):
        problems.append(("age.v.v", "expected a number"))
    if (age is None) != (unit is None) or (unit is not None and unit not in AGE_UNITS):
        problems.append(("age.v.u", f"give age.v.v with a unit: {', '.join(AGE_UNITS)}"))
    if problems:
        text = "; ".join(f"{name}: {message}" for name, message in problems)
        raise InputError(f"request: {text}", tuple(problems))
    assert code is not None and system is not None
    return InfobuttonQuery(code, system, language.split("-")[0].lower(), response, recipient)


def find_entries(
    query: InfobuttonQuery, library: Library, index: CodeIndex, leaflet_url: str | None
) -> list[FeedEntry]:
    """The leaflets for the request: the topic its RxNorm code selects, in the asked language, for patients."""
    if query.code_system != RXNORM_OID or query.recipient != "PAT":
        return []
    match = index.get(query.code)
    if match is None or query.language not in library.languages(match.topic):
        return []
    topic = library.topic(match.topic)
    words = library.topic_words(match.topic, query.language)
    link = leaflet_url.replace("{topic}", match.topic) if leaflet_url else None
    return [FeedEntry(match.topic, words.title, words.subtitle, query.language, topic.content_version, link)]


def _entry_id(entry: FeedEntry) -> str:
    return f"tag:patient-handouts,{entry.version}:{entry.topic}/{entry.language}"


def json_feed(query: InfobuttonQuery, entries: list[FeedEntry], updated: dt.datetime) -> dict[str, Any]:
    """The feed in MedlinePlus Connect's JSON rendering of Atom (`_value` for element text)."""
    stamp = updated.isoformat()
    return {
        "feed": {
            "lang": query.language,
            "title": {"_value": "patient-handouts Infobutton", "type": "text"},
            "subtitle": {"_value": f"Leaflets for RxCUI {query.code}", "type": "text"},
            "updated": {"_value": stamp},
            "id": {"_value": f"urn:patient-handouts:infobutton:{query.code_system}:{query.code}"},
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
    sub(feed, "subtitle", f"Leaflets for RxCUI {query.code}", type="text")
    sub(feed, "updated", updated.isoformat())
    sub(feed, "id", f"urn:patient-handouts:infobutton:{query.code_system}:{query.code}")
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
