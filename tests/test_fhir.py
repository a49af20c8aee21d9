"""FHIR R4 input: hand-written bundles modelled on EHR exports, read back from the PDF; errors name FHIR paths."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from fhir_bundles import BUNDLES, RXNORM, bundle, order, second_order
from helpers import pdf_text
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.content.codes import CodeIndex
from generator.errors import InputError
from generator.fhir.mapping import read_fhir

SNOMED = "http://snomed.info/sct"
MADE_ON = dt.date(2026, 11, 25)
UCUM = "http://unitsofmeasure.org"


@pytest.fixture(scope="module")
def codes(generator) -> CodeIndex:
    return CodeIndex(generator.library)


def read(data: Any, generator, codes: CodeIndex, topic: str | None = None):
    return read_fhir(data, "bundle.json", generator.library, codes, MADE_ON, topic)


def refusal(data: Any, generator, codes: CodeIndex, topic: str | None = None) -> str:
    with pytest.raises(InputError) as caught:
        read(data, generator, codes, topic)
    return str(caught.value)


def build(run_cli, tmp_path: Path, name: str, *extra: str) -> tuple[int, str, str]:
    out = tmp_path / "out.pdf"
    code, _, stderr = run_cli("build", *extra, "--fhir", str(BUNDLES / name), "-o", str(out), "--made-on", "2026-11-25")
    return code, (pdf_text(out) if out.exists() else ""), stderr


def test_three_times_a_day_order_prints_the_order(run_cli, tmp_path) -> None:
    code, text, stderr = build(run_cli, tmp_path, "carisoprodol-tid.json")
    assert code == 0, stderr
    assert "Carisoprodol (Soma)" in text
    assert "Prepared for Maria Elena Lopez" in text
    assert "Dr. Sam Lee, 555-0100" in text  # the work phone ranked first, not the mobile
    assert "Nov 24, 2026 Dec 7, 2026 1 tablet of 350 mg each time in the morning, at midday, and in" in text
    assert "Start on November 24, 2026" in text
    assert "Last day to take it December 7, 2026" in text  # boundsPeriod.end, inclusive: 14 days


def test_two_instruction_taper_prints_both_steps(run_cli, tmp_path) -> None:
    code, text, stderr = build(run_cli, tmp_path, "carisoprodol-taper.json")
    assert code == 0, stderr
    # sequence 1 comes first although it is second in the array; mg and TAB doses both read
    assert "Nov 24, 2026 Dec 3, 2026 1 tablet of 350 mg each time in the morning, at midday, and in" in text
    assert "Dec 4, 2026 Dec 6, 2026 1 tablet of 350 mg each time in the morning and in the evening" in text
    assert "Last day to take it December 6, 2026" in text


def test_spanish_speaking_patient_gets_the_spanish_leaflet(run_cli, tmp_path) -> None:
    code, text, stderr = build(run_cli, tmp_path, "carisoprodol-spanish.json")
    assert code == 0, stderr
    assert "Paciente José Luis García Pérez" in text
    assert "Dra. Linh Nguyen, 555-0123" in text
    assert (
        "1 tableta de 250 mg cada vez por la mañana, al mediodía, en la cena y al acostarse" in text
    )  # the 250 mg product code gives the strength
    assert "7 de diciembre de 2026" in text  # expectedSupplyDuration 1 wk from December 1


def test_contained_medication_and_practitioner_telecom(run_cli, tmp_path) -> None:
    code, text, stderr = build(run_cli, tmp_path, "cyclobenzaprine-contained.json")
    assert code == 0, stderr
    assert "Cyclobenzaprine (Flexeril)" in text
    assert "Prepared for Zoë Müller" in text
    assert "Chris Patel, 555-0141" in text  # work phone of rank 1
    assert (
        "2 tablets of 5 mg each time (10 mg) in the morning, at midday, and in the evening" in text
    )  # 2 x the 5 mg tablet of RxCUI 828320


def test_free_text_dosage_is_refused_with_its_path(run_cli, tmp_path) -> None:
    code, text, stderr = build(run_cli, tmp_path, "bad-text-only.json")
    assert code == 2 and text == ""
    assert "MedicationRequest.dosageInstruction[0].text: free-text dosage only" in stderr
    assert "Traceback" not in stderr


def test_wrong_code_system_is_refused(run_cli, tmp_path) -> None:
    code, _, stderr = build(run_cli, tmp_path, "bad-wrong-code-system.json")
    assert code == 2
    assert f"MedicationRequest.medicationCodeableConcept.coding: no RxNorm code (system {RXNORM})" in stderr


def test_topic_given_must_agree_with_the_code(run_cli, tmp_path) -> None:
    code, _, stderr = build(run_cli, tmp_path, "carisoprodol-tid.json", "methocarbamol")
    assert code == 2
    assert "selects topic 'carisoprodol', not 'methocarbamol'" in stderr


def test_unknown_code_is_a_warning_when_the_topic_is_given(run_cli, tmp_path) -> None:
    data = bundle("carisoprodol-tid.json")
    order(data)["medicationCodeableConcept"]["coding"].insert(0, {"system": RXNORM, "code": "999999"})
    path = tmp_path / "b.json"
    path.write_text(json.dumps(data))
    out = tmp_path / "o.pdf"
    code, _, stderr = run_cli("build", "carisoprodol", "--fhir", str(path), "-o", str(out))
    assert code == 0, stderr
    assert "Warning:" in stderr and "RxCUI 999999 is not listed by any topic" in stderr
    order(data)["medicationCodeableConcept"]["coding"] = [{"system": RXNORM, "code": "999999"}]
    path.write_text(json.dumps(data))
    code, _, stderr = run_cli("build", "--fhir", str(path), "-o", str(out))
    assert code == 2 and "no topic of the library lists this medicine's RxCUI (handout list --codes" in stderr


def test_an_unknown_product_is_refused_even_with_the_topic_named(run_cli, tmp_path) -> None:
    """Its strength could be one the topic does not have: a 1,000 mg order once printed 2 tablets of 500 mg."""
    data = bundle("carisoprodol-tid.json")
    order(data)["medicationCodeableConcept"]["coding"] = [{"system": RXNORM, "code": "999999"}]
    path = tmp_path / "b.json"
    path.write_text(json.dumps(data))
    code, _, stderr = run_cli("build", "carisoprodol", "--fhir", str(path), "-o", str(tmp_path / "o.pdf"))
    assert code == 2 and stderr.count("\n") == 1
    assert "MedicationRequest.medicationCodeableConcept.coding[0]: not a code topic 'carisoprodol' lists" in stderr
    assert not (tmp_path / "o.pdf").exists()


# Each RxNorm ingredient (IN) code the library lists, with a dose in mg that only one of its tablets makes whole.
INGREDIENT_ORDERS = [
    ("2101", 350, "1 tablet of 350 mg each time"),
    ("21949", 7.5, "1 tablet of 7.5 mg each time"),
    ("6845", 750, "1 tablet of 750 mg each time"),
    ("7258", 375, "1 tablet of 375 mg each time"),
    ("161", 325, "1 tablet of 325 mg each time"),
]
# Ingredient codes whose every dose in mg is made by two products' tablets (ibuprofen: 3 x 200 mg sold without a
# prescription, or 1 x 600 mg by prescription): an order in mg needs the product code; the leaflet never guesses.
INGREDIENT_NEEDS_PRODUCT = [("5640", 600, "600 mg can be made from ibuprofen 200 mg; ibuprofen 400 mg or 600 mg")]


def test_every_listed_ingredient_code_is_tested(codes) -> None:
    listed = sorted(rxcui for rxcui, match in codes.items() if match.code.tty == "IN")
    assert listed == sorted(rxcui for rxcui, _, _ in [*INGREDIENT_ORDERS, *INGREDIENT_NEEDS_PRODUCT])


@pytest.mark.parametrize(("rxcui", "mg", "said"), INGREDIENT_NEEDS_PRODUCT)
def test_an_ingredient_order_two_products_could_fill_is_refused(run_cli, tmp_path, rxcui, mg, said) -> None:
    data = bundle("carisoprodol-tid.json")
    rx = order(data)
    rx["medicationCodeableConcept"] = {"coding": [{"system": RXNORM, "code": rxcui}]}
    rx["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"] = {"value": mg, "system": UCUM, "code": "mg"}
    code, text, stderr = _build(run_cli, tmp_path, data)
    assert code == 2 and text == ""
    assert said in stderr and "give the strength dispensed" in stderr and "Traceback" not in stderr


@pytest.mark.parametrize(("rxcui", "mg", "printed"), INGREDIENT_ORDERS)
def test_an_order_coded_at_ingredient_level_with_a_dose_in_mg_makes_the_leaflet(
    run_cli, tmp_path, rxcui, mg, printed
) -> None:
    data = bundle("carisoprodol-tid.json")
    rx = order(data)
    rx["medicationCodeableConcept"] = {"coding": [{"system": RXNORM, "code": rxcui}]}
    rx["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"] = {"value": mg, "system": UCUM, "code": "mg"}
    code, text, stderr = _build(run_cli, tmp_path, data)
    assert code == 0, stderr
    assert printed in text


@pytest.mark.parametrize(("rxcui", "mg", "printed"), INGREDIENT_ORDERS)
def test_an_order_coded_at_ingredient_level_in_tablets_is_refused(run_cli, tmp_path, rxcui, mg, printed) -> None:
    """An ingredient gives no tablet strength: 1 tablet could be any strength sold, and the leaflet never guesses."""
    data = bundle("carisoprodol-tid.json")
    order(data)["medicationCodeableConcept"] = {"coding": [{"system": RXNORM, "code": rxcui}]}
    code, text, stderr = _build(run_cli, tmp_path, data)
    assert code == 2 and text == ""
    assert (
        "MedicationRequest.dosageInstruction[0].doseAndRate[0].doseQuantity: in tablets, but the medication code "
        "gives no tablet strength (send a product RxCUI)"
    ) in stderr
    assert "Traceback" not in stderr


def test_methocarbamol_1000_mg_tablets_are_read_from_their_code(run_cli, tmp_path) -> None:
    data = bundle("carisoprodol-tid.json")
    rx = order(data)
    rx["medicationCodeableConcept"] = {"coding": [{"system": RXNORM, "code": "2611794"}]}
    rx["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"] = {"value": 1000, "system": UCUM, "code": "mg"}
    rx["dosageInstruction"][0]["timing"]["repeat"]["boundsPeriod"]["end"] = "2026-11-28"
    rx.pop("dispenseRequest")
    path = tmp_path / "b.json"
    path.write_text(json.dumps(data))
    out = tmp_path / "o.pdf"
    code, _, stderr = run_cli("build", "--fhir", str(path), "-o", str(out), "--made-on", "2026-11-24")
    assert code == 0, stderr
    assert "1 tablet of 1,000 mg each time" in pdf_text(out)  # not 2 tablets of 500 mg


def test_dose_limits_come_from_the_generator_and_name_the_fhir_element(run_cli, tmp_path) -> None:
    data = bundle("carisoprodol-tid.json")
    order(data)["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"]["value"] = 2
    path = tmp_path / "b.json"
    path.write_text(json.dumps(data))
    code, _, stderr = run_cli("build", "--fhir", str(path), "-o", str(tmp_path / "o.pdf"))
    assert code == 2
    assert (
        "MedicationRequest.dosageInstruction[0].doseAndRate[0].doseQuantity (prescription.dose_mg): "
        "700 mg a dose is above the 350 mg limit for carisoprodol"
    ) in stderr


def _repeat(data: dict[str, Any]) -> dict[str, Any]:
    return order(data)["dosageInstruction"][0]["timing"]["repeat"]


def _dosage(data: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """Change the first dosage instruction; return its timing.repeat to change next."""
    order(data)["dosageInstruction"][0].update(changes)
    return _repeat(data)


def _per_day(amount: float, unit: str, per: tuple[int, str] = (1, "d")) -> dict[str, Any]:
    """A maxDosePerPeriod: `amount` of UCUM `unit` per so many UCUM units of time."""
    return {
        "numerator": {"value": amount, "system": UCUM, "code": unit},
        "denominator": {"value": per[0], "system": UCUM, "code": per[1]},
    }


CHANGES = [
    (
        lambda d: order(d)["dosageInstruction"][0].update(timing={"code": {"text": "TID"}}),
        "[0].timing.code: timing.code only",
    ),
    (
        lambda d: _repeat(d).update(periodUnit="wk", frequency=1),
        "[0].timing.repeat.periodUnit: only so many times a day (d) or a dose every so many hours (h)",
    ),
    (lambda d: _repeat(d).update(period=2), "[0].timing.repeat.period: only 1"),
    (
        lambda d: _repeat(d).update(when=["HS"]),
        "[0].timing.repeat.when: 1 given, but MedicationRequest.dosageInstruction[0].timing.repeat.frequency is 3",
    ),
    (lambda d: _repeat(d).pop("frequency"), "[0].timing.repeat.frequency: missing"),
    (lambda d: _repeat(d).update(boundsPeriod={"end": "2026-12-07"}), "boundsPeriod.start: missing"),
    (
        lambda d: order(d)["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"].update(code="mL"),
        "doseQuantity.code: unknown unit",
    ),
    (
        lambda d: order(d)["dispenseRequest"]["expectedSupplyDuration"].update(value=10),
        "expectedSupplyDuration: disagrees with MedicationRequest.dosageInstruction[0].timing.repeat.boundsPeriod.end "
        "on the course's length",
    ),
    (
        lambda d: order(d)["dispenseRequest"]["validityPeriod"].update(start="2026-11-25"),
        "validityPeriod.start: is after",
    ),
    (
        lambda d: order(d).update(status="stopped"),
        "MedicationRequest.status: a leaflet is made only for an active order",
    ),
    (
        lambda d: order(d).update(requester={"reference": "Practitioner/nobody"}),
        "MedicationRequest.requester: no prescriber's name",
    ),
    (lambda d: d["entry"][0]["resource"].update(birthDate="1979-13-05"), "Patient.birthDate:"),
    (lambda d: d["entry"][0]["resource"].update(name=[{"use": "official"}]), "Patient.name[0]: missing"),
    (lambda d: d["entry"].append({"resource": {"resourceType": "Nonsense"}}), "Bundle.entry[4].resource.resourceType"),
    (
        lambda d: second_order(d)["subject"].update(reference="Patient/someone-else"),
        "MedicationRequest[1].subject: must refer to the Patient in the bundle",
    ),
    # FHIR's JSON types, which fhir.resources does not hold to (it reads "3" and 3.0 as 3, "true" as true)
    (lambda d: _repeat(d).update(frequency="3"), "[0].timing.repeat.frequency: expected a JSON whole number, as FHIR"),
    (lambda d: _repeat(d).update(frequency=3.0), "[0].timing.repeat.frequency: expected a JSON whole number, as FHIR"),
    (lambda d: _repeat(d).update(period="1"), "[0].timing.repeat.period: expected a JSON number, as FHIR's JSON"),
    (
        lambda d: d["entry"][0]["resource"]["communication"][0].update(preferred="true"),
        "Patient.communication[0].preferred: expected true or false, as FHIR's JSON writes it",
    ),
    (
        lambda d: order(d)["dispenseRequest"].update(numberOfRepeatsAllowed=False),
        "dispenseRequest.numberOfRepeatsAllowed: expected a JSON whole number",
    ),
    (
        lambda d: order(d)["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"].update(value=1.0000001),
        "[0].doseAndRate[0].doseQuantity.value: must be whole tablets (the leaflet prints whole tablets)",
    ),
    # times of day, intervals and as needed that cannot be printed exactly
    (lambda d: _repeat(d).update(when=["ACM"], frequency=1, offset=30), "[0].timing.repeat.offset: a time before"),
    (
        lambda d: _repeat(d).update(when=["ACM", "CM"], frequency=2),
        "[0].timing.repeat.when: two doses fall in the same time of day",
    ),
    (
        lambda d: _repeat(d).update(timeOfDay=["08:00:00", "10:30:00"], frequency=2),
        "[0].timing.repeat.timeOfDay: two doses fall in the same time of day",
    ),
    (
        lambda d: _repeat(d).update(when=["MORN"], timeOfDay=["08:00:00"], frequency=1),
        "[0].timing.repeat.timeOfDay: not with MedicationRequest.dosageInstruction[0].timing.repeat.when",
    ),
    (
        lambda d: _repeat(d).update(timeOfDay=["08:00:00", "13:00:00"]),
        "[0].timing.repeat.timeOfDay: 2 given, but MedicationRequest.dosageInstruction[0].timing.repeat.frequency is 3",
    ),
    (
        lambda d: _dosage(d, asNeededBoolean=True).update(when=["HS"], frequency=1, frequencyMax=2),
        "[0].timing.repeat.frequencyMax: not with times of day: the most doses a day is one at each time",
    ),
    (
        lambda d: _repeat(d).update(when=["HS"], frequency=1, period=8, periodUnit="h"),
        "[0].timing.repeat.when: times of day are not printed with a dose every so many hours",
    ),
    (
        lambda d: _repeat(d).update(frequency=2, period=8, periodUnit="h"),
        "[0].timing.repeat.frequency: must be 1 with periodUnit h",
    ),
    (
        lambda d: _repeat(d).update(frequency=1, period=1.5, periodUnit="h"),
        "[0].timing.repeat.period: must be a whole number of hours from 1 to 24",
    ),
    (
        lambda d: _repeat(d).update(frequency=1, period=36, periodUnit="h"),
        "[0].timing.repeat.period: must be a whole number of hours from 1 to 24",
    ),
    (
        lambda d: _repeat(d).update(frequency=1, period=4, periodMax=6, periodUnit="h"),
        "[0].timing.repeat.periodMax: a range of hours between doses is printed only for doses taken when needed",
    ),
    (
        lambda d: _repeat(d).update(frequencyMax=4),
        "[0].timing.repeat.frequencyMax: a range of doses a day is printed only for doses taken when needed",
    ),
    (
        lambda d: _dosage(d, asNeededBoolean=True).update(frequencyMax=2),
        "[0].timing.repeat.frequencyMax: is less than frequency",
    ),
    (
        lambda d: _dosage(d, asNeededBoolean=True).update(frequency=1, period=6, periodMax=4, periodUnit="h"),
        "[0].timing.repeat.periodMax: is less than period",
    ),
    (
        lambda d: _dosage(d, asNeededBoolean=True).update(frequency=1, period=4, periodUnit="h"),
        "[0].maxDosePerPeriod: missing: doses taken when needed every so many hours need the most doses a day",
    ),
    (
        lambda d: _dosage(d, maxDosePerPeriod=_per_day(4, "{tbl}")),
        "[0].maxDosePerPeriod: disagrees with MedicationRequest.dosageInstruction[0].timing.repeat.frequency on the "
        "most doses a day",
    ),
    (
        lambda d: _dosage(d, asNeededBoolean=True, maxDosePerPeriod=_per_day(4, "{tbl}")).update(frequencyMax=3),
        "[0].maxDosePerPeriod: disagrees with MedicationRequest.dosageInstruction[0].timing.repeat.frequencyMax on "
        "the most doses a day",
    ),
    (
        lambda d: _dosage(d, maxDosePerPeriod=_per_day(3, "{tbl}", per=(1, "wk"))),
        "[0].maxDosePerPeriod.denominator: must be 1 day (UCUM d) or 24 hours (UCUM h)",
    ),
    (
        lambda d: _dosage(d, maxDosePerPeriod=_per_day(1000, "mg")),
        "[0].maxDosePerPeriod.numerator: is not a whole number of doses",
    ),
    (
        lambda d: _dosage(
            d,
            asNeededCodeableConcept={
                "coding": [{"system": SNOMED, "code": "45352006"}, {"system": SNOMED, "code": "22253000"}]
            },
        ),
        "[0].asNeededCodeableConcept.coding: its codes name different reasons (muscle-spasm, pain)",
    ),
]


@pytest.mark.parametrize(("change", "message"), CHANGES)
def test_unsupported_or_missing_elements_are_refused_by_path(change, message, generator, codes) -> None:
    data = bundle("carisoprodol-tid.json")
    change(data)
    error = refusal(data, generator, codes)
    assert error.startswith("bundle.json: ")
    assert message in error
    for value in ("Maria", "Lopez", "1979", "Lee"):  # never the patient's (or prescriber's) values
        assert value not in error


def test_gaps_between_instructions_are_refused(generator, codes) -> None:
    data = bundle("carisoprodol-taper.json")
    second = order(data)["dosageInstruction"][0]["timing"]["repeat"]
    second.pop("boundsDuration")
    second["boundsPeriod"] = {"start": "2026-12-05", "end": "2026-12-07"}
    error = refusal(data, generator, codes)
    assert "MedicationRequest.dosageInstruction[0].timing.repeat.boundsPeriod.start: must be the day after" in error


def test_an_open_ended_first_instruction_never_swallows_the_taper(generator, codes) -> None:
    data = bundle("carisoprodol-taper.json")
    del order(data)["dosageInstruction"][1]["timing"]["repeat"]["boundsPeriod"]["end"]
    error = refusal(data, generator, codes)
    assert "MedicationRequest.dosageInstruction[1].timing.repeat: needs an end" in error


def test_several_instructions_need_a_sequence(generator, codes) -> None:
    data = bundle("carisoprodol-taper.json")
    del order(data)["dosageInstruction"][1]["sequence"]
    assert "MedicationRequest.dosageInstruction[1].sequence: missing" in refusal(data, generator, codes)


def test_not_a_bundle(generator, codes) -> None:
    assert "Bundle.resourceType: expected a FHIR Bundle" in refusal([1, 2], generator, codes)
    assert "Bundle.resourceType" in refusal({"resourceType": "Patient"}, generator, codes)


def _tid_bundle(tablets: int, times: int, start: dt.date, days: int, taper: list[tuple[int, int, int]]) -> dict:
    data = bundle("carisoprodol-tid.json")
    request = order(data)
    del request["dispenseRequest"]
    first = request["dosageInstruction"][0]
    first["doseAndRate"][0]["doseQuantity"]["value"] = tablets
    first["timing"]["repeat"].update(
        frequency=times,
        boundsPeriod={"start": start.isoformat(), "end": (start + dt.timedelta(days=days - 1)).isoformat()},
    )
    for number, (step_tablets, step_times, step_days) in enumerate(taper, start=2):
        request["dosageInstruction"].append(
            {
                "sequence": number,
                "timing": {
                    "repeat": {
                        "boundsDuration": {"value": step_days, "system": "http://unitsofmeasure.org", "code": "d"},
                        "frequency": step_times,
                        "period": 1,
                        "periodUnit": "d",
                    }
                },
                "doseAndRate": [
                    {"doseQuantity": {"value": step_tablets, "system": "http://unitsofmeasure.org", "code": "{tbl}"}}
                ],
            }
        )
    return data


@settings(max_examples=60, deadline=None)
@given(
    tablets=st.integers(1, 6),
    times=st.integers(1, 6),
    start=st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
    days=st.integers(1, 60),
    taper=st.lists(st.tuples(st.integers(1, 3), st.integers(1, 4), st.integers(1, 10)), max_size=3),
)
def test_structured_dosage_reads_back_exactly(generator, codes, tablets, times, start, days, taper) -> None:
    """Whatever the numbers, the mapper reproduces them (the generator, not the mapper, applies limits)."""
    fhir = read(_tid_bundle(tablets, times, start, days, taper), generator, codes)
    rx = fhir.data.prescription
    assert rx is not None
    assert (rx.dose_mg, rx.times_per_day, rx.start, rx.days_supply, rx.strength_mg) == (
        tablets * 350.0,
        times,
        start,
        days,
        350.0,
    )
    day = start + dt.timedelta(days=days)
    for step, (step_tablets, step_times, step_days) in zip(rx.taper, taper, strict=True):
        assert (step.from_, step.dose_mg, step.times_per_day) == (day, step_tablets * 350.0, step_times)
        day += dt.timedelta(days=step_days)
    assert rx.last_day == (day - dt.timedelta(days=1) if taper else None)


def _manifest(out: Path) -> list[dict[str, str]]:
    import csv

    with (out / "manifest.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_batch_reads_fhir_ndjson_with_manifest_and_resume(run_cli, tmp_path) -> None:
    names = ["carisoprodol-tid.json", "bad-text-only.json", "cyclobenzaprine-contained.json"]
    lines = [json.dumps(bundle(name)) for name in names]
    source = tmp_path / "export.ndjson"
    source.write_text("\n".join([*lines, "[1, 2]"]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ("batch", str(source), "--out", str(out), "--jobs", "1", "--made-on", "2026-11-25")
    code, stdout, _ = run_cli(*args)
    assert code == 1 and "2 made, 2 failed" in stdout
    rows = _manifest(out)
    assert [r["status"] for r in rows] == ["made", "failed", "made", "failed"]
    assert "export.ndjson line 2: MedicationRequest.dosageInstruction[0].text" in rows[1]["reason"]
    assert rows[3]["reason"] == "export.ndjson line 4: expected a FHIR Bundle (a JSON object)"
    assert "1 tablet of 350 mg each time in the morning, at midday, and" in pdf_text(Path(rows[0]["output"]))
    assert "2 tablets of 5 mg each time (10 mg) in the morning, at" in pdf_text(Path(rows[2]["output"]))
    code, stdout, _ = run_cli(*args, "--resume")
    assert "0 made, 2 failed, 2 skipped" in stdout


def test_list_codes(run_cli) -> None:
    code, stdout, _ = run_cli("list", "--codes")
    assert code == 0
    assert "197446     SCD  carisoprodol       carisoprodol 350 MG Oral Tablet, 350 mg tablets" in stdout
    assert "source: openFDA NDC directory" in stdout
    assert "2101       IN   carisoprodol       carisoprodol (ingredient: no tablet strength" in stdout
    assert "source: github.com/cqframework/opioid-cds-r4" in stdout


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'rxcui: "197943"',
            'rxcui: "197446"',
            "RxCUI 197446 selects more than one topic (carisoprodol, methocarbamol)",
        ),
        ("strength_mg: 750", "strength_mg: 1250", "codes[3].strength_mg: 1250 mg is not in medicine.strengths_mg"),
    ],
)
def test_lint_checks_the_codes(library_copy, run_cli, old, new, message) -> None:
    path = library_copy / "methocarbamol" / "topic.yaml"
    path.write_text(path.read_text().replace(old, new), encoding="utf-8")
    code, stdout, _ = run_cli("lint", "--library", str(library_copy), "--today", "2026-11-27")
    assert code == 1
    assert message in stdout


# --- times of day, every so many hours, as needed, refills (issue 22) ----------------------------------------


def _tid(**repeat: Any) -> dict[str, Any]:
    """carisoprodol-tid.json (350 mg tablets, 3 a day) with its timing.repeat changed, and without what an EHR would
    write again from the new timing (its free text and the quantity to dispense)."""
    data = bundle("carisoprodol-tid.json")
    _repeat(data).update(repeat)
    order(data)["dosageInstruction"][0].pop("text")
    order(data)["dispenseRequest"].pop("quantity")
    return data


def _methocarbamol(**repeat: Any) -> dict[str, Any]:
    """The same order for methocarbamol 750 mg tablets (up to 6 doses a day on its label)."""
    data = _tid(**repeat)
    order(data)["medicationCodeableConcept"] = {"coding": [{"system": RXNORM, "code": "197944"}]}
    return data


def _build(run_cli, tmp_path: Path, data: dict[str, Any]) -> tuple[int, str, str]:
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "out.pdf"
    code, _, stderr = run_cli("build", "--fhir", str(path), "-o", str(out), "--made-on", "2026-11-24")
    return code, (pdf_text(out) if out.exists() else ""), stderr


WHEN_CODES = [
    ("MORN", "morning"),
    ("MORN.early", "morning"),
    ("MORN.late", "morning"),
    ("NOON", "midday"),
    ("EVE", "evening"),
    ("EVE.early", "evening"),
    ("EVE.late", "evening"),
    ("HS", "bedtime"),
    ("ACM", "before-breakfast"),
    ("CM", "with-breakfast"),
    ("PCM", "after-breakfast"),
    ("ACD", "before-lunch"),
    ("CD", "with-lunch"),
    ("PCD", "after-lunch"),
    ("ACV", "before-dinner"),
    ("CV", "with-dinner"),
    ("PCV", "after-dinner"),
]


@pytest.mark.parametrize(("code", "time"), WHEN_CODES)
def test_each_when_code_gives_its_time_of_day(generator, codes, code, time) -> None:
    fhir = read(_tid(when=[code], frequency=1), generator, codes)
    rx = fhir.data.prescription
    assert rx is not None and rx.times == [time] and rx.times_per_day == 1
    assert fhir.paths["prescription.times"] == "MedicationRequest.dosageInstruction[0].timing.repeat.when"


def test_meal_codes_are_printed_with_their_meal(run_cli, tmp_path) -> None:
    code, text, stderr = _build(run_cli, tmp_path, _tid(when=["CV", "CM"], frequency=2))
    assert code == 0, stderr
    assert "1 tablet of 350 mg each time with breakfast and with dinner" in text  # in the order of the day


@pytest.mark.parametrize("code", ["AFT", "AFT.early", "NIGHT", "WAKE", "PHS", "C", "AC", "PC", "ICM", "IC"])
def test_other_when_codes_are_refused_naming_the_code(generator, codes, code) -> None:
    error = refusal(_tid(when=["MORN", code], frequency=2), generator, codes)
    assert f"MedicationRequest.dosageInstruction[0].timing.repeat.when[1]: {code} is not a time the leaflet prints" in (
        error
    )
    assert "when[0]" not in error


@pytest.mark.parametrize(
    ("clock", "time"),
    [
        ("05:00:00", "morning"),
        ("08:00:00", "morning"),
        ("10:59:59", "morning"),
        ("11:00:00", "midday"),
        ("14:59:59", "midday"),
        ("15:00:00", "evening"),
        ("19:59:59", "evening"),
        ("20:00:00", "bedtime"),
        ("23:59:59", "bedtime"),
    ],
)
def test_time_of_day_gives_the_nearest_time_of_day(generator, codes, clock, time) -> None:
    fhir = read(_tid(timeOfDay=[clock], frequency=1), generator, codes)
    assert fhir.data.prescription is not None and fhir.data.prescription.times == [time]
    assert fhir.paths["prescription.times"] == "MedicationRequest.dosageInstruction[0].timing.repeat.timeOfDay"


def _documented_time(hour: int) -> str | None:
    """docs/ehr.md: the night until 05:00, morning until 11:00, midday until 15:00, evening until 20:00."""
    for until, time in ((5, None), (11, "morning"), (15, "midday"), (20, "evening")):
        if hour < until:
            return time
    return "bedtime"


@settings(max_examples=60, deadline=None)
@given(clocks=st.lists(st.times(), min_size=1, max_size=4))
def test_any_times_of_day_read_by_the_documented_boundaries(generator, codes, clocks) -> None:
    data = _tid(timeOfDay=[clock.replace(microsecond=0).isoformat() for clock in clocks], frequency=len(clocks))
    expected = [_documented_time(clock.hour) for clock in clocks]
    if None in expected:
        night = expected.index(None)
        assert f"timing.repeat.timeOfDay[{night}]: at night (00:00 to 04:59)" in refusal(data, generator, codes)
    elif len(set(expected)) < len(expected):
        assert "timeOfDay: two doses fall in the same time of day" in refusal(data, generator, codes)
    else:
        rx = read(data, generator, codes).data.prescription
        assert rx is not None and rx.times == expected and rx.times_per_day == len(clocks)


def test_a_taper_step_carries_its_times_of_day(generator, codes) -> None:
    data = bundle("carisoprodol-taper.json")
    second, first = (instruction["timing"]["repeat"] for instruction in order(data)["dosageInstruction"])
    first["when"] = ["CM", "CD", "CV"]
    second["timeOfDay"] = ["07:30:00", "21:00:00"]
    fhir = read(data, generator, codes)
    rx = fhir.data.prescription
    assert rx is not None and rx.times == ["with-breakfast", "with-lunch", "with-dinner"]
    assert rx.taper[0].times == ["morning", "bedtime"]
    assert fhir.paths["prescription.taper[0].times"] == "MedicationRequest.dosageInstruction[0].timing.repeat.timeOfDay"


@pytest.mark.parametrize(("hours", "most"), [(4, 6), (5, 4), (6, 4), (8, 3), (12, 2), (24, 1)])
def test_a_dose_every_so_many_hours(generator, codes, hours, most) -> None:
    """All day at that interval: the most a day is the whole doses 24 hours hold (every 5 hours: 4)."""
    fhir = read(_methocarbamol(frequency=1, period=hours, periodUnit="h"), generator, codes)
    rx = fhir.data.prescription
    assert rx is not None and (rx.every_hours, rx.times_per_day, rx.as_needed, rx.times) == (hours, most, False, None)
    assert fhir.paths["prescription.every_hours"] == "MedicationRequest.dosageInstruction[0].timing.repeat.period"


def test_every_4_hours_is_printed(run_cli, tmp_path) -> None:
    code, text, stderr = _build(run_cli, tmp_path, _methocarbamol(frequency=1, period=4, periodUnit="h"))
    assert code == 0, stderr
    assert "1 tablet of 750 mg each time every 4 hours, up to 6 times a day" in text
    assert "Do not take more than 6 tablets (4,500 mg) in one day." in text


def test_every_4_hours_with_the_orders_own_most_a_day(generator, codes) -> None:
    data = _methocarbamol(frequency=1, period=4, periodUnit="h")
    _dosage(data, maxDosePerPeriod=_per_day(3000, "mg", per=(24, "h")))  # 4 doses of 750 mg
    fhir = read(data, generator, codes)
    assert fhir.data.prescription is not None and fhir.data.prescription.times_per_day == 4
    assert fhir.paths["prescription.times_per_day"] == "MedicationRequest.dosageInstruction[0].maxDosePerPeriod"


def test_generator_limits_on_an_interval_name_the_fhir_element(run_cli, tmp_path) -> None:
    code, _, stderr = _build(run_cli, tmp_path, _tid(frequency=1, period=4, periodUnit="h"))  # carisoprodol
    assert code == 2
    assert (
        "MedicationRequest.dosageInstruction[0].timing.repeat.period (prescription.times_per_day): "
        "6 doses a day is above the limit of 4 a day for carisoprodol"
    ) in stderr


def test_as_needed_for_a_reason_coded_in_snomed_ct(run_cli, tmp_path) -> None:
    data = _tid()
    concept = {"coding": [{"system": SNOMED, "code": "45352006", "display": "Spasm"}], "text": "spasms in the back"}
    _dosage(data, asNeededCodeableConcept=concept)
    code, text, stderr = _build(run_cli, tmp_path, data)
    assert code == 0, stderr
    assert [line for line in stderr.splitlines() if ": content: " not in line] == []  # but the shipped drafts'
    assert "1 tablet of 350 mg each time only when you need it for muscle spasm, up to 3 times a day" in text


def test_as_needed_at_a_time_of_day(run_cli, tmp_path) -> None:
    """An as-needed order at bedtime (timing.repeat.when HS), as the patient file's as_needed with times."""
    data = _tid()
    concept = {"coding": [{"system": SNOMED, "code": "45352006", "display": "Spasm"}]}
    _dosage(data, asNeededCodeableConcept=concept).update(frequency=1, when=["HS"])
    code, text, stderr = _build(run_cli, tmp_path, data)
    assert code == 0, stderr
    assert "1 tablet of 350 mg each time at bedtime, only when you need it for muscle spasm" in text


