"""Layout profiles: paper, margins, type and block placement, with `extends:` inheritance."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

from generator.content.schema import StrictModel, parse_model
from generator.errors import InputError, LayoutError
from generator.names import is_name
from generator.render.fonts import FAMILIES
from generator.yamlio import load_mapping

Color = str
MIN_FOOTER_SIZE = 8
"""The footer line may be smaller than the rest, but not smaller than this."""


class FontSpec(StrictModel):
    """Body type."""

    family: str = "noto-sans"
    """A font family known to generator.render.fonts."""
    size: float = Field(default=11.5, ge=6, le=40)
    """Body size in points."""
    leading: float = Field(default=15.5, ge=6, le=60)
    """Distance between lines of body text, in points."""


class Sizes(StrictModel):
    """Sizes of the other text, in points."""

    title: float = 22
    """Leaflet title."""
    heading: float = 14.5
    """Block headings."""
    small: float = 10
    """Header and notes."""
    footer: float | None = None
    """The footer line (clinic phone, content version, page X of Y); by default `small`. The only text
    allowed under min_font_size, and never under 8 pt."""


class Colors(StrictModel):
    """Colours as #rrggbb."""

    text: Color = "#111111"
    accent: Color = "#1d4e6e"
    box_fill: Color = "#eef3f7"
    warning: Color = "#8f1d1d"
    warning_fill: Color = "#fbeaea"
    caution: Color = "#7a5200"
    caution_fill: Color = "#fdf3e1"
    rule: Color = "#9aa7b0"


LanguageHelp = Literal["every", "short", "full-leaflet"]
StripForm = Literal["grid", "steps", "example", "none"]
"""How a layout draws the dose-time strip (Layout.dose_strip)."""
"""Where a layout prints the language-help notice (Layout.language_help)."""


class Layout(StrictModel):
    """A layout profile as resolved after `extends:`."""

    name: str
    """The profile's name (its file name)."""
    description: str = ""
    """One line for `handout list`."""
    title: str = ""
    """The name staff choose it by on the web page, in plain words (default: the description)."""
    paper: Literal["letter", "a4"] = "letter"
    """Paper size; overridable per run."""
    orientation: Literal["portrait", "landscape"] = "portrait"
    """Page orientation."""
    margins_in: tuple[float, float, float, float] = (0.7, 0.75, 0.7, 0.75)
    """Top, right, bottom, left margins in inches."""
    font: FontSpec = FontSpec()
    """Body type."""
    sizes: Sizes = Sizes()
    """Other text sizes."""
    min_font_size: float = 10
    """Nothing on any page is smaller, except the footer line (sizes.footer)."""
    colors: Colors = Colors()
    """Colour scheme."""
    grayscale: bool = False
    """Draw every colour as gray, for black-and-white printers."""
    spacing: float = Field(default=1.0, ge=0.3, le=3)
    """Space between paragraphs and inside boxes, as a multiple of the body size."""
    facts_columns: int = Field(default=1, ge=1, le=2)
    """The prepared-for box lists its facts in one column or two."""
    columns: int = Field(default=1, ge=1, le=3)
    """Text columns under the full-width title and prepared-for box."""
    column_gap_in: float = 0.3
    """Space between columns, in inches."""
    blocks: list[str] = []
    """Block kinds in the order placed; kinds not listed follow in topic order."""
    may_drop: list[str] = []
    """Optional block kinds this profile may leave out."""
    may_shorten: list[str] = []
    """Block kinds this profile prints in their `short` form when they have one (required ones keep every must_say)."""
    max_pages: int | None = None
    """Most pages allowed, or none."""
    format: Literal["pages", "trifold"] = "pages"
    """`pages`: text flows down pages; `trifold`: one sheet, two sides of three panels."""
    panel_margin_in: float = 0.3
    """Trifold only: space inside each panel edge, in inches."""
    header: bool = True
    """Clinic name and phone at the top of every page."""
    footer: bool = True
    """Clinic phone, content version, made date and page X of Y at the bottom of every page."""
    logo: bool = True
    """Show the clinic's logo (from the clinic settings) when it has one."""
    qr_code: bool = False
    """Show a QR code to the clinic's full-leaflet URL, with a line of text pointing to it."""
    short_dates: bool = False
    """Dates in the dose schedule in the short form (Nov 24, 2026), for narrow panels and columns."""
    calendar: bool = True
    """A dose calendar page to tick each dose."""
    calendar_pointer: bool = True
    """Without the calendar: a line under the schedule says where to get one."""
    dose_strip: StripForm = "grid"
    """Under the schedule, the dose-time strip: the tablets of each time of day drawn, or the worked example of
    the wait between doses taken when needed (generator.prescription.strip). `grid`: a course at set times as one
    grid, a column per time of day and a row per step; `steps`: each step's times of day side by side, a name in
    each cell (for narrow columns and panels); `example`: only the worked example of doses when needed or every so
    many hours (a layout with no room for a course's strip); `none`: no strip."""
    text_over_color: bool = True
    """False: no text is set on a coloured fill (large print); warnings use borders and weight."""
    several_medicines: bool = True
    """Whether it holds a leaflet for several medicines (each with `max_pages` of its own)."""
    language_help: LanguageHelp = "every"
    """Where the language-help notice goes: `every` language a block of its own, last; `short`, the English line
    and the leaflet language's at the foot of the last block; `full-leaflet`, only in the full leaflet its QR code
    and line point to (a one-sided summary with no room for a line more)."""
    when_too_long: str | None = None
    """The profile a refusal as too long points to (one-page: one-sheet), when it has one."""

    @model_validator(mode="after")
    def _checks(self) -> Layout:
        if self.font.family not in FAMILIES:
            raise ValueError(f"font.family: unknown font '{self.font.family}' (known: {', '.join(sorted(FAMILIES))})")
        sizes = {"font.size": self.font.size, "sizes.title": self.sizes.title, "sizes.heading": self.sizes.heading}
        sizes["sizes.small"] = self.sizes.small
        for field, size in sizes.items():
            if size < self.min_font_size:
                raise ValueError(f"{field}: {size} pt is below min_font_size {self.min_font_size} pt")
        if self.sizes.footer is not None and self.sizes.footer < MIN_FOOTER_SIZE:
            raise ValueError(f"sizes.footer: {self.sizes.footer} pt is below {MIN_FOOTER_SIZE} pt")
        if self.format == "trifold" and self.orientation != "landscape":
            raise ValueError("format: a trifold needs orientation: landscape")
        if self.language_help == "full-leaflet" and not self.qr_code:
            raise ValueError("language_help: 'full-leaflet' needs qr_code: true (the code and its line point to it)")
        return self


