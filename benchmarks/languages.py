"""What setting a leaflet in another writing system costs: render time per page of the methocarbamol leaflet in
Arabic (right to left), Chinese (lines broken here, one CJK face), Korean and Vietnamese, against English, in the
same process. Run from the repository root:

    python benchmarks/languages.py [--runs 15] [--library PATH] [--layout standard]

Without --library it measures the small translated library the tests use (tests/translated.py), until the real
translations are in handouts/. Each run renders every language once, in a shuffled order, after one warm-up
render each (fonts cut and cached, paragraphs parsed); it prints the median time per page and its ratio to
English's (ratios are steadier than times on these shared machines). Render only: the verifier's cost is per
page and the same in every language (benchmarks/bench.py measures it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml
from pypdf import PdfReader

from generator.content.library import Library
from generator.inputs.personalisation import choose_clinic, parse_personalisation
from generator.layouts import LayoutLibrary
from generator.paths import SAMPLES, layouts_root
from generator.pipeline import Generator, HandoutRequest
from generator.render.document import render_pdf

LANGUAGES = ("en", "ar", "zh-Hans", "ko", "vi")
TOPIC = "methocarbamol"


def _library(path: str | None) -> Path:
    if path:
        return Path(path)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from translated import translated_library

    return translated_library(Path(tempfile.mkdtemp()) / "library")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--library", help="a content library with the languages translated")
    parser.add_argument("--layout", default="standard")
    args = parser.parse_args()
    library = _library(args.library)
    generator = Generator(Library(library), LayoutLibrary(layouts_root()))
    data = yaml.safe_load((library / TOPIC / "sample.yaml").read_text(encoding="utf-8"))
    parsed = parse_personalisation(data, "sample")
    clinic = choose_clinic(parsed, None, None, SAMPLES / "clinic.yaml")
    made_on = dt.date(2026, 11, 25)
    prepared = {
        language: generator.prepare(
            HandoutRequest(TOPIC, parsed, clinic, layout=args.layout, language=language, made_on=made_on), "bench"
        )
        for language in LANGUAGES
    }
    pages = {}
    for language, ready in prepared.items():  # warm-up: fonts cut and cached, paragraphs parsed
        pdf = render_pdf(ready.leaflet, ready.layout, ready.layout.paper)
        pages[language] = len(PdfReader(io.BytesIO(pdf)).pages)
    times: dict[str, list[float]] = {language: [] for language in LANGUAGES}
    order = list(LANGUAGES)
    for _ in range(args.runs):
        random.shuffle(order)
        for language in order:
            ready = prepared[language]
            start = time.perf_counter()
            render_pdf(ready.leaflet, ready.layout, ready.layout.paper)
            times[language].append((time.perf_counter() - start) / pages[language])
    english = statistics.median(times["en"])
    print(f"render per page, {args.layout}, median of {args.runs} runs")
    for language in LANGUAGES:
        median = statistics.median(times[language])
        print(f"{language:8} {pages[language]} pages  {median * 1000:6.1f} ms a page  {median / english:4.2f}x English")


if __name__ == "__main__":
    main()
