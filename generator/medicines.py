"""One leaflet for several medicines of one patient.

Page 1 says what to take at each time of day, every medicine together, each dose from its first day to
its last; then each medicine has its part: its name, start and last day, its own dose schedule and the
most to take in one day, and its sections. A section shared by the topics (what to do in an emergency,
storage) is printed once, after the medicines; each medicine's dose calendar has a page of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from generator.content.dose_times import SLOTS, slot_of
from generator.content.labels import Wording
from generator.content.library import SHARED_FOLDER
from generator.content.templating import escape_text
from generator.content.topic import TopicWords
from generator.personalise import MEDICINE_KIND, Item, Leaflet, LeafletBlock
from generator.prescription.printed import how_often, needed
from generator.prescription.schedule import Schedule, ScheduleStep


@dataclass(frozen=True)
class Medicine:
    """One medicine of the leaflet: its topic, its name as printed, its schedule and its topic's words."""

    topic: str
    name: str
    """The topic's title in the leaflet's language (plain text), e.g. Carisoprodol (Soma)."""
    schedule: Schedule
    words: TopicWords


@dataclass(frozen=True)
class Part:
    """One medicine and its own leaflet, personalised."""

    medicine: Medicine
    leaflet: Leaflet


def by_time_of_day(medicines: list[Medicine], wording: Wording) -> tuple[tuple[str, ...], ...]:
    """Every dose of every medicine (plain text rows, header first): from, until, when, which medicine and how
    much. Each step of each schedule gives its rows, in the order of the days; within a step's days, by time of
    day, then doses every so many hours or when needed at any time."""
    labels = wording.labels
    header = (
        labels.schedule_from,
        labels.schedule_until,
        labels.medicines_when,
        labels.medicines_medicine,
        labels.schedule_how_much,
    )
    rows: list[tuple[tuple[object, ...], tuple[str, ...]]] = []
    for number, medicine in enumerate(medicines):
        for step in medicine.schedule.steps:
            for time in step.times:
                when = labels.times_of_day[time]  # type: ignore[index]
                when += f", {needed(step, wording, medicine.words)}" if step.as_needed else ""
                order = (step.start, SLOTS.index(slot_of(time)), number)
                rows.append((order, _row(medicine, step, _capital(when), wording)))
            if not step.times:
                when = _capital(how_often(step, wording, medicine.words))
                rows.append(((step.start, len(SLOTS), number), _row(medicine, step, when, wording)))
    return (header, *(row for _, row in sorted(rows, key=lambda pair: pair[0])))


def _row(medicine: Medicine, step: ScheduleStep, when: str, wording: Wording) -> tuple[str, ...]:
    how_much = wording.how_much(medicine.schedule.form, step.tablets, step.strength_mg)
    start, end = wording.date(step.start, short=True), wording.date(step.end, short=True)
    return (start, end, when, medicine.name, how_much)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def medicine_block(part: Part, wording: Wording) -> LeafletBlock:
    """A medicine's part: its name, start, last day and refills, its schedule table and the most in one day."""
    leaflet = part.leaflet
    assert leaflet.schedule is not None
    dates = "<br/>".join(f"{escape_text(label)} {value}" for label, value in leaflet.facts[2:])
    return LeafletBlock(
        kind=MEDICINE_KIND,
        title=leaflet.title,
        severity="info",
        required=True,
        must_say=(),
        items=(Item("text", (dates,)), *leaflet.schedule.items),
        ref=f"{MEDICINE_KIND}/{part.medicine.topic}",
    )


def combine(parts: list[Part], wording: Wording) -> Leaflet:
    """The leaflet for every medicine of `parts` (each personalised for the same patient and clinic)."""
    labels, esc = wording.labels, escape_text
    first = parts[0].leaflet
    blocks: list[LeafletBlock] = []
    shared: dict[str, LeafletBlock] = {}
    for part in parts:
        blocks.append(medicine_block(part, wording))
        for block in part.leaflet.blocks:
            if block.ref.startswith(f"{SHARED_FOLDER}/"):
                shared.setdefault(block.ref, block)
            else:
                blocks.append(block)
    medicines = [part.medicine for part in parts]
    rows = tuple(tuple(str(esc(cell)) for cell in row) for row in by_time_of_day(medicines, wording))
    overview = LeafletBlock(
        kind="medicines",
        title=str(esc(labels.medicines_heading)),
        severity="info",
        required=True,
        must_say=(),
        items=(Item("table", rows=rows), Item("text", (str(esc(labels.medicines_note)),))),
    )
    names = [medicine.name for medicine in medicines]
    versions = dict.fromkeys(part.leaflet.footer_version for part in parts)
    return replace(
        first,
        title=str(esc(labels.medicines_title)),
        subtitle=str(esc(wording.join(names))),
        facts=first.facts[:2],
        schedule=overview,
        strip=None,  # a strip is one medicine's: the overview table says every medicine's times of day
        web_strip=None,
        calendars=tuple(
            replace(calendar, heading=labels.medicine_calendar.format(medicine=name))
            for part, name in zip(parts, names, strict=True)
            for calendar in part.leaflet.calendars
        ),
        blocks=(*blocks, *shared.values()),
        footer_version=" ".join(versions),
        subject=labels.subject.format(title=wording.join(names)),
        leaflet_url=None,
        full_leaflet_line="",
        topics=tuple(medicine.topic for medicine in medicines),
    )
