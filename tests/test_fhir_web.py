"""EHR-facing web routes: FHIR Bundle in (PDF or DocumentReference out), and HL7 Infobutton requests."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from fhir.resources.R4B.documentreference import DocumentReference
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir_bundles import BUNDLES, bundle, second_order
from helpers import pdf_pages_text, pdf_text

from generator.content.codes import CodeIndex
from generator.fhir.infobutton import ATOM, RXNORM_OID
from generator.inputs.personalisation import read_clinic
from generator.paths import SAMPLES, layouts_root, library_root
from generator.verify import missing_sentences
from generator.web.app import WebSettings, create_app

FHIR_JSON = {"content-type": "application/fhir+json"}


@pytest.fixture(scope="module")
def client() -> TestClient:
    settings = WebSettings(library_root(), layouts_root(), read_clinic(SAMPLES / "clinic.yaml"))
    return TestClient(create_app(settings), base_url="http://127.0.0.1:8000")


def _post(client: TestClient, name: str, query: str = ""):
    return client.post(f"/api/fhir/handouts{query}", content=(BUNDLES / name).read_bytes(), headers=FHIR_JSON)


def test_bundle_gives_the_verified_pdf(client, generator) -> None:
    response = _post(client, "carisoprodol-taper.json")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert "1 tablet of 350 mg each time in the morning and in the evening" in pdf_text(response.content)
    pages = pdf_pages_text(response.content)
    assert missing_sentences(pages, generator.required_sentences("carisoprodol", "en")) == []


def test_document_reference_validates_and_carries_the_pdf(client, generator) -> None:
    response = _post(client, "carisoprodol-spanish.json", "?output=DocumentReference")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/fhir+json")
    document = DocumentReference.model_validate(response.json())  # the model library's own validation
    assert document.status == "current"
    assert document.subject.reference == "Patient/p-3003"
    assert document.type.coding[0].system == "http://loinc.org" and document.type.coding[0].code == "34895-3"
    content = document.content[0]
    attachment = content.attachment
    pdf = base64.b64decode(response.json()["content"][0]["attachment"]["data"])
    assert attachment.contentType == "application/pdf" and attachment.language == "es"
    assert attachment.size == len(pdf)
    assert response.json()["content"][0]["attachment"]["hash"] == base64.b64encode(hashlib.sha1(pdf).digest()).decode()
    assert attachment.title.startswith("Carisoprodol (Soma)")
    version = generator.library.topic("carisoprodol").content_version
    assert document.identifier[1].system == "urn:patient-handouts:content-version"
    assert document.identifier[1].value == f"carisoprodol/{version}"
    assert "1 tableta de 250 mg cada vez por la mañana, al mediodía, en la cena y al acostarse" in pdf_text(pdf)


US_CORE_REQUIRED = ("status", "type", "category", "subject", "content")
US_CORE_MUST_SUPPORT = ("identifier", "date", "author", "context")


def test_document_reference_has_every_us_core_required_and_must_support_element(client) -> None:
    """US Core DocumentReference (the HL7 validator cannot run here): each required element, each Must Support one
    this service knows, with the codes US Core binds."""
    response = _post(client, "carisoprodol-tid.json", "?output=DocumentReference")
    assert response.status_code == 200, response.text
    raw = response.json()
    for name in (*US_CORE_REQUIRED, *US_CORE_MUST_SUPPORT):
        assert raw.get(name), name
    document = DocumentReference.model_validate(raw)
    assert (document.category[0].coding[0].system, document.category[0].coding[0].code) == (
        "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category",
        "clinical-note",
    )
    assert document.subject.reference == "Patient/p-1001"
    attachment = document.content[0].attachment
    assert attachment.contentType == "application/pdf" and attachment.data
    for name in ("language", "size", "hash", "title", "creation"):
        assert getattr(attachment, name), name
    assert document.content[0].format.code == "urn:ihe:iti:xds:2017:mimeTypeSufficient"
    assert document.identifier[0].system == "urn:ietf:rfc:3986" and document.identifier[0].value.startswith("urn:uuid:")
    author = document.author[0].reference
    clinic = next(resource for resource in document.contained if f"#{resource.id}" == author)
    assert clinic.get_resource_type() == "Organization" and clinic.name and clinic.telecom[0].value
    assert [related.reference for related in document.context.related] == ["MedicationRequest/rx-5501"]
    made = dt.datetime.fromisoformat(raw["date"])
    assert made.tzinfo is not None and abs(dt.datetime.now(dt.UTC) - made) < dt.timedelta(minutes=5)


def test_two_orders_give_one_document_naming_both_topics(client, generator) -> None:
    data = bundle("carisoprodol-tid.json")
    second_order(data)
    response = client.post(
        "/api/fhir/handouts?output=DocumentReference", content=json.dumps(data).encode(), headers=FHIR_JSON
    )
    assert response.status_code == 200, response.text
    document = DocumentReference.model_validate(response.json())
    content = document.content[0]
    assert content.attachment.title == "Carisoprodol (Soma) and Cyclobenzaprine (Flexeril): patient information"
    topics = ("carisoprodol", "cyclobenzaprine")
    versions = "+".join(f"{name}/{generator.library.topic(name).content_version}" for name in topics)
    assert document.identifier[1].value == versions
    related = [reference.reference for reference in document.context.related]
    assert related == ["MedicationRequest/rx-5501", "MedicationRequest/rx-5502"]
    text = pdf_text(base64.b64decode(response.json()["content"][0]["attachment"]["data"]))
    assert "At bedtime Cyclobenzaprine (Flexeril) 1 tablet of 5 mg each time" in text


def test_errors_are_an_operation_outcome_with_fhir_paths(client) -> None:
    response = _post(client, "bad-text-only.json")
    assert response.status_code == 422
    outcome = OperationOutcome.model_validate(response.json())
    assert outcome.issue[0].expression == ["MedicationRequest.dosageInstruction[0].text"]
    assert "Maria" not in response.text
    bad = client.post("/api/fhir/handouts", content=b"{", headers=FHIR_JSON)
    assert bad.status_code == 400 and "invalid JSON" in bad.text
    wrong_type = client.post("/api/fhir/handouts", content=b"{}", headers={"content-type": "text/plain"})
    assert wrong_type.status_code == 415


def test_an_as_needed_order_every_problem_and_the_staff_warning(client) -> None:
    """The HL7 R4 example medrx0301 (adapted: tests/fhir/medrx0301-methocarbamol-prn.json): one issue per problem,
    each naming its path; made printable, its reason the leaflet cannot print comes back as a staff warning."""
    bundle = json.loads((BUNDLES / "medrx0301-methocarbamol-prn.json").read_bytes())
    response = client.post("/api/fhir/handouts", content=json.dumps(bundle), headers=FHIR_JSON)
    assert response.status_code == 422
    paths = [issue.expression[0] for issue in OperationOutcome.model_validate(response.json()).issue]
    where = "MedicationRequest.dosageInstruction[0]"
    assert paths == [
        "MedicationRequest.status",
        f"{where}.additionalInstruction",
        f"{where}.maxDosePerPeriod",
        f"{where}.timing.repeat.boundsPeriod.start",
    ]
    request = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "MedicationRequest")
    request["status"] = "active"
    dosage = request["dosageInstruction"][0]
    del dosage["additionalInstruction"]  # its patientInstruction stays: never printed, and staff are told
    dosage["timing"]["repeat"]["boundsPeriod"] = {"start": "2026-11-24"}
    ucum = "http://unitsofmeasure.org"
    dosage["maxDosePerPeriod"] = {
        "numerator": {"value": 6, "system": ucum, "code": "{tbl}"},
        "denominator": {"value": 24, "system": ucum, "code": "h"},
    }
    request["dispenseRequest"].pop("validityPeriod")
    response = client.post("/api/fhir/handouts", content=json.dumps(bundle), headers=FHIR_JSON)
    assert response.status_code == 200, response.text
    assert "only when you need it, up to 6 times a day, at least 4 hours apart" in pdf_text(response.content)
    warnings = json.loads(response.headers["X-Handout-Warnings"])
    assert (
        "bundle",
        f"{where}.asNeededCodeableConcept: the reason is not one the leaflet can print; it says 'when you need it'",
    ) in [(warning["field"], warning["message"]) for warning in warnings]
    told = f"{where}.text and {where}.patientInstruction: free-text instructions, not printed; compare them"
    assert any(warning["message"].startswith(told) for warning in warnings)
    assert all("rib" not in warning["message"] for warning in warnings)  # never the order's words


def test_given_topic_must_agree_with_the_code(client) -> None:
    response = _post(client, "carisoprodol-tid.json", "?topic=methocarbamol")
    assert response.status_code == 422
    assert "selects topic 'carisoprodol', not 'methocarbamol'" in response.text


def _infobutton(client: TestClient, code: str, **params: str):
    query = {"mainSearchCriteria.v.c": code, "mainSearchCriteria.v.cs": RXNORM_OID, "informationRecipient": "PAT"}
    return client.get("/infobutton", params=query | params)


@pytest.mark.parametrize(
    ("rxcui", "topic"),
    [
        ("730794", "carisoprodol"),
        ("197446", "carisoprodol"),
        ("828320", "cyclobenzaprine"),
        ("828299", "cyclobenzaprine"),
        ("828348", "cyclobenzaprine"),
        ("197943", "methocarbamol"),
        ("197944", "methocarbamol"),
        ("2611794", "methocarbamol"),
        ("2101", "carisoprodol"),  # ingredient codes
        ("21949", "cyclobenzaprine"),
        ("6845", "methocarbamol"),
    ],
)
def test_infobutton_finds_the_topic_of_each_rxcui(client, rxcui, topic) -> None:
    response = _infobutton(client, rxcui, knowledgeResponseType="application/json", **{"age.v.v": "47", "age.v.u": "a"})
    assert response.status_code == 200, response.text
    entries = response.json()["feed"]["entry"]
    assert [e["id"]["_value"].rsplit(":", 1)[1] for e in entries] == [f"{topic}/en"]
    assert entries[0]["link"][0]["href"] == f"https://example.org/leaflets/{topic}"


def test_every_listed_code_is_tested(generator) -> None:
    listed = {rxcui for rxcui, _ in CodeIndex(generator.library).items()}
    assert listed == {
        "730794",
        "197446",
        "828320",
        "828299",
        "828348",
        "197943",
        "197944",
        "2611794",
        "2101",
        "21949",
        "6845",
        # the pain relievers' product and ingredient codes: tests/test_pain_relievers.py orders and asks for each
        "310965",
        "197807",
        "198014",
        "849431",
        "849574",
        "313782",
        "198440",
        "5640",
        "7258",
        "161",
    }


def test_infobutton_atom_feed_in_spanish(client) -> None:
    response = _infobutton(client, "197446", **{"informationRecipient.languageCode.c": "es"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{{{ATOM}}}entry")
    assert len(entries) == 1
    assert entries[0].find(f"{{{ATOM}}}title").text == "Carisoprodol (Soma)"
    assert entries[0].find(f"{{{ATOM}}}link").get("href") == "https://example.org/leaflets/carisoprodol"
    terms = {c.get("scheme"): c.get("term") for c in feed.findall(f"{{{ATOM}}}category")}
    assert terms["mainSearchCriteria.v.c"] == "197446"


@pytest.mark.parametrize(("asked", "found"), [("zh-CN", "zh-Hans"), ("zh-Hans", "zh-Hans"), ("fil", "tl")])
def test_infobutton_finds_a_leaflet_by_the_whole_language_code(client, asked, found) -> None:
    """The code's script or alias is kept (zh-CN is the Simplified Chinese leaflet), not cut to its first part."""
    query = {
        "mainSearchCriteria.v.c": "197446",
        "mainSearchCriteria.v.cs": RXNORM_OID,
        "knowledgeResponseType": "application/json",
        "informationRecipient.languageCode.c": asked,
    }
    [entry] = client.get("/infobutton", params=query).json()["feed"]["entry"]
    assert entry["lang"] == found


