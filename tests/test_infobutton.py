"""HL7 Infobutton requests by NDC, by medicine name, for providers, and by form POST, through the web app."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from generator.content.codes import CodeIndex
from generator.content.ndc import AMBIGUOUS, NDC_OID, product_key
from generator.fhir.infobutton import ATOM, RXNORM_OID
from generator.inputs.personalisation import read_clinic
from generator.paths import SAMPLES, layouts_root, library_root
from generator.web.app import WebSettings, create_app

FORM = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def client() -> TestClient:
    settings = WebSettings(library_root(), layouts_root(), read_clinic(SAMPLES / "clinic.yaml"))
    return TestClient(create_app(settings), base_url="http://127.0.0.1:8000")


def _ask(client: TestClient, method: str, params: dict[str, str]):
    """The same parameters in the URL (GET) or in a form-encoded body (POST)."""
    query = {"knowledgeResponseType": "application/json"} | params
    if method == "GET":
        return client.get("/infobutton", params=query)
    return client.post("/infobutton", data=query, headers=FORM)


def _entries(response) -> list[dict]:
    assert response.status_code == 200, response.text
    return response.json()["feed"]["entry"]


def _topics(response) -> list[str]:
    return [entry["id"]["_value"].rsplit(":", 1)[1].split("/")[0] for entry in _entries(response)]


def _ndc(code: str) -> dict[str, str]:
    return {"mainSearchCriteria.v.c": code, "mainSearchCriteria.v.cs": NDC_OID}


# One listed product of each layout, written every way an EHR sends it: FDA's 10 digits with hyphens,
# HIPAA's 11 digits with and without hyphens, and the product NDC alone.
NDC_FORMS = [
    ("carisoprodol", ["50228-109-01", "50228-0109-01", "50228010901", "50228-109", "502280109"]),  # 5-3-2
    ("cyclobenzaprine", ["0093-3420-01", "00093-3420-01", "00093342001", "0093-3420"]),  # 4-4-2
    ("methocarbamol", ["71335-0909-0", "71335-0909-00", "71335090900", "71335-0909"]),  # 5-4-1
]


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(("topic", "forms"), NDC_FORMS)
def test_each_written_form_of_a_listed_ndc_finds_its_topic(client, method, topic, forms) -> None:
    for form in forms:
        entries = _entries(_ask(client, method, _ndc(form)))
        assert [e["id"]["_value"].rsplit(":", 1)[1] for e in entries] == [f"{topic}/en"], form
        assert entries[0]["title"]["_value"].lower().startswith(topic)  # the medicine, not the code


@pytest.mark.parametrize(
    ("ndc", "strength"),
    [("51525-5901-1", 250), ("72789-477-01", 350), ("0093-3420-01", 5), ("67296-1893-3", 10), ("76385-123-01", 500)],
)
def test_an_ndc_selects_the_product_code_of_its_strength(generator, ndc, strength) -> None:
    match = CodeIndex(generator.library).get_ndc(product_key(ndc))
    assert match is not None and match.code.strength_mg == strength


def test_every_listed_ndc_has_its_source(generator) -> None:
    listed = [item for _, match in CodeIndex(generator.library).items() for item in match.code.ndcs]
    assert len(listed) >= 15
    assert all(("fda" in item.source.lower() or "dailymed" in item.source.lower()) for item in listed)


# RxNorm ingredient (IN) codes the library lists, each confirmed in the source its topic.yaml names. An EHR asking
# by ingredient finds the topic; the ingredient gives no tablet strength.
INGREDIENT_CODES = {"2101": "carisoprodol", "21949": "cyclobenzaprine", "6845": "methocarbamol"}
INGREDIENT_CODES |= {"5640": "ibuprofen", "7258": "naproxen", "161": "acetaminophen"}


def test_every_listed_ingredient_code_is_tested(generator) -> None:
    listed = {rxcui: match.topic for rxcui, match in CodeIndex(generator.library).items() if match.code.tty == "IN"}
    assert listed == INGREDIENT_CODES
    assert all(CodeIndex(generator.library).get(rxcui).code.strength_mg is None for rxcui in listed)


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(("rxcui", "topic"), INGREDIENT_CODES.items())
def test_an_ingredient_rxcui_finds_its_topic(client, method, rxcui, topic) -> None:
    asked = {"mainSearchCriteria.v.c": rxcui, "mainSearchCriteria.v.cs": RXNORM_OID}
    assert _topics(_ask(client, method, asked)) == [topic]


def test_an_unlisted_ndc_gives_an_empty_feed(client) -> None:
    assert _entries(_ask(client, "GET", _ndc("50228-0110-01"))) == []  # the same labeler, another product


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(
    ("code", "rule"),
    [("5022810901", AMBIGUOUS), ("50228-109-001", "expected an NDC"), ("NDC 50228", "expected an NDC")],
)
def test_a_malformed_ndc_names_the_parameter_not_the_value(client, method, code, rule) -> None:
    response = _ask(client, method, _ndc(code))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == ["mainSearchCriteria.v.c"] and errors[0]["message"].startswith(rule)
    assert code not in response.text


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(
    ("name", "topic"),
    [
        ("Carisoprodol", "carisoprodol"),
        ("SOMA", "carisoprodol"),
        ("  flexeril ", "cyclobenzaprine"),
        ("methocarbamol 750 MG Oral Tablet", "methocarbamol"),
    ],
)
def test_the_display_name_alone_finds_the_topic(client, method, name, topic) -> None:
    assert _topics(_ask(client, method, {"mainSearchCriteria.v.dn": name})) == [topic]


def test_the_display_name_is_used_when_no_code_matches(client) -> None:
    unknown = {"mainSearchCriteria.v.c": "999999", "mainSearchCriteria.v.cs": RXNORM_OID}
    assert _topics(_ask(client, "GET", unknown | {"mainSearchCriteria.v.dn": "Robaxin"})) == ["methocarbamol"]
    matched = {"mainSearchCriteria.v.c": "197446", "mainSearchCriteria.v.cs": RXNORM_OID}
    assert _topics(_ask(client, "GET", matched | {"mainSearchCriteria.v.dn": "Robaxin"})) == ["carisoprodol"]
    assert _entries(_ask(client, "GET", {"mainSearchCriteria.v.dn": "ketorolac"})) == []  # no topic is about it


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_providers_get_the_same_leaflets(client, method) -> None:
    asked = {"mainSearchCriteria.v.c": "197944", "mainSearchCriteria.v.cs": RXNORM_OID}
    patients = _entries(_ask(client, method, asked | {"informationRecipient": "PAT"}))
    providers = _entries(_ask(client, method, asked | {"informationRecipient": "PROV"}))
    assert [e["id"] for e in providers] == [e["id"] for e in patients] and len(providers) == 1
    assert providers[0]["title"]["_value"] == "Methocarbamol (Robaxin)"


@pytest.mark.parametrize("parameter", ["patientPerson.administrativeGenderCode.c", "administrativeGenderCode.c"])
def test_the_gender_is_validated_under_both_names(client, parameter) -> None:
    asked = {"mainSearchCriteria.v.dn": "carisoprodol"}
    assert _topics(_ask(client, "POST", asked | {parameter: "F"})) == ["carisoprodol"]
    response = _ask(client, "POST", asked | {parameter: "female"})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == [parameter]


def test_post_and_get_give_the_same_atom_feed(client) -> None:
    asked = _ndc("72789-477-95") | {"knowledgeResponseType": "text/xml", "informationRecipient.languageCode.c": "es"}
    feeds = [ET.fromstring(_ask(client, method, asked).content) for method in ("GET", "POST")]
    titles = [[e.find(f"{{{ATOM}}}title").text for e in feed.findall(f"{{{ATOM}}}entry")] for feed in feeds]
    assert titles == [["Carisoprodol (Soma)"], ["Carisoprodol (Soma)"]]
    subtitles = {feed.find(f"{{{ATOM}}}subtitle").text for feed in feeds}
    assert subtitles == {"Leaflets for Carisoprodol (Soma)"}


def test_post_names_every_bad_parameter_and_needs_a_form(client) -> None:
    response = _ask(client, "POST", {"mainSearchCriteria.v.c": "197446", "age.v.v": "old"})
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"mainSearchCriteria.v.cs", "age.v.v", "age.v.u"}
    empty = _ask(client, "POST", {})
    assert [e["field"] for e in empty.json()["errors"]] == ["mainSearchCriteria.v.c"]
    as_json = client.post("/infobutton", json={"mainSearchCriteria.v.dn": "Soma"})
    assert as_json.status_code == 415


def test_post_needs_the_token(tmp_path) -> None:
    settings = WebSettings(library_root(), layouts_root(), read_clinic(SAMPLES / "clinic.yaml"), token="s3cret")
    client = TestClient(create_app(settings), base_url="http://127.0.0.1:8000")
    asked = {"mainSearchCriteria.v.dn": "Soma"}
    assert client.post("/infobutton", data=asked, headers=FORM).status_code == 401
    ok = client.post("/infobutton", data=asked, headers=FORM | {"authorization": "Bearer s3cret"})
    assert ok.status_code == 200


LAYOUTS = [(4, 4, 2), (5, 3, 2), (5, 4, 1)]


def _digits(count: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=count, max_size=count)


@given(st.sampled_from(LAYOUTS).flatmap(lambda layout: st.tuples(*(_digits(n) for n in layout))))
def test_every_written_form_of_an_ndc_names_the_same_product(segments: tuple[str, str, str]) -> None:
    labeler, product, package = segments
    key = labeler.zfill(5) + product.zfill(4)
    eleven = f"{labeler.zfill(5)}{product.zfill(4)}{package.zfill(2)}"
    written = [f"{labeler}-{product}-{package}", f"{eleven[:5]}-{eleven[5:9]}-{eleven[9:]}", eleven]
    written += [f"{labeler}-{product}", f" {labeler}-{product}-{package}\t"]
    assert [product_key(form) for form in written] == [key] * len(written)
    with pytest.raises(ValueError, match="three layouts"):
        product_key(f"{labeler}{product}{package}")  # 10 digits, no hyphens: the layout is unknown


@given(st.text("0123456789-", max_size=14))
def test_anything_else_is_refused_never_misread(text: str) -> None:
    segments = text.strip().split("-")
    lengths = tuple(len(part) for part in segments)
    readable = lengths in {*LAYOUTS, (5, 4, 2), (4, 4), (5, 3), (5, 4)} or ("-" not in text and len(text) in (9, 11))
    if readable:
        assert len(product_key(text)) == 9
    else:
        with pytest.raises(ValueError):
            product_key(text)


def test_lint_refuses_an_ndc_listed_by_two_topics(library_copy, run_cli) -> None:
    path = library_copy / "methocarbamol" / "topic.yaml"
    path.write_text(path.read_text().replace('ndc: "50090-4793"', 'ndc: "51525-5901"'), encoding="utf-8")
    code, stdout, _ = run_cli("lint", "--library", str(library_copy), "--today", "2026-11-27")
    assert code == 1
    assert "NDC 51525-5901 selects more than one topic (carisoprodol, methocarbamol)" in stdout
