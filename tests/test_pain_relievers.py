"""Ibuprofen, naproxen and acetaminophen: each product with its own label (a salt, an over-the-counter strength).

Each topic is built in every layout and language and read back with pypdf; the label limits of each product are
refused at their value plus one; the labels' lower amounts warn staff and never print; the RxNorm codes select the
topics (FHIR, Infobutton); a muscle relaxant and ibuprofen make one leaflet.
"""

from __future__ import annotations

import copy
import unicodedata
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from fhir_bundles import RXNORM, bundle, order
from helpers import pdf_text
from test_fhir import _build as build_fhir

from generator.errors import InputError
from generator.inputs.personalisation import read_clinic
from generator.paths import SAMPLES, layouts_root, library_root
from generator.web.app import WebSettings, create_app

TOPICS = ["ibuprofen", "naproxen", "acetaminophen"]
LAYOUTS = sorted(path.stem for path in layouts_root().glob("*.yaml"))
UCUM = "http://unitsofmeasure.org"


def _flat(text: str) -> str:
    """Text as compared: NFKC (no-break spaces become spaces), whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _sample(topic: str, language: str = "en", age: int | None = None) -> dict[str, Any]:
    data = yaml.safe_load((library_root() / topic / "sample.yaml").read_text(encoding="utf-8"))
    data["patient"]["language"] = language
    if age is None:
        data["patient"].pop("age")
    else:
        data["patient"]["age"] = age
    return data


def _data(medicine: str, dose: float, times: int, strength: float | None = None, **more: Any) -> dict[str, Any]:
    rx = {"medicine": medicine, "dose_mg": dose, "times_per_day": times, "start": "2026-11-25", "days_supply": 5}
    rx |= ({"strength_mg": strength} if strength else {}) | more
    return {"patient": {"name": "Maria Lopez", "age": 47}, "prescriber": {"name": "Dr. Sam Lee"}, "prescription": rx}


# What each topic's sample prescription prints, in each language: the product dispensed and the dose each time.
DISPENSED = {
    ("ibuprofen", "en"): ("Your medicine Ibuprofen, by prescription: 600 mg tablets", "1 tablet of 600 mg each time"),
    ("ibuprofen", "es"): ("Su medicamento Ibuprofeno con receta: tabletas de 600 mg", "1 tableta de 600 mg cada vez"),
    ("naproxen", "en"): (
        "Your medicine Naproxen sodium, by prescription (like Anaprox DS): 550 mg tablets",
        "1 tablet of 550 mg each time",
    ),
    ("naproxen", "es"): (
        "Su medicamento Naproxeno sódico con receta (como Anaprox DS): tabletas de 550 mg",
        "1 tableta de 550 mg cada vez",
    ),
    ("acetaminophen", "en"): (
        "Your medicine Acetaminophen, Extra Strength (like Tylenol Extra Strength): 500 mg tablets",
        "2 tablets of 500 mg each time (1,000 mg)",
    ),
    ("acetaminophen", "es"): (
        "Su medicamento Acetaminofén extrafuerte (como Tylenol Extra Strength): tabletas de 500 mg",
        "2 tabletas de 500 mg cada vez (1000 mg)",
    ),
}


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("topic", TOPICS)
def test_every_layout_and_language_prints_the_warnings_the_product_and_the_dose(
    make, generator, topic, language, layout
) -> None:
    handout = make(_sample(topic, language), layout=layout, topic=topic)
    text = _flat(pdf_text(handout.pdf))
    required = [
        sentence for block in generator.library.blocks(topic, language) if block.required for sentence in block.must_say
    ]
    assert len(required) >= 4
    for sentence in required:
        assert _flat(sentence) in text, sentence
    product, dose = DISPENSED[topic, language]
    assert product in text and dose in text


def test_naproxen_names_the_salt_dispensed_and_keeps_its_label(make) -> None:
    """550 mg exists only as naproxen sodium: the leaflet says so, and the sodium salt's limits apply."""
    text = _flat(pdf_text(make(_data("naproxen", 550, 2, 550), topic="naproxen").pdf))
    assert "Your medicine Naproxen sodium, by prescription (like Anaprox DS): 550 mg tablets" in text
    base = _flat(pdf_text(make(_data("Naprosyn", 500, 2, 500), topic="naproxen").pdf))
    assert "Your medicine Naproxen, by prescription (like Naprosyn): 500 mg tablets" in base
    otc = _flat(pdf_text(make(_data("Aleve", 220, 2), topic="naproxen").pdf))
    assert "Your medicine Naproxen sodium, sold without a prescription (like Aleve): 220 mg tablets" in otc