@pytest.mark.parametrize("said", ["back pain", "Back Pain", " BACK PAIN "])
def test_as_needed_for_a_reason_said_in_its_words(generator, codes, said) -> None:
    data = _tid()
    _dosage(data, asNeededCodeableConcept={"text": said})
    fhir = read(data, generator, codes)
    rx = fhir.data.prescription
    assert rx is not None and (rx.as_needed, rx.as_needed_for, rx.times_per_day) == (True, "back-pain", 3)
    assert fhir.warnings == ()


def test_as_needed_for_a_reason_the_leaflet_cannot_print_warns_staff(generator, codes) -> None:
    data = _tid()
    rib_pain = {"coding": [{"system": SNOMED, "code": "297217002", "display": "Rib pain"}], "text": "Maria's rib pain"}
    _dosage(data, asNeededCodeableConcept=rib_pain)
    fhir = read(data, generator, codes)
    rx = fhir.data.prescription
    assert rx is not None and (rx.as_needed, rx.as_needed_for) == (True, None)
    assert fhir.warnings == (
        "MedicationRequest.dosageInstruction[0].asNeededCodeableConcept: the reason is not one the leaflet can print; "
        "it says 'when you need it'",
    )


def test_as_needed_up_to_frequency_max_a_day(generator, codes) -> None:
    data = _tid(frequency=1, frequencyMax=3)
    _dosage(data, asNeededBoolean=True)
    fhir = read(data, generator, codes)
    rx = fhir.data.prescription
    assert rx is not None and (rx.as_needed, rx.times_per_day, rx.every_hours) == (True, 3, None)
    where = "MedicationRequest.dosageInstruction[0]"
    assert fhir.paths["prescription.times_per_day"] == f"{where}.timing.repeat.frequencyMax"
    assert fhir.paths["prescription.as_needed"] == f"{where}.asNeededBoolean"


