"""Personalisation input: who the leaflet is for, the prescription, and the clinic."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, model_validator

from generator.content.dose_times import DoseTime
from generator.content.schema import StrictModel, parse_model
from generator.errors import InputError
from generator.inputs.charset import text_problem
from generator.inputs.fields import Amount, Flag, IsoDate, WholeNumber, split_list
from generator.languages import leaflet_language
from generator.yamlio import load_mapping


def _no_control_characters(value: str) -> str:
    problem = text_problem(value)
    if problem:
        raise ValueError(problem)
    if not value.strip():
        raise ValueError("must not be blank")
    return value.strip()


Text = Annotated[str, Field(max_length=200), AfterValidator(_no_control_characters)]
"""Free text from the user: trimmed, at most 200 characters, one line, printable (see generator.inputs.charset)."""


def _plausible_date(value: dt.date) -> dt.date:
    if not 1900 <= value.year <= 2100:
        raise ValueError("not a plausible date (years 1900 to 2100)")
    return value


Date = Annotated[dt.date, IsoDate, AfterValidator(_plausible_date)]
"""A calendar date between 1900 and 2100."""
Count = Annotated[int, WholeNumber]
"""A whole number, never coerced from true/false, 3.0 or text such as 010."""
Mg = Annotated[float, Amount]
"""An amount in mg."""


class InputModel(StrictModel):
    """A personalisation schema: strict types, so no value is silently converted (see generator.inputs.fields)."""

    model_config = ConfigDict(strict=True)


class Patient(InputModel):
    """Who the leaflet is for."""

    name: Text
    """Full name as printed in the prepared-for box."""
    preferred_name: Text | None = None
    """How the leaflet greets the patient; defaults to the full name."""
    language: Annotated[str, AfterValidator(leaflet_language)] = "en"
    """Preferred language (e.g. en, es, zh-Hans), as the library names it: es-MX is es, zh-CN zh-Hans, fil tl."""
    age: Annotated[Count, Field(ge=0, le=130)] | None = None
    """Age in years, for age-specific cautions."""
    date_of_birth: Date | None = None
    """Date of birth, optional."""
    id: Annotated[str, Field(max_length=64, pattern=r"^[A-Za-z0-9._-]+$")] | None = None
    """The clinic's own identifier, optional."""

    @property
    def greeting_name(self) -> str:
        """The name to greet the patient by."""
        return self.preferred_name or self.name


class Prescriber(InputModel):
    """Who prescribed the medicine."""

    name: Text
    """Name as the patient knows them, e.g. Dr. Sam Lee."""
    phone: Text | None = None
    """Phone number for questions."""


Times = Annotated[list[DoseTime], BeforeValidator(split_list), Field(min_length=1, max_length=4)]
"""Times of day, one per dose: a list, or text such as `morning;bedtime` (a CSV cell)."""


MAX_MEDICINES = 6
"""The most medicines one leaflet holds."""
MAX_COURSE_DAYS = 366
"""The longest course a leaflet prints, taper included (its calendar has a row a day)."""


class TaperStep(InputModel):
    """One step of a prescriber's plan to lower the dose."""

    from_: Date | None = Field(default=None, alias="from")
    """First day of this step; by default the day after the step before ends (its `days`)."""
    days: Annotated[Count, Field(ge=1, le=MAX_COURSE_DAYS)] | None = None
    """Days at this dose; given with `from`, the two must agree with the next step's `from` or `last_day`."""
    dose_mg: Annotated[Mg, Field(gt=0)]
    """Dose each time, in mg."""
    times_per_day: Annotated[Count, Field(ge=1)]
    """Doses a day."""
    strength_mg: Annotated[Mg, Field(gt=0)] | None = None
    """Tablet strength for this step; by default the step before's."""
    times: Times | None = None
    """When each dose is taken; by default the topic's usual times for this many doses a day."""


class Prescription(InputModel):
    """What was prescribed."""

    medicine: Text
    """Generic name; must match the topic."""
    dose_mg: Annotated[Mg, Field(gt=0)]
    """Dose each time, in mg."""
    times_per_day: Annotated[Count, Field(ge=1)]
    """Doses a day."""
    start: Date
    """First day."""
    days_supply: Annotated[Count, Field(ge=1, le=MAX_COURSE_DAYS)]
    """Days at the full dose, before any taper."""
    strength_mg: Annotated[Mg, Field(gt=0)] | None = None
    """Tablet strength dispensed; required when whole tablets of more than one strength could make the dose."""
    taper: list[TaperStep] = []
    """Optional steps down, in date order, after the full-dose days."""
    last_day: Date | None = None
    """Last day of the whole course; by default the end of the full-dose days, or of the last step's `days`."""
    times: Times | None = None
    """When each dose is taken, one per dose; by default the topic's usual times (`default_times`)."""
    every_hours: Annotated[Count, Field(ge=1, le=24)] | None = None
    """Take a dose every so many hours (at most `times_per_day` a day); as needed: at least so many hours apart."""
    as_needed: Annotated[bool, Flag] = False
    """Take it only when needed, at most `times_per_day` times a day."""
    as_needed_for: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,40}$")] | None = None
    """What to take it for when needed: one of the topic's `as_needed_reasons` (e.g. muscle-spasm)."""
    refills: Annotated[Count, Field(ge=0, le=99)] | None = None
    """How many times the prescription may be filled again."""


