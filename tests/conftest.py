"""Shared fixtures: the built-in generator, the sample input, and PDF readers."""

from __future__ import annotations

import copy
import datetime as dt
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from desk_page import DESKTOP
from helpers import CHROMIUM, CHROMIUM_FLAGS, SAMPLE_MADE_ON

from generator.cli import main
from generator.content.library import Library
from generator.inputs.personalisation import (
    Clinic,
    choose_clinic,
    parse_personalisation,
    read_clinic,
    read_personalisation,
)
from generator.layouts import LayoutLibrary
from generator.paths import SAMPLES, layouts_root, library_root
from generator.pipeline import Generator, Handout, HandoutRequest

MADE_ON = dt.date(2026, 11, 25)

pytest_plugins = ["ci_profile"]


@pytest.fixture(scope="session")
def generator() -> Generator:
    """A generator over the built-in content and layouts."""
    return Generator(Library(library_root()), LayoutLibrary(layouts_root()))


@pytest.fixture
def sample() -> dict[str, Any]:
    """A fresh copy of the built-in sample patient input, to change per test."""
    return copy.deepcopy(yaml.safe_load((SAMPLES / "patient.yaml").read_text()))


TOPIC_PRESCRIPTIONS: dict[str, dict[str, Any] | None] = {
    "cyclobenzaprine": {
        "medicine": "cyclobenzaprine",
        "dose_mg": 5,
        "strength_mg": 5,
        "times_per_day": 3,
        "start": dt.date(2026, 11, 24),
        "days_supply": 10,
    },
    "methocarbamol": {
        "medicine": "methocarbamol",
        "dose_mg": 1500,
        "strength_mg": 750,
        "times_per_day": 4,
        "start": dt.date(2026, 11, 24),
        "days_supply": 3,
    },
    "low-back-pain": None,
    **{
        topic: yaml.safe_load((library_root() / topic / "sample.yaml").read_text(encoding="utf-8"))["prescription"]
        for topic in ("ibuprofen", "naproxen", "acetaminophen")
    },
}
"""Test prescriptions for the topics other than carisoprodol (whose is the built-in sample's)."""


@pytest.fixture
def topic_sample(sample: dict[str, Any]) -> Callable[[str], dict[str, Any]]:
    """The sample patient with a prescription that suits `topic` (none for a non-drug topic)."""

    def _sample(topic: str) -> dict[str, Any]:
        data = copy.deepcopy(sample)
        if topic in TOPIC_PRESCRIPTIONS:
            rx = TOPIC_PRESCRIPTIONS[topic]
            if rx is None:
                data.pop("prescription")
            else:
                data["prescription"] = dict(rx)
        return data

    return _sample


@pytest.fixture
def make(generator: Generator):
    """Build a leaflet from a personalisation mapping, in-process."""

    def _make(data: dict[str, Any], layout: str = "standard", topic: str = "carisoprodol", **options: Any) -> Handout:
        parsed = parse_personalisation(data, "test input")
        clinic = choose_clinic(parsed, None, None, SAMPLES / "clinic.yaml")
        options.setdefault("made_on", MADE_ON)
        request = HandoutRequest(topic, parsed, clinic, layout=layout, **options)
        return generator.build(request, "test input")

    return _make


@pytest.fixture(scope="session")
def sample_leaflet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample carisoprodol leaflet (standard layout, made on SAMPLE_MADE_ON), built once with the CLI for the
    tests that tamper with copies of it (never change it in place)."""
    output = tmp_path_factory.mktemp("sample") / "leaflet.pdf"
    assert main(["build", "carisoprodol", "--made-on", SAMPLE_MADE_ON, "-o", str(output)]) == 0
    return output


@pytest.fixture
def write_yaml(tmp_path: Path):
    """Write a mapping as a YAML file in the test's folder."""

    def _write(name: str, data: Any) -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
        return path

    return _write


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]):
    """Run the handout command in-process; return (exit code, stdout, stderr)."""

    def _run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    return _run


@pytest.fixture
def library_copy(tmp_path: Path) -> Path:
    """A private copy of the built-in content library to break."""
    target = tmp_path / "library"
    shutil.copytree(library_root(), target)
    return target


@pytest.fixture
def layouts_copy(tmp_path: Path) -> Path:
    """A private copy of the built-in layout profiles to add to."""
    target = tmp_path / "layouts"
    shutil.copytree(layouts_root(), target)
    return target