# Each product's limits at their value (made) and one step past it (refused, with the message).
LIMITS = [
    ("ibuprofen", _data("ibuprofen", 800, 4, 800), None),
    ("ibuprofen", _data("ibuprofen", 1000, 3, 200), "1,000 mg a dose is above the 800 mg limit for ibuprofen"),
    ("ibuprofen", _data("ibuprofen", 400, 7, 400), "7 doses a day is above the limit of 6 a day for ibuprofen"),
    ("ibuprofen", _data("ibuprofen", 600, 6, 600), "3,600 mg a day is above the 3,200 mg daily limit for ibuprofen"),
    ("naproxen", _data("naproxen", 750, 2, 250), None),
    ("naproxen", _data("naproxen", 2000, 1, 500), "2,000 mg a dose is above the 1,500 mg limit for naproxen"),
    ("naproxen", _data("naproxen", 250, 7, 250), "7 doses a day is above the limit of 6 a day for naproxen"),
    ("naproxen", _data("naproxen", 500, 4, 500), "2,000 mg a day is above the 1,500 mg daily limit for naproxen"),
    ("naproxen", _data("naproxen sodium", 825, 2, 275), None),
    (
        "naproxen",
        _data("naproxen sodium", 2200, 1, 550),
        "2,200 mg a dose is above the 1,650 mg limit for naproxen sodium",
    ),
    (
        "naproxen",
        _data("naproxen sodium", 275, 7, 275),
        "7 doses a day is above the limit of 6 a day for naproxen sodium",
    ),
    (
        "naproxen",
        _data("naproxen sodium", 550, 4, 550),
        "2,200 mg a day is above the 1,650 mg daily limit for naproxen sodium",
    ),
    ("naproxen", _data("Aleve", 660, 2, 220), None),
    ("naproxen", _data("Aleve", 1760, 1, 220), "1,760 mg a dose is above the 1,650 mg limit for naproxen sodium"),
    ("naproxen", _data("Aleve", 220, 8, 220), "8 doses a day is above the limit of 7 a day for naproxen sodium"),
    ("naproxen", _data("Aleve", 440, 4, 220), "1,760 mg a day is above the 1,650 mg daily limit for naproxen sodium"),
    ("acetaminophen", _data("acetaminophen", 1000, 4, 500), None),
    (
        "acetaminophen",
        _data("acetaminophen", 1300, 3, 325),
        "1,300 mg a dose is above the 1,000 mg limit for acetaminophen",
    ),
    (
        "acetaminophen",
        _data("acetaminophen", 500, 7, 500),
        "7 doses a day is above the limit of 6 a day for acetaminophen",
    ),
    (
        "acetaminophen",
        _data("acetaminophen", 1000, 5, 500, every_hours=4),
        "5,000 mg a day is above the 4,000 mg daily limit for acetaminophen",
    ),
    (
        "acetaminophen",
        _data("acetaminophen", 975, 6, 325, every_hours=4),
        "5,850 mg a day is above the 4,000 mg daily limit for acetaminophen",
    ),
]


@pytest.mark.parametrize(("topic", "data", "refused"), LIMITS)
def test_each_product_limit_at_its_value_and_past_it(make, topic, data, refused) -> None:
    if refused is None:
        rx = data["prescription"]
        tablets = round(rx["dose_mg"] / rx["strength_mg"]) * rx["times_per_day"]
        total = f"{rx['dose_mg'] * rx['times_per_day']:,g}"
        text = _flat(pdf_text(make(data, topic=topic).pdf))
        assert f"Do not take more than {tablets} tablets ({total} mg) in one day." in text
        return
    with pytest.raises(InputError) as caught:
        make(data, topic=topic)
    assert refused in str(caught.value)


