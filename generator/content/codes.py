"""Medicine codes (RxNorm, NDC) and names that select a topic, gathered from every topic file of a library."""

from __future__ import annotations

from dataclasses import dataclass

from generator.content.library import Library
from generator.content.ndc import product_key
from generator.content.topic import TopicCode
from generator.errors import ContentError


@dataclass(frozen=True)
class CodeMatch:
    """What an RxNorm code selects: a topic, and for a product code the tablet strength."""

    topic: str
    code: TopicCode


def code_owners(library: Library) -> dict[str, list[tuple[str, TopicCode]]]:
    """Every RxCUI of the library with the topics that list it (more than one is a library error)."""
    owners: dict[str, list[tuple[str, TopicCode]]] = {}
    for name in library.topic_names():
        for code in library.topic(name).codes:
            owners.setdefault(code.rxcui, []).append((name, code))
    return owners


class CodeIndex:
    """Looks up RxCUIs in one library (built once; the library's topic files are cached)."""

    def __init__(self, library: Library) -> None:
        self._matches: dict[str, CodeMatch] = {}
        for rxcui, owners in code_owners(library).items():
            if len(owners) > 1:
                topics = " and ".join(topic for topic, _ in owners)
                raise ContentError(f"{library.root}: RxCUI {rxcui} selects two topics ({topics})")
            topic, code = owners[0]
            self._matches[rxcui] = CodeMatch(topic, code)
        self._ndcs: dict[str, CodeMatch] = {}
        for match in self._matches.values():
            for item in match.code.ndcs:
                key = product_key(item.ndc)
                if key in self._ndcs:
                    topics = f"{self._ndcs[key].topic} and {match.topic}"
                    raise ContentError(f"{library.root}: NDC {item.ndc} is listed twice ({topics})")
                self._ndcs[key] = match
        self._names = _medicine_names(library)

    def get(self, rxcui: str) -> CodeMatch | None:
        """The topic an RxCUI selects, or None when the library does not know it."""
        return self._matches.get(rxcui.strip())

    def get_ndc(self, product: str) -> CodeMatch | None:
        """The product code (topic and strength) an NDC's 9 product digits (`ndc.product_key`) select, or None."""
        return self._ndcs.get(product)

    def by_name(self, name: str) -> str | None:
        """The topic whose medicine is named so (generic or brand name, or a listed RxNorm name; any case), or None."""
        return self._names.get(name.strip().casefold())

    def items(self) -> list[tuple[str, CodeMatch]]:
        """Every known RxCUI and what it selects, by topic then RxCUI."""
        return sorted(self._matches.items(), key=lambda item: (item[1].topic, int(item[0])))


def _medicine_names(library: Library) -> dict[str, str]:
    """Each medicine name a topic lists (generic, brand, its codes' RxNorm names), folded, with its topic."""
    names: dict[str, str] = {}
    for topic in library.topic_names():
        listed = [*library.topic(topic).medicine_names(), *(code.name for code in library.topic(topic).codes)]
        for name in filter(None, listed):
            owner = names.setdefault(name.casefold(), topic)
            if owner != topic:
                raise ContentError(f"{library.root}: medicine name {name!r} is in two topics ({owner}, {topic})")
    return names
