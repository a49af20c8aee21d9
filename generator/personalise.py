"""Turns a topic, a layout and one patient's data into a Leaflet: the blocks to print, filled in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from generator.content import Block, BodyItem, Library, Topic
from generator.dosing import Course, DoseStep
from generator.inputs import Clinic, Personalisation, age_on
from generator.labels import Wording
from generator.layouts import Layout
from generator.templating import escape_text, holds, render_markup


@dataclass(frozen=True)
class Item:
    """A filled-in body item: paragraphs are ReportLab markup; tables list rows, header first."""

    kind: str
    texts: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class LeafletBlock:
    """A block ready to draw."""

    kind: str
    title: str
    severity: str
    required: bool
    must_say: tuple[str, ...]
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Leaflet:
    """Everything the renderer draws, already personalised and escaped."""

    title: str
    subtitle: str
    language: str
    facts: tuple[tuple[str, str], ...]
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


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _dose_text(step: DoseStep, topic: Topic, wording: Wording) -> str:
    form = topic.medicine.form if topic.medicine else "tablet"
    return wording.dose(step.tablets, form, step.dose_mg, step.times_per_day)


def template_context(
    data: Personalisation, clinic: Clinic, topic: Topic, course: Course | None, wording: Wording, made_on: dt.date
) -> dict[str, Any]:
    """The names content templates may use (see docs/content-format.md); dose names only with a course."""
    patient = data.patient
    context: dict[str, Any] = {
        "patient": {
            "name": patient.name,
            "preferred_name": patient.greeting_name,
            "age": age_on(patient.age, patient.date_of_birth, made_on),
            "language": patient.language,
        },
        "prescriber": {"name": data.prescriber.name, "phone": data.prescriber.phone or ""},
        "clinic": {
            "name": clinic.name,
            "phone": clinic.phone,
            "address": clinic.address or "",
            "after_hours": clinic.after_hours or clinic.phone,
        },
    }
    rx = data.prescription
    if course is None or rx is None:
        return context
    return context | {
        "rx": {
            "dose_mg": _number(rx.dose_mg),
            "times_per_day": rx.times_per_day,
            "days_supply": rx.days_supply,
            "taper": [
                {"from": wording.date(s.from_), "dose_mg": _number(s.dose_mg), "times_per_day": s.times_per_day}
                for s in rx.taper
            ],
        },
        "medicine": topic.medicine.model_dump() if topic.medicine else {},
        "dose_text": _dose_text(course.first, topic, wording),
        "start_date": wording.date(rx.start),
        "stop_by_date": wording.date(course.stop_by),
    }


def select_blocks(blocks: list[tuple[str, Block]], layout: Layout) -> list[tuple[str, Block]]:
    """Order (ref, block) pairs as the layout says, dropping what it may drop.

    Kinds the layout does not list keep the topic's order, after the listed ones.
    """
    kept = [(ref, b) for ref, b in blocks if b.required or b.kind not in layout.may_drop]
    order = {kind: index for index, kind in enumerate(layout.blocks)}
    return sorted(kept, key=lambda pair: order.get(pair[1].kind, len(order)))


def _taper_rows(course: Course | None, topic: Topic, wording: Wording) -> tuple[tuple[str, ...], ...]:
    if course is None:
        return ()
    labels = wording.labels
    rows = [(labels.taper_from, labels.taper_until, labels.taper_dose)]
    for step in course.steps:
        rows.append((wording.date(step.start), wording.date(step.end), _dose_text(step, topic, wording)))
    return tuple(rows)


def _fill_item(item: BodyItem, where: str, context: dict[str, Any], taper_rows: tuple[tuple[str, ...], ...]) -> Item:
    def fill(source: str, field: str) -> str:
        return render_markup(source, context, f"{where}.{field}")

    if item.kind == "bullets":
        return Item("bullets", tuple(fill(b, f"bullets[{i}]") for i, b in enumerate(item.bullets or [])))
    if item.kind == "table" and item.table:
        rows = [item.table.header, *item.table.rows]
        return Item("table", rows=tuple(tuple(fill(c, "table") for c in row) for row in rows))
    if item.kind == "taper_table":
        return Item("table", rows=tuple(tuple(str(escape_text(c)) for c in row) for row in taper_rows))
    return Item(item.kind, (fill(getattr(item, item.kind), item.kind),))


def fill_block(
    block: Block, where: str, context: dict[str, Any], taper_rows: tuple[tuple[str, ...], ...], shorten: bool = False
) -> LeafletBlock | None:
    """Fill in one block, or None when its `when:` condition is false.

    With `shorten`, an optional block that has a `short` body prints that instead.
    """
    if block.when and not holds(block.when, context, where):
        return None
    field, body = ("short", block.short) if shorten and block.short and not block.required else ("body", block.body)
    items = tuple(
        _fill_item(item, f"{where}: {field}[{index}]", context, taper_rows)
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


def personalise(
    library: Library,
    topic_name: str,
    language: str,
    layout: Layout,
    data: Personalisation,
    clinic: Clinic,
    course: Course | None,
    wording: Wording,
    made_on: dt.date,
) -> Leaflet:
    """Fill in every block the layout places for this patient."""
    topic = library.topic(topic_name)
    context = template_context(data, clinic, topic, course, wording, made_on)
    taper_rows = _taper_rows(course, topic, wording)
    blocks = library.blocks(topic_name, language)
    filled = []
    for ref, block in select_blocks(list(zip(topic.blocks, blocks, strict=True)), layout):
        where = str(library.block_path(topic_name, ref, language))
        result = fill_block(block, where, context, taper_rows, shorten=block.kind in layout.may_shorten)
        if result is not None:
            filled.append(result)
    labels, esc = wording.labels, escape_text
    prescriber = data.prescriber.name + (f", {data.prescriber.phone}" if data.prescriber.phone else "")
    clinician = labels.prescribed_by if course is not None else labels.clinician
    facts = ((labels.prepared_for, str(esc(data.patient.name))), (clinician, str(esc(prescriber))))
    if course is not None:
        facts += (
            (labels.your_dose, f"<b>{esc(context['dose_text'])}</b>"),
            (labels.start, str(esc(context["start_date"]))),
            (labels.stop_by, f"<b>{esc(context['stop_by_date'])}</b>"),
        )
    reviewed = max(b.reviewed for b in blocks)
    words = library.topic_words(topic_name, language)
    url = clinic.leaflet_url.replace("{topic}", topic_name) if clinic.leaflet_url else None
    return Leaflet(
        title=str(esc(words.title)),
        subtitle=str(esc(words.subtitle)),
        language=language,
        facts=facts,
        blocks=tuple(filled),
        clinic_name=clinic.name,
        clinic_phone=clinic.phone,
        clinic_address=clinic.address or "",
        clinic_after_hours=clinic.after_hours or "",
        clinic_logo=str(clinic.logo) if clinic.logo else None,
        footer_version=labels.footer_version.format(
            version=topic.content_version, reviewed=wording.date(reviewed), made=wording.date(made_on)
        ),
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
    )
