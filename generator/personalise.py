"""Turns a topic, a layout and one patient's data into a Leaflet: the blocks to print, filled in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from generator.content.block import Block, BodyItem
from generator.content.chain import ContentChain
from generator.content.labels import Labels, Wording, load_wording
from generator.content.language_help import LANGUAGE_HELP_KIND, LANGUAGE_HELP_REF, NoticeLine, notice_lines
from generator.content.library import Library
from generator.content.templating import escape_text, holds, render_markup
from generator.content.topic import Topic, TopicWords
from generator.inputs.personalisation import Clinic, Personalisation, age_on
from generator.layouts import Layout
from generator.prescription.printed import (
    CalendarRow,
    calendar_columns,
    calendar_grid,
    calendar_header,
    calendar_rows,
    calendar_weeks,
    daily_limit,
    dispensed,
    schedule_names,
    schedule_rows,
)
from generator.prescription.schedule import Schedule
from generator.prescription.strip import DoseStrip, dose_strip

MEDICINE_KIND = "medicine"
"""The block kind of a medicine's part of a leaflet for several medicines: its name as a heading, its dates,
its schedule and the most to take in one day (generator.medicines)."""


@dataclass(frozen=True)
class Item:
    """A filled-in body item: paragraphs are ReportLab markup; tables list rows, header first."""

    kind: str
    texts: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    lang: str | None = None
    """The language of the texts when it is not the leaflet's (a line of the language-help notice)."""
    icons: tuple[tuple[int, int], ...] = ()
    """An icon array item's arrays, each (filled, of); its texts are the caption, then each array's label."""


@dataclass(frozen=True)
class Calendar:
    """The dose calendar page, drawn from the schedule (plain text; the renderer escapes it)."""

    heading: str
    intro: str
    header: tuple[str, ...]
    """Day, how much, then a column of boxes per time of day (or one column of boxes); for a month grid, the days
    of the week."""
    rows: tuple[CalendarRow, ...]
    help: str
    """Where to call, at the foot of the page (it is the leaflet's last page)."""
    boxes_alt: dict[int, str]
    """What a cell's boxes are, for a screen reader, by how many there are (none: no dose at that time)."""
    weeks: tuple[tuple[CalendarRow | None, ...], ...] = ()
    """A long course's days a week a row, under `header`'s days of the week (a month grid); empty: a row a day."""


@dataclass(frozen=True)
class LeafletBlock:
    """A block ready to draw."""

    kind: str
    title: str
    severity: str
    required: bool
    must_say: tuple[str, ...]
    items: tuple[Item, ...]
    ref: str = ""
    """Where it comes from in the topic (e.g. shared/get-help), so a leaflet of several medicines prints it once."""


@dataclass(frozen=True)
class Leaflet:
    """Everything the renderer draws, already personalised and escaped."""

    title: str
    subtitle: str
    language: str
    facts: tuple[tuple[str, str], ...]
    schedule: LeafletBlock | None
    """The dose schedule the generator prints itself (medicine topics)."""
    calendars: tuple[Calendar, ...]
    """The dose calendar of each medicine, in layouts that have one."""
    calendar_pointer: str
    """Where to get a dose calendar, in layouts without one (medicine topics; else empty)."""
    blocks: tuple[LeafletBlock, ...]
    clinic_name: str
    clinic_phone: str
    clinic_address: str
    clinic_after_hours: str
    clinic_logo: str | None
    footer_version: str
    footer_phone: str
    page_label: str
    subject: str
    contact_heading: str
    contact: tuple[tuple[str, str], ...]
    full_leaflet_line: str
    leaflet_url: str | None
    continued: str
    """How a block's heading repeats on the next page: a format with {title}."""
    qr_code_alt: str
    """Alternative text of the QR code (tagged PDF)."""
    logo_alt: str
    """Alternative text of the clinic's logo (tagged PDF)."""
    made_on: dt.date
    topics: tuple[str, ...] = ()
    """The topics it is about, named in the PDF's keywords so `handout verify` knows what to check."""
    chain: ContentChain | None = None
    """The files it prints, with their hashes, status and approvals (its XMP records them)."""
    draft_notice: str = ""
    """The line under page 1's title saying it is not yet approved by the clinic (empty when everything it prints
    is approved)."""
    strip: DoseStrip | None = None
    """The dose-time strip under the schedule (plain text; the renderer escapes it), in layouts that draw it."""
    web_strip: DoseStrip | None = None
    """The strip of the HTML version: the whole course, a name in each cell, whatever room the layout's pages have
    (none in a layout without a strip)."""

    @property
    def keywords(self) -> str:
        """The PDF's keywords: its topics, then the content version line."""
        return f"{TOPICS_KEYWORD}{', '.join(self.topics)}. {self.footer_version}"


