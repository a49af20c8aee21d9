"""The content library: topics and their blocks, loaded from YAML and validated."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, RootModel, model_validator

from generator.content.dose_times import DoseTime, slot_of
from generator.content.schema import StrictModel, parse_model
from generator.errors import ContentError
from generator.names import is_language, is_name
from generator.paths import SAMPLES
from generator.yamlio import load_mapping

DEFAULT_LANGUAGE = "en"
SHARED_FOLDER = "shared"
TOPIC_FILE = "topic.yaml"
SAMPLE_FILE = "sample.yaml"

Severity = Literal["info", "caution", "warning"]
ITEM_KINDS = ("text", "bullets", "warning", "caution", "table")


class TableData(StrictModel):
    """A small fixed table written in the content."""

    header: list[str]
    """Column headings."""
    rows: list[list[str]]
    """Rows of cells; each row has as many cells as the header."""

    @model_validator(mode="after")
    def _rows_match_header(self) -> TableData:
        for index, row in enumerate(self.rows):
            if len(row) != len(self.header):
                raise ValueError(f"rows[{index}] has {len(row)} cells, the header has {len(self.header)}")
        return self


class BodyItem(StrictModel):
    """One piece of a block's body: exactly one of the content keys, plus an optional `when`."""

    text: str | None = None
    """A paragraph (Jinja2 template; content may use <b> and <i>)."""
    bullets: list[str] | None = None
    """A bulleted list, one template per bullet."""
    warning: str | None = None
    """A sentence drawn in a strong warning box."""
    caution: str | None = None
    """A sentence drawn in a lighter caution box."""
    table: TableData | None = None
    """A fixed table."""
    when: str | None = None
    """Jinja2 expression: show this item only when it is true."""

    @model_validator(mode="after")
    def _exactly_one_kind(self) -> BodyItem:
        present = [name for name in ITEM_KINDS if getattr(self, name) is not None]
        if len(present) != 1:
            raise ValueError(f"expected exactly one of {', '.join(ITEM_KINDS)}, got {len(present)}")
        return self

    @functools.cached_property
    def kind(self) -> str:
        """Which content key this item carries (asked for every item of every leaflet: found once)."""
        return next(name for name in ITEM_KINDS if getattr(self, name) is not None)

    def templates(self) -> list[tuple[str, str]]:
        """(field, template) of every piece of text in the item."""
        if self.bullets is not None:
            return [(f"bullets[{i}]", b) for i, b in enumerate(self.bullets)]
        if self.table is not None:
            rows = [self.table.header, *self.table.rows]
            return [(f"table[{r}][{c}]", cell) for r, row in enumerate(rows) for c, cell in enumerate(row)]
        text = getattr(self, self.kind)
        return [(self.kind, text)] if isinstance(text, str) else []


class Block(StrictModel):
    """A unit of content a layout places: one file in the library."""

    kind: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    """What the block is about (overview, how-to-take, ...); layouts place blocks by kind."""
    title: str
    """The heading, a question a patient would ask."""
    severity: Severity = "info"
    """How it is styled: info plain, caution and warning boxed."""
    required: bool = False
    """Safety-critical: never dropped from any layout or language."""
    must_say: list[str] = []
    """Sentences that must be found in the finished PDF's text."""
    when: str | None = None
    """Jinja2 expression: include the block only when it is true."""
    body: list[BodyItem] = Field(min_length=1)
    """The content, in reading order."""
    sources: list[str] = Field(min_length=1)
    """Where the facts come from (e.g. FDA label sections)."""
    reviewed: dt.date
    """When a pharmacist last reviewed the block."""
    review_due: dt.date
    """When the block must be reviewed again."""
    short: list[BodyItem] | None = None
    """A shorter body that compact layouts may use instead of `body`; a required block's keeps every must_say."""

    @model_validator(mode="after")
    def _required_rules(self) -> Block:
        if self.required and not self.must_say:
            raise ValueError("a required block needs must_say sentences")
        if self.must_say and not self.required:
            raise ValueError("must_say is only for required blocks")
        if self.required and self.when:
            raise ValueError("a required block cannot carry a when condition")
        return self


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

    @model_validator(mode="after")
    def _strength_with_products_only(self) -> TopicCode:
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
    """The label's dose rules, each with its source (medicine topics only)."""
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
    classes: list[Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,40}$")]] = []
    """Classes of medicines it belongs to (keys of the library's classes.yaml), for warnings about two together."""
    """What the medicine may be taken for when needed, by key (`prescription.as_needed_for`)."""

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

    @model_validator(mode="after")
    def _medicine_needs_limits(self) -> Topic:
        if self.medicine and not self.limits:
            raise ValueError("a medicine topic needs limits")
        if self.limits and not self.medicine:
            raise ValueError("limits are only for a medicine topic")
        if self.start_dose_cautions and not self.medicine:
            raise ValueError("start_dose_cautions are only for a medicine topic")
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
        return self


class TopicWords(StrictModel):
    """A topic's printed words in another language: `topic.LANG.yaml` beside `topic.yaml`."""

    title: str
    """Leaflet title."""
    subtitle: str = ""
    """One line under the title."""
    as_needed_reasons: dict[str, str] = {}
    """What each of the topic's as-needed reasons `says`, in this language."""


