"""FHIR orders as EHRs write them: real US Core, Epic and Synthea orders (tests/fhir/ehr, origins in its README),
the ways of saying the same order that must all read alike, and the ways a reference could mean another patient."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from fhir_bundles import BUNDLES, RXNORM, bundle, order
from helpers import pdf_text
from hypothesis import given
from hypothesis import strategies as st

from generator.content.codes import CodeIndex
from generator.errors import InputError
from generator.fhir.mapping import FhirInput, read_fhir

EHR = BUNDLES / "ehr"
UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"
GTS = "http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation"
EPIC_RATE = "http://epic.com/CodeSystem/dose-rate-type"
WHERE = "MedicationRequest.dosageInstruction[0]"
MADE_ON = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def codes(generator) -> CodeIndex:
    return CodeIndex(generator.library)


def read(data: Any, generator, codes: CodeIndex, made_on: dt.date = MADE_ON) -> FhirInput:
    return read_fhir(data, "bundle.json", generator.library, codes, made_on)


def refusal(data: Any, generator, codes: CodeIndex, made_on: dt.date = MADE_ON) -> str:
    with pytest.raises(InputError) as caught:
        read(data, generator, codes, made_on)
    return str(caught.value)


def ehr(name: str) -> dict[str, Any]:
    return json.loads((EHR / name).read_text(encoding="utf-8"))


def dosage(data: dict[str, Any]) -> dict[str, Any]:
    return order(data)["dosageInstruction"][0]


def entry(data: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(e for e in data["entry"] if e["resource"]["resourceType"] == kind)


def _build(run_cli, tmp_path: Path, data: dict[str, Any], *extra: str) -> tuple[int, str, str]:
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "out.pdf"
    code, _, stderr = run_cli("build", "--fhir", str(path), "-o", str(out), "--made-on", "2026-12-06", *extra)
    return code, (pdf_text(out) if out.exists() else ""), stderr


# -- real orders, as exported -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["uscore-coded.json", "uscore-contained.json", "uscore-referenced.json"])
def test_us_core_orders_make_the_leaflet_for_the_patients_current_name(run_cli, tmp_path, name) -> None:
    """US Core's three MedicationRequest examples (medicine coded, contained, referenced) and its example patient:
    her name since 2020 (usual, Baxter), never the old one (Shaw); Spanish, as she prefers; one refill. Made tri-fold
    here; the standard layout holds its 30-day course too, with a month-grid calendar (test_calendar_grid)."""
    code, text, stderr = _build(run_cli, tmp_path, ehr(name), "--layout", "trifold")
    assert code == 0, stderr
    assert "Amy V. Baxter" in text and "Shaw" not in text
    assert "Recetado por" in text and "Dr Ronald Bone" in text
    assert "5 de abril de 2008" in text and "4 de mayo de 2008" in text  # 30 days from its expectedSupplyDuration
    assert "Resurtidos" in text
    assert f"{WHERE}.text: free-text instructions, not printed" in stderr
    assert "MedicationRequest.dispenseRequest.quantity: not in tablets or mg" in stderr  # 480 mL of the example
    assert "10 mL" not in stderr  # never the order's own words


def test_the_epic_order_reads_as_epic_writes_it(generator, codes, run_cli, tmp_path) -> None:
    """Epic's sandbox order as its FHIR API sends it: timeOfDay with no frequency, count for the length, a text
    timing.code, three doseAndRate rows, SNOMED CT 260548002 and an Epic route code, method Take, free text."""
    fhir = read(ehr("epic-active.json"), generator, codes)
    rx = fhir.data.prescription
    assert rx is not None
    assert (rx.dose_mg, rx.times_per_day, rx.times, rx.days_supply, rx.refills) == (500, 1, ["morning"], 365, 12)
    assert rx.start == dt.date(2019, 5, 28)
    assert fhir.data.prescriber.name == "Family Medicine Physician, MD"
    assert fhir.paths["prescription.days_supply"] == f"{WHERE}.timing.repeat.count"
    assert fhir.paths["prescription.dose_mg"] == f"{WHERE}.doseAndRate[2].doseQuantity"  # the row typed ordered
    assert any("patientInstruction: free-text instructions" in warning for warning in fhir.warnings)
    assert any("with its refills, fewer tablets than the course needs" in warning for warning in fhir.warnings)
    code, text, stderr = _build(run_cli, tmp_path, ehr("epic-active.json"), "--layout", "one-page")
    assert code == 0, stderr
    assert "Camila Maria Lopez" in text and "morning" in text.lower()


def test_a_synthea_order_without_course_dates_is_refused_for_that_alone(generator, codes) -> None:
    """Synthea writes no course dates: the leaflet prints them, so the order is refused, every reason in one answer;
    its dose with no unit and its conditional prescriber reference are read."""
    error = refusal(ehr("synthea-active.json"), generator, codes)
    assert error == (
        f"bundle.json: {WHERE}.timing.repeat.boundsPeriod.start: missing: the first instruction gives the first day; "
        f"{WHERE}.timing.repeat: needs the course's length: boundsPeriod.end, boundsDuration or count (or, for a "
        "single instruction, dispenseRequest.expectedSupplyDuration or quantity)"
    )
    data = ehr("synthea-active.json")
    dosage(data)["timing"]["repeat"]["boundsPeriod"] = {"start": "2026-11-24", "end": "2026-12-07"}
    fhir = read(data, generator, codes)
    assert fhir.data.prescription is not None and fhir.data.prescription.dose_mg == 350  # 1 tablet, no unit
    assert fhir.data.prescriber.name == "Dr. Joaquín233 Duarte203"  # the conditional reference's display
    assert fhir.data.patient.name == "Yvone889 Janina163 Cummings51"  # official, not the maiden name


# -- never the wrong patient --------------------------------------------------------------------------------------


def _other_patient(data: dict[str, Any], ident: str, full_url: str) -> dict[str, Any]:
    other = copy.deepcopy(entry(data, "Patient"))
    other["resource"]["id"] = ident
    other["resource"]["name"] = [{"use": "official", "family": "Other", "given": ["Someone"]}]
    other["fullUrl"] = full_url
    data["entry"].append(other)
    return other["resource"]


def test_two_entries_with_one_full_url_are_refused(generator, codes) -> None:
    data = bundle("carisoprodol-tid.json")
    _other_patient(data, "p-2", entry(data, "Patient")["fullUrl"])
    assert "Bundle.entry[4].fullUrl: the same as Bundle.entry[0]'s" in refusal(data, generator, codes)


def test_two_patients_with_one_id_are_refused(generator, codes) -> None:
    data = bundle("carisoprodol-tid.json")
    _other_patient(data, "p-1001", "urn:uuid:3a5c9a1e-7c4b-4b7e-9a55-0d8f2f1c6b10")
    assert "Bundle.entry[4].resource.id: the same Patient id as Bundle.entry[0]'s" in refusal(data, generator, codes)


def test_a_second_patient_is_refused_even_when_the_order_names_one(generator, codes) -> None:
    data = bundle("carisoprodol-tid.json")
    _other_patient(data, "p-2", "https://ehr.example.org/fhir/Patient/p-2")
    error = refusal(data, generator, codes)
    assert "Bundle.entry.resource.ofType(Patient): expected exactly one Patient, found 2" in error
    assert "Someone" not in error and "Other" not in error


@pytest.mark.parametrize(
    "subject", [{"reference": "Patient/nobody"}, {"display": "Maria Lopez"}, {"identifier": {"value": "MRN-1"}}]
)
def test_an_order_whose_subject_is_not_the_patient_is_refused(generator, codes, subject) -> None:
    data = bundle("carisoprodol-tid.json")
    order(data)["subject"] = subject
    assert "MedicationRequest.subject: must refer to the Patient in the bundle" in refusal(data, generator, codes)


@pytest.mark.parametrize(
    ("subject", "order_url"),
    [
        ("http://other.example/fhir/Patient/p-1001", None),  # another server's patient p-1001
        ("Patient/p-1001", "http://other.example/fhir/MedicationRequest/rx-5501"),  # relative to the order's server
        ("Patient/p-1001/_history/2", "http://other.example/fhir/MedicationRequest/rx-5501"),
    ],
)
def test_a_patient_of_another_server_is_never_this_one(generator, codes, subject, order_url) -> None:
    """Ids are unique per server only: a reference resolves under its own server base, as FHIR says."""
    data = bundle("carisoprodol-tid.json")
    order(data)["subject"] = {"reference": subject}
    if order_url:
        entry(data, "MedicationRequest")["fullUrl"] = order_url
    assert "MedicationRequest.subject: must refer to the Patient in the bundle" in refusal(data, generator, codes)


@pytest.mark.parametrize(
    "subject",
    ["Patient/p-1001", "https://ehr.example.org/fhir/Patient/p-1001", "Patient/p-1001/_history/3"],
)
def test_the_same_patient_referred_to_as_servers_write_it(generator, codes, subject) -> None:
    data = bundle("carisoprodol-tid.json")
    order(data)["subject"] = {"reference": subject}
    assert read(data, generator, codes).data.patient.name


# -- the name printed ----------------------------------------------------------------------------------------------


def _names(data: dict[str, Any], names: list[dict[str, Any]]) -> None:
    entry(data, "Patient")["resource"]["name"] = names


@pytest.mark.parametrize(
    ("names", "printed", "preferred"),
    [
        (  # an official name that ended, and the one since
            [
                {"use": "official", "family": "Shaw", "given": ["Amy"], "period": {"end": "2020-07-21"}},
                {"use": "official", "family": "Baxter", "given": ["Amy"], "period": {"start": "2020-07-22"}},
            ],
            "Amy Baxter",
            None,
        ),
        (  # an ended period read in its offset: ends as July 22 begins
            [
                {"use": "official", "family": "Shaw", "given": ["Amy"], "period": {"end": "2026-11-25T00:00:00-05:00"}},
                {"use": "usual", "family": "Baxter", "given": ["Amy"]},
            ],
            "Amy Baxter",
            "Amy",
        ),
        (
            [{"use": "old", "family": "Shaw", "given": ["Amy"]}, {"family": "Baxter", "given": ["Amy"]}],
            "Amy Baxter",
            None,
        ),
        ([{"use": "official", "text": "Amy V. Baxter"}, {"use": "usual", "given": ["Vee"]}], "Amy V. Baxter", "Vee"),
        (
            [{"use": "maiden", "family": "Shaw", "given": ["Amy"]}, {"use": "nickname", "given": ["Vee"]}],
            "Vee",
            None,
        ),
        ([{"use": "official", "family": "Baxter", "given": ["Amy"], "period": {"end": "2030"}}], "Amy Baxter", None),
    ],
)
def test_the_current_name_is_printed(generator, codes, names, printed, preferred) -> None:
    data = bundle("carisoprodol-tid.json")
    _names(data, names)
    patient = read(data, generator, codes).data.patient
    assert (patient.name, patient.preferred_name) == (printed, preferred)


@pytest.mark.parametrize(
    ("names", "message"),
    [
        ([{"use": "old", "family": "Shaw"}], "Patient.name: no current name: each is old or its period has ended"),
        ([{"family": "Shaw", "period": {"end": "2020"}}], "Patient.name: no current name"),
        (
            [{"use": "official", "family": "Shaw"}, {"use": "official", "family": "Baxter"}],
            "Patient.name: more than one current name with use 'official'",
        ),
        ([{"family": "Shaw"}, {"family": "Baxter"}], "Patient.name: more than one current name and none is official"),
    ],
)
def test_no_name_or_two_are_refused(generator, codes, names, message) -> None:
    data = bundle("carisoprodol-tid.json")
    _names(data, names)
    error = refusal(data, generator, codes)
    assert message in error and "Shaw" not in error and "Baxter" not in error


def test_us_core_patient_on_a_day_before_her_current_name_has_none(generator, codes) -> None:
    """In 2019 her only names are the old one (never printed) and one not yet begun."""
    assert "Patient.name: no current name" in refusal(ehr("uscore-coded.json"), generator, codes, dt.date(2019, 1, 1))


# -- dates as written -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("end", "last"),
    [
        ("2026-12-08T00:00:00-05:00", dt.date(2026, 12, 7)),  # ends as December 8 begins
        ("2026-12-08T09:00:00-05:00", dt.date(2026, 12, 8)),
        ("2026-12-08T23:30:00+14:00", dt.date(2026, 12, 8)),  # the day in its own offset, not UTC's
        ("2026-12-08", dt.date(2026, 12, 8)),
    ],
)
def test_a_period_end_is_read_in_its_own_offset_and_midnight_ends_the_day_before(generator, codes, end, last) -> None:
    data = bundle("carisoprodol-tid.json")
    dosage(data)["timing"]["repeat"]["boundsPeriod"] = {"start": "2026-11-24T22:00:00-05:00", "end": end}
    del order(data)["dispenseRequest"]
    rx = read(data, generator, codes).data.prescription
    assert rx is not None and rx.start == dt.date(2026, 11, 24)
    assert rx.start + dt.timedelta(days=rx.days_supply - 1) == last


# -- timing.code ----------------------------------------------------------------------------------------------------


def _code(data: dict[str, Any], code: str | None = None, text: str | None = None) -> dict[str, Any]:
    concept: dict[str, Any] = {"text": text} if text else {}
    if code:
        concept["coding"] = [{"system": GTS, "code": code}]
    dosage(data)["timing"]["code"] = concept
    return dosage(data)["timing"]


def test_a_gts_code_that_agrees_with_timing_repeat(generator, codes) -> None:
    data = bundle("carisoprodol-tid.json")
    _code(data, "TID", "three times a day")
    rx = read(data, generator, codes).data.prescription
    assert rx is not None and rx.times_per_day == 3


def test_a_gts_code_that_disagrees_is_refused_naming_both(generator, codes) -> None:
    data = bundle("carisoprodol-tid.json")
    _code(data, "BID")
    error = refusal(data, generator, codes)
    assert f"{WHERE}.timing.code: disagrees with {WHERE}.timing.repeat on how often" in error


@pytest.mark.parametrize(
    ("code", "times", "per_day"), [("QID", None, 4), ("BED", ["bedtime"], 1), ("AM", ["morning"], 1)]
)
def test_a_gts_code_alone_gives_how_often(generator, codes, code, times, per_day) -> None:
    """No frequency in timing.repeat (its bounds only): the code says how often, and bedtime or the morning."""
    data = bundle("carisoprodol-tid.json")
    repeat = _code(data, code)["repeat"]
    for name in ("frequency", "period", "periodUnit"):
        del repeat[name]
    del order(data)["dispenseRequest"]["quantity"]
    rx = read(data, generator, codes).data.prescription
    assert rx is not None and (rx.times_per_day, rx.times) == (per_day, times)


@pytest.mark.parametrize("text", ["daily", "0900", "TID"])
def test_a_local_timing_code_is_ignored_beside_timing_repeat(generator, codes, text) -> None:
    data = bundle("carisoprodol-tid.json")
    _code(data, text=text)
    dosage(data)["timing"]["code"]["coding"] = [
        {"system": "urn:oid:1.2.840.114350.1.13.0.1.7.4.698288.300", "code": "1"}
    ]
    rx = read(data, generator, codes).data.prescription
    assert rx is not None and rx.times_per_day == 3


@pytest.mark.parametrize("code", ["QOD", "WK", "PM", "Q4H"])
def test_gts_codes_the_leaflet_cannot_print_are_refused(generator, codes, code) -> None:
    data = bundle("carisoprodol-tid.json")
    repeat = _code(data, code)["repeat"]
    for name in ("frequency", "period", "periodUnit"):
        del repeat[name]
    error = refusal(data, generator, codes)
    assert f"{WHERE}.timing.repeat" in error or f"{WHERE}.timing.code" in error


# -- doseAndRate ----------------------------------------------------------------------------------------------------


def _rate(kind: str, value: float, unit: dict[str, str]) -> dict[str, Any]:
    return {
        "type": {"coding": [{"system": EPIC_RATE, "code": kind}], "text": kind},
        "doseQuantity": {"value": value, **unit},
    }


MG = {"unit": "mg", "system": UCUM, "code": "mg"}
TABLET = {"unit": "tablet", "system": UCUM, "code": "{tbl}"}


def test_epic_rows_that_agree_are_read_from_the_ordered_one(generator, codes) -> None:
    data = bundle("carisoprodol-tid.json")
    dosage(data)["doseAndRate"] = [
        _rate("calculated", 350, MG),
        _rate("admin-amount", 1, TABLET),
        _rate("ordered", 350, MG),
    ]
    fhir = read(data, generator, codes)
    assert fhir.data.prescription is not None and fhir.data.prescription.dose_mg == 350
    assert fhir.paths["prescription.dose_mg"] == f"{WHERE}.doseAndRate[2].doseQuantity"


def test_rows_that_disagree_are_refused_naming_them(generator, codes) -> None:
    data = bundle("carisoprodol-tid.json")
    dosage(data)["doseAndRate"] = [_rate("admin-amount", 2, TABLET), _rate("ordered", 350, MG)]
    error = refusal(data, generator, codes)
    assert (
        f"{WHERE}.doseAndRate[0].doseQuantity: disagrees with {WHERE}.doseAndRate[1].doseQuantity on the dose" in error
    )


def test_several_rows_none_ordered_that_agree_are_read(generator, codes) -> None:
    data = bundle("carisoprodol-tid.json")
    dosage(data)["doseAndRate"] = [_rate("calculated", 350, MG), _rate("admin-amount", 1, TABLET)]
    rx = read(data, generator, codes).data.prescription
    assert rx is not None and rx.dose_mg == 350
    dosage(data)["doseAndRate"] = [_rate("calculated", 700, MG), _rate("admin-amount", 1, TABLET)]
    error = refusal(data, generator, codes)
    assert f"{WHERE}.doseAndRate[1].doseQuantity: disagrees with {WHERE}.doseAndRate[0]" in error


@pytest.mark.parametrize(
    "quantity",
    [
        {"value": 1.0},  # Synthea
        {"value": 1, "unit": "tablet"},  # Epic's dispense quantity style
        {"value": 1, "unit": "Tablet"},
        {"value": 1, "unit": "TAB"},
        {"value": 1, "unit": "tabs", "system": UCUM},
        {"value": 1, "system": "http://terminology.hl7.org/CodeSystem/v3-orderableDrugForm", "code": "TAB"},
        {"value": 350, "unit": "mg"},
    ],
    ids=str,
)
def test_ways_of_writing_one_tablet(generator, codes, quantity) -> None:
    data = bundle("carisoprodol-tid.json")
    dosage(data)["doseAndRate"][0]["doseQuantity"] = quantity
    rx = read(data, generator, codes).data.prescription
    assert rx is not None and rx.dose_mg == 350


# -- route and method ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "route",
    [
        {"coding": [{"system": SNOMED, "code": "260548002", "display": "Oral (qualifier value)"}]},
        {"coding": [{"system": "urn:oid:1.2.840.114350.1.13.0.1.7.4.798268.7025", "code": "15", "display": "Oral"}]},
        {"text": "By mouth"},
        {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration", "code": "PO"}]},
    ],
    ids=str,
)
def test_ways_of_saying_by_mouth(generator, codes, route) -> None:
    data = bundle("carisoprodol-tid.json")
    dosage(data)["route"] = route
    dosage(data)["method"] = {"coding": [{"system": SNOMED, "code": "419652001", "display": "Take"}], "text": "Take"}
    assert read(data, generator, codes).data.prescription is not None


@pytest.mark.parametrize(
    ("route", "message"),
    [
        ({"coding": [{"system": SNOMED, "code": "47625008", "display": "Intravenous route"}]}, "route: not by mouth"),
        ({"text": "Transdermal"}, "route: not by mouth"),
        ({"coding": [{"system": "urn:oid:1.2.3", "code": "15"}]}, "route: no code or text the leaflet reads as oral"),
    ],
)
def test_other_routes_are_refused(generator, codes, route, message) -> None:
    data = bundle("carisoprodol-tid.json")
    dosage(data)["route"] = route
    assert f"{WHERE}.{message}" in refusal(data, generator, codes)


def test_a_method_other_than_take_is_refused(generator, codes) -> None:
    data = bundle("carisoprodol-tid.json")
    dosage(data)["method"] = {"text": "Chew"}
    assert f"{WHERE}.method: only taking or swallowing" in refusal(data, generator, codes)


# -- the prescriber -------------------------------------------------------------------------------------------------


def test_a_conditional_reference_with_a_display_names_the_prescriber(generator, codes) -> None:
    data = bundle("carisoprodol-tid.json")
    data["entry"].remove(entry(data, "Practitioner"))
    order(data)["requester"] = {
        "reference": "Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999934299",
        "display": "Dr. Joaquín233 Duarte203",
    }
    assert read(data, generator, codes).data.prescriber.name == "Dr. Joaquín233 Duarte203"


def test_a_practitioner_role_gives_its_practitioner_and_its_own_phone(generator, codes) -> None:
    data = bundle("carisoprodol-tid.json")
    role = {
        "resourceType": "PractitionerRole",
        "id": "role-1",
        "practitioner": {"reference": "Practitioner/dr-lee"},
        "telecom": [{"system": "phone", "value": "555-0199", "use": "work"}],
    }
    data["entry"].append({"fullUrl": "https://ehr.example.org/fhir/PractitionerRole/role-1", "resource": role})
    order(data)["requester"] = {"reference": "PractitionerRole/role-1"}
    prescriber = read(data, generator, codes).data.prescriber
    practitioner = entry(data, "Practitioner")["resource"]
    assert practitioner["name"][0]["family"] in prescriber.name and prescriber.phone == "555-0199"


def test_no_prescriber_name_is_refused_naming_requester(generator, codes) -> None:
    data = bundle("carisoprodol-tid.json")
    order(data)["requester"] = {"reference": "Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999934299"}
    assert "MedicationRequest.requester: no prescriber's name" in refusal(data, generator, codes)
    order(data)["requester"] = {"reference": "Patient/p-1001"}
    assert "MedicationRequest.requester: refers to a Patient" in refusal(data, generator, codes)


# -- the course's length --------------------------------------------------------------------------------------------


def _single(data: dict[str, Any], **repeat: Any) -> dict[str, Any]:
    """The order with only a start day and how often; `repeat` adds to it; dispenseRequest emptied."""
    dosage(data)["timing"]["repeat"] = {"boundsPeriod": {"start": "2026-11-24"}, "frequency": 3, "period": 1}
    dosage(data)["timing"]["repeat"] |= {"periodUnit": "d", **repeat}
    dosage(data).pop("text")
    order(data)["dispenseRequest"] = {}
    return order(data)["dispenseRequest"]


def test_the_limit_on_a_course_from_expected_supply_duration_names_it(run_cli, tmp_path) -> None:
    data = bundle("carisoprodol-tid.json")
    _single(data)["expectedSupplyDuration"] = {"value": 30, "unit": "days", "system": UCUM, "code": "d"}
    code, _, stderr = _build(run_cli, tmp_path, data)
    assert code == 2
    assert "MedicationRequest.dispenseRequest.expectedSupplyDuration (prescription.days_supply):" in stderr


@pytest.mark.parametrize(
    ("repeat", "dispense", "days"),
    [
        ({"count": 42}, {}, 14),
        ({"boundsPeriod": {"start": "2026-11-24", "end": "2026-12-08T00:00:00Z"}, "count": 42}, {}, 14),
        ({}, {"quantity": {"value": 42, "unit": "tablet"}}, 14),
        ({}, {"quantity": {"value": 14700, "unit": "mg", "system": UCUM, "code": "mg"}}, 14),
        ({"count": 42}, {"expectedSupplyDuration": {"value": 14, "system": UCUM, "code": "d"}}, 14),
        (
            {"count": 42},
            {"expectedSupplyDuration": {"value": 7, "system": UCUM, "code": "d"}, "numberOfRepeatsAllowed": 1},
            14,
        ),
    ],
    ids=str,
)
def test_ways_of_giving_the_courses_length(generator, codes, repeat, dispense, days) -> None:
    data = bundle("carisoprodol-tid.json")
    _single(data, **repeat).update(dispense)
    rx = read(data, generator, codes).data.prescription
    assert rx is not None and rx.days_supply == days


@pytest.mark.parametrize(
    ("repeat", "dispense", "message"),
    [
        (
            {"count": 42, "boundsPeriod": {"start": "2026-11-24", "end": "2026-12-03"}},
            {},
            f"{WHERE}.timing.repeat.count: disagrees with {WHERE}.timing.repeat.boundsPeriod.end on the course's",
        ),
        ({"count": 40}, {}, f"{WHERE}.timing.repeat.count: is not a whole number of days of doses"),
        ({}, {"quantity": {"value": 40, "unit": "tablet"}}, "dispenseRequest.quantity: is not a whole number of days"),
        ({}, {"quantity": {"value": 40, "unit": "mL"}}, "dispenseRequest.quantity: not in tablets or mg"),
        (
            {"count": 42},
            {"quantity": {"value": 30, "unit": "tablet"}},
            "quantity: holds fewer tablets than the course needs",
        ),
        (
            {"count": 42},
            {"expectedSupplyDuration": {"value": 10, "system": UCUM, "code": "d"}},
            f"expectedSupplyDuration: disagrees with {WHERE}.timing.repeat.count on the course's length",
        ),
    ],
    ids=str,
)
def test_ways_that_disagree_or_say_too_little_are_refused(generator, codes, repeat, dispense, message) -> None:
    data = bundle("carisoprodol-tid.json")
    _single(data, **repeat).update(dispense)
    assert message in refusal(data, generator, codes)


def test_a_larger_quantity_is_told_to_staff(generator, codes) -> None:
    data = bundle("carisoprodol-tid.json")
    _single(data, count=42)["quantity"] = {"value": 50, "unit": "tablet"}
    fhir = read(data, generator, codes)
    assert (
        "MedicationRequest.dispenseRequest.quantity: more tablets than the course needs (a pack size?)"
        in fhir.warnings[0]
    )


@given(per_day=st.integers(1, 4), days=st.integers(1, 21))
def test_any_count_reads_as_its_days(generator, codes, per_day, days) -> None:
    data = bundle("carisoprodol-tid.json")
    _single(data, frequency=per_day, count=per_day * days)
    rx = read(data, generator, codes).data.prescription
    assert rx is not None and (rx.times_per_day, rx.days_supply) == (per_day, days)


# -- one answer -----------------------------------------------------------------------------------------------------


def test_every_problem_and_the_generators_limits_in_one_answer(generator, codes) -> None:
    """A route the leaflet cannot print and a dose over the label's limit: both, in one answer."""
    data = bundle("carisoprodol-tid.json")
    dosage(data)["route"] = {"text": "Intravenous"}
    dosage(data)["doseAndRate"][0]["doseQuantity"]["value"] = 2
    order(data)["dispenseRequest"].pop("quantity")
    error = refusal(data, generator, codes)
    assert f"{WHERE}.route: not by mouth" in error
    assert (
        f"{WHERE}.doseAndRate[0].doseQuantity (prescription.dose_mg): 700 mg a dose is above the 350 mg limit" in error
    )