@pytest.mark.parametrize(
    "limit", [_per_day(4, "{tbl}"), _per_day(1400, "mg"), _per_day(1400, "mg", per=(24, "h"))], ids=str
)
def test_as_needed_up_to_max_dose_per_period(generator, codes, limit) -> None:
    """At least 6 hours apart, and the most a day from maxDosePerPeriod: 4 tablets, or 1,400 mg of 350 mg doses."""
    data = _tid(frequency=1, period=6, periodUnit="h")
    _dosage(data, asNeededBoolean=True, maxDosePerPeriod=limit)
    rx = read(data, generator, codes).data.prescription
    assert rx is not None and (rx.as_needed, rx.every_hours, rx.times_per_day) == (True, 6, 4)


def test_frequency_max_and_max_dose_per_period_that_agree(generator, codes) -> None:
    data = _tid(frequency=1, frequencyMax=3)
    _dosage(data, asNeededBoolean=True, maxDosePerPeriod=_per_day(1050, "mg"))
    rx = read(data, generator, codes).data.prescription
    assert rx is not None and rx.times_per_day == 3
    scheduled = _tid()  # 3 times a day, and at most 3 tablets a day: the same order said twice
    _dosage(scheduled, maxDosePerPeriod=_per_day(3, "{tbl}"))
    rx = read(scheduled, generator, codes).data.prescription
    assert rx is not None and (rx.times_per_day, rx.as_needed) == (3, False)


