"""A topic: a leaflet subject, its medicine, the label's rules and what staff are warned about (schema)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, RootModel, model_validator

from generator.content.block import Origin
from generator.content.dose_times import DoseTime, slot_of
from generator.content.ndc import product_key
from generator.content.schema import StrictModel

LimitRule = Literal["max_dose_mg", "max_times_per_day", "max_daily_mg", "max_days"]


class Limit(StrictModel):
    """One rule from the medicine's label, with the course days it applies to and its source."""

    rule: LimitRule
    """What is limited: mg a dose, doses a day, mg a day, or course days."""
    value: float = Field(gt=0)
    """The largest allowed."""
    from_day: int = Field(default=1, ge=1)
    """First day of the course the rule applies to (day 1 is the start date)."""
    until_day: int | None = Field(default=None, ge=1)
    """Last day of the course it applies to; none: to the end of the course."""
    source: str = Field(min_length=1)
    """The label section the rule comes from."""

    @model_validator(mode="after")
    def _period(self) -> Limit:
        if self.until_day is not None and self.until_day < self.from_day:
            raise ValueError("until_day is before from_day")
        if self.rule == "max_days" and (self.from_day != 1 or self.until_day is not None):
            raise ValueError(f"{self.rule} applies to the whole course: no from_day or until_day")
        return self

    def covers(self, first_day: int, last_day: int) -> bool:
        """Whether the rule applies to any of course days `first_day` to `last_day` (day 1 is the start date)."""
        return self.from_day <= last_day and (self.until_day is None or first_day <= self.until_day)


class Limits(RootModel[list[Limit]]):
    """The label's rules for a medicine (a list in the topic file); the generator refuses anything beyond them."""

    model_config = ConfigDict(frozen=True)

    @model_validator(mode="after")
    def _needed_rules(self) -> Limits:
        for needed in ("max_dose_mg", "max_times_per_day", "max_daily_mg"):
            if not self.of(needed):
                raise ValueError(f"a medicine needs a {needed} rule")
        if len(self.of("max_days")) > 1:
            raise ValueError("at most one max_days rule")
        return self

    def of(self, rule: LimitRule) -> list[Limit]:
        """The rules of one kind."""
        return [limit for limit in self.root if limit.rule == rule]

    @property
    def max_days(self) -> Limit | None:
        """The course-length rule, if the label sets one."""
        found = self.of("max_days")
        return found[0] if found else None


class AgeCaution(StrictModel):
    """An age at which staff are warned before handing out the leaflet (the leaflet is still made)."""

    under: int | None = Field(default=None, ge=1, le=130)
    """Warn for patients younger than this."""
    from_age: int | None = Field(default=None, ge=1, le=130)
    """Warn for patients this old or older."""
    says: str = Field(min_length=1)
    """The warning, in plain words for staff."""
    source: str = Field(min_length=1)
    """Where it comes from (label section, guideline)."""

    @model_validator(mode="after")
    def _one_bound(self) -> AgeCaution:
        if (self.under is None) == (self.from_age is None):
            raise ValueError("give exactly one of under and from_age")
        return self

    def applies_to(self, age: int) -> bool:
        """Whether a patient of `age` gets this warning."""
        return age < self.under if self.under is not None else age >= (self.from_age or 0)


class StartDoseCaution(StrictModel):
    """A first dose above the label's start dose for older patients: staff are warned (the leaflet is still made)."""

    from_age: int = Field(ge=1, le=130)
    """Warn for patients this old or older."""
    max_first_dose_mg: float = Field(gt=0)
    """The label's start dose: warn when the first dose is more."""
    says: str = Field(min_length=1)
    """The warning, in plain words for staff, action first."""
    source: str = Field(min_length=1)
    """The label section it comes from."""

    def applies_to(self, age: int, first_dose_mg: float) -> bool:
        """Whether a patient of `age` whose first dose is `first_dose_mg` gets this warning."""
        return age >= self.from_age and first_dose_mg > self.max_first_dose_mg


class LabelDirection(Limit):
    """A lower amount a product's own label directs (e.g. over-the-counter Drug Facts): staff are warned above it,
    the leaflet is still made (the label says "unless directed by a doctor")."""

    says: str = Field(min_length=1)
    """The warning, in plain words for staff, action first."""