def test_the_medicine_code_of_a_real_order_stays_what_the_readme_says() -> None:
    """Each fixture's README line names the code it was changed to; a fixture changed since would show here."""
    readme = (EHR / "README.md").read_text(encoding="utf-8")
    for path in sorted(EHR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        codings = [
            c["code"]
            for e in data["entry"]
            for r in [e["resource"], *e["resource"].get("contained", [])]
            for concept in (r.get("code"), r.get("medicationCodeableConcept"))
            if concept
            for c in concept.get("coding", [])
            if c.get("system") == RXNORM
        ]
        assert codings and all(f"`{path.name}`" in readme and code in readme for code in codings), path.name


# -- found in review: what must never be dropped or crash ---------------------------------------------------------


def _methocarbamol_every_hours(repeat: dict[str, Any]) -> dict[str, Any]:
    data = bundle("carisoprodol-tid.json")
    order(data)["medicationCodeableConcept"] = {"coding": [{"system": RXNORM, "code": "197944"}]}
    dosage(data)["timing"]["repeat"] = {"boundsPeriod": {"start": "2026-11-24", "end": "2026-12-07"}, **repeat}
    dosage(data).pop("text")
    del order(data)["dispenseRequest"]
    return data


def test_a_count_the_leaflet_cannot_print_is_refused(generator, codes) -> None:
    """Every 7 hours for 14 days allows 3 a day; a count of 4 doses in all is a total the leaflet does not print."""
    data = _methocarbamol_every_hours({"frequency": 1, "period": 7, "periodUnit": "h", "count": 4})
    assert f"{WHERE}.timing.repeat.count: fewer doses in all than the printed schedule allows" in refusal(
        data, generator, codes
    )
    dosage(data)["timing"]["repeat"]["boundsPeriod"] = {"start": "2026-11-24"}
    assert f"{WHERE}.timing.repeat.count: gives no course length for doses taken when needed" in refusal(
        data, generator, codes
    )


def test_a_count_that_allows_every_printed_dose_is_read(generator, codes) -> None:
    data = _methocarbamol_every_hours({"frequency": 1, "period": 7, "periodUnit": "h", "count": 42})
    rx = read(data, generator, codes).data.prescription
    assert rx is not None and (rx.every_hours, rx.days_supply) == (7, 14)


def test_fills_that_do_not_reach_the_last_day_are_told(generator, codes) -> None:
    data = bundle("carisoprodol-tid.json")
    dispense = _single(data, boundsPeriod={"start": "2026-11-24", "end": "2026-12-14"})
    dispense.update(numberOfRepeatsAllowed=1, expectedSupplyDuration={"value": 3, "system": UCUM, "code": "d"})
    fhir = read(data, generator, codes)
    told = "MedicationRequest.dispenseRequest.expectedSupplyDuration: with its refills, fewer days than the course"
    assert any(warning.startswith(told) for warning in fhir.warnings)


def _supply(data: dict[str, Any], value: float) -> None:
    _single(data)["expectedSupplyDuration"] = {"value": value, "system": UCUM, "code": "d"}


def _far_start(data: dict[str, Any]) -> None:
    _supply(data, 14)
    dosage(data)["timing"]["repeat"]["boundsPeriod"] = {"start": "9999-12-31"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: _single(d, count=2147483646, frequency=1), "count: longer than the longest course"),
        (lambda d: _supply(d, 1e9), "expectedSupplyDuration: longer than the longest course"),
        (lambda d: _single(d).update(quantity={"value": 1e30, "unit": "tablet"}), "quantity: longer than the longest"),
        (_far_start, "ends after the last date a leaflet can print"),
        (
            lambda d: dosage(d)["timing"]["repeat"].update(
                boundsPeriod={"start": "2026-11-24", "end": "0001-01-01T00:00:00Z"}
            ),
            "boundsPeriod.end: is before the start",
        ),
    ],
    ids=["count", "supply", "quantity", "year 9999", "year 1"],
)
def test_out_of_range_lengths_are_refused_not_crashed(generator, codes, change, message) -> None:
    data = bundle("carisoprodol-tid.json")
    change(data)
    assert message in refusal(data, generator, codes)


