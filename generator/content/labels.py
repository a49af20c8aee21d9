"""Words the generator prints itself (headings, dose wording, dates), per language.

Each language is a YAML file in the library's `labels/` folder, so a clinic adds a
language by adding files. Dates and plural rules come from Babel (CLDR data).
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Literal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton, format_time
from babel.lists import format_list
from pydantic import Field, model_validator

from generator.content.block import Origin
from generator.content.dose_times import DOSE_TIMES, SLOTS, DoseTime, Slot
from generator.content.schema import StrictModel, parse_model
from generator.errors import ContentError
from generator.names import is_language
from generator.yamlio import load_mapping

LABELS_FOLDER = "labels"


class Plural(StrictModel):
    """A phrase with CLDR plural forms; `{count}` is replaced by the number."""

    one: str
    """Form for one."""
    other: str
    """Form for other numbers."""
    zero: str | None = None
    """Form for zero, in languages that have it."""
    two: str | None = None
    """Form for two, in languages that have it."""
    few: str | None = None
    """Form for a few, in languages that have it."""
    many: str | None = None
    """Form for many, in languages that have it."""


class DateWords(StrictModel):
    """Month and weekday names for a language CLDR (Babel) has none for, written by hand from the sources given."""

    months: list[str] = Field(min_length=12, max_length=12)
    """January to December."""
    months_short: list[str] = Field(min_length=12, max_length=12)
    """The same, abbreviated."""
    weekdays_short: list[str] = Field(min_length=7, max_length=7)
    """Monday to Sunday, abbreviated."""
    long: str
    """A date written out, from {day}, {month} and {year}."""
    medium: str
    """A short date, from {day}, {month_short} and {year}."""
    day: str
    """A calendar day, from {weekday_short}, {day} and {month_short}."""
    list_and: str
    """The word before a list's last item ('and')."""
    sources: list[str] = Field(min_length=1)
    """Where the names come from."""

    def format(self, template: str, value: dt.date) -> str:
        """`template` filled in for `value`."""
        return template.format(
            day=value.day,
            month=self.months[value.month - 1],
            month_short=self.months_short[value.month - 1],
            weekday_short=self.weekdays_short[value.weekday()],
            year=value.year,
        )