def test_refills_are_read_and_printed(run_cli, tmp_path, generator, codes) -> None:
    data = bundle("carisoprodol-tid.json")
    fhir = read(data, generator, codes)
    assert fhir.data.prescription is not None and fhir.data.prescription.refills == 0
    order(data)["dispenseRequest"]["numberOfRepeatsAllowed"] = 1
    code, text, stderr = _build(run_cli, tmp_path, data)
    assert code == 0, stderr
    assert "Refills 1" in text
    order(data)["dispenseRequest"]["numberOfRepeatsAllowed"] = 100
    code, _, stderr = _build(run_cli, tmp_path, data)
    assert code == 2
    assert "MedicationRequest.dispenseRequest.numberOfRepeatsAllowed (prescription.refills):" in stderr


def test_as_needed_or_intervals_in_a_taper_are_refused(generator, codes) -> None:
    data = bundle("carisoprodol-taper.json")
    order(data)["dosageInstruction"][1]["asNeededBoolean"] = True
    order(data)["dosageInstruction"][0]["timing"]["repeat"].update(frequency=1, period=12, periodUnit="h")
    error = refusal(data, generator, codes)
    assert "dosageInstruction[1].asNeededBoolean: doses taken when needed or every so many hours are printed" in error
    assert "dosageInstruction[0].timing.repeat.period: doses taken when needed or every so many hours are" in error


