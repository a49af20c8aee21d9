"""The front-desk API: what the page is offered, several leaflets in one PDF, every problem in one round,
plain words for problems that belong to no field, email from the page."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import io
import json
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from helpers import pdf_pages_text, pdf_text
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from generator.content.library import Library
from generator.errors import InputError
from generator.inputs.personalisation import read_clinic, read_prescribers
from generator.mail.settings import EmailSettings
from generator.paths import SAMPLES, layouts_root, library_root
from generator.render.combine import combine_pdf_bytes
from generator.web.app import WebSettings, create_app

TODAY = dt.date.today()
START = TODAY.isoformat()
METHOCARBAMOL = {
    "topics": ["methocarbamol"],
    "patient": {"name": "Maria Lopez", "age": 47},
    "prescriber": {"name": "Dr. Sam Lee", "phone": "555-0100"},
    "prescription": {
        "medicine": "methocarbamol",
        "strength_mg": 750,
        "dose_mg": 1500,
        "times_per_day": 4,
        "start": START,
        "days_supply": 3,
    },
}


def _settings(**changes: object) -> WebSettings:
    settings = WebSettings(library_root(), layouts_root(), read_clinic(SAMPLES / "clinic.yaml"))
    return dataclasses.replace(settings, **changes)


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(_settings()), base_url="http://127.0.0.1:8000")


def _with(**changes: object) -> dict:
    body = json.loads(json.dumps(METHOCARBAMOL))
    for path, value in changes.items():
        *parents, last = path.split("__")
        target = body
        for parent in parents:
            target = target[parent]
        if value is None:
            target.pop(last, None)
        else:
            target[last] = value
    return body


def test_topics_offer_strengths_doses_limits_languages_and_sample(client) -> None:
    data = client.get("/api/topics").json()
    topics = {topic["name"]: topic for topic in data["topics"]}
    methocarbamol = topics["methocarbamol"]
    assert methocarbamol["medicine"]["strengths_mg"] == [500, 750, 1000]
    assert methocarbamol["medicine"]["doses"] == [
        {"strength_mg": 500, "tablets": [1, 2, 3]},  # within the 1,500 mg a dose limit
        {"strength_mg": 750, "tablets": [1, 2]},
        {"strength_mg": 1000, "tablets": [1]},
    ]
    daily = [limit for limit in methocarbamol["limits"] if limit["rule"] == "max_daily_mg"]
    assert {(limit["value"], limit["from_day"], limit["until_day"]) for limit in daily} == {
        (8000, 1, 3),
        (4500, 4, None),
    }
    assert methocarbamol["languages"] == Library(library_root()).languages("methocarbamol")
    assert {"en", "es", "zh-Hans"} <= set(methocarbamol["languages"])
    assert methocarbamol["sample"]["strength_mg"] == 750
    assert topics["low-back-pain"]["medicine"] is None and topics["low-back-pain"]["sample"] is None
    assert data["email"] is False and data["prescribers"] == []


def test_layouts_in_plain_words_with_paper_and_colour_variants_folded(client) -> None:
    layouts = client.get("/api/topics").json()["layouts"]
    assert layouts[0]["name"] == "standard" and layouts[0]["title"] == "Standard leaflet (3 to 7 pages)"
    variants = {layout["name"]: layout["variant_of"] for layout in layouts}
    assert variants["a4"] == "standard" and variants["grayscale"] == "standard"
    assert variants["one-page"] is None and variants["large-print"] is None
    assert client.get("/api/topics").json()["papers"] == [
        {"name": "letter", "title": "US Letter"},
        {"name": "a4", "title": "A4"},
    ]


def test_one_leaflet_named_from_topic_language_and_its_code(client) -> None:
    response = client.post("/api/leaflets", json=METHOCARBAMOL)
    assert response.status_code == 200, response.text
    code = response.headers["x-handout-code"]
    assert response.headers["content-disposition"] == f'inline; filename="methocarbamol-en-{code}.pdf"'
    again = client.post("/api/leaflets", json=METHOCARBAMOL).headers["content-disposition"]
    assert again != response.headers["content-disposition"]  # two downloads never share a name
    assert "Maria" not in response.headers["content-disposition"]
    assert "2 tablets of 750 mg" in pdf_text(response.content)


def test_paper_and_black_and_white(client) -> None:
    response = client.post("/api/leaflets", json=_with(paper="a4", grayscale=True))
    assert response.status_code == 200, response.text
    box = PdfReader(io.BytesIO(response.content)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_two_leaflets_in_one_print_job_without_blank_pages(client) -> None:
    body = _with(topics=["methocarbamol", "low-back-pain"])
    response = client.post("/api/leaflets", json=body)
    assert response.status_code == 200, response.text
    assert 'filename="methocarbamol-low-back-pain-en-' in response.headers["content-disposition"]
    alone = [client.post("/api/leaflets", json=_with(topics=[topic])).content for topic in body["topics"]]
    counts = [len(PdfReader(io.BytesIO(pdf)).pages) for pdf in alone]
    pages = pdf_pages_text(response.content)
    assert len(pages) == sum(counts) and all(page.strip() for page in pages)
    assert "Low back pain" in pages[counts[0]]


def test_two_leaflets_printed_double_sided_each_on_a_front_page(client) -> None:
    body = _with(topics=["methocarbamol", "low-back-pain"], double_sided=True)
    response = client.post("/api/leaflets", json=body)
    assert response.status_code == 200, response.text
    alone = [client.post("/api/leaflets", json=_with(topics=[topic])).content for topic in body["topics"]]
    counts = [len(PdfReader(io.BytesIO(pdf)).pages) for pdf in alone]
    pages = pdf_pages_text(response.content)
    assert len(pages) == sum(count + count % 2 for count in counts)
    second_starts = counts[0] + counts[0] % 2
    assert "Methocarbamol" in pages[0] and "Low back pain" in pages[second_starts]
    assert second_starts % 2 == 0  # page index even: a front page when printed double-sided
    title = PdfReader(io.BytesIO(response.content)).metadata.title
    assert title.startswith("Methocarbamol (Robaxin)") and "+ Low back pain" in title


def test_combine_pdf_bytes_pads_odd_leaflets(client) -> None:
    one_page = client.post("/api/leaflets", json=_with(topics=["low-back-pain"], layout="one-page")).content
    pdf, pages = combine_pdf_bytes([one_page, one_page])
    assert pages == 4 and len(PdfReader(io.BytesIO(pdf)).pages) == 4


def test_every_problem_in_one_round(client) -> None:
    body = _with(patient__name=" ", prescription__times_per_day=6, patient__date_of_birth="2099-01-01")
    body["prescription"]["taper"] = [{"from": START}]  # an unfinished taper step
    response = client.post("/api/leaflets", json=body)
    assert response.status_code == 422
    errors = {(e["field"], e["message"]) for e in response.json()["errors"]}
    assert ("patient.name", "must not be blank") in errors
    assert ("patient.date_of_birth", "after the date the leaflet is made") in errors
    assert ("prescription.taper[0].dose_mg", "missing required field") in errors
    daily = "9,000 mg a day is above the 8,000 mg daily limit on days 1 to 3 of the course for methocarbamol"
    assert ("prescription.dose_mg", daily) in errors  # the daily limit belongs to the dose
    assert not [field for field, _ in errors if field == "prescription.times_per_day"]


def test_taper_problems_are_kept_when_only_the_patient_is_wrong(client) -> None:
    body = _with(patient__name=" ")
    body["prescription"]["taper"] = [{"from": START, "dose_mg": 750, "strength_mg": 750, "times_per_day": 4}]
    errors = {e["field"] for e in client.post("/api/leaflets", json=body).json()["errors"]}
    assert {"patient.name", "prescription.taper[0].from", "prescription.taper[0].days"} <= errors


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"topics": []}, "topics", "choose at least one leaflet"),
        ({"topics": ["methocarbamol", "methocarbamol"]}, "topics[1]", "this leaflet is already chosen"),
        ({"topics": ["methocarbamol", "carisoprodol"]}, "topics[1]", "one medicine leaflet at a time here"),
        ({"topics": ["aspirin"]}, "topics[0]", "unknown leaflet"),
        ({"language": "fr"}, "language", "expected one of ar, en, es,"),
        ({"paper": "legal"}, "paper", "expected one of letter, a4"),
        ({"grayscale": "yes"}, "grayscale", "expected true or false"),
        ({"double_sided": 1}, "double_sided", "expected true or false"),
    ],
)
def test_options_are_checked(client, change, field, message) -> None:
    response = client.post("/api/leaflets", json={**METHOCARBAMOL, **change})
    assert response.status_code == 422
    assert any(e["field"] == field and e["message"].startswith(message) for e in response.json()["errors"])


def test_a_leaflet_not_in_the_language_says_so(tmp_path) -> None:
    import shutil

    library = tmp_path / "handouts"
    shutil.copytree(library_root(), library)
    for path in (library / "low-back-pain").glob("*.*.yaml"):  # every translation: English alone
        path.unlink()
    client = TestClient(create_app(_settings(library=library)), base_url="http://127.0.0.1:8000")
    body = _with(topics=["methocarbamol", "low-back-pain"], language="es")
    errors = client.post("/api/leaflets", json=body).json()["errors"]
    assert errors == [{"field": "topics[1]", "message": "not available in Español (available: English)"}]


TOO_LONG_FOR_ONE_PAGE = {  # an 81-year-old with a two-step taper: the one-page cannot hold it
    "topics": ["carisoprodol"],
    "layout": "one-page",
    "patient": {"name": "Maria Lopez", "age": 81},
    "prescriber": {"name": "Dr. Sam Lee"},
    "prescription": {
        "medicine": "carisoprodol",
        "dose_mg": 350,
        "times_per_day": 3,
        "start": START,
        "days_supply": 5,
        "taper": [
            {
                "from": (dt.date.fromisoformat(START) + dt.timedelta(days=5)).isoformat(),
                "dose_mg": 350,
                "times_per_day": 2,
            },
            {
                "from": (dt.date.fromisoformat(START) + dt.timedelta(days=7)).isoformat(),
                "dose_mg": 350,
                "times_per_day": 1,
            },
        ],
        "last_day": (dt.date.fromisoformat(START) + dt.timedelta(days=9)).isoformat(),
    },
}


def test_too_long_for_the_layout_in_plain_words(client) -> None:
    response = client.post("/api/leaflets", json=TOO_LONG_FOR_ONE_PAGE)
    assert response.status_code == 422
    body = response.json()
    assert body["errors"] == []
    assert body["error"].startswith("The Carisoprodol (Soma) leaflet is too long for this layout")
    assert body["error"].endswith(
        "Choose the layout 'One sheet, both sides: a short summary for the counter' and make it again."
    )


def test_clinic_course_limit_applies(client) -> None:
    from generator.prescription.policy import ClinicPolicy

    strict = TestClient(
        create_app(_settings(policy=ClinicPolicy(max_days={"methocarbamol": 2}))), base_url="http://127.0.0.1:8000"
    )
    errors = strict.post("/api/leaflets", json=METHOCARBAMOL).json()["errors"]
    assert errors[0]["field"] == "prescription.days_supply" and "set by the clinic" in errors[0]["message"]
    topics = {topic["name"]: topic for topic in strict.get("/api/topics").json()["topics"]}
    assert topics["methocarbamol"]["clinic_max_days"] == 2


def test_server_requiring_approved_content_refuses_drafts_for_every_request() -> None:
    from generator.content.approvals import ContentRules
    from generator.prescription.policy import ClinicPolicy

    strict = create_app(_settings(policy=ClinicPolicy(content=ContentRules(require="approved"))))
    client = TestClient(strict, base_url="http://127.0.0.1:8000")
    lower = client.post("/api/leaflets", json={**METHOCARBAMOL, "require": "any"}).json()
    assert lower["errors"] == [{"field": "require", "message": "unknown field"}]  # no request asks for less
    refused = client.post("/api/leaflets", json=METHOCARBAMOL)
    assert refused.status_code == 422  # not the 500 of a library problem: the server's setting refuses it
    message = refused.json()["error"]
    assert message.startswith("The Methocarbamol (Robaxin) leaflet was not made: this server prints only content ")
    assert "topic 'methocarbamol' (en): not approved on" in message and "library has a problem" not in message
    assert "no approval by a pharmacist, physician or nurse" in message and "Maria" not in message
    page = client.post("/api/leaflets/html", json=METHOCARBAMOL)
    assert page.status_code == 422 and page.json()["error"] == message
    sample = yaml.safe_load((SAMPLES / "patient.yaml").read_text(encoding="utf-8"))
    api = client.post("/api/handouts", json=json.loads(json.dumps(sample, default=str)))
    assert api.status_code == 422 and "topic 'carisoprodol' (en): not approved on" in api.json()["error"]


def test_each_answer_gives_the_content_status(client) -> None:
    for route in ("/api/leaflets", "/api/leaflets/html"):
        response = client.post(route, json=METHOCARBAMOL)
        assert response.status_code == 200, response.text
        status = json.loads(response.headers["X-Handout-Content"])
        assert status["approved"] is False and 0 < status["drafts"] == status["files"]
        n = status["files"]
        assert status["text"] == f"Content not yet approved by your clinic ({n} of {n} files are drafts)"
    alone = client.post("/api/leaflets", json=_with(topics=["low-back-pain"]))
    two = client.post("/api/leaflets", json=_with(topics=["methocarbamol", "low-back-pain"]))
    both = json.loads(two.headers["X-Handout-Content"])
    files = json.loads(alone.headers["X-Handout-Content"])["files"]
    assert n < both["files"] < n + files  # each file once: both print the labels file (and shared blocks)


def test_approved_content_says_so(run_cli, library_copy) -> None:
    from test_approvals import _approve

    yesterday = (TODAY - dt.timedelta(1)).isoformat()
    _approve(run_cli, library_copy, "methocarbamol", "en", "pharmacist", "--date", yesterday)
    client = TestClient(create_app(_settings(library=library_copy)), base_url="http://127.0.0.1:8000")
    response = client.post("/api/leaflets", json=METHOCARBAMOL)
    assert response.status_code == 200, response.text
    status = json.loads(response.headers["X-Handout-Content"])
    approved = {"approved": True, "drafts": 0, "text": "Content approved by your clinic"}
    assert status == {**approved, "files": status["files"]} and status["files"] > 0


def test_email_is_offered_only_when_set_up(client) -> None:
    response = client.post("/api/leaflets/email", json={**METHOCARBAMOL, "to": "maria@example.org"})
    assert response.status_code == 404
    assert "print the leaflet instead" in response.json()["error"]


def test_email_from_the_page_goes_to_the_outbox(tmp_path) -> None:
    settings = EmailSettings.model_validate({"from": "Clinic <leaflets@clinic.example>"})
    outbox = tmp_path / "outbox"
    client = TestClient(create_app(_settings(email=settings, outbox=outbox)), base_url="http://127.0.0.1:8000")
    assert client.get("/api/topics").json()["email"] is True
    body = {**_with(topics=["methocarbamol", "low-back-pain"]), "to": "maria@example.org"}
    response = client.post("/api/leaflets/email", json=body)
    assert response.status_code == 200, response.text
    sent = response.json()["sent"]
    assert [one["topic"] for one in sent] == ["methocarbamol", "low-back-pain"]
    files = sorted(outbox.glob("*.eml"))
    assert len(files) == 2 and all(f.name.startswith(("methocarbamol-", "low-back-pain-")) for f in files)
    assert all("Maria" not in f.name for f in files)
    message = email.message_from_bytes(files[0].read_bytes())
    assert message["To"] == "maria@example.org" and "Maria" not in message["Subject"]


def test_email_address_problem_comes_with_the_form_problems(tmp_path) -> None:
    settings = EmailSettings.model_validate({"from": "Clinic <leaflets@clinic.example>"})
    client = TestClient(create_app(_settings(email=settings, outbox=tmp_path)), base_url="http://127.0.0.1:8000")
    response = client.post("/api/leaflets/email", json={**_with(patient__name=" "), "to": "not an address"})
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"patient.name", "to"}
    assert list(tmp_path.iterdir()) == []


def test_prescribers_from_the_config(tmp_path) -> None:
    config = tmp_path / "clinic.yaml"
    config.write_text(
        "clinic: {name: Riverside, phone: 555-0199}\n"
        "prescribers:\n  - {name: Dr. Sam Lee, phone: 555-0100}\n  - {name: Dr. Ana Ruiz}\n"
    )
    prescribers = read_prescribers(config)
    client = TestClient(create_app(_settings(prescribers=prescribers)), base_url="http://127.0.0.1:8000")
    assert client.get("/api/topics").json()["prescribers"] == [
        {"name": "Dr. Sam Lee", "phone": "555-0100"},
        {"name": "Dr. Ana Ruiz"},
    ]
    config.write_text("clinic: {name: Riverside, phone: 555-0199}\nprescribers:\n  - {name: Dr. X, email: x@y}\n")
    with pytest.raises(Exception, match=r"prescribers\[0\]\.email: unknown field"):
        read_prescribers(config)


def test_serve_outbox_needs_email_settings(run_cli, tmp_path: Path, monkeypatch) -> None:
    for variable in ("HANDOUT_SMTP_HOST", "HANDOUT_MAIL_FROM", "HANDOUT_CONFIG"):
        monkeypatch.delenv(variable, raising=False)
    code, _, err = run_cli("serve", "--outbox", str(tmp_path))
    assert code == 2 and "--outbox: email is not set up" in err


_SECRET = "Zq7Secret"
_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["", " ", _SECRET, "2026-11-24", "11/24/2026", "methocarbamol", "low-back-pain", "es", "a4"]),
    st.lists(st.sampled_from(["methocarbamol", "carisoprodol", "low-back-pain", _SECRET]), max_size=3),
)
_FIELDS = {
    "topics": _VALUES,
    "language": _VALUES,
    "layout": _VALUES,
    "paper": _VALUES,
    "grayscale": _VALUES,
    "double_sided": _VALUES,
    "patient": st.fixed_dictionaries(
        {}, optional={"name": _VALUES, "age": _VALUES, "date_of_birth": _VALUES, "preferred_name": _VALUES}
    ),
    "prescription": st.fixed_dictionaries(
        {},
        optional={
            key: _VALUES
            for key in ("medicine", "dose_mg", "strength_mg", "times_per_day", "start", "days_supply", "last_day")
        }
        | {"taper": st.lists(st.fixed_dictionaries({}, optional={"from": _VALUES, "dose_mg": _VALUES}), max_size=2)},
    ),
}
_ORDER = st.fixed_dictionaries(
    {},
    optional={
        key: _VALUES
        for key in ("medicine", "dose_mg", "strength_mg", "times_per_day", "start", "days_supply", "every_hours")
    }
    | {"times": st.lists(st.sampled_from(["morning", "bedtime", "with-dinner", _SECRET]), max_size=3)},
)


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.fixed_dictionaries({}, optional=_FIELDS),
        st.fixed_dictionaries(
            {"prescriptions": st.lists(_ORDER, max_size=3)},
            optional={key: value for key, value in _FIELDS.items() if key != "prescription"},
        ),
    )
)
def test_any_desk_request_is_read_or_refused_field_by_field(body) -> None:
    """Whatever the form sends: a request, or an InputError whose problems each name a field and never a value."""
    from generator.content.library import Library
    from generator.layouts import LayoutLibrary
    from generator.prescription.policy import ClinicPolicy
    from generator.web.desk_request import read_desk_request

    body["prescriber"] = {"name": "Dr. Sam Lee"}
    try:
        read_desk_request(Library(library_root()), LayoutLibrary(layouts_root()), ClinicPolicy(), body, TODAY)
    except InputError as exc:
        assert exc.problems and all(field for field, _ in exc.problems), exc.problems
        assert _SECRET not in str(exc)


# ---- several medicines, one leaflet; the new prescription fields; what the schedule will say ----

CYCLOBENZAPRINE = {
    "medicine": "cyclobenzaprine",
    "dose_mg": 5,
    "strength_mg": 5,
    "times_per_day": 3,
    "start": START,
    "days_supply": 10,
}


def _two(**changes: object) -> dict:
    """Methocarbamol and cyclobenzaprine for one patient, and low-back-pain beside them."""
    body = _with(**{"topics": ["methocarbamol", "low-back-pain"], **changes})
    body["prescriptions"] = [body.pop("prescription"), dict(CYCLOBENZAPRINE)]
    return body


def _read(body: dict):
    from generator.content.library import Library
    from generator.layouts import LayoutLibrary
    from generator.prescription.policy import ClinicPolicy
    from generator.web.desk_request import read_desk_request

    return read_desk_request(Library(library_root()), LayoutLibrary(layouts_root()), ClinicPolicy(), body, TODAY)


def _problems(body: dict) -> set[tuple[str, str]]:
    with pytest.raises(InputError) as refused:
        _read(body)
    return set(refused.value.problems)


def test_desk_request_with_several_medicines() -> None:
    request = _read(_two())
    assert request.medicines == ("methocarbamol", "cyclobenzaprine")
    assert request.topics == ("methocarbamol", "low-back-pain")  # the first medicine stands for their one leaflet
    assert [request.name(topic) for topic in request.topics] == ["methocarbamol-cyclobenzaprine", "low-back-pain"]
    assert request.for_medicines("methocarbamol") and not request.for_medicines("low-back-pain")


@pytest.mark.parametrize(
    ("topics", "expected"),
    [
        (["low-back-pain"], ("methocarbamol", "low-back-pain")),  # not listed: the medicines' leaflet first
        (["low-back-pain", "cyclobenzaprine"], ("low-back-pain", "methocarbamol")),  # printed where one is listed
        (["cyclobenzaprine", "methocarbamol"], ("methocarbamol",)),  # both listed: still one leaflet
    ],
)
def test_the_medicines_leaflet_is_printed_where_a_medicine_is_listed(topics, expected) -> None:
    assert _read(_two(topics=topics)).topics == expected


def test_every_problem_of_every_prescription_in_one_round() -> None:
    body = _two(patient__name=" ", layout="trifold")
    second = body["prescriptions"][1]
    second |= {"times_per_day": 4, "refills": 100, "as_needed_for": "pain"}
    second["taper"] = [{"from": START}]  # an unfinished step must not hide the full-dose problems
    problems = _problems(body)
    fields = {field for field, _ in problems}
    assert {
        "patient.name",
        "prescriptions[1].refills",
        "prescriptions[1].taper[0].dose_mg",
        "prescriptions[1].times_per_day",
        "prescriptions[1].as_needed_for",
        "layout",
    } <= fields
    assert not [field for field in fields if field.startswith("prescriptions[0]") or field.startswith("prescription.")]
    assert (
        "layout",
        "'Tri-fold brochure (one sheet, both sides)' holds one medicine: for 2 medicines choose "
        "'Standard leaflet (3 to 7 pages)'",
    ) in problems
    assert ("prescriptions[1].as_needed_for", "only with as_needed: true") in problems


def test_each_prescription_checked_against_its_own_label() -> None:
    body = _two()
    body["prescriptions"][0]["dose_mg"] = 2250  # 3 x 750 mg: above methocarbamol's 1,500 mg a dose
    body["prescriptions"][1] |= {"times": ["morning", "bedtime"]}  # 2 times of day for 3 doses a day
    body["prescriptions"][1]["start"] = (TODAY + dt.timedelta(days=400)).isoformat()
    assert _problems(body) == {  # every problem in the first round, the start year too
        ("prescriptions[0].dose_mg", "2,250 mg a dose is above the 1,500 mg limit for methocarbamol"),
        ("prescriptions[1].times", "gives 2 times of day for 3 doses a day"),
        ("prescriptions[1].start", "more than a year after the leaflet's made-on date; check the year"),
    }


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"medicine": "Robaxin"}, "prescriptions[1].medicine", "the same medicine as prescriptions[0]: give it once"),
        ({"medicine": "aspirin"}, "prescriptions[1].medicine", "no topic is about this medicine"),
        ({"medicine": "low-back-pain"}, "prescriptions[1].medicine", "topic 'low-back-pain' is not about a medicine"),
        ({"medicine": " "}, "prescriptions[1].medicine", "must not be blank"),
    ],
)
def test_each_medicine_is_known_and_given_once(change, field, message) -> None:
    body = _two()
    body["prescriptions"][1] |= change
    problems = _problems(body)
    assert any(f == field and m.startswith(message) for f, m in problems), problems
    assert len([f for f, _ in problems if f == field]) == 1  # one message a field, not one per check


def test_the_list_of_several_medicines_is_checked() -> None:
    body = _two()
    body["prescriptions"] = body["prescriptions"][:1]
    assert _problems(body) == {("prescriptions", "a list of two or more; give one medicine as prescription")}
    body = _two()
    body["prescription"] = dict(CYCLOBENZAPRINE)
    assert ("prescriptions", "give prescription (one medicine) or prescriptions (several), not both") in _problems(body)
    assert _problems(_two(topics=["carisoprodol"])) == {
        ("topics[0]", "not one of the medicines prescribed: add its prescription, or remove it")
    }


def test_a_second_medicine_not_in_the_language(tmp_path) -> None:
    import shutil

    from generator.content.library import Library
    from generator.layouts import LayoutLibrary
    from generator.prescription.policy import ClinicPolicy
    from generator.web.desk_request import read_desk_request

    library = tmp_path / "handouts"
    shutil.copytree(library_root(), library)
    for path in (library / "cyclobenzaprine").glob("*.*.yaml"):  # every translation: English alone
        path.unlink()
    body = _two(language="es", topics=["methocarbamol"])
    with pytest.raises(InputError) as refused:
        read_desk_request(Library(library), LayoutLibrary(layouts_root()), ClinicPolicy(), body, TODAY)
    assert refused.value.problems == (("prescriptions[1].medicine", "not available in Español (available: English)"),)


def test_several_medicines_make_one_leaflet_beside_the_others(client) -> None:
    body = _two()
    body["prescriptions"][1] |= {"as_needed": True, "as_needed_for": "muscle-spasm", "every_hours": 6, "refills": 3}
    response = client.post("/api/leaflets", json=body)
    assert response.status_code == 200, response.text
    disposition = response.headers["content-disposition"]
    assert 'filename="methocarbamol-cyclobenzaprine-low-back-pain-en-' in disposition
    pages = pdf_pages_text(response.content)
    text = " ".join(" ".join(page.split()) for page in pages)
    assert "Your medicines" in pages[0] and sum("Your medicines" in page for page in pages) == 1
    assert "Methocarbamol (Robaxin)" in text and "Cyclobenzaprine (Flexeril)" in text and "Low back pain" in text
    assert "only when you need it for muscle spasm, up to 3 times a day, at least 6 hours apart" in text
    warnings = json.loads(response.headers["x-handout-warnings"])
    assert any(warning["field"] == "prescriptions[1].refills" for warning in warnings)  # 40 days > 21-day limit
    assert any(warning["field"] == "prescriptions" and "muscle relaxants" in warning["message"] for warning in warnings)


def test_one_page_holds_one_medicine(client) -> None:
    errors = client.post("/api/leaflets", json=_two(layout="one-page")).json()["errors"]
    assert [error["field"] for error in errors] == ["layout"]
    assert errors[0]["message"].startswith("'One page: a short summary for the counter' holds one medicine")


def test_email_of_several_medicines(tmp_path) -> None:
    settings = EmailSettings.model_validate({"from": "Clinic <leaflets@clinic.example>"})
    outbox = tmp_path / "outbox"
    client = TestClient(create_app(_settings(email=settings, outbox=outbox)), base_url="http://127.0.0.1:8000")
    response = client.post("/api/leaflets/email", json={**_two(topics=["methocarbamol"]), "to": "maria@example.org"})
    assert response.status_code == 200, response.text
    [sent] = response.json()["sent"]
    assert sent["title"] == "Methocarbamol (Robaxin) + Cyclobenzaprine (Flexeril)"
    assert [path.name.split("-")[:2] for path in outbox.glob("*.eml")] == [["methocarbamol", "cyclobenzaprine"]]


def test_topics_offer_usual_times_reasons_and_layouts_for_several_medicines(client) -> None:
    data = client.get("/api/topics").json()
    topics = {topic["name"]: topic for topic in data["topics"]}
    assert topics["carisoprodol"]["default_times"][1] == ["morning", "evening"]
    assert [reason["name"] for reason in topics["cyclobenzaprine"]["as_needed_reasons"]] == [
        "back-pain",
        "muscle-pain",
        "muscle-spasm",
    ]
    assert {"name": "muscle-spasm", "title": "muscle spasm"} in topics["cyclobenzaprine"]["as_needed_reasons"]
    assert topics["low-back-pain"]["default_times"] == [] and topics["low-back-pain"]["as_needed_reasons"] == []
    several = {layout["name"]: layout["several_medicines"] for layout in data["layouts"]}
    assert several["standard"] and several["large-print"] and not several["one-page"] and not several["trifold"]


def test_schedule_in_the_leaflet_s_words(client) -> None:
    rx = {**METHOCARBAMOL["prescription"], "times": ["with-breakfast", "midday", "evening", "bedtime"], "refills": 0}
    response = client.post("/api/schedule", json={"prescription": rx})
    assert response.status_code == 200, response.text
    words = response.json()
    header, row = words["rows"]
    assert header == ["From", "Until", "How much", "When"]
    assert row[2:] == [
        "2\u00a0tablets of 750\u00a0mg each time (1,500\u00a0mg)",
        "with breakfast, at midday, in the evening, and at bedtime",
    ]
    limit = "Do not take more than 8\u00a0tablets (6,000\u00a0mg) in one day. This limit is from your prescription."
    assert words["daily_limit"] == limit
    assert words["topic"] == "methocarbamol" and words["refills"] == "Refills: None"
    leaflet = pdf_text(client.post("/api/leaflets", json=_with(prescription=rx)).content)
    for said in (*row, words["daily_limit"]):  # the same words as the leaflet
        assert " ".join(said.split()) in leaflet
    large_print = client.post("/api/schedule", json={"prescription": rx, "layout": "large-print"})
    assert large_print.json()["rows"] == words["rows"]  # dates as that layout prints them


def test_schedule_of_a_taper_says_each_row_s_most(client) -> None:
    rx = {**TOO_LONG_FOR_ONE_PAGE["prescription"], "refills": 2}
    words = client.post("/api/schedule", json={"prescription": rx}).json()
    assert [row[3].split("\n")[1] for row in words["rows"][1:]] == [
        "Most in one day: 3\u00a0tablets (1,050\u00a0mg)",
        "Most in one day: 2\u00a0tablets (700\u00a0mg)",
        "Most in one day: 1\u00a0tablet (350\u00a0mg)",
    ]
    said = "Do not take more in one day than the row for that day says. These limits are from your prescription."
    assert words["daily_limit"] == said
    assert words["refills"] == "Refills: 2"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"prescription": {**CYCLOBENZAPRINE, "dose_mg": 20}}, "prescription.dose_mg", "20 mg a dose is above"),
        (
            {"prescription": {**METHOCARBAMOL["prescription"], "times_per_day": 5}},
            "prescription.times",
            "required for 5",
        ),
        ({"prescription": {**CYCLOBENZAPRINE, "medicine": "aspirin"}}, "prescription.medicine", "no topic is about"),
        ({"prescription": {**CYCLOBENZAPRINE, "every_hours": 25}}, "prescription.every_hours", "input should be"),
        ({"prescription": CYCLOBENZAPRINE, "layout": "poster"}, "layout", "expected one of"),
        ({"prescription": CYCLOBENZAPRINE, "patient": {"name": "x"}}, "patient", "unknown field"),
    ],
)
def test_schedule_refused_on_its_field(client, body, field, message) -> None:
    response = client.post("/api/schedule", json=body)
    assert response.status_code == 422
    assert any(e["field"] == field and e["message"].startswith(message) for e in response.json()["errors"])


def test_a_wrong_optional_field_does_not_hide_a_dose_problem() -> None:
    problems = _problems(_with(prescription__refills=100, prescription__times_per_day=7, prescription__times="x"))
    assert {field for field, _ in problems} == {
        "prescription.refills",
        "prescription.times[0]",
        "prescription.times_per_day",  # 7 a day, above methocarbamol's 6
        "prescription.dose_mg",  # 10,500 mg a day, above its daily limit
    }
    assert len(problems) == 4  # the times already refused: no second message about them


def test_web_page_of_several_medicines(client) -> None:
    response = client.post("/api/leaflets/html", json=_two(topics=["cyclobenzaprine"]))
    assert response.status_code == 200, response.text
    code = response.headers["x-handout-code"]
    assert f'filename="methocarbamol-cyclobenzaprine-en-{code}.html"' in response.headers["content-disposition"]
    assert "Your medicines" in response.text