class Labels(StrictModel):
    """Every label of one language."""

    language_name: str
    """The language's own name, for `handout list`."""
    locale: str
    """CLDR locale for dates and plurals, e.g. en_US."""
    origin: Origin = "human"
    """Who wrote it: `human`, or `machine` (a machine translation, a draft until a translator and a reviser
    approve it)."""
    dates: DateWords | None = None
    """Month and weekday names written by hand, for a language CLDR has none for (Haitian Creole)."""
    prepared_for: str
    prescribed_by: str
    clinician: str
    """Instead of prescribed_by on a leaflet that is not about a medicine."""
    generic_prescriber: str
    """Who `prescriber.name` is on the generic leaflet (no patient): 'your prescriber'."""
    subject: str
    """PDF subject from {title}."""
    start: str
    last_day: str
    """The last day to take the medicine (box label)."""
    after_hours: str
    schedule_heading: str
    """Heading of the dose schedule table."""
    continued: str
    """A block's heading repeated on the next page or panel, from {title}."""
    calendar_heading: str
    """Heading of the dose calendar page."""
    calendar_intro: str
    """One line on how to use the calendar."""
    calendar_day: str
    calendar_how_much: str
    calendar_doses: str
    """The dose calendar's column of boxes, for doses taken when needed or every so many hours."""
    calendar_boxes_alt: Plural
    """What a cell's boxes are, for a screen reader, from {count}."""
    calendar_no_dose: str
    """What an empty cell of a time of day is, for a screen reader: no dose at this time."""
    calendar_grid_intro: str
    """The line of use of a long course's month-grid calendar (a square a day)."""
    calendar_grid_boxes: str
    """A long course's month-grid calendar: which time of day each of a day's boxes is, from {slots}."""
    calendar_pointer: str
    """In layouts without the calendar: where to get one, from {clinic}."""
    calendar_help: str
    """At the foot of the calendar page, from {clinic}, {phone} and {after_hours} (the after-hours phrase or empty)."""
    calendar_after_hours: str
    """The after-hours phrase of calendar_help, from {phone}."""
    schedule_from: str
    schedule_until: str
    schedule_how_much: str
    schedule_how_often: str
    page: str
    footer_version: str
    """The footer's content line, from {version} and {made}, when some of what the leaflet prints is not approved."""
    footer_approved: str
    """The footer's content line when everything it prints is approved: {version}, {approved} (the latest
    approval's date) and {made}."""
    draft_notice: str
    """A line under page 1's title when some of what the leaflet prints is not approved on its made-on date."""
    footer_phone: str
    full_leaflet_url: str
    full_leaflet_ask: str
    contact_heading: str
    qr_code_alt: str
    """Alternative text of the QR code, from {url}."""
    logo_alt: str
    """Alternative text of the clinic's logo, from {clinic}."""
    phone: str
    language_help_heading: str
    """The heading of the language-help notice, in this language."""
    language_help: str
    """This language's line of the language-help notice, from {phone}: 'Free language help is available: call
    {phone}.'"""
    language_help_origin: Literal["hhs"] | None = None
    """`hhs` when the line is HHS's published sample tagline (Section 1557), its wording kept and only {phone}
    put in; else (none) it is written as the rest of the file (`origin`)."""
    language_help_sources: list[str] = []
    """Where that tagline was read (required with `language_help_origin`)."""
    email_subject: str
    email_greeting: str
    email_attached: str
    email_warnings: str
    email_questions: str
    email_emergency: str
    email_password: str
    email_password_code: str
    email_attachment_name: str
    form: dict[str, Plural]
    """Dose forms (tablet, capsule...) with plural forms."""
    amount: str
    """One tablet, from {amount}, {strength} and {each_time}: '1 tablet of 350 mg each time'."""
    amount_total: str
    """More than one tablet, adding {total}: '2 tablets of 750 mg each time (1,500 mg)'."""
    each_time: str
    """What `amount` says after the strength, except under a heading that says it (the dose calendar's)."""
    mg_thousands: str
    """Between thousands in a dose (',' in English: 1,500; none in Spanish, where ',' and '.' both mislead)."""
    times_of_day: dict[DoseTime, str]
    """When a dose is taken: 'in the morning', 'with breakfast', 'at bedtime'."""
    calendar_slots: dict[Slot, str]
    """The dose calendar's column for each time of day: 'Morning'."""
    every_hours: Plural
    """Doses at an interval: 'every {count} hours'."""
    up_to: Plural
    """The most doses a day, after an interval or 'when you need it': 'up to {count} times a day'."""
    as_needed: str
    """'only when you need it'."""
    as_needed_for: str
    """'only when you need it for {reason}' (the reason in the topic's words)."""
    hours_apart: Plural
    """The shortest time between doses taken when needed: 'at least {count} hours apart'."""
    daily_most: str
    """The most to take in one day, from {amount} (tablets) and {total} (mg): '3 tablets (15 mg)'."""
    daily_limit: str
    """Under a schedule of one step, from {most}: 'Do not take more than 3 tablets (15 mg) in one day.'"""
    daily_limits: str
    """Under a schedule of several steps, whose rows each say the most to take in one day."""
    schedule_most: str
    """A line under each step's When, from {most}, in schedules of several steps: 'Most in one day: {most}'."""
    medicines_title: str
    """The title of a leaflet for several medicines."""
    medicines_heading: str
    """Its first section: every medicine by time of day."""
    medicines_when: str
    medicines_medicine: str
    medicines_note: str
    """Under that table: each medicine's own part gives all its dates and its schedule."""
    medicine_calendar: str
    """A dose calendar's heading in a leaflet for several medicines, from {medicine}."""
    refills: str
    """The prepared-for box's label for how many refills the prescription allows."""
    refills_none: str
    """Its value when it allows none."""
    dispensed: str
    """Label of the product dispensed, for a topic with several products (a salt, an over-the-counter strength)."""
    dispensed_value: str
    """The product dispensed and its tablet strengths, from {product} and {strengths}."""
    strip_title: str
    """The caption of the dose-time strip (tablets drawn at each time of day): 'When to take it each day'."""
    strip_needed_title: str
    """The strip's caption when its doses at set times are taken only when needed ('at bedtime, only when you need
    it'): not every day."""
    strip_dates: str
    """Over a taper step's strip, from {start} and {end} (dates as the schedule writes them)."""
    strip_amount: str
    """Under a time of day's drawn tablets, from {amount} (tablets) and {total} (mg): '1 tablet, 350 mg'."""
    strip_wait_title: str
    """The caption of the worked example for doses taken when needed or every so many hours."""
    strip_wait: str
    """The worked example for doses when needed, from {time} and {next}: 'For example: if you take a dose at
    {time}, wait until {next} before you take the next one.'"""
    strip_every: str
    """The worked example for doses every so many hours, from {time} and {next}."""
    strip_next_day: str
    """A time on the next day in a worked example, from {time}: '{time} the next day'."""

    @model_validator(mode="after")
    def _every_time_worded(self) -> Labels:
        for field, keys in (("times_of_day", DOSE_TIMES), ("calendar_slots", SLOTS)):
            missing = [key for key in keys if key not in getattr(self, field)]
            if missing:
                raise ValueError(f"{field}: no words for {', '.join(missing)}")
        if self.language_help_origin and not self.language_help_sources:
            raise ValueError("language_help_sources: say where the tagline was read")
        return self