PRN_EXAMPLE = "medrx0301-methocarbamol-prn.json"
"""The HL7 FHIR R4 example MedicationRequest medrx0301 ("one to two tablets every 4-6 hours as needed for rib
pain"), with only its medicine code (now methocarbamol 750 mg) and dose (now 1 tablet) changed: its
MedicationRequest.text says so."""


def test_the_hl7_prn_example_gets_every_problem_in_one_answer(generator, codes) -> None:
    data = bundle(PRN_EXAMPLE)
    assert "medrx0301" in order(data)["text"]["div"]
    error = refusal(data, generator, codes)
    where = "MedicationRequest.dosageInstruction[0]"
    for problem in (
        "MedicationRequest.status: a leaflet is made only for an active order",
        f"{where}.additionalInstruction:",
        f"{where}.maxDosePerPeriod: missing: doses taken when needed every so many hours need the most doses a day",
        f"{where}.timing.repeat.boundsPeriod.start: missing",
    ):
        assert problem in error
    assert "periodMax" not in error and "asNeeded" not in error  # read: at least 4 hours apart, when needed
    for value in ("Donald", "Duck", "Patrick", "Pump"):
        assert value not in error


def test_the_hl7_prn_example_made_printable(run_cli, tmp_path) -> None:
    """Active, without what cannot be printed, with a first day and the most a day: every 4 to 6 hours when needed
    is at least 4 hours apart; rib pain is no reason the leaflet has, so staff are warned."""
    data = bundle(PRN_EXAMPLE)
    request = order(data)
    request["status"] = "active"
    dosage = request["dosageInstruction"][0]
    for name in ("additionalInstruction", "patientInstruction", "method"):
        del dosage[name]
    dosage["timing"]["repeat"]["boundsPeriod"] = {"start": "2026-11-24"}
    dosage["maxDosePerPeriod"] = _per_day(6, "{tbl}")
    request["dispenseRequest"]["validityPeriod"] = {"start": "2026-11-24", "end": "2027-11-24"}
    code, text, stderr = _build(run_cli, tmp_path, data)
    assert code == 0, stderr
    assert "Prepared for Donald Duck" in text
    assert "1 tablet of 750 mg each time only when you need it, up to 6 times a day, at least 4 hours apart" in text
    assert "Last day to take it December 3, 2026 Refills None" in text  # expectedSupplyDuration 10 days
    assert "asNeededCodeableConcept: the reason is not one the leaflet can print; it says 'when you need it'" in stderr


