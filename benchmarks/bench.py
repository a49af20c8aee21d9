"""Benchmarks for the standard carisoprodol leaflet. Run from the repository root:

    python benchmarks/bench.py [--rows 2000] [--runs 15]

Prints, measured in the same run (medians; these machines are shared and noisy):
1. one process, per leaflet and per page: the full pipeline (personalise + render +
   verify), render alone, and the floor: plain ReportLab laying out the same text with
   no generator around it; plus WeasyPrint and Typst on the same text when installed;
2. the cost of tagged PDF (PDF/UA-1) per leaflet: render as shipped against the same render
   with the canvas' marks switched off and no structure tree written, run alternately, and
   the part of it spent writing the structure tree with pikepdf;
3. `handout batch` of --rows rows with 1 and with 2 jobs: leaflets per second;
4. peak memory (RSS) of a batch of rows/4 and of rows rows, to show it is flat.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import html
import io
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

from pypdf import PdfReader
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate

from generator.commands import make_generator
from generator.fontfiles import cache_dir
from generator.inputs import choose_clinic, read_personalisation
from generator.layouts import Layout
from generator.paths import SAMPLES
from generator.personalise import Leaflet
from generator.pipeline import Generator, HandoutRequest
from generator.render import render_pdf
from generator.styles import make_styles
from generator.tagging import TaggingCanvas, write_structure
from generator.verify.reader import read_pages

MADE_ON = dt.date(2026, 11, 25)


def median_ms(action: Callable[[], object], runs: int) -> float:
    """Median wall time of `action` in ms, after one warm-up call."""
    action()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def leaflet_texts(leaflet: Leaflet) -> list[tuple[str, str]]:
    """(kind, markup) of every piece of text, in reading order, for the other renderers."""
    pieces = [("title", leaflet.title), ("text", leaflet.subtitle)]
    pieces += [("text", f"<b>{label}</b>: {value}") for label, value in leaflet.facts]
    for block in leaflet.blocks:
        pieces.append(("heading", block.title))
        for item in block.items:
            pieces += [("bullet" if item.kind == "bullets" else "text", t) for t in item.texts]
            pieces += [("text", " | ".join(row)) for row in item.rows]
    return pieces


def reportlab_floor(pieces: list[tuple[str, str]], layout: Layout) -> bytes:
    """Plain ReportLab: the same text in the same fonts and sizes, no boxes, no generator."""
    styles = make_styles(layout, False)
    style = {"title": styles.title, "heading": styles.heading, "bullet": styles.bullet, "text": styles.body}
    story = [Paragraph(t, style[k], bulletText="\u2022" if k == "bullet" else None) for k, t in pieces]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=LETTER, invariant=1).build(story)
    return buffer.getvalue()


def _plain(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def typst_source(pieces: list[tuple[str, str]]) -> str:
    """The same text as Typst markup."""
    marks = {"title": "= ", "heading": "== ", "bullet": "- ", "text": ""}
    lines = ['#set page(paper: "us-letter", margin: 0.75in)', '#set text(font: "Noto Sans", size: 11pt)']
    lines += [marks[k] + re.sub(r"([\\#*_$@<>\[\]`~=/+-])", r"\\\1", _plain(t)) + "\n" for k, t in pieces]
    return "\n".join(lines)


def weasy_html(pieces: list[tuple[str, str]]) -> str:
    """The same text as HTML, in the same font file."""
    tags = {"title": "h1", "heading": "h2", "bullet": "li", "text": "p"}
    body = "".join(f"<{tags[k]}>{t}</{tags[k]}>" for k, t in pieces)
    font = next(cache_dir().glob("NotoSans[[]wdth,wght]-*-w400-*.ttf"))
    css = (
        f"@font-face{{font-family:N;src:url('{font.as_uri()}')}} body{{font:11pt N}} @page{{size:letter;margin:.75in}}"
    )
    return f"<html><head><style>{css}</style></head><body>{body}</body></html>"


def _pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def sample() -> tuple[Generator, HandoutRequest, Leaflet, Layout]:
    """The standard carisoprodol leaflet for the sample patient, personalised."""
    generator = make_generator(argparse.Namespace(library=None, layouts=None))
    data = read_personalisation(SAMPLES / "patient.yaml")
    clinic = choose_clinic(data, None, None, SAMPLES / "clinic.yaml")
    request = HandoutRequest("carisoprodol", data, clinic, MADE_ON)
    prepared = generator.prepare(request, "bench")
    return generator, request, prepared.leaflet, prepared.layout


def one_process(runs: int) -> None:
    """Section 1: per leaflet and per page, against the floor and other engines."""
    generator, request, leaflet, layout = sample()
    pieces = leaflet_texts(leaflet)
    cases: list[tuple[str, Callable[[], bytes]]] = [
        ("full pipeline (personalise+render+verify)", lambda: generator.build(request, "bench").pdf),
        ("render only", lambda: render_pdf(leaflet, layout, "letter")),
        ("floor: plain ReportLab, same text", lambda: reportlab_floor(pieces, layout)),
    ]
    try:
        import typst

        source, fonts = typst_source(pieces).encode(), [str(cache_dir())]
        cases.append(("Typst, same text", lambda: typst.compile(source, font_paths=fonts)))
    except ImportError:
        print("Typst: not installed (pip install typst)")
    try:
        import weasyprint

        page = weasy_html(pieces)
        cases.append(("WeasyPrint, same text", lambda: weasyprint.HTML(string=page).write_pdf()))
    except ImportError:
        print("WeasyPrint: not installed (pip install weasyprint)")
    results = [(name, median_ms(make, runs), _pages(make())) for name, make in cases]
    floor_ms, floor_pages = results[2][1], results[2][2]
    print(f"1. One process, median of {runs} runs")
    print(f"{'':<44}{'ms/leaflet':>11}{'x floor':>9}{'pages':>7}{'ms/page':>9}{'x floor/page':>14}")
    for name, ms, count in results:
        per_page = ms / count / (floor_ms / floor_pages)
        print(f"{name:<44}{ms:>11.1f}{ms / floor_ms:>9.2f}{count:>7}{ms / count:>9.1f}{per_page:>14.2f}")


@contextlib.contextmanager
def marks_off() -> Iterator[None]:
    """Render as before tagging: the canvas draws without marks and no structure tree is written."""
    none = contextlib.nullcontext
    with (
        mock.patch.multiple(
            TaggingCanvas,
            open_page=lambda self: None,
            close_page=lambda self: None,
            text=lambda self, element: none(),
            figure=lambda self, element: none(),
            artifact=lambda self, kind=None: none(),
            drawText=Canvas.drawText,
        ),
        mock.patch("generator.render.write_structure", lambda pdf, *rest: pdf),
    ):
        yield


def tagging(runs: int) -> None:
    """Section 2: the extra time per leaflet for tagged PDF, tagged and untagged renders alternating."""
    _, _, leaflet, layout = sample()
    written: list[tuple[Any, ...]] = []
    with mock.patch("generator.render.write_structure", lambda *args: written.append(args) or write_structure(*args)):
        tagged_pdf = render_pdf(leaflet, layout, "letter")

    def untagged() -> bytes:
        with marks_off():
            return render_pdf(leaflet, layout, "letter")

    def verify_untagged_reader() -> object:
        with mock.patch("generator.verify.reader.read_structure", lambda page: ()):
            return read_pages(tagged_pdf, "bench")

    cases: dict[str, Callable[[], object]] = {
        "render, untagged (marks off, no structure tree)": untagged,
        "render, tagged (as shipped)": lambda: render_pdf(leaflet, layout, "letter"),
        "  of which writing the structure tree (pikepdf)": lambda: write_structure(*written[0]),
        "verify: reading the pages without the structure": verify_untagged_reader,
        "verify: reading the pages and the structure": lambda: read_pages(tagged_pdf, "bench"),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    for action in cases.values():
        action()
    for _ in range(runs):
        for name, action in cases.items():
            start = time.perf_counter()
            action()
            times[name].append((time.perf_counter() - start) * 1000)
    ms = {name: statistics.median(values) for name, values in times.items()}
    untagged_ms, tagged_ms = ms["render, untagged (marks off, no structure tree)"], ms["render, tagged (as shipped)"]
    extra = [t - u for t, u in zip(times["render, tagged (as shipped)"], times[next(iter(times))], strict=True)]
    print(f"\n2. Tagged PDF (PDF/UA-1), standard leaflet, median of {runs} alternating runs")
    for name, value in ms.items():
        print(f"  {name:<52}{value:>8.1f} ms")
    share = (tagged_ms / untagged_ms - 1) * 100
    print(
        f"  extra per leaflet for tagging: {tagged_ms - untagged_ms:.1f} ms ({share:.0f}% on top of the untagged "
        f"render; median of per-run differences {statistics.median(extra):.1f} ms)"
    )


def write_rows(path: Path, rows: int) -> None:
    """A CSV of `rows` patients for the standard leaflet."""
    header = ["id", "patient.name", "prescriber.name", "prescription.medicine", "prescription.dose_mg"]
    header += ["prescription.times_per_day", "prescription.start", "prescription.days_supply"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for n in range(rows):
            writer.writerow([f"B{n:06d}", f"Patient {n}", "Dr. Sam Lee", "carisoprodol", 350, 3, "2026-11-24", 14])


def one_batch(rows: int, jobs: int) -> dict[str, float]:
    """`handout batch` in a fresh process: wall time, rate and peak RSS of its largest process (MiB)."""
    with tempfile.TemporaryDirectory() as folder:
        source, out = Path(folder) / "rows.csv", Path(folder) / "out"
        write_rows(source, rows)
        code = (
            "import resource, time\nfrom generator.cli import main\nt = time.perf_counter()\n"
            f"main(['batch', {str(source)!r}, '--out', {str(out)!r}, '--jobs', '{jobs}', '--made-on', '2026-11-25'])\n"
            "peak = max(resource.getrusage(w).ru_maxrss for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))\n"
            "print('RESULT', time.perf_counter() - t, peak / 1024)\n"
        )
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        seconds, peak = (float(v) for v in done.stdout.split("RESULT")[1].split())
    return {"seconds": seconds, "rate": rows / seconds, "peak_mib": peak}


def batches(rows: int) -> None:
    """Sections 3 and 4: batch throughput with 1 and 2 jobs, and peak memory against row count."""
    one, two, quarter = one_batch(rows, 1), one_batch(rows, 2), one_batch(max(rows // 4, 1), 1)
    print(f"\n3. handout batch of {rows} rows, fresh process each")
    print(f"  1 job : {one['rate']:6.1f} leaflets/s ({one['seconds']:.1f} s)")
    print(f"  2 jobs: {two['rate']:6.1f} leaflets/s ({two['seconds']:.1f} s), {two['rate'] / one['rate']:.2f}x 1 job")
    print(f"\n4. Peak RSS of the largest process, 1 job: {quarter['peak_mib']:.0f} MiB for {max(rows // 4, 1)} rows, ")
    print(f"  {one['peak_mib']:.0f} MiB for {rows} rows; 2 jobs: {two['peak_mib']:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    one_process(args.runs)
    tagging(args.runs)
    batches(args.rows)


if __name__ == "__main__":
    main()