def test_every_product_limit_is_tested_above(generator) -> None:
    """A product limit added to a topic needs its case in LIMITS."""
    said = {"max_dose_mg": "mg a dose", "max_times_per_day": "doses a day", "max_daily_mg": "mg a day"}
    for topic in TOPICS:
        for product in generator.library.topic(topic).products:
            for limit in product.limits.root:
                value = f"{limit.value:,g}"
                assert any(
                    t == topic and refused and said[limit.rule] in refused and f"limit of {value} a day" in refused
                    if limit.rule == "max_times_per_day"
                    else t == topic and refused and f"above the {value} mg" in refused and product.name in refused
                    for t, _, refused in LIMITS
                ), (topic, product.key, limit.rule)


@pytest.mark.parametrize(
    ("topic", "data", "field", "message"),
    [
        (
            "naproxen",
            _data("naproxen sodium", 500, 2),
            "prescription.dose_mg",
            "500 mg cannot be made from whole tablets of naproxen sodium 275 mg or 550 mg; naproxen sodium 220 mg",
        ),
        (
            "naproxen",
            _data("Anaprox DS", 500, 2, 500),
            "prescription.strength_mg",
            "500 mg is not a strength of naproxen sodium 275 mg or 550 mg",
        ),
        (
            "ibuprofen",
            _data("ibuprofen", 800, 3),
            "prescription.strength_mg",
            "required: 800 mg can be made from ibuprofen 200 mg; ibuprofen 400 mg or 600 mg or 800 mg tablets; "
            "give the strength dispensed",
        ),
        (
            "acetaminophen",
            _data("paracetamol", 500, 3),
            "prescription.medicine",
            "does not match the topic's medicine 'acetaminophen' or its products",
        ),
    ],
)
def test_the_product_is_never_guessed(make, topic, data, field, message) -> None:
    with pytest.raises(InputError) as caught:
        make(data, topic=topic)
    assert caught.value.problems == ((field, message),)


@pytest.mark.parametrize(
    ("topic", "data", "warned"),
    [
        ("acetaminophen", _data("acetaminophen", 1000, 4, 500), ["6 tablets (3,000 mg)"]),
        ("acetaminophen", _data("acetaminophen", 500, 6, 500, every_hours=4), ["4 doses in 24 hours"]),
        ("acetaminophen", _data("acetaminophen", 650, 6, 325, every_hours=4), ["10 tablets (3,250 mg)"]),
        ("acetaminophen", _data("acetaminophen", 650, 4, 325), []),
        ("ibuprofen", _data("Advil", 400, 4, 200), ["6 tablets (1,200 mg)"]),
        ("ibuprofen", _data("ibuprofen", 800, 4, 800), []),
        ("naproxen", _data("naproxen", 750, 2, 250), ["250 mg or 500 mg of naproxen twice a day", "up to 6 months"]),
        ("naproxen", _data("naproxen sodium", 550, 2, 550), []),
        ("naproxen", _data("Aleve", 440, 2, 220), ["3 tablets (660 mg)"]),
    ],
)
def test_label_directions_warn_staff_and_never_print(make, generator, topic, data, warned) -> None:
    handout = make(data, topic=topic)
    doses = [
        message
        for field, message in handout.warnings
        if field.startswith("prescription.") and field != "prescription.start"
    ]
    assert len(doses) == len(warned)
    for said in warned:
        assert any(said in message for message in doses), (said, doses)
    rx = data["prescription"]
    prescribed = f"{rx['dose_mg'] * rx['times_per_day']:,g} mg"
    text = _flat(pdf_text(handout.pdf))
    assert f"({prescribed}) in one day." in text
    for product in generator.library.topic(topic).products:
        for rule in [*product.label_directions, *product.limits.root]:
            amount = f"{rule.value:,g} mg"
            if rule.rule == "max_daily_mg" and amount != prescribed:
                assert amount not in text  # the patient reads the prescribed daily amount, never the label's


