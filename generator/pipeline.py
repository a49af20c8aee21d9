"""One handout, end to end: load -> select -> personalise -> render -> verify.

`Generator.build` is pure (inputs in, PDF bytes out); the CLI, batch and any other
front end call it and decide where the bytes go.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator.content import Library
from generator.dosing import check_course
from generator.errors import InputError, LayoutError, VerifyError
from generator.inputs import Clinic, Personalisation, check_age
from generator.labels import load_wording
from generator.layouts import Layout, LayoutLibrary
from generator.personalise import personalise
from generator.render import render_pdf
from generator.selection import resolve_language, resolve_topic
from generator.verify import require_sentences


@dataclass(frozen=True)
class HandoutRequest:
    """What to make: a topic for one patient, in a layout."""

    topic: str
    data: Personalisation
    clinic: Clinic
    made_on: dt.date
    layout: str = "standard"
    paper: str | None = None
    language: str | None = None
    grayscale: bool = False


@dataclass(frozen=True)
class Handout:
    """A finished, verified leaflet."""

    pdf: bytes
    pages: int
    language: str
    must_say: tuple[str, ...]


class Generator:
    """Makes handouts from one content library and one folder of layouts (both cached)."""

    def __init__(self, library: Library, layouts: LayoutLibrary) -> None:
        self.library = library
        self.layouts = layouts
        self._checked_layouts: set[str] = set()

    def layout(self, name: str) -> Layout:
        """The layout profile `name`, checked once against the library's block kinds."""
        layout = self.layouts.get(name)
        if name not in self._checked_layouts:
            self.layouts.check_kinds(layout, self.library.block_kinds())
            self._checked_layouts.add(name)
        return layout

    def build(self, request: HandoutRequest, where: str) -> Handout:
        """Make and verify one leaflet; `where` names the input in error messages."""
        topic_name = resolve_topic(self.library, request.topic, request.data, where)
        topic = self.library.topic(topic_name)
        language = resolve_language(self.library, topic_name, request.language, request.data, where)
        check_age(request.data.patient, request.made_on, where)
        wording = load_wording(self.library.root, language)
        layout = self.layout(request.layout)
        course = check_course(request.data.prescription, topic, where) if topic.medicine else None
        leaflet = personalise(
            self.library,
            topic_name,
            language,
            layout,
            request.data,
            request.clinic,
            course,
            wording,
            request.made_on,
        )
        pdf = render_pdf(leaflet, layout, request.paper or layout.paper, request.grayscale)
        must_say = tuple(s for block in leaflet.blocks for s in block.must_say)
        try:
            pages = require_sentences(pdf, list(must_say), f"{where}: generated PDF")
        except VerifyError as exc:
            raise VerifyError(f"{exc} (refusing to write it)") from None
        if layout.max_pages and pages > layout.max_pages:
            raise LayoutError(
                f"{where}: layout '{layout.name}' allows {layout.max_pages} page(s) but the content needs {pages}; "
                "required blocks are never dropped and text is never shrunk below the layout's minimum size"
            )
        return Handout(pdf, pages, language, must_say)

    def required_sentences(self, topic: str, language: str) -> list[str]:
        """Every must_say sentence of the topic's required blocks."""
        return [s for block in self.library.blocks(topic, language) if block.required for s in block.must_say]


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` so that `path` appears whole or not at all."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise InputError(f"{path}: cannot write the file ({exc.strerror or exc.__class__.__name__})") from None
    try:
        os.fchmod(handle, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual mode
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except OSError as exc:
        os.unlink(temp)
        raise InputError(f"{path}: cannot write the file ({exc.strerror or exc.__class__.__name__})") from None
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