class Product(StrictModel):
    """One product of a topic's medicine with its own label: a salt (naproxen sodium) or an over-the-counter
    strength, its tablet strengths, the rules a prescription of it must keep and its label's lower directions."""

    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,40}$")]
    """Names the product in `topic.LANG.yaml` (`products: {key: printed name}`)."""
    name: str
    """The active ingredient as its label names it (naproxen sodium); prescription.medicine may give it."""
    brand: str | None = None
    """A brand name of the product, if any; prescription.medicine may give it."""
    says: str = Field(min_length=1)
    """The product as the English leaflet names it: Naproxen sodium, sold without a prescription (like Aleve)."""
    over_the_counter: bool = False
    """Sold without a prescription (its label is a Drug Facts label)."""
    strengths_mg: list[float] = Field(min_length=1)
    """Tablet strengths of this product, in mg of `name` (of the salt, for a salt)."""
    limits: Limits
    """The label's rules: anything beyond them is refused."""
    label_directions: list[LabelDirection] = []
    """The product label's lower directions: staff are warned above them."""
    sources: list[str] = Field(min_length=1)
    """Where the product, its strengths and its label come from."""

    def names(self) -> set[str]:
        """How a prescription may name it (lower case)."""
        return {self.name.casefold(), *([self.brand.casefold()] if self.brand else [])}


class Medicine(StrictModel):
    """The medicine a topic is about."""

    name: str
    """Generic name, as in prescription.medicine."""
    brand: str | None = None
    """Brand name, if any."""
    form: str = "tablet"
    """Dose form, used in dose wording."""
    strengths_mg: list[float] = Field(min_length=1)
    """Tablet strengths sold."""
    sources: list[str] = []
    """Where the strengths come from (label HOW SUPPLIED, NDC directory)."""


RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
"""The RxNorm code system URI (FHIR); its OID is 2.16.840.1.113883.6.88."""


class ProductNdc(StrictModel):
    """A product NDC (labeler-product, as FDA writes it) of a product code, and where it was checked."""

    ndc: Annotated[str, Field(pattern=r"^([0-9]{4}-[0-9]{4}|[0-9]{5}-[0-9]{3,4})$")]
    """The labeler and product segments with their hyphen, e.g. 50228-109; any package of it selects the code."""
    source: str = Field(min_length=1)
    """The FDA record that gives this NDC with the code's strength (DailyMed label, NDC directory)."""


class TopicCode(StrictModel):
    """An RxNorm concept that selects a topic (e.g. from an EHR's order or an Infobutton request)."""

    rxcui: Annotated[str, Field(pattern=r"^[0-9]{1,10}$")]
    """The RxNorm concept identifier."""
    tty: Literal["IN", "SCD"]
    """RxNorm term type: IN (ingredient) or SCD (clinical drug: ingredient, strength and dose form)."""
    name: str
    """The RxNorm name, e.g. 'carisoprodol 350 MG Oral Tablet'."""
    strength_mg: Annotated[float, Field(gt=0)] | None = None
    """Tablet strength a product (SCD) code names; none for an ingredient."""
    source: str
    """Where the code was checked (e.g. an NLM or FDA record)."""
    ndcs: list[ProductNdc] = []
    """Product NDCs of this product (SCD) code: an Infobutton request by NDC finds it, with its strength."""

    @model_validator(mode="after")
    def _strength_with_products_only(self) -> TopicCode:
        if self.tty == "IN" and self.ndcs:
            raise ValueError("an ingredient (IN) code has no ndcs: list them under the product (SCD) code")
        if self.tty == "SCD" and self.strength_mg is None:
            raise ValueError("a product (SCD) code needs strength_mg")
        if self.tty == "IN" and self.strength_mg is not None:
            raise ValueError("an ingredient (IN) code has no strength_mg")
        return self


class AsNeededReason(StrictModel):
    """Something a medicine may be taken for when needed (`prescription.as_needed_for`)."""

    says: str = Field(min_length=1)
    """What it is for, in English, as the leaflet finishes "only when you need it for ...": muscle spasm."""
    codes: list[Annotated[str, Field(pattern=r"^[0-9]{6,18}$")]] = []
    """SNOMED CT concepts an EHR's order may send for it (FHIR asNeededCodeableConcept)."""


STANDARD_TIMES: list[list[DoseTime]] = [
    ["morning"],
    ["morning", "evening"],
    ["morning", "midday", "evening"],
    ["morning", "midday", "evening", "bedtime"],
]
"""When doses are taken when the prescription does not say, for 1 to 4 doses a day (USP General Chapter <17>)."""


