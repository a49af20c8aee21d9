"""Medicine codes (RxNorm) that select a topic, gathered from every topic file of a library."""

from __future__ import annotations

from dataclasses import dataclass

from generator.content.library import Library
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

    def get(self, rxcui: str) -> CodeMatch | None:
        """The topic an RxCUI selects, or None when the library does not know it."""
        return self._matches.get(rxcui.strip())

    def items(self) -> list[tuple[str, CodeMatch]]:
        """Every known RxCUI and what it selects, by topic then RxCUI."""
        return sorted(self._matches.items(), key=lambda item: (item[1].topic, int(item[0])))
