"""Personalisation input: who the leaflet is for, the prescription, and the clinic."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, Field, model_validator

from generator.charset import text_problem
from generator.errors import InputError
from generator.schema import StrictModel, parse_model
from generator.yamlio import load_mapping


def _no_control_characters(value: str) -> str:
    problem = text_problem(value)
    if problem:
        raise ValueError(problem)
    if not value.strip():
        raise ValueError("must not be blank")
    return value.strip()


Text = Annotated[str, Field(max_length=200), AfterValidator(_no_control_characters)]
"""Free text from the user: trimmed, at most 200 characters, one line, printable (see generator.charset)."""


def _plausible_date(value: dt.date) -> dt.date:
    if not 1900 <= value.year <= 2100:
        raise ValueError(f"{value.isoformat()} is not a plausible date (years 1900 to 2100)")
    return value


Date = Annotated[dt.date, AfterValidator(_plausible_date)]
"""A calendar date between 1900 and 2100."""


class Patient(StrictModel):
    """Who the leaflet is for."""

    name: Text
    """Full name as printed in the prepared-for box."""
    preferred_name: Text | None = None
    """How the leaflet greets the patient; defaults to the full name."""
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")] = "en"
    """Preferred language (e.g. en, es)."""
    age: Annotated[int, Field(ge=0, le=130)] | None = None
    """Age in years, for age-specific cautions."""
    date_of_birth: Date | None = None
    """Date of birth, optional."""
    id: Annotated[str, Field(max_length=64, pattern=r"^[A-Za-z0-9._-]+$")] | None = None
    """The clinic's own identifier, optional."""

    @property
    def greeting_name(self) -> str:
        """The name to greet the patient by."""
        return self.preferred_name or self.name


class Prescriber(StrictModel):
    """Who prescribed the medicine."""

    name: Text
    """Name as the patient knows them, e.g. Dr. Sam Lee."""
    phone: Text | None = None
    """Phone number for questions."""


class TaperStep(StrictModel):
    """One step of a prescriber's plan to lower the dose."""

    from_: Date = Field(alias="from")
    """First day of this step."""
    dose_mg: Annotated[float, Field(gt=0)]
    """Dose each time, in mg."""
    times_per_day: Annotated[int, Field(ge=1)]
    """Doses a day."""


class Prescription(StrictModel):
    """What was prescribed."""

    medicine: Text
    """Generic name; must match the topic."""
    dose_mg: Annotated[float, Field(gt=0)]
    """Dose each time, in mg."""
    times_per_day: Annotated[int, Field(ge=1)]
    """Doses a day."""
    start: Date
    """First day."""
    days_supply: Annotated[int, Field(ge=1, le=366)]
    """Days at the full dose, before any taper."""
    strength_mg: Annotated[float, Field(gt=0)] | None = None
    """Tablet strength dispensed; by default the largest strength that makes the dose."""
    taper: list[TaperStep] = []
    """Optional steps down, in date order, after the full-dose days."""
    last_day: Date | None = None
    """Optional last day of the whole course; by default the end of the full-dose days."""


class Clinic(StrictModel):
    """The clinic that hands out the leaflet."""

    name: Text
    """Clinic name for the header."""
    phone: Text
    """Main phone number, printed on every page."""
    address: Text | None = None
    """Street address."""
    after_hours: Text | None = None
    """Phone line for nights and weekends."""
    logo: Path | None = None
    """Logo image file (PNG or JPEG); only from the clinic file or config, never from patient input."""
    leaflet_url: Annotated[str, Field(max_length=300, pattern=r"^https?://\S+$")] | None = None
    """Where the full leaflet is online; `{topic}` is replaced by the topic name. Shown as a QR code."""


class Personalisation(StrictModel):
    """Everything that makes one leaflet personal (the single-handout input file)."""

    patient: Patient
    """Who it is for."""
    prescriber: Prescriber
    """Who prescribed."""
    prescription: Prescription | None = None
    """What was prescribed; required for a medicine topic, not used by others."""
    clinic: Clinic | None = None
    """The clinic; from --clinic or the config file when absent."""

    @model_validator(mode="after")
    def _no_files_from_patient_input(self) -> Personalisation:
        if self.clinic and self.clinic.logo:
            raise ValueError("clinic.logo: a logo file may only come from the clinic file or config")
        return self


def parse_personalisation(data: Any, where: str) -> Personalisation:
    """Validate a personalisation mapping; errors name `where` and the field."""
    return parse_model(Personalisation, data, where, InputError)


def read_personalisation(path: Path) -> Personalisation:
    """Read a patient file (YAML or JSON)."""
    return parse_personalisation(load_mapping(path, InputError), str(path))


def read_clinic(path: Path) -> Clinic:
    """Read a clinic file: clinic fields at the top level, or under a `clinic:` key."""
    data = load_mapping(path, InputError)
    if "clinic" not in data and "email" in data:
        raise InputError(f"{path}: clinic: missing (add a clinic: section with at least name and phone)")
    if "clinic" in data:
        clinic = parse_model(Clinic, data["clinic"], str(path), InputError, prefix="clinic")
    else:
        clinic = parse_model(Clinic, data, str(path), InputError)
    if clinic.logo is None:
        return clinic
    logo = clinic.logo if clinic.logo.is_absolute() else path.parent / clinic.logo
    if not logo.is_file():
        raise InputError(f"{path}: clinic.logo: image file {logo} not found")
    return clinic.model_copy(update={"logo": logo})


def default_topic(data: Personalisation, where: str) -> str:
    """The topic when none is named: the prescription's medicine."""
    if data.prescription is None:
        raise InputError(f"{where}: topic: missing (name a topic, or give a prescription)")
    return data.prescription.medicine.strip().lower()


def choose_clinic(data: Personalisation, clinic_file: Path | None, config_file: Path | None, sample: Path) -> Clinic:
    """The clinic: --clinic, else the patient file's, else the config file's, else the sample."""
    if clinic_file:
        return read_clinic(clinic_file)
    if data.clinic:
        return data.clinic
    return read_clinic(config_file if config_file else sample)
