"""What the front-desk page offers (`GET /api/topics`): topics with their medicine, tablet strengths,
the doses whole tablets can make, label limits with their periods, languages, sample prescription, usual
times of day for each number of doses a day and the reasons it may be taken for when needed;
layouts in plain words (paper-size and black-and-white variants folded into paper and colour
choices); the clinic, its saved prescribers, and whether email is set up.

The page offers only what these rules allow; the server still checks every request itself.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from generator.content.labels import label_languages, load_wording
from generator.content.library import DEFAULT_LANGUAGE, Library
from generator.content.topic import Limits, Medicine, Product, Topic
from generator.errors import ContentError
from generator.inputs.personalisation import Clinic, Prescriber
from generator.layouts import LayoutLibrary
from generator.prescription.policy import ClinicPolicy
from generator.yamlio import load_mapping

DEFAULT_LAYOUT = "standard"
PAPERS = ({"name": "letter", "title": "US Letter"}, {"name": "a4", "title": "A4"})
VARIANT_KEYS = {"name", "description", "title", "paper", "grayscale"}
"""Settings a layout may change and still be only a paper or colour variant of the layout it extends."""


def whole_tablet_doses(medicine: Medicine, limits: Limits) -> list[dict[str, Any]]:
    """For each tablet strength, the tablet counts whose dose is within the largest per-dose limit."""
    most = max(limit.value for limit in limits.of("max_dose_mg"))
    doses = []
    for strength in sorted(medicine.strengths_mg):
        counts = list(range(1, int(most // strength) + 1))
        if counts:
            doses.append({"strength_mg": strength, "tablets": counts})
    return doses


def _rules(topic: Topic, product: Product | None) -> Limits:
    """The label rules of a product, or of the topic's one medicine."""
    rules = product.limits if product else topic.limits
    assert rules is not None
    return rules


def _doses(topic: Topic, product: Product | None) -> list[dict[str, Any]]:
    """The whole-tablet doses of a product (each strength with the product's name), or of the topic's medicine."""
    assert topic.medicine is not None
    if product is None:
        return whole_tablet_doses(topic.medicine, _rules(topic, None))
    sold = topic.medicine.model_copy(update={"strengths_mg": product.strengths_mg})
    return [dose | {"product": product.key} for dose in whole_tablet_doses(sold, product.limits)]


def _sample_prescription(library: Library, topic: str) -> dict[str, Any] | None:
    path = library.sample_path(topic)
    if path is None:
        return None
    rx = load_mapping(path, ContentError).get("prescription")
    if not isinstance(rx, dict):
        return None
    return _jsonable(rx)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _topic(library: Library, name: str, policy: ClinicPolicy) -> dict[str, Any]:
    topic = library.topic(name)
    entry: dict[str, Any] = {
        "name": name,
        "title": topic.title,
        "languages": library.languages(name),
        "medicine": None,
        "limits": [],
        "clinic_max_days": policy.max_days.get(name),
        "sample": None,
        "default_times": [],
        "as_needed_reasons": [],
    }
    if topic.medicine:
        medicine = topic.medicine
        products = topic.products or [None]
        entry["medicine"] = {
            "name": medicine.name,
            "brand": medicine.brand,
            "form": medicine.form,
            "strengths_mg": medicine.strengths_mg,
            "doses": [dose for product in products for dose in _doses(topic, product)],
        }
        entry["default_times"] = [list(times) for times in topic.default_times]
        entry["as_needed_reasons"] = [
            {"name": key, "title": reason.says} for key, reason in sorted(topic.as_needed_reasons.items())
        ]
        entry["limits"] = [
            {"rule": limit.rule, "value": limit.value, "from_day": limit.from_day, "until_day": limit.until_day}
            | ({"product": product.key} if product else {})
            for product in products
            for limit in _rules(topic, product).root
        ]
        entry["sample"] = _sample_prescription(library, name)
    return entry


def layout_choices(layouts: LayoutLibrary) -> list[dict[str, Any]]:
    """Every layout, the default first; a paper-size or black-and-white variant names the layout it varies."""
    names = sorted(layouts.names(), key=lambda name: (name != DEFAULT_LAYOUT, name))
    choices = []
    for name in names:
        layout = layouts.get(name)
        chain = layouts.files(name)
        variant_of = None
        if len(chain) > 1:
            parent = layouts.get(chain[1].stem)
            if layout.model_dump(exclude=VARIANT_KEYS) == parent.model_dump(exclude=VARIANT_KEYS):
                variant_of = parent.name
        choices.append(
            {
                "name": name,
                "title": layout.title or layout.description or name,
                "description": layout.description,
                "paper": layout.paper,
                "grayscale": layout.grayscale,
                "variant_of": variant_of,
                "several_medicines": layout.several_medicines,
            }
        )
    return choices


def catalog(
    library: Library,
    layouts: LayoutLibrary,
    clinic: Clinic,
    policy: ClinicPolicy,
    prescribers: tuple[Prescriber, ...],
    email: bool,
) -> dict[str, Any]:
    """The body of `GET /api/topics`."""
    return {
        "clinic": {"name": clinic.name, "phone": clinic.phone},
        "topics": [_topic(library, name, policy) for name in library.topic_names()],
        "layouts": layout_choices(layouts),
        "papers": list(PAPERS),
        "languages": [  # the default first: the page starts in it
            {"code": code, "name": load_wording(library.root, code).labels.language_name}
            for code in sorted(label_languages(library.root), key=lambda code: code != DEFAULT_LANGUAGE)
        ],
        "prescribers": [prescriber.model_dump(exclude_none=True) for prescriber in prescribers],
        "email": email,
    }