def test_two_orders_for_one_patient_make_one_leaflet(run_cli, tmp_path) -> None:
    data = bundle("carisoprodol-tid.json")
    second_order(data)
    path = tmp_path / "b.json"
    path.write_text(json.dumps(data))
    out = tmp_path / "o.pdf"
    code, _, stderr = run_cli("build", "--fhir", str(path), "-o", str(out), "--made-on", "2026-11-24")
    assert code == 0, stderr
    text = pdf_text(out)
    assert "Your medicines Carisoprodol (Soma) and Cyclobenzaprine (Flexeril)" in text
    assert "At bedtime Cyclobenzaprine (Flexeril) 1 tablet of 5 mg each time" in text
    code, out_text, _ = run_cli("verify", str(out))
    assert code == 0, out_text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda second: second["requester"].update(reference="Practitioner/someone-else"),
            "MedicationRequest[1].requester: the orders name different prescribers: one leaflet names one",
        ),
        (
            lambda second: second["dosageInstruction"][0]["timing"]["repeat"].update(when=["AFT"]),
            "MedicationRequest[1].dosageInstruction[0].timing.repeat.when",
        ),
    ],
)
def test_a_problem_of_a_second_order_names_it(change, message, generator, codes) -> None:
    data = bundle("carisoprodol-tid.json")
    change(second_order(data))
    assert message in refusal(data, generator, codes)