def test_over_the_counter_course_longer_than_the_drug_facts_warns_staff(make) -> None:
    data = _data("acetaminophen", 500, 3, 500)
    data["prescription"]["days_supply"] = 14
    warnings = make(data, topic="acetaminophen").warnings
    assert any(
        field == "prescription.days_supply" and "pain lasts more than 10 days" in message for field, message in warnings
    )


def test_beers_warns_staff_about_nsaids_from_65(make) -> None:
    for topic, medicine, dose, strength in [("ibuprofen", "ibuprofen", 400, 400), ("naproxen", "naproxen", 500, 500)]:
        data = _data(medicine, dose, 2, strength)
        data["patient"]["age"] = 70
        ages = [message for field, message in make(data, topic=topic).warnings if field == "patient.age"]
        assert len(ages) == 1 and ages[0].startswith("65 or older: the AGS Beers Criteria list oral NSAIDs")
        assert f"NSAIDs such as {topic}" in ages[0]


# --- the RxNorm codes select the topics ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rxcui", "tablets", "printed"),
    [
        ("310965", 2, "Ibuprofen, sold without a prescription (like Advil or Motrin IB): 200 mg tablets"),
        ("197807", 1, "Ibuprofen, by prescription: 800 mg tablets"),
        ("198014", 1, "Naproxen, by prescription (like Naprosyn): 500 mg tablets"),
        ("849431", 1, "Naproxen sodium, by prescription (like Anaprox DS): 550 mg tablets"),
        ("849574", 1, "Naproxen sodium, sold without a prescription (like Aleve): 220 mg tablets"),
        ("313782", 2, "Acetaminophen, Regular Strength (like Tylenol Regular Strength): 325 mg tablets"),
        ("198440", 2, "Acetaminophen, Extra Strength (like Tylenol Extra Strength): 500 mg tablets"),
    ],
)
def test_a_fhir_order_by_product_code_prints_its_product(run_cli, tmp_path, rxcui, tablets, printed) -> None:
    data = bundle("carisoprodol-tid.json")
    rx = order(data)
    rx["medicationCodeableConcept"] = {"coding": [{"system": RXNORM, "code": rxcui}]}
    rx["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"]["value"] = tablets
    rx["dosageInstruction"][0]["timing"]["repeat"]["boundsPeriod"]["end"] = "2026-11-30"
    rx.pop("dispenseRequest")
    code, text, stderr = build_fhir(run_cli, tmp_path, data)
    assert code == 0, stderr
    assert f"Your medicine {printed}" in _flat(text)


@pytest.fixture(scope="module")
def client() -> TestClient:
    settings = WebSettings(library_root(), layouts_root(), read_clinic(SAMPLES / "clinic.yaml"))
    return TestClient(create_app(settings), base_url="http://127.0.0.1:8000")


@pytest.mark.parametrize(
    ("code", "topic"),
    [("5640", "ibuprofen"), ("7258", "naproxen"), ("161", "acetaminophen"), ("849431", "naproxen")],
)
def test_infobutton_finds_each_topic_by_its_rxnorm_code(client, code, topic) -> None:
    query = {
        "knowledgeResponseType": "application/json",
        "mainSearchCriteria.v.c": code,
        "mainSearchCriteria.v.cs": "2.16.840.1.113883.6.88",
    }
    response = client.get("/infobutton", params=query)
    assert response.status_code == 200, response.text
    entries = response.json()["feed"]["entry"]
    assert [entry["id"]["_value"].rsplit(":", 1)[1].split("/")[0] for entry in entries] == [topic]