MOST_IMPORTANT_KIND = "most-important"
"""The block of the warnings that matter most, first in the leaflet (21 CFR 208.20(b)): page 1 keeps it whole."""
MAIN_MESSAGE_KIND = "main-message"
"""The block kind of a topic's one main message: printed under page 1's title in every layout (its heading is not
printed), never dropped (CDC Clear Communication Index, items 1-3)."""

TOPICS_KEYWORD = "Topics: "
"""How a leaflet's keywords name its topics."""


def keyword_topics(keywords: str) -> list[str]:
    """The topics a leaflet's keywords name (Leaflet.keywords); none when they name none."""
    named = next((part for part in keywords.split(". ") if part.startswith(TOPICS_KEYWORD)), "")
    return [topic.strip() for topic in named.removeprefix(TOPICS_KEYWORD).split(",") if topic.strip()]


def template_context(
    data: Personalisation | None,
    clinic: Clinic,
    topic: Topic,
    words: TopicWords,
    schedule: Schedule | None,
    wording: Wording,
    made_on: dt.date,
) -> dict[str, Any]:
    """The names content templates may use (see docs/content-format.md); schedule names only with a schedule.

    Without `data`, the generic leaflet's: no patient (no name, an unknown age), "your prescriber".
    """
    if data is None:
        patient = {"name": "", "preferred_name": "", "age": None, "language": wording.labels.locale.replace("_", "-")}
        prescriber = {"name": wording.labels.generic_prescriber, "phone": ""}
    else:
        patient = {
            "name": data.patient.name,
            "preferred_name": data.patient.greeting_name,
            "age": age_on(data.patient.age, data.patient.date_of_birth, made_on),
            "language": data.patient.language,
        }
        prescriber = {"name": data.prescriber.name, "phone": data.prescriber.phone or ""}
    context: dict[str, Any] = {
        "patient": patient,
        "prescriber": prescriber,
        "clinic": {
            "name": clinic.name,
            "phone": clinic.phone,
            "address": clinic.address or "",
            "after_hours": clinic.after_hours or clinic.phone,
        },
    }
    if schedule is None or topic.medicine is None:
        return context
    return context | schedule_names(topic, schedule, wording, words)


def select_blocks(blocks: list[tuple[str, Block]], layout: Layout) -> list[tuple[str, Block]]:
    """Order (ref, block) pairs as the layout says, dropping what it may drop.

    Kinds the layout does not list keep the topic's order, after the listed ones.
    The main message comes first in every layout (the renderer prints it under the title).
    """
    kept = [(ref, b) for ref, b in blocks if b.required or b.kind not in layout.may_drop]
    order = {kind: index for index, kind in enumerate(layout.blocks)} | {MAIN_MESSAGE_KIND: -1}
    return sorted(kept, key=lambda pair: order.get(pair[1].kind, len(order)))


def _calendar(schedule: Schedule, wording: Wording, clinic: Clinic) -> Calendar:
    """The dose calendar: a row a day, or for a long course a month grid (a week a row)."""
    labels = wording.labels
    after_hours = labels.calendar_after_hours.format(phone=clinic.after_hours) if clinic.after_hours else ""
    help_line = labels.calendar_help.format(clinic=clinic.name, phone=clinic.phone, after_hours=after_hours)
    rows = calendar_rows(schedule, wording)
    counts = {count for row in rows for count in (*row.doses, sum(row.doses))}
    alts = {
        count: wording.plural(labels.calendar_boxes_alt, count) if count else labels.calendar_no_dose
        for count in counts
    }
    header = calendar_header(schedule, wording)
    if not calendar_grid(schedule):
        return Calendar(labels.calendar_heading, labels.calendar_intro, header, rows, help_line, alts)
    intro = labels.calendar_grid_intro
    columns = calendar_columns(schedule, wording)
    if len(columns) > 1:  # boxes for times of day: say which is which
        intro += " " + labels.calendar_grid_boxes.format(slots=wording.join(list(columns)))
    weeks = calendar_weeks(rows, wording)
    return Calendar(labels.calendar_heading, intro, header, rows, help_line, alts, weeks)


