"""FHIR R4 input: hand-written bundles modelled on EHR exports, read back from the PDF; errors name FHIR paths."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from helpers import pdf_text
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.content.codes import CodeIndex
from generator.errors import InputError
from generator.fhir.mapping import read_fhir

BUNDLES = Path(__file__).parent / "fhir"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
UCUM = "http://unitsofmeasure.org"


def bundle(name: str) -> dict[str, Any]:
    """A fresh copy of one hand-written bundle."""
    return json.loads((BUNDLES / name).read_text(encoding="utf-8"))


def order(data: dict[str, Any]) -> dict[str, Any]:
    """The MedicationRequest of a bundle, to change in a test."""
    return next(e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == "MedicationRequest")


@pytest.fixture(scope="module")
def codes(generator) -> CodeIndex:
    return CodeIndex(generator.library)


def read(data: Any, generator, codes: CodeIndex, topic: str | None = None):
    return read_fhir(data, "bundle.json", generator.library, codes, topic)


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
        "1 tableta de 250 mg cada vez por la mañana, al mediodía, por la tarde y al acostarse" in text
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
    assert code == 2 and "no topic of the library lists this medicine's RxCUI; name the topic" in stderr


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


CHANGES = [
    (lambda d: order(d)["dosageInstruction"][0].update(asNeededBoolean=True), "[0].asNeededBoolean: as-needed"),
    (
        lambda d: order(d)["dosageInstruction"][0].update(timing={"code": {"text": "TID"}}),
        "[0].timing.code: timing.code only",
    ),
    (
        lambda d: _repeat(d).update(periodUnit="h", period=8, frequency=1),
        "[0].timing.repeat.periodUnit: only doses per day",
    ),
    (lambda d: _repeat(d).update(period=2), "[0].timing.repeat.period: only 1"),
    (lambda d: _repeat(d).update(when=["HS"]), "[0].timing.repeat.when: times related to events"),
    (lambda d: _repeat(d).pop("frequency"), "[0].timing.repeat.frequency: missing"),
    (lambda d: _repeat(d).update(boundsPeriod={"end": "2026-12-07"}), "boundsPeriod.start: missing"),
    (
        lambda d: order(d)["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"].update(code="mL"),
        "doseQuantity.code: unknown unit",
    ),
    (
        lambda d: order(d)["dispenseRequest"]["expectedSupplyDuration"].update(value=10),
        "expectedSupplyDuration: does not match",
    ),
    (lambda d: order(d)["dispenseRequest"].update(numberOfRepeatsAllowed=2), "numberOfRepeatsAllowed: refills"),
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
        "MedicationRequest.requester: must refer",
    ),
    (lambda d: d["entry"][0]["resource"].update(birthDate="1979-13-05"), "Patient.birthDate:"),
    (lambda d: d["entry"][0]["resource"].update(name=[{"use": "official"}]), "Patient.name[0]: missing"),
    (lambda d: d["entry"].append({"resource": {"resourceType": "Nonsense"}}), "Bundle.entry[4].resource.resourceType"),
    (lambda d: d["entry"].append(copy.deepcopy(d["entry"][3])), "expected exactly one MedicationRequest, found 2"),
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


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'rxcui: "197943"',
            'rxcui: "197446"',
            "RxCUI 197446 selects more than one topic (carisoprodol, methocarbamol)",
        ),
        ("strength_mg: 750", "strength_mg: 1250", "codes[2].strength_mg: 1250 mg is not in medicine.strengths_mg"),
    ],
)
def test_lint_checks_the_codes(library_copy, run_cli, old, new, message) -> None:
    path = library_copy / "methocarbamol" / "topic.yaml"
    path.write_text(path.read_text().replace(old, new), encoding="utf-8")
    code, stdout, _ = run_cli("lint", "--library", str(library_copy), "--today", "2026-11-27")
    assert code == 1
    assert message in stdout
