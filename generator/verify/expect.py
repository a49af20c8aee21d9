"""What a leaflet must show, worked out from the request, not from the rendered leaflet."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable

from generator.content.labels import Wording
from generator.content.language_help import NoticeLine
from generator.content.topic import TopicWords
from generator.html.markup import to_text
from generator.inputs.personalisation import Clinic, Personalisation
from generator.medicines import Medicine, by_time_of_day
from generator.personalise import LeafletBlock
from generator.prescription.printed import calendar_header, calendar_rows, daily_limit, dispensed, schedule_rows
from generator.prescription.schedule import Schedule
from generator.prescription.strip import dose_strip
from generator.verify.check import Expected


def leaflet_expectations(
    must_say: tuple[str, ...],
    data: Personalisation,
    clinic: Clinic,
    schedule: Schedule | None,
    wording: Wording,
    words: TopicWords,
    short_dates: bool,
    calendar: bool,
) -> list[Expected]:
    """Required warnings, the patient's name, the prescriber, the clinic's phone, the last day, the refills, the
    schedule with its times of day (dates short or long, as the layout prints them), the most to take in one day
    and, in layouts that have it, each day of the dose calendar."""
    expected = person_expectations(must_say, data, clinic, wording, schedule is not None)
    if schedule is None:
        return expected
    expected += schedule_expectations(schedule, wording, words, short_dates, wording.labels.schedule_heading)
    return expected + calendar_expectations(schedule, wording) if calendar else expected


def medicines_expectations(
    must_say: tuple[str, ...],
    data: Personalisation,
    clinic: Clinic,
    medicines: list[Medicine],
    wording: Wording,
    short_dates: bool,
    calendar: bool,
) -> list[Expected]:
    """What a leaflet for several medicines must show: the person, every dose of every medicine by time of day
    (each row from and until), then each medicine's name, dates, schedule and daily limit (and calendar, in
    layouts that have one)."""
    expected = person_expectations(must_say, data, clinic, wording, True)
    header, *rows = by_time_of_day(medicines, wording)
    expected += [
        Expected(f"what to take at each time of day, row {number} of {len(rows)}", " ".join(row))
        for number, row in enumerate(rows, 1)
    ]
    table = " ".join([wording.labels.medicines_heading, *header, *(cell for row in rows for cell in row)])
    expected.append(Expected("what to take at each time of day, as one table", table))
    for medicine in medicines:
        expected.append(Expected(f"the heading of {medicine.topic}", medicine.name))
        expected += schedule_expectations(medicine.schedule, wording, medicine.words, short_dates, "", medicine.topic)
        if calendar:
            heading = wording.labels.medicine_calendar.format(medicine=medicine.name)
            expected.append(Expected(f"the dose calendar of {medicine.topic}", heading))
            expected += calendar_expectations(medicine.schedule, wording, medicine.topic)
    return expected


def person_expectations(
    must_say: tuple[str, ...], data: Personalisation, clinic: Clinic, wording: Wording, medicine: bool
) -> list[Expected]:
    """The required warnings, the clinic's phone, the patient's name and the prescriber."""
    labels = wording.labels
    prescriber = data.prescriber.name + (f", {data.prescriber.phone}" if data.prescriber.phone else "")
    return [
        *generic_expectations(must_say, clinic),
        Expected("the patient's name in the prepared-for box", f"{labels.prepared_for} {data.patient.name}"),
        Expected(
            "the prescriber in the prepared-for box",
            f"{labels.prescribed_by if medicine else labels.clinician} {prescriber}",
        ),
    ]


def schedule_expectations(
    schedule: Schedule, wording: Wording, words: TopicWords, short_dates: bool, heading: str, topic: str = ""
) -> list[Expected]:
    """The medicine dispensed (for a topic with several products), the last day, the refills, the schedule's rows
    (after `heading`) and the most to take in one day; `topic` names them when the leaflet has several medicines."""
    labels = wording.labels
    of = f" of {topic}" if topic else ""
    header, *rows = schedule_rows(schedule, wording, words, short_dates)
    expected = [Expected(f"the last day to take it{of}", f"{labels.last_day} {wording.date(schedule.last_day)}")]
    product = dispensed(schedule, wording, words)
    if product is not None:
        expected.append(Expected(f"the medicine dispensed{of}", f"{labels.dispensed} {product}"))
    if schedule.refills is not None:
        refills = str(schedule.refills) if schedule.refills else labels.refills_none
        expected.append(Expected(f"the refills{of}", f"{labels.refills} {refills}"))
    expected.append(Expected(f"the dose schedule's heading{of}", " ".join([heading, *header])))
    expected += [
        Expected(f"dose schedule{of} row {number} of {len(rows)}", " ".join(row)) for number, row in enumerate(rows, 1)
    ]
    table = " ".join([heading, *header, *(cell for row in rows for cell in row)])
    expected.append(Expected(f"the dose schedule{of} as one table, rows in order", table))
    expected.append(Expected(f"the most to take in one day{of}", daily_limit(schedule, wording)))
    return expected


def strip_expectations(schedule: Schedule, wording: Wording, short_dates: bool, form: str) -> list[Expected]:
    """The dose-time strip (generator.prescription.strip): its caption, each step's worked example, and each step
    as drawn (its dates, then each cell's name and amount), with the tablets that must be drawn in each cell's
    frame."""
    strip = dose_strip(schedule, wording, short_dates, form)
    if strip is None:
        return []
    expected = [Expected("the dose-time strip's caption", strip.title)]
    if strip.columns:  # a grid: the times of day over the steps' rows, each cell its amount
        expected.append(Expected("the dose-time strip's times of day", " ".join(c.label for c in strip.columns)))
    for number, step in enumerate(strip.steps, 1):
        where = f"the dose-time strip, step {number} of {len(strip.steps)}"
        if step.example:
            expected.append(Expected(f"{where}: the worked example", step.example))
        named = (cell.amount if strip.columns else f"{cell.label} {cell.amount}" for cell in step.cells)
        drawn = " ".join([step.dates, *named])
        tablets = tuple(cell.tablets for cell in step.cells)
        expected.append(Expected(where, drawn, tablets=tablets, cells=tuple(cell.slot for cell in step.cells)))
    return expected


def calendar_expectations(schedule: Schedule, wording: Wording, topic: str = "") -> list[Expected]:
    """The dose calendar's columns (its times of day, or for a month grid the days of the week) and each of its
    days (its date, then how much each time), in layouts that print one."""
    of = f" of {topic}" if topic else ""
    header = " ".join(calendar_header(schedule, wording))
    days = calendar_rows(schedule, wording)
    return [Expected(f"the dose calendar's columns{of}", header)] + [
        Expected(f"dose calendar{of} day {number} of {len(days)}", f"{day.day} {day.how_much}")
        for number, day in enumerate(days, 1)
    ]


def generic_expectations(must_say: tuple[str, ...], clinic: Clinic) -> list[Expected]:
    """What every leaflet must show, a generic one (no patient) too: the required warnings and the clinic's phone."""
    expected = [Expected(f'required warning "{sentence}"', sentence) for sentence in must_say]
    return [*expected, Expected("the clinic's phone number", clinic.phone)]


def draft_expectations(approved: dt.date | None, wording: Wording, page: int | None = None) -> list[Expected]:
    """The line on page 1 saying the leaflet is not yet approved by the clinic, when some of what it prints is
    not approved (`approved` is none); nothing when everything is. With `page`, its message names the page and
    the line (for a check of that page alone)."""
    if approved is not None:
        return []
    notice = wording.labels.draft_notice
    if page is None:
        return [Expected("the line saying it is not yet approved by the clinic", notice)]
    return [Expected(f'page {page}: the line saying it is not yet approved by the clinic ("{notice}")', notice)]


def language_help_expectations(lines: list[NoticeLine]) -> list[Expected]:
    """Each line of the language-help notice (generator.content.language_help), in its own language."""
    return [
        Expected(f"the language-help notice's line in '{line.language}'", line.text, line.language) for line in lines
    ]


def icon_array_expectations(blocks: Iterable[LeafletBlock]) -> list[Expected]:
    """Each icon array item the blocks print (generator.content.icon_array): its caption, then each array's label
    with the icons its frame must hold. The counts are the block's, as the leaflet was filled from the content,
    never read from the page."""
    expected: list[Expected] = []
    for block in blocks:
        name = block.ref or block.kind
        for item in (item for item in block.items if item.kind == "icon_array"):
            caption, *labels = (html.unescape(re.sub(r"<[^>]+>", "", text)) for text in item.texts)
            expected.append(Expected(f"the icon array caption of block {name}", caption))
            expected += [
                Expected(f"icon array {number} of {len(labels)} of block {name}", label, icons=icons)
                for number, (label, icons) in enumerate(zip(labels, item.icons, strict=True), 1)
            ]
    return expected


def drug_facts_expectations(blocks: tuple[LeafletBlock, ...]) -> list[Expected]:
    """Each Drug Facts picture the leaflet prints (a `drug_facts_picture` item): the words in its panel in the order
    they are drawn (title, headings, the ingredient line and its purpose), then its caption and note."""
    expected = []
    for block in blocks:
        pictures = [item for item in block.items if item.kind == "drug_facts_picture"]
        for number, item in enumerate(pictures, 1):
            where = f"the Drug Facts picture {number} of the {block.kind} block"
            texts = [to_text(text) for text in item.texts]
            expected.append(Expected(f"{where}: its panel", " ".join(texts[:5])))
            expected.append(Expected(f"{where}: its caption", texts[5]))
            expected += [Expected(f"{where}: its note", text) for text in texts[6:]]
    return expected