def _schedule_block(schedule: Schedule, wording: Wording, words: TopicWords, short_dates: bool) -> LeafletBlock:
    """The schedule table, then the most to take in one day (with several steps, each row says it)."""
    esc = escape_text
    rows = schedule_rows(schedule, wording, words, short_dates)
    rows = tuple(tuple(str(esc(cell)).replace("\n", "<br/>") for cell in row) for row in rows)
    items = (Item("table", rows=rows), Item("text", (f"<b>{esc(daily_limit(schedule, wording))}</b>",)))
    return LeafletBlock("schedule", str(esc(wording.labels.schedule_heading)), "info", True, (), items)


def _strip(schedule: Schedule | None, wording: Wording, layout: Layout, web: bool = False) -> DoseStrip | None:
    """The dose-time strip in the form the layout draws it, if it draws one; `web`: on the HTML page."""
    if schedule is None:
        return None
    return dose_strip(schedule, wording, layout.short_dates, web_strip_form(layout) if web else layout.dose_strip)


def web_strip_form(layout: Layout) -> str:
    """The HTML page's strip form: `steps` (a name in each cell), unless the layout has no strip."""
    return "none" if layout.dose_strip == "none" else "steps"


def _fill_item(item: BodyItem, where: str, context: dict[str, Any]) -> Item:
    def fill(source: str, field: str) -> str:
        return render_markup(source, context, f"{where}.{field}")

    if item.kind == "bullets":
        return Item("bullets", tuple(fill(b, f"bullets[{i}]") for i, b in enumerate(item.bullets or [])))
    if item.kind == "icon_array" and item.icon_array:
        arrays = item.icon_array.arrays
        texts = (fill(item.icon_array.caption, "icon_array.caption"), *(fill(a.label, "icon_array") for a in arrays))
        return Item("icon_array", texts, icons=tuple((a.count, a.of) for a in arrays))
    if item.drug_facts_picture is not None:  # its texts in the order DrugFactsPicture.fields reads them
        return Item(item.kind, tuple(fill(text, field) for field, text in item.templates()))
    if item.kind == "table" and item.table:
        rows = [item.table.header, *item.table.rows]
        return Item("table", rows=tuple(tuple(fill(c, "table") for c in row) for row in rows))
    return Item(item.kind, (fill(getattr(item, item.kind), item.kind),))


def fill_block(block: Block, where: str, context: dict[str, Any], shorten: bool = False) -> LeafletBlock | None:
    """Fill in one block, or None when its `when:` condition is false.

    With `shorten`, a block that has a `short` body prints that instead (a required block's
    `short` keeps every must_say sentence: lint checks it, and the verifier refuses a leaflet without them).
    """
    if block.when and not holds(block.when, context, where):
        return None
    field, body = ("short", block.short) if shorten and block.short else ("body", block.body)
    items = tuple(
        _fill_item(item, f"{where}: {field}[{index}]", context)
        for index, item in enumerate(body)
        if not item.when or holds(item.when, context, f"{where}: {field}[{index}]")
    )
    return LeafletBlock(
        kind=block.kind,
        title=render_markup(block.title, context, f"{where}: title"),
        severity=block.severity,
        required=block.required,
        must_say=tuple(block.must_say),
        items=items,
    )


def with_language_help(
    filled: list[LeafletBlock], lines: list[NoticeLine], library: Library, language: str, layout: Layout
) -> tuple[LeafletBlock, ...]:
    """The blocks, then the language-help notice's `lines` (generator.content.language_help) where the layout
    puts them: a block of its own, last, headed in the leaflet's language and never dropped (`every`); at the
    foot of the last block (`short`); or nowhere (`full-leaflet`: the QR code points to the full leaflet)."""
    items = tuple(
        Item("text", (str(escape_text(line.text)),), lang=None if line.language == language else line.language)
        for line in lines
    )
    if layout.language_help == "full-leaflet":
        return tuple(filled)
    if layout.language_help == "short" and filled:
        return (*filled[:-1], replace(filled[-1], items=filled[-1].items + items))
    title = str(escape_text(load_wording(library.root, language).labels.language_help_heading))
    return (*filled, LeafletBlock(LANGUAGE_HELP_KIND, title, "info", True, (), items, LANGUAGE_HELP_REF))