def test_at_most_six_orders_make_one_leaflet(generator, codes) -> None:
    data = bundle("carisoprodol-tid.json")
    for number in range(6):
        second_order(data, f"rx-{number}")
    message = "Bundle.entry.resource.ofType(MedicationRequest): 7 orders; one leaflet holds at most 6 medicines"
    assert message in refusal(data, generator, codes)


def test_a_topic_is_not_named_with_several_orders(generator, codes) -> None:
    data = bundle("carisoprodol-tid.json")
    second_order(data)
    assert "topic: not with several MedicationRequests" in refusal(data, generator, codes, "carisoprodol")


def test_the_same_medicine_ordered_twice_is_refused_naming_the_order(run_cli, tmp_path) -> None:
    data = bundle("carisoprodol-tid.json")
    again = copy.deepcopy(data["entry"][3])
    again["resource"]["id"] = "rx-5501-again"
    again["fullUrl"] = "https://ehr.example.org/fhir/MedicationRequest/rx-5501-again"
    data["entry"].append(again)
    path = tmp_path / "b.json"
    path.write_text(json.dumps(data))
    code, _, stderr = run_cli("build", "--fhir", str(path), "-o", str(tmp_path / "o.pdf"))
    assert code == 2 and "MedicationRequest[1].medication (prescriptions[1].medicine): the same medicine" in stderr