class Library:
    """A folder of topics (one sub-folder each) and shared blocks, parsed once and cached."""

    def __init__(self, root: Path) -> None:
        if not root.is_dir():
            raise ContentError(f"{root}: content library folder not found")
        self.root = root
        self._topics: dict[str, Topic] = {}
        self._blocks: dict[tuple[str, str, str], Block] = {}
        self._languages: dict[str, tuple[str, ...]] = {}

    def topic_names(self) -> list[str]:
        """Names of the topics in the library, sorted."""
        return sorted(p.parent.name for p in self.root.glob(f"*/{TOPIC_FILE}"))

    def topic_path(self, name: str) -> Path:
        """The topic file of `name`, or a ContentError listing the known topics."""
        path = self.root / name / TOPIC_FILE
        if not is_name(name) or not path.is_file():
            known = ", ".join(self.topic_names()) or "none"
            raise ContentError(f"unknown topic '{name}' in {self.root} (known: {known})")
        return path

    def find_topic(self, name: str) -> str | None:
        """The topic a name means: a topic's own name, or the generic or brand name of its medicine."""
        wanted = name.strip().casefold()
        if is_name(wanted) and (self.root / wanted / TOPIC_FILE).is_file():
            return wanted
        for topic_name in self.topic_names():
            medicine = self.topic(topic_name).medicine
            if medicine and wanted in {medicine.name.casefold(), (medicine.brand or "").casefold()}:
                return topic_name
        return None

    def topic(self, name: str) -> Topic:
        """The parsed topic `name` (parsed once)."""
        if name not in self._topics:
            path = self.topic_path(name)
            self._topics[name] = parse_model(Topic, load_mapping(path, ContentError), str(path), ContentError)
        return self._topics[name]

    def topic_words(self, name: str, language: str) -> TopicWords:
        """The title and subtitle of topic `name` in `language`."""
        topic = self.topic(name)
        if language == DEFAULT_LANGUAGE:
            reasons = {key: reason.says for key, reason in topic.as_needed_reasons.items()}
            return TopicWords(title=topic.title, subtitle=topic.subtitle, as_needed_reasons=reasons)
        path = self.topic_path(name).with_name(f"topic.{language}.yaml")
        if not path.is_file():
            raise ContentError(f"{path}: topic '{name}' has no '{language}' translation of its title")
        words = parse_model(TopicWords, load_mapping(path, ContentError), str(path), ContentError)
        if set(words.as_needed_reasons) != set(topic.as_needed_reasons):
            wanted = ", ".join(sorted(topic.as_needed_reasons)) or "none"
            raise ContentError(f"{path}: as_needed_reasons: give the words of the topic's reasons ({wanted})")
        return words

    def block_path(self, topic: str, ref: str, language: str) -> Path:
        """Where block `ref` of `topic` lives in `language` (English has no suffix)."""
        folder = self.root / SHARED_FOLDER if ref.startswith(SHARED_FOLDER + "/") else self.root / topic
        name = ref.split("/", 1)[1] if ref.startswith(SHARED_FOLDER + "/") else ref
        suffix = ".yaml" if language == DEFAULT_LANGUAGE else f".{language}.yaml"
        return folder / f"{name}{suffix}"

    def block(self, topic: str, ref: str, language: str) -> Block:
        """The parsed block `ref` of `topic` in `language` (parsed once)."""
        key = (topic, ref, language)
        if key not in self._blocks:
            self._blocks[key] = self._load_block(topic, ref, language)
        return self._blocks[key]

    def _load_block(self, topic: str, ref: str, language: str) -> Block:
        path = self.block_path(topic, ref, language)
        if not path.is_file():
            if language != DEFAULT_LANGUAGE and self.block_path(topic, ref, DEFAULT_LANGUAGE).is_file():
                raise ContentError(f"{path}: block '{ref}' has no '{language}' translation")
            raise ContentError(f"{self.topic_path(topic)}: blocks: unknown block '{ref}' ({path} not found)")
        return parse_model(Block, load_mapping(path, ContentError), str(path), ContentError)

    def sample_path(self, topic: str) -> Path | None:
        """The topic's sample input (`sample.yaml` beside `topic.yaml`), if it has one."""
        path = self.topic_path(topic).with_name(SAMPLE_FILE)
        return path if path.is_file() else None

    def sample_input(self, topic: str) -> Path:
        """The topic's sample input, else the built-in sample patient (for topics without a prescription)."""
        return self.sample_path(topic) or SAMPLES / "patient.yaml"

    def blocks(self, topic: str, language: str) -> list[Block]:
        """Every block of `topic` in `language`, in the topic's order."""
        return [self.block(topic, ref, language) for ref in self.topic(topic).blocks]

    def block_kinds(self) -> set[str]:
        """Every block kind some topic of the library has."""
        return {b.kind for name in self.topic_names() for b in self.blocks(name, DEFAULT_LANGUAGE)}

    def has_any_block_in(self, topic: str, language: str) -> bool:
        """Whether at least one block of `topic` exists in `language` (complete or not); a code that is not a
        language code is no language of any topic, without a look at the disk."""
        refs = self.topic(topic).blocks
        return is_language(language) and any(self.block_path(topic, ref, language).is_file() for ref in refs)

    def languages(self, topic: str) -> list[str]:
        """Languages in which every block of `topic` exists (looked up once: the web server asks per request)."""
        if topic not in self._languages:
            refs = self.topic(topic).blocks
            found = {DEFAULT_LANGUAGE}
            for path in (self.root / topic).glob("*.*.yaml"):
                found.add(path.suffixes[-2].lstrip("."))
            complete = (lang for lang in found if all(self.block_path(topic, r, lang).is_file() for r in refs))
            self._languages[topic] = tuple(sorted(complete))
        return list(self._languages[topic])