@pytest.fixture
def edit_block(library_copy: Path):
    """Change one block of the library copy as data: `edit_block("carisoprodol/x", change)`."""

    def _edit(name: str, change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
        path = library_copy / f"{name}.yaml"
        block = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(block)
        path.write_text(yaml.safe_dump(block, sort_keys=False, allow_unicode=True), encoding="utf-8")
        return block

    return _edit


class LiveServers:
    """`handout serve`'s real uvicorn servers, each on a free loopback port (HTTPS when given `tls`)."""

    def __init__(self) -> None:
        self.running: list[tuple[Any, threading.Thread, str]] = []

    def start(self, **changes: Any) -> str:
        """Start one with these WebSettings changes; its base URL."""
        import dataclasses

        import uvicorn

        from generator.web.app import WebSettings
        from generator.web.server import server_config

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        settings = WebSettings(library_root(), layouts_root(), read_clinic(SAMPLES / "clinic.yaml"))
        server = uvicorn.Server(server_config(dataclasses.replace(settings, **changes), "127.0.0.1", port))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        url = f"{'https' if changes.get('tls') else 'http'}://127.0.0.1:{port}"
        self.running.append((server, thread, url))
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        return url

    def app(self, url: str) -> Any:
        """The FastAPI application the server at `url` runs."""
        return next(server.config.app for server, _, started in self.running if started == url)

    def stop(self) -> None:
        for server, thread, _ in self.running:
            server.should_exit = True
            thread.join(timeout=10)


@pytest.fixture
def live_servers():
    """Real servers started by the test (see LiveServers), stopped after it."""
    servers = LiveServers()
    yield servers
    servers.stop()


@pytest.fixture
def live_server(live_servers: LiveServers) -> Callable[..., str]:
    """Start `handout serve`'s real uvicorn server on a free loopback port; a function taking WebSettings changes."""
    return live_servers.start


@pytest.fixture(scope="session")
def clinic_with_logo(tmp_path_factory: pytest.TempPathFactory) -> Clinic:
    """The sample clinic with a logo and a full-leaflet URL (so leaflets carry both figures)."""
    from PIL import Image

    folder = tmp_path_factory.mktemp("clinic")
    Image.new("RGB", (120, 60), (20, 80, 120)).save(folder / "logo.png")
    return read_clinic(SAMPLES / "clinic.yaml").model_copy(update={"logo": folder / "logo.png"})


@pytest.fixture
def topic_request(generator: Generator):
    """A request for a topic's own sample patient, in a language and layout."""

    def _request(
        topic: str, language: str = "en", layout: str = "standard", clinic: Clinic | None = None
    ) -> HandoutRequest:
        data = read_personalisation(generator.library.sample_input(topic))
        chosen = clinic or choose_clinic(data, None, None, SAMPLES / "clinic.yaml")
        return HandoutRequest(topic, data, chosen, MADE_ON, layout=layout, language=language)

    return _request


@pytest.fixture(scope="module")
def html_pages() -> dict[tuple[str, str, str], tuple[str, Any]]:
    """(HTML, leaflet) per (topic, language, layout), made once for a test module."""
    return {}


@pytest.fixture
def page_for(generator: Generator, topic_request, clinic_with_logo: Clinic, html_pages):
    """The HTML version of a topic's sample leaflet (the clinic with a logo and a QR code), and its Leaflet."""

    def _page(topic: str, language: str, layout: str) -> tuple[str, Any]:
        key = (topic, language, layout)
        if key not in html_pages:
            request = topic_request(topic, language, layout, clinic_with_logo)
            html_pages[key] = (generator.build_html(request, "test").html, generator.prepare(request, "test").leaflet)
        return html_pages[key]

    return _page


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def open_page(browser: Any, live_server: Callable[..., str]) -> Iterator[Any]:
    """Open the page at a viewport size (against a server started with `changes`); no CSP violation allowed."""
    pages: list[Any] = []
    console: list[str] = []

    def _open(viewport: dict[str, int] = DESKTOP, **changes: Any) -> Any:
        page = browser.new_page(viewport=viewport, accept_downloads=True)
        page.on("console", lambda message: console.append(message.text))
        page.goto(live_server(**changes))
        page.locator("#topic-0 option").nth(1).wait_for(state="attached")
        pages.append(page)
        return page

    yield _open
    for page in pages:
        page.close()
    assert not [line for line in console if "Content Security Policy" in line], console
