"""The content library: topics and their blocks, loaded from YAML and validated."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from generator.errors import ContentError
from generator.schema import StrictModel, parse_model
from generator.yamlio import load_mapping

DEFAULT_LANGUAGE = "en"
SHARED_FOLDER = "shared"
TOPIC_FILE = "topic.yaml"

Severity = Literal["info", "caution", "warning"]
ITEM_KINDS = ("text", "bullets", "warning", "caution", "table", "taper_table")


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
    taper_table: Literal[True] | None = None
    """The prescriber's taper plan as a dated table."""
    when: str | None = None
    """Jinja2 expression: show this item only when it is true."""

    @model_validator(mode="after")
    def _exactly_one_kind(self) -> BodyItem:
        present = [name for name in ITEM_KINDS if getattr(self, name) is not None]
        if len(present) != 1:
            raise ValueError(f"expected exactly one of {', '.join(ITEM_KINDS)}, got {len(present)}")
        return self

    @property
    def kind(self) -> str:
        """Which content key this item carries."""
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
    """A shorter body that compact layouts may use instead of `body`."""

    @model_validator(mode="after")
    def _required_rules(self) -> Block:
        if self.required and not self.must_say:
            raise ValueError("a required block needs must_say sentences")
        if self.must_say and not self.required:
            raise ValueError("must_say is only for required blocks")
        if self.required and self.when:
            raise ValueError("a required block cannot carry a when condition")
        return self


class Limits(StrictModel):
    """Dose limits from the medicine's label; the generator refuses anything beyond them."""

    max_dose_mg: float
    """Largest single dose."""
    max_times_per_day: int
    """Most doses a day."""
    max_daily_mg: float
    """Largest total a day."""
    max_days: int | None = None
    """Longest course, in days, taper included; none when the label sets no limit."""


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
    """Dose limits (medicine topics only)."""
    limit_sources: list[str] = []
    """Where the limits come from."""
    blocks: list[str] = Field(min_length=1)
    """Block names in reading order; `shared/NAME` for a shared block."""

    @model_validator(mode="after")
    def _medicine_needs_limits(self) -> Topic:
        if self.medicine and not self.limits:
            raise ValueError("a medicine topic needs limits")
        return self


class TopicWords(StrictModel):
    """A topic's title and subtitle in another language: `topic.LANG.yaml` beside `topic.yaml`."""

    title: str
    """Leaflet title."""
    subtitle: str = ""
    """One line under the title."""


class Library:
    """A folder of topics (one sub-folder each) and shared blocks, parsed once and cached."""

    def __init__(self, root: Path) -> None:
        if not root.is_dir():
            raise ContentError(f"{root}: content library folder not found")
        self.root = root
        self._topics: dict[str, Topic] = {}
        self._blocks: dict[tuple[str, str, str], Block] = {}

    def topic_names(self) -> list[str]:
        """Names of the topics in the library, sorted."""
        return sorted(p.parent.name for p in self.root.glob(f"*/{TOPIC_FILE}"))

    def topic_path(self, name: str) -> Path:
        """The topic file of `name`, or a ContentError listing the known topics."""
        path = self.root / name / TOPIC_FILE
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name) or not path.is_file():
            known = ", ".join(self.topic_names()) or "none"
            raise ContentError(f"unknown topic '{name}' in {self.root} (known: {known})")
        return path

    def find_topic(self, name: str) -> str | None:
        """The topic a name means: a topic's own name, or the generic or brand name of its medicine."""
        wanted = name.strip().casefold()
        names = self.topic_names()
        if wanted in names:
            return wanted
        for topic_name in names:
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
            return TopicWords(title=topic.title, subtitle=topic.subtitle)
        path = self.topic_path(name).with_name(f"topic.{language}.yaml")
        if not path.is_file():
            raise ContentError(f"{path}: topic '{name}' has no '{language}' translation of its title")
        return parse_model(TopicWords, load_mapping(path, ContentError), str(path), ContentError)

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

    def blocks(self, topic: str, language: str) -> list[Block]:
        """Every block of `topic` in `language`, in the topic's order."""
        return [self.block(topic, ref, language) for ref in self.topic(topic).blocks]

    def block_kinds(self) -> set[str]:
        """Every block kind some topic of the library has."""
        return {b.kind for name in self.topic_names() for b in self.blocks(name, DEFAULT_LANGUAGE)}

    def has_any_block_in(self, topic: str, language: str) -> bool:
        """Whether at least one block of `topic` exists in `language` (complete or not)."""
        return any(self.block_path(topic, ref, language).is_file() for ref in self.topic(topic).blocks)

    def languages(self, topic: str) -> list[str]:
        """Languages in which every block of `topic` exists."""
        refs = self.topic(topic).blocks
        found = {DEFAULT_LANGUAGE}
        for path in (self.root / topic).glob("*.*.yaml"):
            found.add(path.suffixes[-2].lstrip("."))
        return sorted(lang for lang in found if all(self.block_path(topic, r, lang).is_file() for r in refs))
