"""What the speed-ups must not change: the same bytes, the same strict reading, bounded caches, safe forks."""

from __future__ import annotations

import io
import sys
import threading

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A6
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate

from generator.batch.progress import Progress
from generator.content.library import Library
from generator.errors import InputError
from generator.inputs.strictdata import CParser, StrictCLoader, StrictLoader, _load_with, load_yaml
from generator.layouts import LayoutLibrary
from generator.paths import layouts_root, library_root
from generator.pipeline import Generator
from generator.render import paracache
from generator.render.text import Text
from generator.workers.start import start_context
from generator.yamlio import load_mapping

LONG = " ".join(f"Take <b>one tablet</b> with water, step {n}." for n in range(120))


def _pdf(make: type[Paragraph], text: str) -> bytes:
    style = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=13)
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A6, invariant=1).build([make(text, style), make("Last line.", style)])
    return buffer.getvalue()


def test_cached_paragraphs_draw_the_same_bytes_as_reportlab_even_when_split() -> None:
    paracache.clear()
    plain = _pdf(Paragraph, LONG)
    assert len(PdfReader(io.BytesIO(plain)).pages) >= 3  # the long paragraph is split twice
    first, again = _pdf(Text, LONG), _pdf(Text, LONG)  # the second is made from the cache
    assert paracache.cached_paragraphs() >= 2
    assert first == plain and again == plain


def test_the_paragraph_cache_is_bounded_and_dropped_with_new_content(monkeypatch) -> None:
    paracache.clear()
    monkeypatch.setattr(paracache._cache, "limit", 3)
    style = ParagraphStyle("body", fontName="Helvetica")
    for number in range(5):
        Text(f"paragraph {number}", style)
    assert paracache.cached_paragraphs() == 3
    Generator(Library(library_root()), LayoutLibrary(layouts_root()))
    assert paracache.cached_paragraphs() == 0


def test_same_markup_in_another_style_is_not_shared() -> None:
    bold = ParagraphStyle("a", fontName="Helvetica-Bold", fontSize=12, leading=15)
    small = ParagraphStyle("b", fontName="Helvetica", fontSize=8, leading=10)
    one, other = Text("Call 911", bold), Text("Call 911", small)
    assert (one.frags[0].fontName, one.frags[0].fontSize) == ("Helvetica-Bold", 12)
    assert (other.frags[0].fontName, other.frags[0].fontSize) == ("Helvetica", 8)
    assert (one.wrap(100, 100)[1], other.wrap(100, 100)[1]) == (15, 10)


@pytest.mark.parametrize("root", [library_root(), layouts_root()], ids=["content", "layouts"])
def test_libyaml_reads_every_library_file_as_the_python_loader_does(root) -> None:
    files = sorted(root.rglob("*.yaml"))
    assert len(files) > 5
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert _load_with(StrictCLoader, text) == _load_with(StrictLoader, text), path


def test_input_files_are_read_by_the_python_loader_only(tmp_path) -> None:
    patient = tmp_path / "patient.yaml"
    patient.write_text("patient: |# not a comment to PyYAML\n  Maria\n", encoding="utf-8")  # libyaml takes it
    with pytest.raises(InputError, match=r"patient.yaml:1: invalid YAML"):
        load_mapping(patient, InputError)
    assert load_yaml("a: |# c\n  b\n", fast=True) == {"a": "b\n"}  # the library's reader is libyaml


def test_libyaml_is_used_when_pyyaml_has_it() -> None:
    assert CParser is not None  # the wheels on PyPI ship it; without it the pure-Python loader reads the same


def test_workers_are_forked_only_while_no_other_thread_runs() -> None:
    if sys.platform != "linux":
        pytest.skip("fork is the Linux case")
    assert threading.active_count() > 1 or start_context().get_start_method() == "fork"
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert start_context().get_start_method() in ("forkserver", "spawn")
    finally:
        stop.set()
        other.join()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_starts_no_thread() -> None:
    before = threading.active_count()
    progress = Progress(10, stream=_Terminal())
    progress.step()
    assert threading.active_count() == before
    progress.close()


def test_the_file_id_is_the_same_for_the_same_leaflet_and_differs_between_patients(generator, topic_request) -> None:
    """The structure tree is written by ReportLab now (no second save): its /ID must still follow the content."""
    import dataclasses

    request = topic_request("carisoprodol")
    patient = request.data.patient.model_copy(update={"name": "Another Patient"})
    other = dataclasses.replace(request, data=request.data.model_copy(update={"patient": patient}))
    first, again, theirs = (generator.build(r, "test").pdf for r in (request, request, other))
    assert first == again
    ids = [PdfReader(io.BytesIO(pdf)).trailer["/ID"][0] for pdf in (first, theirs)]
    assert ids[0] != ids[1]