_FORMATS = 4096
"""Dates and numbers formatted, remembered per locale (a batch repeats the same start dates and doses)."""


@functools.lru_cache(maxsize=_FORMATS)
def _date(locale: Locale, value: dt.date, length: str) -> str:
    return format_date(value, format=length, locale=locale)


@functools.lru_cache(maxsize=_FORMATS)
def _short_date(locale: Locale, value: dt.date) -> str:
    """The medium date, if it can break between its parts; else (Arabic's 24/11/2026, one word with no space)
    the same with the month's name (24 نوفمبر 2026), which can, so a narrow column (the trifold's schedule) never
    breaks inside a number. Chinese and Japanese break between their parts without spaces."""
    medium = _date(locale, value, "medium")
    if " " in medium.strip() or locale.language in ("zh", "ja"):
        return medium
    return format_skeleton("yMMMd", value, locale=locale)


@functools.lru_cache(maxsize=_FORMATS)
def _day(locale: Locale, value: dt.date) -> str:
    return format_skeleton("MMMEd", value, locale=locale)


@functools.lru_cache(maxsize=_FORMATS)
def _time(locale: Locale, value: dt.time) -> str:
    return format_time(value, format="short", locale=locale).replace("\u202f", "\u00a0")


class Wording:
    """Formats dates and doses the way a patient reads them in one language."""

    def __init__(self, labels: Labels, language: str) -> None:
        self.labels = labels
        self.language = language
        """The library's code of the language (en, zh-Hans)."""
        self._locale = Locale.parse(labels.locale)

    def date(self, value: dt.date, short: bool = False) -> str:
        """A date in the language's long format (November 24, 2026), or medium when `short` (Nov 24, 2026; one that
        can break between its parts: `_short_date`)."""
        words = self.labels.dates
        if words is not None:
            return words.format(words.medium if short else words.long, value)
        return _short_date(self._locale, value) if short else _date(self._locale, value, "long")

    def time(self, value: dt.time) -> str:
        """A time of day as the language writes it: 8:00 AM, 14:00 (CLDR's short form; its narrow no-break space
        as a no-break space, which every leaflet font has)."""
        return _time(self._locale, value)

    def _plural(self, phrase: Plural, count: int) -> str:
        form = getattr(phrase, self._locale.plural_form(count), None) or phrase.other
        return form.format(count=count)

    def day(self, value: dt.date) -> str:
        """A calendar day with its weekday, e.g. Tue, Nov 24."""
        words = self.labels.dates
        return words.format(words.day, value) if words is not None else _day(self._locale, value)

    def week(self) -> tuple[tuple[int, str], ...]:
        """The days of a week as a calendar of the language shows them, each (weekday, 0 is Monday; short name):
        Sunday first in the US."""
        first = self._locale.first_week_day
        words = self.labels.dates
        names = words.weekdays_short if words is not None else self._locale.days["stand-alone"]["abbreviated"]
        return tuple(((first + offset) % 7, names[(first + offset) % 7]) for offset in range(7))

    def tablets(self, form: str, count: int) -> str:
        """E.g. '2 tablets'."""
        phrase = self.labels.form.get(form)
        if phrase is None:
            raise ContentError(f"labels ({self.labels.locale}): form: no wording for '{form}'")
        return self._plural(phrase, count)

    def mg(self, value: float) -> str:
        """A dose in mg as the language writes it safely: 1,500 or 1500, and 7.5 with a point in every language;
        to a millionth of a mg, so a total worked out in floating point (3 x 0.1) prints as 0.3."""
        whole, _, fraction = repr(round(float(value), 6)).removesuffix(".0").partition(".")
        digits = whole.lstrip("-")
        groups = [digits[max(0, end - 3) : end] for end in range(len(digits), 0, -3)][::-1]
        return (
            whole[: len(whole) - len(digits)]
            + self.labels.mg_thousands.join(groups)
            + (f".{fraction}" if fraction else "")
        )

    def how_much(self, form: str, tablets: int, strength_mg: float, each_time: bool = True) -> str:
        """E.g. '1 tablet of 350 mg each time' or '2 tablets of 750 mg each time (1,500 mg)'; without `each_time`
        (under a heading that says it), '2 tablets of 750 mg (1,500 mg)'."""
        template = self.labels.amount if tablets == 1 else self.labels.amount_total
        return template.format(
            amount=self.tablets(form, tablets),
            strength=self.mg(strength_mg),
            total=self.mg(tablets * strength_mg),
            each_time=self.labels.each_time if each_time else "",
        )

    def plural(self, phrase: Plural, count: int) -> str:
        """`phrase` in the form for `count`."""
        return self._plural(phrase, count)

    def join(self, items: list[str]) -> str:
        """Items joined as the language lists them: 'a, b and c'."""
        words = self.labels.dates
        if words is not None and len(items) > 1:
            return f"{', '.join(items[:-1])} {words.list_and} {items[-1]}"
        return format_list(items, locale=self._locale)


def labels_path(library_root: Path, language: str) -> Path:
    """Where the labels of `language` live."""
    return library_root / LABELS_FOLDER / f"{language}.yaml"


def label_languages(library_root: Path) -> list[str]:
    """Languages that have a labels file."""
    return sorted(p.stem for p in (library_root / LABELS_FOLDER).glob("*.yaml") if is_language(p.stem))


@functools.cache
def load_wording(library_root: Path, language: str) -> Wording:
    """The wording of `language`, or a ContentError naming the missing file."""
    path = labels_path(library_root, language)
    if not is_language(language) or not path.is_file():
        raise ContentError(f"{path}: no labels for language '{language}'")
    labels = parse_model(Labels, load_mapping(path, ContentError), str(path), ContentError)
    try:
        return Wording(labels, language)
    except (UnknownLocaleError, ValueError):
        raise ContentError(f"{path}: locale: unknown locale '{labels.locale}'") from None
