"""Helpers the tests share: reading PDFs back with pypdf, how the browser tests start Debian's Chromium, processes,
real HTTP(S) requests and test certificates."""

from __future__ import annotations

import contextlib
import csv
import http.client
import io
import json
import ssl
import urllib.parse
from pathlib import Path
from typing import Any

import pikepdf
import trustme
from pypdf import PdfReader

INPUT = {
    "patient": {"name": "Maria Lopez", "age": 47},
    "prescriber": {"name": "Dr. Sam Lee"},
    "prescription": {
        "medicine": "carisoprodol",
        "dose_mg": 350,
        "times_per_day": 3,
        "start": "2026-11-24",
        "days_supply": 14,
    },
}
"""A valid single-handout input, as JSON would give it (copy before changing)."""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
"""Debian's Chromium, offline and headless, for Playwright's `executable_path` and `args`."""


def pdf_pages_text(pdf: bytes | Path, password: str | None = None) -> list[str]:
    """The text of each page as pypdf extracts it (a reader independent of the generator's PDFium verifier)."""
    reader = PdfReader(pdf if isinstance(pdf, Path) else io.BytesIO(pdf))
    if password:
        reader.decrypt(password)
    return [page.extract_text() or "" for page in reader.pages]


def actual_texts(pdf: bytes | Path) -> list[str]:
    """Every ActualText of the document: what a reader (and the verifier) gets for shaped or reordered text (pypdf
    reads a right-to-left line's glyphs in drawing order, as presentation forms)."""
    found = []
    with pikepdf.open(pdf if isinstance(pdf, Path) else io.BytesIO(pdf)) as document:
        for page in document.pages:
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "BDC" and "/ActualText" in operands[1]:
                    found.append(str(operands[1]["/ActualText"]))
    return found


def pdf_text(pdf: bytes | Path) -> str:
    """All text of a PDF as pypdf extracts it, whitespace collapsed."""
    reader = PdfReader(pdf if isinstance(pdf, Path) else io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    """A CSV file with `header` and `rows`."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


TOPIC_LANGUAGES = [
    ("carisoprodol", "en"),
    ("carisoprodol", "es"),
    ("cyclobenzaprine", "en"),
    ("methocarbamol", "en"),
    ("low-back-pain", "en"),
]
"""Every topic in every language the library has."""
LAYOUTS = ["standard", "a4", "large-print", "one-page", "trifold", "grayscale"]
"""Every layout profile."""


def running_children() -> dict[int, list[int]]:
    """The running (not ended) processes of this machine by parent process id, from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            state, parent = stat.read_text().rsplit(")", 1)[1].split()[:2]
            if state not in ("Z", "X"):
                children.setdefault(int(parent), []).append(int(stat.parent.name))
    return children


def request(
    url: str,
    method: str = "GET",
    body: Any = None,
    headers: dict[str, str] | None = None,
    context: ssl.SSLContext | None = None,
    source: str | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """One real HTTP(S) request (a JSON body when given), from the `source` address when given: status, headers
    (lower-case names) and body."""
    parts = urllib.parse.urlsplit(url)
    options: dict[str, Any] = {"timeout": 60, "source_address": (source, 0) if source else None}
    if parts.scheme == "https":
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            parts.hostname, parts.port, context=context, **options
        )
    else:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, **options)
    data = None if body is None else json.dumps(body).encode()
    sent = {"Content-Type": "application/json"} if data is not None else {}
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, target or "/", body=data, headers={**sent, **(headers or {})})
        answer = connection.getresponse()
        return answer.status, {name.lower(): value for name, value in answer.getheaders()}, answer.read()
    finally:
        connection.close()


def tls_files(folder: Path) -> tuple[trustme.CA, Path, Path]:
    """A test CA and a certificate and key it signed for 127.0.0.1 and localhost, as PEM files in `folder`."""
    ca = trustme.CA()
    issued = ca.issue_cert("127.0.0.1", "localhost")
    cert, key = folder / "cert.pem", folder / "key.pem"
    issued.cert_chain_pems[0].write_to_path(str(cert))
    issued.private_key_pem.write_to_path(str(key))
    return ca, cert, key


SAMPLE_MADE_ON = "2026-11-24"
"""The made-on date of the `sample_leaflet` fixture (conftest.py)."""


def client_context(ca: trustme.CA) -> ssl.SSLContext:
    """A client TLS context trusting only the test CA."""
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context
