"""Peak memory of `handout batch DIR --fhir-bulk` as orders and patients grow. Run from the repository root:

    python benchmarks/bulk.py [--patients 1000] [--orders 2 20] [--jobs 1]

For each number of orders it writes a Bulk Data export (tests/fhir/bulk's Synthea Patient, given new
ids, and one Practitioner named by Synthea's conditional NPI reference) of --patients patients with
that many orders each: one of a library medicine (carisoprodol, at a dose over the limit, so it is
refused before layout, as bench.py's refused rows are: everything a patient costs the batch but the
PDF), the others stopped or of medicines the library does not have. Then the same for twice the
patients with the fewest orders. It prints wall time and peak RSS of the largest process: with ten
times the orders the peak should stay put; with twice the patients it may grow a little.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

from bench import measure_batch

BULK = Path(__file__).resolve().parent.parent / "tests" / "fhir" / "bulk"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
NPI = "http://hl7.org/fhir/sid/us-npi"
FORM = "http://terminology.hl7.org/CodeSystem/v3-orderableDrugForm"


def _order(patient: int, number: int, ours: bool) -> dict[str, Any]:
    code, status = (
        ("197446", "active") if ours else (("314076", "206905")[number % 2], ("active", "stopped")[number % 2])
    )
    return {
        "resourceType": "MedicationRequest",
        "id": f"rx-{patient}-{number}",
        "status": status,
        "intent": "order",
        "medicationCodeableConcept": {"coding": [{"system": RXNORM, "code": code}]},
        "subject": {"reference": f"Patient/p{patient:07d}"},
        "authoredOn": "2026-11-24",
        "requester": {"reference": f"Practitioner?identifier={NPI}|9999934299", "display": "Dr. A"},
        "dosageInstruction": [
            {
                "timing": {
                    "repeat": {
                        "boundsPeriod": {"start": "2026-11-24", "end": "2026-12-07"},
                        "frequency": 3,
                        "period": 1,
                        "periodUnit": "d",
                    }
                },
                "doseAndRate": [{"doseQuantity": {"value": 10, "unit": "tablet", "system": FORM, "code": "TAB"}}],
            }
        ],
    }


def write_export(folder: Path, patients: int, orders: int) -> None:
    """A Bulk Data export of `patients` patients with `orders` orders each (one of them ours)."""
    template = json.loads((BULK / "Patient.000.ndjson").read_text(encoding="utf-8").splitlines()[0])
    folder.mkdir(parents=True)
    practitioner = (BULK / "Practitioner.000.ndjson").read_text(encoding="utf-8")
    (folder / "Practitioner.000.ndjson").write_text(practitioner, encoding="utf-8")
    with (folder / "Patient.000.ndjson").open("w", encoding="utf-8") as handle:
        for n in range(patients):
            handle.write(json.dumps(template | {"id": f"p{n:07d}", "identifier": []}) + "\n")
    with (folder / "MedicationRequest.000.ndjson").open("w", encoding="utf-8") as handle:
        for n in range(patients):
            for number in range(orders):
                handle.write(json.dumps(_order(n, number, ours=number == 0)) + "\n")


def one_export(patients: int, orders: int, jobs: int) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of the batch of one generated export."""
    with tempfile.TemporaryDirectory() as temp:
        export = Path(temp) / "export"
        write_export(export, patients, orders)
        seconds, peak, _ = measure_batch(
            [str(export), "--fhir-bulk", "--out", str(Path(temp) / "out"), "--jobs", str(jobs)]
        )
    return seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--orders", type=int, nargs="+", default=[2, 20], help="orders per patient, one run each")
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    print(f"Peak RSS of handout batch --fhir-bulk (--jobs {args.jobs}), largest process:")
    runs = [(args.patients, orders) for orders in args.orders] + [(2 * args.patients, min(args.orders))]
    for patients, orders in runs:
        seconds, peak = one_export(patients, orders, args.jobs)
        print(
            f"  {patients:>6} patients x {orders:>3} orders ({patients * orders:>7} order lines): "
            f"{peak:6.1f} MiB, {seconds:5.1f} s"
        )


if __name__ == "__main__":
    main()
