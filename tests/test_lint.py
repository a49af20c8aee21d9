"""handout lint: each rule on a small library, and the shipped library passing cleanly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from generator.paths import library_root

BLOCK = {
    "kind": "overview",
    "title": "What is it?",
    "severity": "warning",
    "required": True,
    "must_say": ["Rest is not the best cure."],
    "body": [{"text": "Hello {{ patient.preferred_name }}."}, {"warning": "Rest is not the best cure."}],
    "sources": ["A checked source"],
    "origin": "human",
    "checked": "Checked by the test against its source on 2026-11-01",
}


@pytest.fixture
def small_library(tmp_path: Path) -> Path:
    """A clean one-topic library (non-drug) with English labels."""
    root = tmp_path / "lib"
    (root / "labels").mkdir(parents=True)
    shutil.copy(library_root() / "labels" / "en.yaml", root / "labels" / "en.yaml")
    (root / "demo").mkdir()
    _write(root / "demo" / "topic.yaml", {"title": "Demo", "content_version": "1", "blocks": ["overview"]})
    _write(root / "demo" / "overview.yaml", BLOCK)
    return root


def _write(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _block(**changes: object) -> dict:
    block = {**BLOCK, **changes}
    return {k: v for k, v in block.items() if v is not None}


def test_clean_small_library(run_cli, small_library) -> None:
    code, out, _ = run_cli("lint", "--library", str(small_library), "--today", "2026-11-25")
    assert code == 0, out
    assert "lint: 0 error(s), 0 warning(s)" in out
    assert "demo" in out and "FK grade" in out


HARD_TEXT = (
    "Pharmacological interventions necessitate comprehensive multidisciplinary consideration of "
    "contraindications, interactions, and idiosyncratic hypersensitivity manifestations."
)

MAOI = {"term": "MAO inhibitor", "words": {"en": {"uses": r"\bMAO inhibitors?\b", "explained_by": "phenelzine"}}}


def _terms(root: Path, *terms: dict) -> None:
    _write(root / "terms.yaml", {"terms": list(terms)})


def _two_blocks(root: Path, first: dict, second: dict) -> None:
    """A topic of two blocks: `first` (optional unless it says so), then the required `second`."""
    _write(root / "demo/topic.yaml", {"title": "Demo", "content_version": "1", "blocks": ["first", "overview"]})
    _write(root / "demo/first.yaml", first)
    _write(root / "demo/overview.yaml", second)


OPTIONAL = {"required": False, "must_say": None}

RULES = {
    "unknown-key": (
        lambda root: _write(root / "demo/overview.yaml", _block(colour="red")),
        "ERROR",
        "overview.yaml: colour: unknown field",
    ),
    "unused-block": (
        lambda root: _write(root / "demo/extra.yaml", _block()),
        "WARNING",
        "extra.yaml: block not used by any topic",
    ),
    "missing-block": (
        lambda root: _write(
            root / "demo/topic.yaml", {"title": "Demo", "content_version": "1", "blocks": ["overview", "gone"]}
        ),
        "ERROR",
        "topic.yaml: blocks: unknown block 'gone'",
    ),
    "template-syntax": (
        lambda root: _write(root / "demo/overview.yaml", _block(body=[*BLOCK["body"], {"text": "{{ patient.name "}])),
        "ERROR",
        "overview.yaml: body[2].text: template syntax error",
    ),
    "unknown-attribute": (
        lambda root: _write(root / "demo/overview.yaml", _block(title="Hi {{ patient.nam }}")),
        "ERROR",
        "overview.yaml: title: unknown template variable 'patient.nam'",
    ),
    "dose-in-a-non-drug-topic": (
        lambda root: _write(
            root / "demo/overview.yaml",
            _block(body=[*BLOCK["body"], {"bullets": ["Take {{ dose_text }}"], "when": "rx.taper"}]),
        ),
        "ERROR",
        "overview.yaml: body[2].bullets[0]: unknown template variable 'dose_text'",
    ),
    "required-without-must-say": (
        lambda root: _write(root / "demo/overview.yaml", _block(must_say=None)),
        "ERROR",
        "overview.yaml: a required block needs must_say sentences",
    ),
    "must-say-not-in-text": (
        lambda root: _write(root / "demo/overview.yaml", _block(must_say=["Rest is the best cure."])),
        "ERROR",
        "overview.yaml: must_say[0]: not found word for word in one item of the block",
    ),
    "missing-translation": (
        lambda root: (
            shutil.copy(library_root() / "labels/en.yaml", root / "labels/es.yaml"),
            _write(root / "demo/other.es.yaml", _block()),
        ),
        "ERROR",
        "overview.es.yaml: block 'overview' of topic 'demo' has no 'es' translation",
    ),
    "unknown-filter": (
        lambda root: _write(root / "demo/overview.yaml", _block(title="{{ patient.name | nosuch }}")),
        "ERROR",
        "overview.yaml: title: template syntax error: No filter named 'nosuch'",
    ),
    "when-fails-when-run": (
        lambda root: _write(
            root / "demo/overview.yaml", _block(body=[*BLOCK["body"], {"text": "x", "when": "patient.age > 'x'"}])
        ),
        "ERROR",
        "overview.yaml: body[2].when: when: template error",
    ),
    "wrong-key-at-run-time": (
        lambda root: _write(root / "demo/overview.yaml", _block(title="{{ patient['nam'] }}")),
        "ERROR",
        "overview.yaml: title: unknown template variable",
    ),
    "origin-missing": (
        lambda root: _write(root / "demo/overview.yaml", _block(origin=None)),
        "ERROR",
        "origin: missing required field",
    ),
    "origin-unknown": (
        lambda root: _write(root / "demo/overview.yaml", _block(origin="pharmacist")),
        "ERROR",
        "origin: input should be 'human' or 'machine'",
    ),
    "old-review-dates": (
        lambda root: _write(root / "demo/overview.yaml", _block(reviewed="2026-11-01")),
        "ERROR",
        "reviewed: unknown field",
    ),
    "no-sources": (
        lambda root: _write(root / "demo/overview.yaml", _block(sources=None)),
        "ERROR",
        "sources: missing required field",
    ),
    "unexplained-term": (
        lambda root: (
            _terms(root, MAOI),
            _write(root / "demo/overview.yaml", _block(body=[*BLOCK["body"], {"text": "Avoid MAO inhibitors."}])),
        ),
        "ERROR",
        "overview.yaml: body[2].text: 'MAO inhibitor' is first used here without its explanation",
    ),
    "term-explained-only-in-an-optional-block": (
        lambda root: (
            _terms(root, MAOI),
            _two_blocks(
                root,
                _block(**OPTIONAL, body=[{"text": "MAO inhibitors, such as phenelzine."}]),
                _block(body=[*BLOCK["body"], {"text": "Avoid MAO inhibitors."}]),
            ),
        ),
        "ERROR",
        "overview.yaml: body[2].text: 'MAO inhibitor' is first used among the blocks every layout prints here",
    ),
    "term-with-a-bad-pattern": (
        lambda root: _terms(root, {"term": "x", "words": {"en": {"uses": "(", "explained_by": "y"}}}),
        "ERROR",
        "terms.yaml: terms[0].words.en.uses: not a valid regular expression",
    ),
    "term-without-a-language": (
        lambda root: (
            shutil.copy(library_root() / "labels/es.yaml", root / "labels/es.yaml"),
            _write(root / "demo/topic.es.yaml", {"title": "Demo"}),
            _write(root / "demo/overview.es.yaml", _block()),
            _terms(root, MAOI),
        ),
        "WARNING",
        "terms.yaml: terms[0] (MAO inhibitor): no 'es' words, not checked",
    ),
    "must-say-in-two-blocks": (
        lambda root: _two_blocks(root, _block(**OPTIONAL, body=[{"text": "Rest is not the best cure."}]), BLOCK),
        "ERROR",
        "overview.yaml: must_say[0]: also in first.yaml of the same topic",
    ),
    "hard-reading": (
        lambda root: _write(
            root / "demo/overview.yaml",
            _block(
                body=[
                    *BLOCK["body"],
                    {"text": HARD_TEXT},
                ]
            ),
        ),
        "WARNING",
        "demo/overview (en): reading grade",
    ),
}


@pytest.mark.parametrize("rule", RULES.values(), ids=RULES.keys())
def test_rule(run_cli, small_library, rule) -> None:
    change, level, expected = rule
    change(small_library)
    code, out, _ = run_cli("lint", "--library", str(small_library), "--today", "2026-11-25")
    lines = [line for line in out.splitlines() if line.startswith(f"{level}: ") and expected in line]
    assert lines, out
    assert code == (1 if level == "ERROR" else 0), out


@pytest.mark.parametrize(
    "text",
    [
        "MAO inhibitors, such as phenelzine, are medicines for depression.",
        "Some medicines for depression (such as phenelzine) are MAO inhibitors.",
    ],
)
def test_explained_term_passes(run_cli, small_library, text) -> None:
    _terms(small_library, MAOI)
    _write(small_library / "demo/overview.yaml", _block(body=[*BLOCK["body"], {"text": text}, {"text": "No MAOIs."}]))
    code, out, _ = run_cli("lint", "--library", str(small_library), "--today", "2026-11-25")
    assert code == 0, out
    assert "lint: 0 error(s), 0 warning(s)" in out


def test_term_in_a_title_explained_just_below(run_cli, small_library) -> None:
    _terms(small_library, MAOI)
    body = [{"text": "They are medicines such as phenelzine."}, {"warning": "Rest is not the best cure."}]
    _write(small_library / "demo/overview.yaml", _block(title="What are MAO inhibitors?", body=body))
    code, out, _ = run_cli("lint", "--library", str(small_library), "--today", "2026-11-25")
    assert code == 0, out


def test_max_grade_makes_reading_level_an_error(run_cli, small_library) -> None:
    code, out, _ = run_cli("lint", "--library", str(small_library), "--today", "2026-11-25", "--max-grade", "0.5")
    assert code == 1
    assert "ERROR: demo/overview (en): reading grade" in out and "above --max-grade 0.5" in out


def test_shipped_library_passes_cleanly(run_cli) -> None:
    code, out, _ = run_cli("lint", "--today", "2026-11-27")
    assert code == 0, out
    assert "lint: 0 error(s), 0 warning(s)" in out, out


def test_a_language_textstat_does_not_know(run_cli, small_library) -> None:
    shutil.copy(library_root() / "labels" / "es.yaml", small_library / "labels" / "vi.yaml")
    labels = yaml.safe_load((small_library / "labels" / "vi.yaml").read_text(encoding="utf-8"))
    labels.update(language_name="Tiếng Việt", locale="vi_VN")
    _write(small_library / "labels" / "vi.yaml", labels)
    _write(small_library / "demo" / "overview.vi.yaml", _block())
    _write(small_library / "demo" / "topic.vi.yaml", {"title": "Thử nghiệm"})
    code, out, _ = run_cli("lint", "--library", str(small_library), "--today", "2026-11-25")
    assert code == 0, out
    assert "vi" in out


def test_schedule_items_need_a_guard_for_the_generic_leaflet(run_cli, library_copy, edit_block) -> None:
    def unguard(block: dict) -> None:
        del block["body"][1]["when"]  # "Take {{ first_step.how_much }} ..." without `when: schedule is defined`

    edit_block("methocarbamol/how-to-take", unguard)
    code, out, _ = run_cli("lint", "--library", str(library_copy), "--today", "2026-11-27")
    assert code == 1
    assert "how-to-take.yaml: generic leaflet (no prescription): body[1]" in out
    assert "first_step" in out
