"""Quantities of a FHIR order: amounts of medicine (mg or whole tablets) and lengths of time (days)."""

from __future__ import annotations

from decimal import Decimal

from fhir.resources.R4B.duration import Duration
from fhir.resources.R4B.quantity import Quantity

from generator.fhir.problems import Problems

UCUM = "http://unitsofmeasure.org"
DRUG_FORM = "http://terminology.hl7.org/CodeSystem/v3-orderableDrugForm"
TABLET_UNITS = {(UCUM, "{tbl}"), (UCUM, "{tablet}"), (UCUM, "{tablets}"), (DRUG_FORM, "TAB")}
TABLET_WORDS = {"tablet", "tablets", "tablet(s)", "tab", "tabs", "tab(s)", "{tbl}", "{tablet}", "{tablets}"}
DAYS = {"d": 1, "wk": 7}


def days(duration: Duration, path: str, problems: Problems) -> int | None:
    """A length of time in whole days (UCUM d or wk), or None with a problem."""
    if duration.system != UCUM or duration.code not in DAYS or duration.value is None:
        problems.add(path, f"needs a value with UCUM code {' or '.join(DAYS)} ({UCUM})")
        return None
    count = Decimal(duration.value) * DAYS[duration.code]
    if count != count.to_integral_value() or count < 1:
        problems.add(path, "must be a whole number of days, at least 1")
        return None
    return int(count)


def unit_of(quantity: Quantity) -> str | None:
    """'mg' or 'tablet' for the units EHRs write them in, None for any other unit. UCUM mg, or the unit text mg;
    tablets as UCUM {tbl}, the orderable drug form TAB, or the unit text tablet, tablets, tab (any case, with or
    without a system), or no unit at all (Synthea sends `{"value": 1.0}`): the products are tablets."""
    code, unit = quantity.code, (quantity.unit or "").strip().casefold()
    if code is not None:
        if (quantity.system, code) == (UCUM, "mg"):
            return "mg"
        if (quantity.system, code) in TABLET_UNITS or code.strip().casefold() in TABLET_WORDS:
            return "tablet"
        return None
    if not unit or unit in TABLET_WORDS:
        return "tablet"
    return "mg" if unit == "mg" and quantity.system in (None, UCUM) else None


def mg_of(quantity: Quantity, strength_mg: float | None) -> Decimal | None:
    """The quantity in mg as its unit says: mg, or tablets of the coded strength; None in any other unit or
    without a strength for tablets (no checks: `amount_mg` checks an amount the leaflet prints)."""
    if quantity.value is None:
        return None
    unit = unit_of(quantity)
    if unit == "mg":
        return Decimal(quantity.value)
    return Decimal(quantity.value) * Decimal(str(strength_mg)) if unit == "tablet" and strength_mg else None


def amount_mg(quantity: Quantity, path: str, strength_mg: float | None, problems: Problems) -> Decimal | None:
    """An amount of medicine in mg: mg, or whole tablets of the coded strength; None with a problem."""
    if quantity.comparator is not None:
        problems.add(f"{path}.comparator", "an amount with a comparator is not a fixed amount")
        return None
    if quantity.value is None or quantity.value <= 0:
        problems.add(f"{path}.value", "needs an amount above 0")
        return None
    unit = unit_of(quantity)
    if unit == "tablet" and Decimal(quantity.value) != Decimal(quantity.value).to_integral_value():
        problems.add(f"{path}.value", "must be whole tablets (the leaflet prints whole tablets)")
        return None
    if unit == "tablet" and strength_mg is None:
        problems.add(path, "in tablets, but the medication code gives no tablet strength (send a product RxCUI)")
        return None
    if unit is not None:
        return mg_of(quantity, strength_mg)
    problems.add(f"{path}.code", f"unknown unit: use mg or tablets (UCUM mg or {{tbl}} ({UCUM}), or TAB ({DRUG_FORM}))")
    return None