class Topic(StrictModel):
    """A leaflet subject: its title, medicine, limits and ordered blocks."""

    title: str
    """Leaflet title."""
    subtitle: str = ""
    """One line under the title."""
    medicine: Medicine | None = None
    """The medicine, or none for a non-drug topic."""
    content_version: str
    """Printed in the footer and metadata of every PDF."""
    limits: Limits | None = None
    """The label's dose rules, each with its source (medicine topics with one product only)."""
    products: list[Product] = []
    """The medicine's products, each with its own label and rules (instead of `limits`): a salt, an
    over-the-counter strength; the tablet strength dispensed says which one a prescription is for."""
    age_cautions: list[AgeCaution] = []
    """Ages at which staff are warned (label minimum age, Beers Criteria)."""
    start_dose_cautions: list[StartDoseCaution] = []
    """Ages from which staff are warned about a first dose above the label's start dose (medicine topics only)."""
    blocks: list[str] = Field(min_length=1)
    """Block names in reading order; `shared/NAME` for a shared block."""
    codes: list[TopicCode] = []
    """RxNorm codes that select this topic (medicine topics only)."""
    default_times: list[list[DoseTime]] = STANDARD_TIMES
    """When each dose is taken when the prescription does not say (`prescription.times`): a list of times for
    each number of doses a day the topic has usual times for."""
    as_needed_reasons: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,40}$")], AsNeededReason] = {}
    """What the medicine may be taken for when needed, by key (`prescription.as_needed_for`)."""
    classes: list[Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,40}$")]] = []
    """Classes of medicines it belongs to (keys of the library's classes.yaml), for warnings about two together."""

    @model_validator(mode="after")
    def _usual_times_once_each(self) -> Topic:
        counts = [len(times) for times in self.default_times]
        for index, times in enumerate(self.default_times):
            if len({slot_of(time) for time in times}) != len(times):
                raise ValueError(f"default_times[{index}]: two doses at the same time of day")
            if counts.count(len(times)) > 1:
                raise ValueError(f"default_times[{index}]: a second list of times for {len(times)} doses a day")
        return self

    def usual_times(self, doses: int) -> list[DoseTime] | None:
        """When `doses` doses a day are taken when the prescription does not say; None when the topic does not say."""
        return next((times for times in self.default_times if len(times) == doses), None)

    def product(self, key: str | None) -> Product | None:
        """The product of `key`; none for none (a topic without products)."""
        return next(product for product in self.products if product.key == key) if key else None

    def medicine_names(self) -> list[str]:
        """The names a prescription may give its medicine: generic and brand, and each product's."""
        if self.medicine is None:
            return []
        names = [self.medicine.name, self.medicine.brand or ""]
        names += [name for product in self.products for name in (product.name, product.brand or "")]
        return list(dict.fromkeys(name for name in names if name))

    def rules(self, product: str | None) -> Limits | None:
        """The rules a prescription keeps: its product's when the topic has products, else the topic's."""
        found = self.product(product)
        return found.limits if found else self.limits

    @model_validator(mode="after")
    def _medicine_needs_limits(self) -> Topic:
        if self.medicine and bool(self.limits) == bool(self.products):
            raise ValueError("a medicine topic needs limits, or products each with their own limits (not both)")
        if (self.limits or self.products) and not self.medicine:
            raise ValueError("limits and products are only for a medicine topic")
        if self.start_dose_cautions and not self.medicine:
            raise ValueError("start_dose_cautions are only for a medicine topic")
        return self

    @model_validator(mode="after")
    def _products_share_no_strength(self) -> Topic:
        strengths = [strength for product in self.products for strength in product.strengths_mg]
        if self.medicine and self.products and sorted(strengths) != sorted(self.medicine.strengths_mg):
            raise ValueError("medicine.strengths_mg: must list each product's strengths once")
        keys = [product.key for product in self.products]
        if len(set(keys)) != len(keys):
            raise ValueError("products: a key listed twice")
        return self

    @model_validator(mode="after")
    def _codes_match_medicine(self) -> Topic:
        if self.codes and self.medicine is None:
            raise ValueError("codes: only a medicine topic is selected by medicine codes")
        for index, code in enumerate(self.codes):
            if self.medicine and code.strength_mg is not None and code.strength_mg not in self.medicine.strengths_mg:
                raise ValueError(f"codes[{index}].strength_mg: {code.strength_mg:g} mg is not in medicine.strengths_mg")
        rxcuis = [code.rxcui for code in self.codes]
        duplicates = sorted({c for c in rxcuis if rxcuis.count(c) > 1})
        if duplicates:
            raise ValueError(f"codes: RxCUI {', '.join(duplicates)} listed twice")
        ndcs = [product_key(item.ndc) for code in self.codes for item in code.ndcs]
        twice = sorted({ndc for ndc in ndcs if ndcs.count(ndc) > 1})
        if twice:
            raise ValueError(f"codes: NDC {', '.join(twice)} (5-4 digits) listed twice")
        return self


class TopicWords(StrictModel):
    """A topic's printed words in another language: `topic.LANG.yaml` beside `topic.yaml`."""

    title: str
    """Leaflet title."""
    subtitle: str = ""
    """One line under the title."""
    as_needed_reasons: dict[str, str] = {}
    """What each of the topic's as-needed reasons `says`, in this language."""
    origin: Origin = "human"
    """Who wrote it: `human`, or `machine` (a machine translation)."""
    products: dict[str, str] = {}
    """Each of the topic's products as the leaflet names it, in this language: Naproxen sodium (like Aleve)."""
