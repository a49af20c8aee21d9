"""Words the generator prints itself (headings, dose wording, dates), per language.

Each language is a YAML file in the library's `labels/` folder, so a clinic adds a
language by adding files. Dates and plural rules come from Babel (CLDR data).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date

from generator.errors import ContentError
from generator.schema import StrictModel, parse_model
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


class Labels(StrictModel):
    """Every label of one language."""

    language_name: str
    """The language's own name, for `handout list`."""
    locale: str
    """CLDR locale for dates and plurals, e.g. en_US."""
    prepared_for: str
    prescribed_by: str
    clinician: str
    """Instead of prescribed_by on a leaflet that is not about a medicine."""
    subject: str
    """PDF subject from {title}."""
    your_dose: str
    start: str
    stop_by: str
    after_hours: str
    taper_from: str
    taper_until: str
    taper_dose: str
    page: str
    footer_version: str
    footer_phone: str
    full_leaflet_url: str
    full_leaflet_ask: str
    contact_heading: str
    phone: str
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
    times_per_day: Plural
    """How often, e.g. 'once a day' / '{count} times a day'."""
    dose: str
    """Full dose phrase from {amount}, {dose} and {times}."""


class Wording:
    """Formats dates and doses the way a patient reads them in one language."""

    def __init__(self, labels: Labels) -> None:
        self.labels = labels
        self._locale = Locale.parse(labels.locale)

    def date(self, value: dt.date) -> str:
        """A date in the language's long format, e.g. November 24, 2026."""
        return format_date(value, format="long", locale=self._locale)

    def _plural(self, phrase: Plural, count: int) -> str:
        form = getattr(phrase, self._locale.plural_form(count), None) or phrase.other
        return form.format(count=count)

    def dose(self, tablets: int, form: str, dose_mg: float, times_per_day: int) -> str:
        """E.g. '1 tablet (350 mg) 3 times a day'."""
        phrase = self.labels.form.get(form)
        if phrase is None:
            raise ContentError(f"labels ({self.labels.locale}): form: no wording for '{form}'")
        mg = f"{dose_mg:g}"
        return self.labels.dose.format(
            amount=self._plural(phrase, tablets),
            dose=mg,
            times=self._plural(self.labels.times_per_day, times_per_day),
        )


def labels_path(library_root: Path, language: str) -> Path:
    """Where the labels of `language` live."""
    return library_root / LABELS_FOLDER / f"{language}.yaml"


def label_languages(library_root: Path) -> list[str]:
    """Languages that have a labels file."""
    return sorted(p.stem for p in (library_root / LABELS_FOLDER).glob("*.yaml"))


@functools.cache
def load_wording(library_root: Path, language: str) -> Wording:
    """The wording of `language`, or a ContentError naming the missing file."""
    path = labels_path(library_root, language)
    if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z]{2,4})?", language) or not path.is_file():
        raise ContentError(f"{path}: no labels for language '{language}'")
    labels = parse_model(Labels, load_mapping(path, ContentError), str(path), ContentError)
    try:
        return Wording(labels)
    except (UnknownLocaleError, ValueError):
        raise ContentError(f"{path}: locale: unknown locale '{labels.locale}'") from None
