"""Reading a FHIR R4 Bundle with the fhir.resources R4B models and resolving references inside it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.resource import Resource
from pydantic import ValidationError

from generator.content.schema import describe_location
from generator.fhir.json_types import json_type_problems
from generator.fhir.problems import Problems

_ABSOLUTE = re.compile(r"^(https?://|urn:)")
_VERSION = re.compile(r"/_history/[^/]+$")
"""A version-specific reference's tail: Patient/1/_history/2 is Patient/1."""


def _base(entry: Entry) -> str | None:
    """The server base of an entry's http(s) fullUrl ending Type/id (https://ehr/fhir for https://ehr/fhir/Patient/1)."""
    suffix = f"/{entry.type}/{entry.resource.id}"
    url = entry.full_url or ""
    return (
        url.removesuffix(suffix)
        if _ABSOLUTE.match(url) and not url.startswith("urn:") and url.endswith(suffix)
        else None
    )


@dataclass(frozen=True)
class Entry:
    """One resource of the bundle, with where it sits."""

    index: int
    full_url: str | None
    resource: Resource

    @property
    def type(self) -> str:
        """The resource type, e.g. Patient."""
        return self.resource.get_resource_type()


def _message(err: dict[str, Any]) -> str:
    if err["type"] == "extra_forbidden":
        return "unknown element"
    if err["type"] == "missing":
        return "missing required element"
    text = str(err["msg"]).removeprefix("Value error, ")
    return text[0].lower() + text[1:]


def _known_type(name: object) -> bool:
    if not isinstance(name, str) or not name.isalpha():
        return False
    try:
        get_fhir_model_class(name)
    except (KeyError, ValueError):
        return False
    return True


def _raw_entries(data: dict[str, Any], problems: Problems) -> list[dict[str, Any]]:
    """The raw entries, after checking each holds a resource of a type FHIR R4 knows."""
    entries = data.get("entry", [])
    if not isinstance(entries, list):
        raise problems.fail("Bundle.entry", "expected a list of entries")
    for index, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            problems.add(f"Bundle.entry[{index}].resource", "missing (every entry needs a resource)")
        elif not _known_type(resource.get("resourceType")):
            problems.add(f"Bundle.entry[{index}].resource.resourceType", "not a FHIR R4 resource type")
    problems.raise_if_any()
    return entries


def _path(loc: tuple[Any, ...], raw: list[dict[str, Any]]) -> str:
    """A FHIR path for a location in the Bundle's JSON: from the resource type for what is inside an entry."""
    if len(loc) >= 3 and loc[0] == "entry" and isinstance(loc[1], int) and loc[2] == "resource":
        return describe_location((raw[loc[1]]["resource"]["resourceType"], *loc[3:]))
    return describe_location(("Bundle", *loc))


def parse_bundle(data: Any, where: str) -> ParsedBundle:
    """Validate a Bundle (JSON already decoded); errors name FHIR paths such as Patient.birthDate."""
    problems = Problems(where)
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        raise problems.fail("Bundle.resourceType", "expected a FHIR Bundle (a JSON object with resourceType Bundle)")
    raw = _raw_entries(data, problems)
    try:
        bundle = Bundle.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            problems.add(_path(tuple(err["loc"]), raw), _message(err))
        raise problems.error() from None
    for loc, message in json_type_problems(bundle, data, ()):
        problems.add(_path(loc, raw), message)
    entries = [Entry(i, e.fullUrl, e.resource) for i, e in enumerate(bundle.entry or []) if e.resource is not None]
    _check_unique(entries, problems)
    problems.raise_if_any()
    return ParsedBundle(entries, where)


def _check_unique(entries: list[Entry], problems: Problems) -> None:
    """Two entries with one fullUrl, or one type and id, make a reference to either ambiguous: refused, since
    which patient (or medicine) is meant would be a guess."""
    seen_urls: dict[str, int] = {}
    seen_ids: dict[tuple[str, str], int] = {}
    for entry in entries:
        if entry.full_url:
            first = seen_urls.setdefault(entry.full_url, entry.index)
            if first != entry.index:
                problems.add(f"Bundle.entry[{entry.index}].fullUrl", f"the same as Bundle.entry[{first}]'s")
        if entry.resource.id:
            first = seen_ids.setdefault((entry.type, entry.resource.id), entry.index)
            if first != entry.index:
                problems.add(
                    f"Bundle.entry[{entry.index}].resource.id", f"the same {entry.type} id as Bundle.entry[{first}]'s"
                )


class ParsedBundle:
    """The resources of a validated bundle, found by type or by reference."""

    def __init__(self, entries: list[Entry], where: str) -> None:
        self.entries = entries
        self.where = where

    def of_type(self, resource_type: str) -> list[Entry]:
        """Every entry of one resource type, in bundle order."""
        return [entry for entry in self.entries if entry.type == resource_type]

    def only(self, resource_type: str) -> Entry:
        """The one entry of `resource_type`; none or several is an error."""
        found = self.of_type(resource_type)
        if len(found) != 1:
            count = "none" if not found else f"{len(found)}"
            raise Problems(self.where).fail(
                f"Bundle.entry.resource.ofType({resource_type})", f"expected exactly one {resource_type}, found {count}"
            )
        return found[0]

    def resolve(self, reference: Reference | None, holder: Resource, path: str, problems: Problems) -> Resource | None:
        """The resource a reference points to, as FHIR resolves references in a Bundle: '#id' is contained in
        `holder` (the containing resource); an absolute URL is the entry with that fullUrl; a relative
        'Type/id' is the entry at that path under the holder's own server base (ids are unique per server
        only), or, for entries without an http(s) fullUrl, the one of that type and id. None when it points
        to nothing here; one that could mean two resources is refused at `path` at once."""
        target = reference.reference if reference is not None else None
        if not target:
            return None
        target = _VERSION.sub("", target)
        if target.startswith("#"):
            found = [c for c in holder.contained or [] if c.id == target[1:]]
        elif _ABSOLUTE.match(target):
            found = [entry.resource for entry in self.entries if entry.full_url == target]
        else:
            parts = target.split("/")
            kind, ident = (parts[0], parts[1]) if len(parts) == 2 else ("", "")
            base = self._base_of(holder)
            found = [
                entry.resource
                for entry in self.entries
                if entry.type == kind and entry.resource.id == ident and (base is None or _base(entry) in (None, base))
            ]
        unique = list({id(resource): resource for resource in found}.values())
        if len(unique) > 1:
            raise problems.fail(path, f"could mean any of {len(unique)} resources of the bundle; which one is unclear")
        return unique[0] if unique else None

    def _base_of(self, holder: Resource) -> str | None:
        """The server base of the entry holding `holder` (None: no http(s) fullUrl, or a contained resource)."""
        return next((_base(entry) for entry in self.entries if entry.resource is holder), None)

    def reference_to(self, entry: Entry) -> str:
        """How another resource refers to `entry`: Type/id, else its fullUrl."""
        if entry.resource.id:
            return f"{entry.type}/{entry.resource.id}"
        if entry.full_url:
            return entry.full_url
        raise Problems(self.where).fail(
            f"Bundle.entry[{entry.index}]", f"the {entry.type} needs a fullUrl or an id so others can refer to it"
        )