class LayoutFile(StrictModel):
    """What a profile file may contain: any Layout field, each optional, plus `extends`."""

    extends: str | None = None
    """The profile this one changes."""
    description: str | None = None
    title: str | None = None
    paper: Literal["letter", "a4"] | None = None
    orientation: Literal["portrait", "landscape"] | None = None
    margins_in: tuple[float, float, float, float] | None = None
    font: dict[str, Any] | None = None
    sizes: dict[str, Any] | None = None
    min_font_size: float | None = None
    colors: dict[str, Any] | None = None
    grayscale: bool | None = None
    spacing: float | None = None
    facts_columns: int | None = None
    columns: int | None = None
    column_gap_in: float | None = None
    blocks: list[str] | None = None
    may_drop: list[str] | None = None
    may_shorten: list[str] | None = None
    max_pages: int | None = None
    format: Literal["pages", "trifold"] | None = None
    panel_margin_in: float | None = None
    header: bool | None = None
    footer: bool | None = None
    logo: bool | None = None
    qr_code: bool | None = None
    short_dates: bool | None = None
    calendar: bool | None = None
    calendar_pointer: bool | None = None
    dose_strip: StripForm | None = None
    text_over_color: bool | None = None
    several_medicines: bool | None = None
    language_help: LanguageHelp | None = None
    when_too_long: str | None = None


def _merge(base: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in change.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


class LayoutLibrary:
    """A folder of layout profiles."""

    def __init__(self, root: Path) -> None:
        if not root.is_dir():
            raise LayoutError(f"{root}: layouts folder not found")
        self.root = root
        self._resolved: dict[str, Layout] = {}

    def names(self) -> list[str]:
        """Profile names, sorted."""
        return sorted(p.stem for p in self.root.glob("*.yaml"))

    def _path(self, name: str) -> Path | None:
        """The file of profile `name`, if there is one."""
        path = self.root / f"{name}.yaml"
        return path if is_name(name) and path.is_file() else None

    def _known(self) -> str:
        return f"known: {', '.join(self.names()) or 'none'}"

    def _raw(self, name: str, chain: tuple[str, ...]) -> dict[str, Any]:
        path = self._path(name)
        if path is None:  # named by the `extends:` of the profile before it (get() checks the first)
            where = self.root / f"{chain[-1]}.yaml"
            raise LayoutError(f"{where}: extends: unknown layout '{name}' ({self._known()})")
        if name in chain:
            raise LayoutError(f"{path}: extends: cycle {' -> '.join((*chain, name))}")
        data = parse_model(LayoutFile, load_mapping(path, LayoutError), str(path), LayoutError)
        own = data.model_dump(exclude_none=True, exclude={"extends"})
        if data.extends is None:
            return own
        return _merge(self._raw(data.extends, (*chain, name)), own)

    def files(self, name: str) -> list[Path]:
        """The profile's file and every file it extends (none for a name that is not an installed profile)."""
        found: list[Path] = []
        path = self._path(name)
        while path is not None and path not in found:
            found.append(path)
            extends = load_mapping(path, LayoutError).get("extends")
            path = self._path(extends) if isinstance(extends, str) else None
        return found

    def check_kinds(self, layout: Layout, known_kinds: set[str]) -> None:
        """Refuse a profile that places a block kind no topic has."""
        for field in ("blocks", "may_drop", "may_shorten"):
            for index, kind in enumerate(getattr(layout, field)):
                if kind not in known_kinds:
                    path = self.root / f"{layout.name}.yaml"
                    raise LayoutError(f"{path}: {field}[{index}]: no topic has a block of kind '{kind}'")

    def get(self, name: str) -> Layout:
        """The profile `name` with everything it extends applied (resolved once); a name that is not an installed
        profile is the user's input error (exit 2, HTTP 422), which lists the installed ones."""
        if name not in self._resolved:
            path = self._path(name)
            if path is None:
                message = f"unknown layout ({self._known()})"
                raise InputError(f"layout: {message}", (("layout", message),))
            data = {**self._raw(name, ()), "name": name}
            layout = parse_model(Layout, data, str(path), LayoutError)
            if layout.when_too_long is not None and self._path(layout.when_too_long) is None:
                raise LayoutError(f"{path}: when_too_long: unknown layout '{layout.when_too_long}' ({self._known()})")
            self._resolved[name] = layout
        return self._resolved[name]
