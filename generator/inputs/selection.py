"""Which topic and language a request asks for.

An unknown topic, medicine or language is the user's input error (exit 2, HTTP 422)
naming the field it came from, not a content error about the installed library.
Messages list what is known and never repeat what was given.
"""

from __future__ import annotations

from generator.content.library import DEFAULT_LANGUAGE, Library
from generator.errors import InputError
from generator.inputs.personalisation import Personalisation
from generator.languages import LanguageCodeError, leaflet_language


def _refuse(where: str, field: str, message: str) -> InputError:
    return InputError(f"{where}: {field}: {message}", ((field, message),))


def resolve_topic(library: Library, topic: str | None, data: Personalisation | None, where: str) -> str:
    """The topic named (by topic, medicine or brand name), else the one about the prescription's medicine; ""
    for several prescriptions without a topic named (each names its own)."""
    if topic:
        found = library.find_topic(topic)
        if found is None:
            raise _refuse(where, "topic", f"unknown topic (known: {_known(library)})")
        return found
    if data is not None and data.prescriptions:
        return ""  # several medicines: each prescription's medicine is its own topic (resolve_medicine_topics)
    if data is None or data.prescription is None:
        raise _refuse(where, "topic", "missing (name a topic, or give a prescription)")
    found = library.find_topic(data.prescription.medicine)
    if found is None:
        raise _refuse(where, "prescription.medicine", f"no topic is about this medicine (topics: {_known(library)})")
    return found


def resolve_medicine_topics(library: Library, data: Personalisation, where: str) -> list[str]:
    """The topic of each of several prescriptions, by its medicine; no medicine twice."""
    topics, problems = find_medicine_topics(library, [rx.medicine for rx in data.prescriptions])
    if problems:
        raise InputError(f"{where}: " + "; ".join(f"{f}: {m}" for f, m in problems), tuple(problems))
    return topics


def find_medicine_topics(library: Library, medicines: list[str | None]) -> tuple[list[str], list[tuple[str, str]]]:
    """The topic of each medicine of `prescriptions` ("" when none; None: a medicine not given, already refused
    by its field's own check) and the problems, each on `prescriptions[N].medicine`."""
    topics: list[str] = []
    problems: list[tuple[str, str]] = []
    for index, medicine in enumerate(medicines):
        field = f"prescriptions[{index}].medicine"
        found = library.find_topic(medicine) if medicine is not None else None
        if medicine is None:
            pass
        elif found is None:
            problems.append((field, f"no topic is about this medicine (topics: {_known(library)})"))
        elif found in topics:
            problems.append((field, f"the same medicine as prescriptions[{topics.index(found)}]: give it once"))
            found = None
        elif library.topic(found).medicine is None:
            problems.append((field, f"topic '{found}' is not about a medicine"))
            found = None
        topics.append(found or "")
    return topics, problems


def _known(library: Library) -> str:
    return ", ".join(library.topic_names()) or "none"


def resolve_language(
    library: Library, topic: str, language: str | None, data: Personalisation | None, where: str
) -> str:
    """The library's code of the language asked for (else the patient's: es-MX is es, zh-CN zh-Hans), when the
    topic has any leaflet in it.

    A topic translated only in part is left to the content checks, which name the missing block.
    """
    field = "language" if language else "patient.language"
    try:
        code = leaflet_language(language or (data.patient.language if data else DEFAULT_LANGUAGE))
    except LanguageCodeError as exc:
        raise _refuse(where, field, str(exc)) from None
    if code == DEFAULT_LANGUAGE or library.has_any_block_in(topic, code):
        return code
    available = ", ".join(library.languages(topic))
    raise _refuse(where, field, f"no leaflet on '{topic}' in this language (available: {available})")