def _facts(
    data: Personalisation, schedule: Schedule | None, wording: Wording, words: TopicWords
) -> tuple[tuple[str, str], ...]:
    """The prepared-for box: who, the prescriber, and with a schedule the product dispensed (for a topic with
    several), the start and last day (and the refills, when the prescription says)."""
    labels, esc = wording.labels, escape_text
    prescriber = data.prescriber.name + (f", {data.prescriber.phone}" if data.prescriber.phone else "")
    clinician = labels.prescribed_by if schedule is not None else labels.clinician
    facts = ((labels.prepared_for, str(esc(data.patient.name))), (clinician, str(esc(prescriber))))
    product = dispensed(schedule, wording, words) if schedule is not None else None
    if product is not None:
        facts += ((labels.dispensed, str(esc(product))),)
    if schedule is not None:
        facts += (
            (labels.start, str(esc(wording.date(schedule.start)))),
            (labels.last_day, f"<b>{esc(wording.date(schedule.last_day))}</b>"),
        )
        if schedule.refills is not None:
            facts += ((labels.refills, str(esc(str(schedule.refills) if schedule.refills else labels.refills_none))),)
    return facts


def _footer_version(labels: Labels, version: str, wording: Wording, made_on: dt.date, approved: dt.date | None) -> str:
    """The footer's content line: the content version, and the approval date only when everything is approved."""
    if approved is None:
        return labels.footer_version.format(version=version, made=wording.date(made_on))
    return labels.footer_approved.format(version=version, approved=wording.date(approved), made=wording.date(made_on))


def personalise(
    library: Library,
    topic_name: str,
    language: str,
    layout: Layout,
    data: Personalisation | None,
    clinic: Clinic,
    schedule: Schedule | None,
    wording: Wording,
    made_on: dt.date,
    approved: dt.date | None = None,
) -> Leaflet:
    """Fill in every block the layout places for this patient (or, without `data`, the generic leaflet);
    `approved`: the latest approval date when everything it prints is approved (the footer says so; without it,
    page 1 says the leaflet is not yet approved)."""
    topic = library.topic(topic_name)
    words = library.topic_words(topic_name, language)
    context = template_context(data, clinic, topic, words, schedule, wording, made_on)
    blocks = library.blocks(topic_name, language)
    filled = []
    for ref, block in select_blocks(list(zip(topic.blocks, blocks, strict=True)), layout):
        where = str(library.block_path(topic_name, ref, language))
        result = fill_block(block, where, context, shorten=block.kind in layout.may_shorten)
        if result is not None:
            filled.append(replace(result, ref=ref))
    labels, esc = wording.labels, escape_text
    facts = _facts(data, schedule, wording, words) if data is not None else ()
    url = clinic.leaflet_url.replace("{topic}", topic_name) if clinic.leaflet_url else None
    lines = notice_lines(library.root, clinic, language, layout.language_help)
    return Leaflet(
        title=str(esc(words.title)),
        subtitle=str(esc(words.subtitle)),
        language=language,
        facts=facts,
        schedule=_schedule_block(schedule, wording, words, layout.short_dates) if schedule is not None else None,
        calendars=(_calendar(schedule, wording, clinic),) if schedule is not None and layout.calendar else (),
        calendar_pointer=labels.calendar_pointer.format(clinic=clinic.name)
        if schedule is not None and not layout.calendar and layout.calendar_pointer
        else "",
        blocks=with_language_help(filled, lines, library, language, layout),
        clinic_name=clinic.name,
        clinic_phone=clinic.phone,
        clinic_address=clinic.address or "",
        clinic_after_hours=clinic.after_hours or "",
        clinic_logo=str(clinic.logo) if clinic.logo else None,
        footer_version=_footer_version(labels, topic.content_version, wording, made_on, approved),
        footer_phone=labels.footer_phone.format(clinic=clinic.name, phone=clinic.phone),
        page_label=labels.page,
        subject=labels.subject.format(title=words.title),
        contact_heading=labels.contact_heading,
        contact=tuple(
            (label, value)
            for label, value in ((labels.phone, clinic.phone), (labels.after_hours, clinic.after_hours or ""))
            if value
        ),
        full_leaflet_line=labels.full_leaflet_url.format(url=url)
        if url
        else labels.full_leaflet_ask.format(clinic=clinic.name),
        leaflet_url=url,
        continued=labels.continued,
        qr_code_alt=labels.qr_code_alt.format(url=url or ""),
        logo_alt=labels.logo_alt.format(clinic=clinic.name),
        made_on=made_on,
        topics=(topic_name,),
        draft_notice=labels.draft_notice if approved is None else "",
        strip=_strip(schedule, wording, layout),
        web_strip=_strip(schedule, wording, layout, web=True),
    )
