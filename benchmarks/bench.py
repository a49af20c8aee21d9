"""Benchmarks for the standard carisoprodol leaflet. Run from the repository root:

    python benchmarks/bench.py [--rows 2000] [--rate-rows 400] [--runs 15] [--only SECTION]

Prints, measured in the same run (medians; these machines are shared and noisy):
1. one process, per leaflet and per page: the full pipeline (personalise + render +
   verify; the same patient, and another patient each time), render alone, verify alone
   (PDFium re-reading the finished bytes), and the floor: plain ReportLab laying out the
   same text with no generator around it; plus WeasyPrint and Typst on the same text when
   installed;
2. the cost of tagged PDF (PDF/UA-1) per leaflet: render as shipped against the same render
   with the canvas' marks switched off and no structure tree written, run alternately, and
   the part of it spent writing the structure tree (into ReportLab's document as it saves);
3. `handout batch` of --rate-rows rows with 1 and with 2 jobs: leaflets per second;
4. peak memory (RSS) of a 2-job batch of 1,000 rows and of --rows rows, to show it is flat; and
   of 1,000 and --refused-rows (100,000) rows that are all refused before layout, which costs the
   batch process everything a row costs it but the PDF, so a long file is quick to measure;
5. the --rate-rows rows on a Dask LocalCluster of 2 workers against --jobs 2 (with `.[dask]`);
6. `handout build` of one leaflet from a cold process;
7. what each of the verifier's checks adds per page, against the floor in the same run: the closed world
   (the file's structure, every content statement, each embedded font proven glyph by glyph, with the fonts
   cached as a batch's leaflets share them and proven anew), and nothing drawn over the text with contrast
   over each run's whole box (reading the pages with and without those two); the ink check (rendering the
   pages and counting each expected run's ink, on pages already read); and the OCR audit (Tesseract), timed
   fewer times (it takes seconds a page).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import dataclasses
import datetime as dt
import gc
import html
import io
import itertools
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from unittest import mock

from pypdf import PdfReader
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate

from generator.commands.common import make_generator
from generator.inputs.personalisation import choose_clinic, read_personalisation
from generator.layouts import Layout
from generator.paths import SAMPLES
from generator.personalise import Leaflet
from generator.pipeline import Generator, HandoutRequest
from generator.render.document import render_pdf
from generator.render.fontfiles import cache_dir
from generator.render.styles import make_styles
from generator.tagging import TaggingCanvas
from generator.verify import verify_pdf
from generator.verify.reader import read_pages
from generator.verify.rendered.ink import ink_problems
from generator.verify.rendered.ocr import ocr_problems

MADE_ON = dt.date(2026, 11, 25)


def interleaved_ms(actions: list[Callable[[], object]], runs: int) -> list[list[float]]:
    """Wall times in ms of each action, `runs` rounds in turn after one warm-up round (load drifts alike)."""
    for action in actions:
        action()
    times: list[list[float]] = [[] for _ in actions]
    for _ in range(runs):
        for index, action in enumerate(actions):
            start = time.perf_counter()
            action()
            times[index].append((time.perf_counter() - start) * 1000)
    return times


def leaflet_texts(leaflet: Leaflet) -> list[tuple[str, str]]:
    """(kind, markup) of every piece of text, in reading order, for the other renderers.

    The dose schedule and the dose calendar are included (a table row as one line), so the
    floor sets the same words the leaflet does."""
    pieces = [("title", leaflet.title), ("text", leaflet.subtitle)]
    pieces += [("text", f"<b>{label}</b>: {value}") for label, value in leaflet.facts]
    blocks = ([leaflet.schedule] if leaflet.schedule else []) + list(leaflet.blocks)
    for block in blocks:
        pieces.append(("heading", block.title))
        for item in block.items:
            pieces += [("bullet" if item.kind == "bullets" else "text", t) for t in item.texts]
            pieces += [("text", " | ".join(row)) for row in item.rows]
    for calendar in leaflet.calendars:
        pieces += [("heading", html.escape(calendar.heading)), ("text", html.escape(calendar.intro))]
        pieces.append(("text", html.escape(" | ".join(calendar.header))))
        pieces += [("text", html.escape(f"{row.day} | {row.how_much}")) for row in calendar.rows]
        pieces.append(("text", html.escape(calendar.help)))
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


def _other_patient(request: HandoutRequest, number: int) -> HandoutRequest:
    """The same request for another patient (so per-patient text is never cached from an earlier leaflet)."""
    patient = request.data.patient.model_copy(update={"name": f"Patient {number:06d}", "preferred_name": f"P{number}"})
    return dataclasses.replace(request, data=request.data.model_copy(update={"patient": patient}))


def _pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def sample() -> tuple[Generator, HandoutRequest, Leaflet, Layout]:
    """The standard carisoprodol leaflet for the sample patient, personalised, in a warmed-up process."""
    generator = make_generator(argparse.Namespace(library=None, layouts=None))
    data = read_personalisation(SAMPLES / "patient.yaml")
    clinic = choose_clinic(data, None, None, SAMPLES / "clinic.yaml")
    request = HandoutRequest("carisoprodol", data, clinic, MADE_ON)
    prepared = generator.prepare(request, "bench")
    generator.build(request, "bench")
    gc.freeze()  # warm objects out of the collector's way, as in a forked batch or server worker (start_context)
    return generator, request, prepared.leaflet, prepared.layout


def one_process(runs: int) -> None:
    """Section 1: per leaflet and per page, against the floor and other engines."""
    generator, request, leaflet, layout = sample()
    pieces = leaflet_texts(leaflet)
    pdf = render_pdf(leaflet, layout, "letter")
    handout = generator.build(request, "bench")
    expected, rules = list(handout.checks.expected), handout.checks.rules
    others = (_other_patient(request, n) for n in itertools.count())
    cases: list[tuple[str, Callable[[], object]]] = [
        ("full pipeline (personalise+render+verify)", lambda: generator.build(request, "bench").pdf),
        ("full pipeline, another patient each time", lambda: generator.build(next(others), "bench").pdf),
        ("render only", lambda: render_pdf(leaflet, layout, "letter")),
        ("floor: plain ReportLab, same text", lambda: reportlab_floor(pieces, layout)),
        ("verify only (PDFium re-read + checks)", lambda: verify_pdf(pdf, expected, rules, "bench")),
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
    pages = {name: _pages(pdf) if name.startswith("verify") else _pages(make()) for name, make in cases}  # type: ignore[arg-type]
    times = interleaved_ms([make for _, make in cases], runs)
    floor = 3
    floor_pages = pages[cases[floor][0]]
    print(f"1. One process, median of {runs} runs (cases interleaved; ratios are medians of per-run ratios)")
    print(f"{'':<44}{'ms/leaflet':>11}{'x floor':>9}{'pages':>7}{'ms/page':>9}{'x floor/page':>14}")
    for index, (name, _) in enumerate(cases):
        ms, count = statistics.median(times[index]), pages[name]
        ratio = statistics.median(t / f for t, f in zip(times[index], times[floor], strict=True))
        per_page = ratio * floor_pages / count
        print(f"{name:<44}{ms:>11.1f}{ratio:>9.2f}{count:>7}{ms / count:>9.1f}{per_page:>14.2f}")


def checks(runs: int) -> None:
    """Section 7: each check's cost per page against the floor, in the same run."""
    from generator.verify import reader
    from generator.verify.closed import check_file, fonts

    generator, request, leaflet, layout = sample()
    pieces = leaflet_texts(leaflet)
    handout = generator.build(request, "bench")
    pdf, expected, rules = handout.pdf, list(handout.checks.expected), handout.checks.rules
    read = read_pages(pdf, "bench")

    def fonts_anew() -> object:
        fonts._prove.cache_clear()
        return check_file(pdf)

    def pages_without_over_checks() -> object:
        with (
            mock.patch.object(reader, "_text_over_text", lambda runs: set()),
            mock.patch.object(reader, "_covered", lambda *args: False),
            mock.patch.object(reader, "_background", lambda *args: reader.WHITE),
        ):
            return read_pages(pdf, "bench")

    cases: list[tuple[str, Callable[[], object]]] = [
        ("floor: plain ReportLab, same text", lambda: reportlab_floor(pieces, layout)),
        ("closed world, fonts cached", lambda: check_file(pdf)),
        ("closed world, fonts proven anew", fonts_anew),
        ("reading the pages (PDFium)", lambda: read_pages(pdf, "bench")),
        ("... without nothing-over-it and box contrast", pages_without_over_checks),
        ("ink: render, count each expected run's ink", lambda: ink_problems(pdf, read, expected, rules, "bench")),
    ]
    times = interleaved_ms([make for _, make in cases], runs)
    count, floor_pages = _pages(pdf), _pages(reportlab_floor(pieces, layout))
    print(f"7. The verifier's checks, median of {runs} runs, per page of the {count}-page leaflet against the floor")
    print(f"{'':<50}{'ms/leaflet':>11}{'ms/page':>9}{'x floor/page':>14}")
    for index, (name, _) in enumerate(cases):
        ratio = statistics.median(t / f for t, f in zip(times[index], times[0], strict=True))
        ms = statistics.median(times[index])
        print(f"{name:<50}{ms:>11.2f}{ms / count:>9.2f}{ratio * floor_pages / count:>14.3f}")
    added = (
        statistics.median((a - b) / f for a, b, f in zip(times[3], times[4], times[0], strict=True))
        * floor_pages
        / count
    )
    print(f"{'nothing-over-it and box contrast add':<50}{'':>11}{'':>9}{added:>14.3f}")
    ocr_runs = max(1, runs // 5)
    ocr = interleaved_ms([lambda: ocr_problems(pdf, read, expected, rules, "en", "bench")], ocr_runs)[0]
    ocr_ms = statistics.median(ocr)
    floor_page = statistics.median(times[0]) / floor_pages
    name = f"OCR audit (Tesseract; {ocr_runs} runs after the rest)"
    print(f"{name:<50}{ocr_ms:>11.2f}{ocr_ms / count:>9.2f}{ocr_ms / count / floor_page:>14.1f}")


@contextlib.contextmanager
def marks_off() -> Iterator[None]:
    """Render as before tagging: the canvas draws without marks and no structure tree is written."""
    none = contextlib.nullcontext
    with (
        mock.patch.multiple(
            TaggingCanvas,
            open_page=lambda self: None,
            close_page=lambda self: None,
            text=lambda self, element, actual_text=None: none(),
            figure=lambda self, element: none(),
            artifact=lambda self, kind=None: none(),
            drawText=Canvas.drawText,
        ),
        structure_off(),
    ):
        yield


def structure_off() -> contextlib.AbstractContextManager[object]:
    """Render with marked content but without writing the structure tree and metadata into the file."""
    return mock.patch("generator.tagging.canvas.add_structure", lambda *args: None)


def tagging(runs: int) -> None:
    """Section 2: the extra time per leaflet for tagged PDF, tagged and untagged renders alternating."""
    _, _, leaflet, layout = sample()
    tagged_pdf = render_pdf(leaflet, layout, "letter")

    def untagged() -> bytes:
        with marks_off():
            return render_pdf(leaflet, layout, "letter")

    def without_tree() -> bytes:
        with structure_off():
            return render_pdf(leaflet, layout, "letter")

    def verify_untagged_reader() -> object:
        with mock.patch("generator.verify.reader.read_structure", lambda page: ()):
            return read_pages(tagged_pdf, "bench")

    cases: dict[str, Callable[[], object]] = {
        "render, untagged (marks off, no structure tree)": untagged,
        "render, tagged (as shipped)": lambda: render_pdf(leaflet, layout, "letter"),
        "render, marked content but no structure tree": without_tree,
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
    shipped, without = times["render, tagged (as shipped)"], times["render, marked content but no structure tree"]
    tree = [t - w for t, w in zip(shipped, without, strict=True)]
    print(f"  of which writing the structure tree and metadata: {statistics.median(tree):.1f} ms (median difference)")


def write_rows(path: Path, rows: int, refused: bool = False) -> None:
    """A CSV of `rows` patients for the standard leaflet (`refused`: each with a dose over the limit)."""
    header = ["id", "patient.name", "prescriber.name", "prescription.medicine", "prescription.dose_mg"]
    header += ["prescription.times_per_day", "prescription.start", "prescription.days_supply"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for n in range(rows):
            dose = 3500 if refused else 350
            writer.writerow([f"B{n:06d}", f"Patient {n}", "Dr. Sam Lee", "carisoprodol", dose, 3, "2026-11-24", 14])


def measure_batch(arguments: list[str]) -> tuple[float, float, float]:
    """`handout batch ARGUMENTS --made-on 2026-11-25` in a fresh process: wall seconds, peak RSS of its
    largest process (the batch process or a worker, MiB) and CPU seconds of them all."""
    code = (
        "import resource, time\nfrom generator.cli import main\nt = time.perf_counter()\n"
        f"main(['batch', *{arguments!r}, '--made-on', '2026-11-25'])\n"
        "use = [resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]\n"
        "cpu = sum(u.ru_utime + u.ru_stime for u in use)\n"
        "print('RESULT', time.perf_counter() - t, max(u.ru_maxrss for u in use) / 1024, cpu)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    seconds, peak, cpu = (float(v) for v in done.stdout.split("RESULT")[1].split())
    return seconds, peak, cpu


def one_batch(rows: int, jobs: int, scheduler: str | None = None, refused: bool = False) -> dict[str, float]:
    """`handout batch` in a fresh process: wall time, rate and peak RSS of its largest process (MiB)."""
    with tempfile.TemporaryDirectory() as folder:
        source, out = Path(folder) / "rows.csv", Path(folder) / "out"
        write_rows(source, rows, refused)
        where = ["--scheduler", scheduler] if scheduler else ["--jobs", str(jobs)]
        seconds, peak, cpu = measure_batch([str(source), "--out", str(out), *where])
    return {"seconds": seconds, "rate": rows / seconds, "peak_mib": peak, "cpu_ms": cpu * 1000 / rows}


_FLOOR_LOOP = """
import sys, time
sys.path.insert(0, {folder!r})
from bench import leaflet_texts, reportlab_floor, sample
_, _, leaflet, layout = sample()
pieces = leaflet_texts(leaflet)
reportlab_floor(pieces, layout)
start, count = time.perf_counter(), 0
while time.perf_counter() - start < {seconds}:
    reportlab_floor(pieces, layout)
    count += 1
print(count / (time.perf_counter() - start))
"""


def machine_scaling(seconds: float = 8.0) -> float:
    """Floor leaflets per second of two processes at once against one: what 2 jobs could reach here."""
    code = _FLOOR_LOOP.format(folder=str(Path(__file__).parent), seconds=seconds)

    def rates(processes: int) -> float:
        started = [
            subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) for _ in range(processes)
        ]
        return sum(float(process.communicate()[0]) for process in started)

    return rates(2) / rates(1)


def batches(rate_rows: int, rows: int, refused_rows: int, pairs: int = 3) -> None:
    """Sections 3 and 4: batch throughput with 1 and 2 jobs, and peak memory from 1,000 to `rows` rows.

    The 1- and 2-job batches run alternately, `pairs` times, and the ratio is the median of each pair's:
    this machine's speed drifts by 10% from one minute to the next, which a single 1-job run followed by a
    single 2-job run reads as scaling. The machine's own ceiling is measured too: two plain-ReportLab loops
    in two processes against one."""
    runs = [(one_batch(rate_rows, 1), one_batch(rate_rows, 2)) for _ in range(pairs)]
    ratios = [two["rate"] / one["rate"] for one, two in runs]
    one = {key: statistics.median(r[0][key] for r in runs) for key in runs[0][0]}
    two = {key: statistics.median(r[1][key] for r in runs) for key in runs[0][1]}
    print(
        f"\n3. handout batch of {rate_rows} rows, fresh process each, 1 and 2 jobs alternately {pairs} times (medians)"
    )
    print(f"  1 job : {one['rate']:6.1f} leaflets/s ({one['seconds']:.1f} s), {one['cpu_ms']:.0f} ms CPU a leaflet")
    print(f"  2 jobs: {two['rate']:6.1f} leaflets/s ({two['seconds']:.1f} s), {two['cpu_ms']:.0f} ms CPU a leaflet")
    print(f"  2 jobs against 1: {statistics.median(ratios):.2f}x (each pair: {', '.join(f'{r:.2f}' for r in ratios)})")
    print(f"  machine ceiling: 2 processes of the plain-ReportLab floor against 1: {machine_scaling():.2f}x")
    print(f"  (CPU time counts every process of the batch; the machine's load average was {os.getloadavg()[0]:.1f})")
    small_rows = min(1000, rows)
    small, large = one_batch(small_rows, 2), one_batch(rows, 2)
    print("\n4. Peak RSS of the largest process (batch process or a worker), 2 jobs:")
    print(f"  {small['peak_mib']:.0f} MiB for {small_rows} rows, {large['peak_mib']:.0f} MiB for {rows} rows made")
    few, many = one_batch(small_rows, 2, refused=True), one_batch(refused_rows, 2, refused=True)
    print(
        f"  {few['peak_mib']:.0f} MiB for {small_rows} rows, {many['peak_mib']:.0f} MiB for {refused_rows} rows refused"
    )
    print("  (refused rows: a dose over the limit, refused before layout; everything else a row costs the batch,")
    print(
        f"  {many['rate']:.0f} rows/s: reading, dispatch to the workers, manifest line, duplicate-id check, progress)"
    )


def on_dask(rows: int) -> None:
    """Section 5: the same rows on a LocalCluster of 2 single-threaded worker processes against --jobs 2."""
    try:
        from distributed import LocalCluster
    except ImportError:
        print("\n5. Dask: not installed (pip install '.[dask]')")
        return
    import dask

    dask_rates, local_rates = [], []
    with (
        dask.config.set({"distributed.worker.profile.enabled": False}),  # as docs/operations.md starts workers
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster,
    ):
        for _ in range(3):  # alternated, so load from elsewhere falls on both alike
            dask_rates.append(one_batch(rows, 2, cluster.scheduler_address)["rate"])
            local_rates.append(one_batch(rows, 2)["rate"])
    dask, local = statistics.median(dask_rates), statistics.median(local_rates)
    print(f"\n5. {rows} rows, median of 3 alternated runs: --jobs 2 {local:.1f} leaflets/s, ", end="")
    print(f"LocalCluster (2 workers, 1 thread each) {dask:.1f}/s; Dask overhead {(local / dask - 1) * 100:+.0f}%")


def cold_start(runs: int) -> None:
    """Section 6: wall time of `handout build` (one leaflet) from a cold process, median of `runs`."""
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, "-m", "generator", "build", "carisoprodol", "-o", f"{folder}/l.pdf"]
        command += ["--made-on", "2026-11-25"]
        subprocess.run(command, check=True, capture_output=True)  # warm the disk cache and the font cache
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
    print(f"\n6. handout build, one leaflet from a cold process: median {statistics.median(times):.2f} s of {runs}")


SECTIONS = ("process", "tagging", "batch", "dask", "start", "checks")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=2000, help="rows of the larger memory run (e.g. 100000)")
    parser.add_argument("--rate-rows", type=int, default=400, help="rows of the throughput and Dask runs")
    parser.add_argument("--refused-rows", type=int, default=100000, help="rows of the refused-rows memory run")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--only", choices=SECTIONS, action="append", help="run only these sections")
    args = parser.parse_args()
    chosen = args.only or SECTIONS
    if "process" in chosen:
        one_process(args.runs)
    if "tagging" in chosen:
        tagging(args.runs)
    if "batch" in chosen:
        batches(args.rate_rows, args.rows, args.refused_rows)
    if "dask" in chosen:
        on_dask(args.rate_rows)
    if "start" in chosen:
        cold_start(max(args.runs // 3, 3))
    if "checks" in chosen:
        checks(args.runs)


if __name__ == "__main__":
    main()
