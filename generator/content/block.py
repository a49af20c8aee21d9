"""A content block: one YAML file of the library, a unit of content a layout places (schema)."""

from __future__ import annotations

import functools
from typing import Literal

from pydantic import Field, model_validator

from generator.content.icon_array import IconArrayData
from generator.content.schema import StrictModel

Severity = Literal["info", "caution", "warning"]
Origin = Literal["human", "machine"]
ITEM_KINDS = ("text", "bullets", "warning", "caution", "table", "icon_array", "drug_facts_picture")


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


class DrugFactsPicture(StrictModel):
    """A simplified drawing of an over-the-counter Drug Facts panel (21 CFR 201.66) with the active ingredient
    line framed and pointed at, so a patient sees where to look on another medicine's label."""

    panel_title: str
    """The panel's title bar, as the label prints it ("Drug Facts")."""
    ingredient_heading: str
    """The first heading of the header row ("Active ingredient (in each tablet)")."""
    purpose_heading: str
    """The second heading of the header row ("Purpose")."""
    ingredient: str
    """The ingredient line, highlighted ("Acetaminophen 500 mg")."""
    purpose: str
    """Its purpose, beside it ("Pain reliever/fever reducer")."""
    caption: str
    """What to do, under the drawing: where to look and what it means."""
    note: str | None = None
    """An optional line after the caption (e.g. another name the ingredient goes by on labels)."""

    def fields(self) -> list[tuple[str, str]]:
        """(field, text) of every piece of text, in the order it is read: panel, caption, note."""
        names = ("panel_title", "ingredient_heading", "purpose_heading", "ingredient", "purpose", "caption", "note")
        return [(name, getattr(self, name)) for name in names if getattr(self, name) is not None]


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
    icon_array: IconArrayData | None = None
    """Numbers of people drawn as grids of person icons (generator.content.icon_array)."""
    drug_facts_picture: DrugFactsPicture | None = None
    """A drawing of a Drug Facts panel with its active ingredient line pointed at, and a caption."""
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
        if self.icon_array is not None:
            labels = [(f"icon_array.arrays[{i}].label", a.label) for i, a in enumerate(self.icon_array.arrays)]
            return [("icon_array.caption", self.icon_array.caption), *labels]
        if self.drug_facts_picture is not None:
            return [(f"drug_facts_picture.{name}", text) for name, text in self.drug_facts_picture.fields()]
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
    origin: Origin
    """Who wrote it: `human`, or `machine` (machine-translated or generated); approvals are recorded apart."""
    checked: str = Field(min_length=1)
    """What the team checked and how (a note, not an approval: see approvals.yaml)."""
    translated_from: str | None = None
    """A translation's English source: that block's content hash when it was translated (`handout lint` says
    when the English has changed since)."""
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