def _postal_code(value: object) -> object:
    """A state's postal code as written (or, Or): upper case."""
    return value.strip().upper() if isinstance(value, str) else value


class Clinic(InputModel):
    """The clinic that hands out the leaflet."""

    name: Text
    """Clinic name for the header."""
    phone: Text
    """Main phone number, printed on every page."""
    address: Text | None = None
    """Street address."""
    after_hours: Text | None = None
    """Phone line for nights and weekends."""
    logo: Annotated[Path, Field(strict=False)] | None = None
    """Logo image file (PNG or JPEG); only from the clinic file or config, never from patient input."""
    leaflet_url: Annotated[str, Field(max_length=300, pattern=r"^https?://\S+$")] | None = None
    """Where the full leaflet is online; `{topic}` is replaced by the topic name. Shown as a QR code."""
    language_notice: list[Annotated[str, AfterValidator(leaflet_language)]] = Field(default=[], max_length=30)
    """Languages (besides English and the leaflet's) in which every leaflet says free language help is available
    (Section 1557 taglines), e.g. [es, zh-Hans, vi]."""
    state: Annotated[str, BeforeValidator(_postal_code), Field(pattern=r"^[A-Z]{2}$")] | None = None
    """A state's postal code (OR, CA): the notice also says it in the languages that state lists (the library's
    notice-states.yaml), before `language_notice`'s."""


class Personalisation(InputModel):
    """Everything that makes one leaflet personal (the single-handout input file)."""

    patient: Patient
    """Who it is for."""
    prescriber: Prescriber
    """Who prescribed."""
    prescription: Prescription | None = None
    """What was prescribed; required for a medicine topic, not used by others."""
    prescriptions: list[Prescription] = Field(default=[], max_length=MAX_MEDICINES)
    """Several medicines for one patient, in one leaflet (instead of `prescription`)."""
    clinic: Clinic | None = None
    """The clinic; from --clinic or the config file when absent."""

    @model_validator(mode="after")
    def _no_files_from_patient_input(self) -> Personalisation:
        if self.clinic and self.clinic.logo:
            raise ValueError("clinic.logo: a logo file may only come from the clinic file or config")
        return self

    @model_validator(mode="after")
    def _one_way_to_give_prescriptions(self) -> Personalisation:
        if self.prescription is not None and self.prescriptions:
            raise ValueError("prescriptions: give prescription (one medicine) or prescriptions (several), not both")
        if len(self.prescriptions) == 1:
            raise ValueError("prescriptions: a list of two or more; give one medicine as prescription")
        return self

    @property
    def orders(self) -> list[Prescription]:
        """Every medicine prescribed: `prescriptions`, else `prescription` alone, else none."""
        return self.prescriptions or ([self.prescription] if self.prescription else [])


def in_list(field: str, index: int) -> str:
    """A prescription's field named in the list of several: prescription.dose_mg -> prescriptions[1].dose_mg
    (and prescription -> prescriptions[1]); any other field as it is."""
    if field == "prescription" or field.startswith("prescription."):
        return f"prescriptions[{index}]{field.removeprefix('prescription')}"
    return field


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


def read_prescribers(path: Path) -> tuple[Prescriber, ...]:
    """The clinic config's `prescribers:` list (name and phone each), offered on the web page; none without one."""
    data = load_mapping(path, InputError).get("prescribers")
    if data is None:
        return ()
    if not isinstance(data, list):
        raise InputError(f"{path}: prescribers: expected a list of name and phone entries")
    return tuple(
        parse_model(Prescriber, item, str(path), InputError, prefix=f"prescribers[{index}]")
        for index, item in enumerate(data)
    )


def age_on(patient_age: int | None, date_of_birth: dt.date | None, day: dt.date) -> int | None:
    """The age given, else the age on `day` worked out from the date of birth."""
    if patient_age is not None or date_of_birth is None:
        return patient_age
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def check_age(patient: Patient, day: dt.date, where: str) -> None:
    """Refuse a date of birth after `day` (the made-on date), or an age that disagrees with it."""
    born = patient.date_of_birth
    if born is None:
        return
    if born > day:
        message = "after the date the leaflet is made"
        raise InputError(f"{where}: patient.date_of_birth: {message}", (("patient.date_of_birth", message),))
    if patient.age is not None and patient.age != age_on(None, born, day):
        message = "patient.age and patient.date_of_birth disagree on the made-on date; correct one or give only one"
        problems = (("patient.age", message), ("patient.date_of_birth", message))
        raise InputError(f"{where}: {message}", problems)


def choose_clinic(data: Personalisation, clinic_file: Path | None, config_file: Path | None, sample: Path) -> Clinic:
    """The clinic: --clinic, else the patient file's, else the config file's, else the sample."""
    if clinic_file:
        return read_clinic(clinic_file)
    if data.clinic:
        return data.clinic
    return read_clinic(config_file if config_file else sample)
