"""Render the sample leaflet in every layout profile to PNG pages, for a reviewer to look at.

    python scripts/gallery.py [OUT_DIR] [--dpi 60]

Needs pdftoppm (Debian: apt-get install poppler-utils). Writes OUT_DIR/<layout>.pdf,
OUT_DIR/<layout>-<page>.png and OUT_DIR/index.html showing them all at once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import shutil
import subprocess
import sys
from pathlib import Path

from generator.commands.common import make_generator
from generator.files import write_atomically
from generator.inputs.personalisation import choose_clinic, read_personalisation
from generator.paths import SAMPLES
from generator.pipeline import HandoutRequest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", nargs="?", default="gallery", help="output folder (default: gallery)")
    parser.add_argument("--dpi", type=int, default=60, help="PNG resolution (default: 60)")
    parser.add_argument("--topic", default="carisoprodol")
    args = parser.parse_args()
    if not shutil.which("pdftoppm"):
        print("Error: pdftoppm not found (apt-get install poppler-utils)", file=sys.stderr)
        return 1
    generator = make_generator(argparse.Namespace(library=None, layouts=None))
    data = read_personalisation(SAMPLES / "patient.yaml")
    clinic = choose_clinic(data, None, None, SAMPLES / "clinic.yaml")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for name in generator.layouts.names():
        request = HandoutRequest(args.topic, data, clinic, dt.date.today(), layout=name)
        handout = generator.build(request, f"gallery {name}")
        pdf = out / f"{name}.pdf"
        write_atomically(pdf, handout.pdf)
        subprocess.run(["pdftoppm", "-png", "-r", str(args.dpi), str(pdf), str(out / name)], check=True)
        images = "".join(f'<img src="{p.name}" alt="{name} page">' for p in sorted(out.glob(f"{name}-*.png")))
        rows.append(f"<h2>{html.escape(name)} ({handout.pages} pages)</h2><div>{images}</div>")
        print(f"{name}: {handout.pages} pages")
    style = "img{border:1px solid #999;margin:4px;vertical-align:top} body{font-family:sans-serif}"
    index = f"<!doctype html><title>Layout gallery</title><style>{style}</style>{''.join(rows)}"
    (out / "index.html").write_text(index, encoding="utf-8")
    print(f"Open {out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