def test_an_open_ended_name_period_written_9999_is_current(generator, codes) -> None:
    data = bundle("carisoprodol-tid.json")
    _names(data, [{"use": "official", "family": "Baxter", "given": ["Amy"], "period": {"end": "9999"}}])
    assert read(data, generator, codes).data.patient.name == "Amy Baxter"


def test_a_name_use_fhir_does_not_have_is_refused(generator, codes) -> None:
    data = bundle("carisoprodol-tid.json")
    _names(data, [{"use": "Maria-official", "family": "Baxter"}, {"use": "usual", "given": ["Mari"]}])
    error = refusal(data, generator, codes)
    assert "Patient.name[0].use: not a FHIR name use" in error and "Maria" not in error


def test_a_contained_role_and_its_contained_practitioner(generator, codes) -> None:
    data = bundle("carisoprodol-tid.json")
    person = {
        "resourceType": "Practitioner",
        "id": "p",
        "name": [{"family": "Okafor", "given": ["Ada"], "prefix": ["Dr."]}],
    }
    order(data)["contained"] = [
        {"resourceType": "PractitionerRole", "id": "role1", "practitioner": {"reference": "#p"}},
        person,
    ]
    order(data)["requester"] = {"reference": "#role1"}
    assert read(data, generator, codes).data.prescriber.name == "Dr. Ada Okafor"


