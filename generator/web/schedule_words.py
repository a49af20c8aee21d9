"""What a prescription's dose schedule will say on the leaflet (`POST /api/schedule`), for the desk page's
summary line: the schedule table's rows and the most to take in one day, worded by the same functions the
leaflet is printed with (generator.prescription.printed), so the page never words a dose itself.

The words are the page's language (English), for staff to check before anything is made.
"""

from __future__ import annotations

from typing import Any

from generator.content.labels import load_wording
from generator.content.library import DEFAULT_LANGUAGE, Library
from generator.content.schema import parse_model
from generator.errors import InputError
from generator.inputs.personalisation import Prescription
from generator.layouts import LayoutLibrary
from generator.prescription.dosing import make_schedule
from generator.prescription.policy import ClinicPolicy
from generator.prescription.printed import daily_limit, schedule_rows
from generator.web.catalog import DEFAULT_LAYOUT

WHERE = "request"
KEYS = ("prescription", "layout")


def _refuse(field: str, message: str) -> InputError:
    return InputError(f"{WHERE}: {field}: {message}", ((field, message),))


def schedule_words(
    library: Library, layouts: LayoutLibrary, policy: ClinicPolicy, body: dict[str, Any]
) -> dict[str, Any]:
    """The schedule of `body["prescription"]` as the leaflet in `body["layout"]` prints it; an InputError naming
    each problem when the leaflet could not be made with it."""
    unknown = sorted(set(body) - set(KEYS))
    if unknown:
        raise _refuse(unknown[0], "unknown field")
    layout = body.get("layout", DEFAULT_LAYOUT)
    if not isinstance(layout, str) or layout not in layouts.names():
        raise _refuse("layout", f"expected one of {', '.join(layouts.names())}")
    rx = parse_model(Prescription, body.get("prescription"), WHERE, InputError, prefix="prescription")
    topic_name = library.find_topic(rx.medicine)
    if topic_name is None or library.topic(topic_name).medicine is None:
        raise _refuse("prescription.medicine", "no topic is about this medicine")
    schedule = make_schedule(rx, library.topic(topic_name), WHERE, policy.max_days.get(topic_name))
    wording = load_wording(library.root, DEFAULT_LANGUAGE)
    words = library.topic_words(topic_name, DEFAULT_LANGUAGE)
    labels = wording.labels
    refills = None
    if schedule.refills is not None:
        refills = f"{labels.refills}: {schedule.refills or labels.refills_none}"
    return {
        "topic": topic_name,
        "rows": [list(row) for row in schedule_rows(schedule, wording, words, layouts.get(layout).short_dates)],
        "daily_limit": daily_limit(schedule, wording),
        "refills": refills,
    }