def test_desk_catalog_offers_each_products_doses_and_limits(client) -> None:
    topics = {topic["name"]: topic for topic in client.get("/api/topics").json()["topics"]}
    naproxen = topics["naproxen"]
    assert {dose["strength_mg"]: dose["product"] for dose in naproxen["medicine"]["doses"]} == {
        220: "otc",
        250: "naproxen",
        275: "naproxen-sodium",
        375: "naproxen",
        500: "naproxen",
        550: "naproxen-sodium",
    }
    daily = {limit["product"]: limit["value"] for limit in naproxen["limits"] if limit["rule"] == "max_daily_mg"}
    assert daily == {"naproxen": 1500, "naproxen-sodium": 1650, "otc": 1650}


# --- beside a muscle relaxant -------------------------------------------------------------------------------------


def test_a_muscle_relaxant_and_ibuprofen_make_one_leaflet(run_cli, write_yaml, tmp_path) -> None:
    start = "2026-11-24"
    relaxant = {"medicine": "cyclobenzaprine", "dose_mg": 5, "strength_mg": 5, "times_per_day": 1}
    relaxant |= {"times": ["bedtime"], "start": start, "days_supply": 7}
    ibuprofen = {"medicine": "ibuprofen", "dose_mg": 400, "strength_mg": 200, "times_per_day": 3}
    ibuprofen |= {"every_hours": 6, "as_needed": True, "as_needed_for": "back-pain", "start": start, "days_supply": 7}
    data = {
        "patient": {"name": "Maria Lopez", "age": 47},
        "prescriber": {"name": "Dr. Sam Lee", "phone": "555-0100"},
        "prescriptions": [copy.deepcopy(relaxant), copy.deepcopy(ibuprofen)],
    }
    patient = write_yaml("patient.yaml", data)
    out = tmp_path / "medicines.pdf"
    code, _, err = run_cli("build", "--patient", str(patient), "--made-on", start, "-o", str(out))
    assert code == 0, err
    text = _flat(pdf_text(out))
    assert "Your medicines Cyclobenzaprine (Flexeril) and Ibuprofen (Advil, Motrin)" in text
    assert "Nov 24, 2026 Nov 30, 2026 At bedtime Cyclobenzaprine (Flexeril) 1 tablet of 5 mg each time" in text
    assert (
        "Nov 24, 2026 Nov 30, 2026 Only when you need it for back pain, up to 3 times a day, at least 6 hours apart "
        "Ibuprofen (Advil, Motrin) 2 tablets of 200 mg each time (400 mg)"
    ) in text
    assert "Your medicine Ibuprofen, sold without a prescription (like Advil or Motrin IB): 200 mg tablets" in text
    assert "Do not take more than 6 tablets (1,200 mg) in one day." in text
    for sentence in (
        "Ibuprofen can raise the chance of a heart attack or a stroke, which can cause death.",
        "Do not take ibuprofen right before or after heart bypass surgery.",
        "Call 911 right away if someone has chest pain, trouble breathing, weakness in one side of the body, "
        "or slurred speech.",
    ):
        assert sentence in text
    code, _, err = run_cli("verify", str(out), "--patient", str(patient))
    assert code == 0, err


@pytest.mark.parametrize(
    ("name", "topic"), [("Advil", "ibuprofen"), ("naproxen sodium", "naproxen"), ("Tylenol", "acetaminophen")]
)
def test_infobutton_finds_each_topic_by_a_product_name(client, name, topic) -> None:
    query = {"knowledgeResponseType": "application/json", "mainSearchCriteria.v.dn": name}
    entries = client.get("/infobutton", params=query).json()["feed"]["entry"]
    assert [entry["id"]["_value"].rsplit(":", 1)[1].split("/")[0] for entry in entries] == [topic]


def test_a_product_name_alone_finds_its_topic(run_cli, write_yaml, tmp_path) -> None:
    patient = write_yaml("p.yaml", _data("Aleve", 220, 2, 220))
    out = tmp_path / "o.pdf"
    code, _, err = run_cli("build", "--patient", str(patient), "--made-on", "2026-11-25", "-o", str(out))
    assert code == 0, err
    text = _flat(pdf_text(out))
    assert text.startswith("Naproxen A pain reliever (an NSAID)")
    assert "Your medicine Naproxen sodium, sold without a prescription (like Aleve): 220 mg tablets" in text