@pytest.mark.parametrize(
    "params",
    [
        {"mainSearchCriteria.v.c": "999999"},
        {"mainSearchCriteria.v.cs": "2.16.840.1.113883.6.90"},  # ICD-10-CM: not a medicine code
        {"informationRecipient.languageCode.c": "fr"},  # no French leaflet
        {"informationRecipient": "PAYOR"},  # nothing written for payors
    ],
)
def test_infobutton_without_a_match_is_an_empty_feed(client, params) -> None:
    query = {
        "mainSearchCriteria.v.c": "197446",
        "mainSearchCriteria.v.cs": RXNORM_OID,
        "knowledgeResponseType": "application/json",
    }
    response = client.get("/infobutton", params=query | params)
    assert response.status_code == 200
    assert response.json()["feed"]["entry"] == []


def test_infobutton_refuses_malformed_requests(client) -> None:
    response = client.get("/infobutton", params={"mainSearchCriteria.v.cs": RXNORM_OID, "age.v.v": "old"})
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"mainSearchCriteria.v.c", "age.v.v", "age.v.u"}


@pytest.mark.parametrize(
    ("rxcui", "language", "title"), [("197446", "en", "Carisoprodol (Soma)"), ("197944", "es", "Metocarbamol")]
)
def test_infobutton_gives_the_generic_leaflet_pdf(client, generator, rxcui, language, title) -> None:
    response = _infobutton(
        client, rxcui, knowledgeResponseType="application/pdf", **{"informationRecipient.languageCode.c": language}
    )
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.content)
    assert title in text
    assert "Prepared for" not in text and "Paciente" not in text  # no one in particular
    assert "Your dose schedule" not in text and "Su horario de dosis" not in text
    topic = "carisoprodol" if rxcui == "197446" else "methocarbamol"
    assert missing_sentences(pdf_pages_text(response.content), generator.required_sentences(topic, language)) == []
    assert _infobutton(client, "999999", knowledgeResponseType="application/pdf").status_code == 404


def test_fhir_routes_need_the_token(tmp_path) -> None:
    settings = WebSettings(library_root(), layouts_root(), read_clinic(SAMPLES / "clinic.yaml"), token="s3cret")
    client = TestClient(create_app(settings), base_url="http://127.0.0.1:8000")
    assert _post(client, "carisoprodol-tid.json").status_code == 401
    assert _infobutton(client, "197446").status_code == 401
    ok = client.post(
        "/api/fhir/handouts",
        content=json.dumps(json.loads((BUNDLES / "carisoprodol-tid.json").read_text())),
        headers=FHIR_JSON | {"authorization": "Bearer s3cret"},
    )
    assert ok.status_code == 200