def test_a_requesters_display_stands_in_for_a_role_without_its_practitioner(generator, codes) -> None:
    data = bundle("carisoprodol-tid.json")
    role = {"resourceType": "PractitionerRole", "id": "r1"}
    data["entry"].append({"fullUrl": "https://ehr.example.org/fhir/PractitionerRole/r1", "resource": role})
    order(data)["requester"] = {"reference": "PractitionerRole/r1", "display": "Dr. Sam Lee"}
    assert read(data, generator, codes).data.prescriber.name == "Dr. Sam Lee"


@pytest.mark.parametrize(("code", "repeat"), [("BED", {"timeOfDay": ["21:00:00"]}), ("AM", {"when": ["MORN.early"]})])
def test_a_gts_time_of_day_agrees_with_the_same_time_said_another_way(generator, codes, code, repeat) -> None:
    data = bundle("carisoprodol-tid.json")
    _code(data, code)["repeat"] |= {"frequency": 1, **repeat}
    del order(data)["dispenseRequest"]["quantity"]
    del order(data)["dispenseRequest"]["expectedSupplyDuration"]
    rx = read(data, generator, codes).data.prescription
    assert rx is not None and rx.times_per_day == 1


@pytest.mark.parametrize(
    ("code", "said"), [("PM", "every afternoon"), ("QOD", "every other day"), ("WK", "once a week")]
)
def test_gts_codes_the_leaflet_cannot_print_are_named_as_the_code(generator, codes, code, said) -> None:
    data = bundle("carisoprodol-tid.json")
    repeat = _code(data, code)["repeat"]
    for name in ("frequency", "period", "periodUnit"):
        del repeat[name]
    assert f"{WHERE}.timing.code: {said} is not printed" in refusal(data, generator, codes)


def test_a_limit_on_what_timing_code_said_names_the_code(run_cli, tmp_path) -> None:
    """Q1H fills in every hour; carisoprodol's limit of 4 a day is then about the code the order sent."""
    data = bundle("carisoprodol-tid.json")
    repeat = _code(data, "Q1H")["repeat"]
    for name in ("frequency", "period", "periodUnit"):
        del repeat[name]
    del order(data)["dispenseRequest"]["quantity"]
    dosage(data).pop("text")
    code, _, stderr = _build(run_cli, tmp_path, data)
    assert code == 2 and f"{WHERE}.timing.code (prescription.times_per_day):" in stderr
