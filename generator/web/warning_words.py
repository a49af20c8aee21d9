"""A staff warning as the desk page shows it: what to do first, then (behind "Why?") the reason and its source.

The generator words its warnings for a log line ("65 or older: the AGS Beers Criteria (2023) advise avoiding
muscle relaxants such as carisoprodol at 65 or older (...); check with the prescriber (J Am Geriatr Soc ...)");
a receptionist needs the action first. Warnings never hold patient data, so neither do these words.
"""

from __future__ import annotations

import re

CHECK = "Check with the prescriber"
_SOURCE = re.compile(r"^(?P<said>.*\S)\s*\((?P<source>[^()]*(?:\([^()]*\)[^()]*)*)\)$")
"""A message ending in its source in brackets (a source may hold brackets of its own: "Beers Criteria (2023)")."""
_AGE = re.compile(r"^(?P<bound>under \d+|\d+ or older): (?P<says>.+)$")
_AVOID = re.compile(r"advise avoiding (?P<what>.+?) such as ")
_PRESCRIBER = re.compile(r"^check with the prescriber:\s*", re.IGNORECASE)
_CHECK = re.compile(r"^check\b", re.IGNORECASE)
"""A message that already says the action first ("check the dose with the prescriber: ...")."""
_START = {
    "the course started before the leaflet's made-on date": "Check the start date: the course started before today",
    "the whole course ended before the leaflet's made-on date": "Check the start date: the whole course ended "
    "before today",
}


def _sentence(text: str) -> str:
    text = text[0].upper() + text[1:] if text else text
    return text if text.endswith((".", "!", "?")) else text + "."


def _age_action(bound: str, says: str) -> str:
    """The action for an age caution: the prescriber, and the rule in a few plain words."""
    avoid = _AVOID.search(says)
    if avoid:
        return f"{CHECK}: guidelines advise against {avoid['what']} for patients {bound}"
    if "not established" in says:
        return f"{CHECK}: the label does not show it is safe and works for patients {bound}"
    return f"{CHECK}: a caution for patients {bound}"


def warning_words(message: str) -> tuple[str, str | None]:
    """(the action, in a sentence; why, with its source, or None when the action says it all)."""
    if message in _START:
        return _sentence(_START[message]), None
    sourced = _SOURCE.match(message)
    said, source = (sourced["said"], sourced["source"]) if sourced else (message, None)
    age = _AGE.match(said)
    if age:
        says = _PRESCRIBER.sub("", age["says"]).rstrip("; ")
        says = re.sub(r";\s*check with the prescriber$", "", says)
        why = _sentence(says) + (f" Source: {source}." if source else "")
        return _sentence(_age_action(age["bound"], says)), why
    if _CHECK.match(said):
        return _sentence(said), (f"Source: {source}." if source else None)
    return _sentence(message), None
