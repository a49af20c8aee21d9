"""The content hash's canonical form: how a file is written changes nothing, what it prints changes it."""

from __future__ import annotations

import random
import unicodedata
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from generator.content.approvals import content_hash
from generator.errors import ContentError
from generator.yamlio import parse_data_text

WORDS = st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")), min_size=1, max_size=30).map(
    lambda text: unicodedata.normalize("NFC", text)
)
ITEMS = st.one_of(
    st.fixed_dictionaries({"text": WORDS}),
    st.fixed_dictionaries({"bullets": st.lists(WORDS, min_size=1, max_size=3)}),
    st.fixed_dictionaries({"warning": WORDS}, optional={"when": st.just("patient.age is none")}),
)
BLOCKS = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["overview", "how-to-take", "side-effects"]),
        "title": WORDS,
        "body": st.lists(ITEMS, min_size=1, max_size=4),
        "sources": st.lists(WORDS, min_size=1, max_size=2),
        "origin": st.sampled_from(["human", "machine"]),
        "checked": WORDS,
    },
    optional={"severity": st.sampled_from(["info", "caution", "warning"]), "required": st.booleans()},
)


def _shuffled(value: Any, rng: random.Random) -> Any:
    """The same data with every mapping's keys in another order."""
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {key: _shuffled(value[key], rng) for key in keys}
    if isinstance(value, list):
        return [_shuffled(item, rng) for item in value]
    return value


def _strings(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Where each printed string is (not under the metadata keys)."""
    if isinstance(value, dict):
        return [
            p
            for key, item in value.items()
            if key not in ("sources", "checked", "origin")
            for p in _strings(item, (*path, key))
        ]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in _strings(item, (*path, index))]
    return [path] if isinstance(value, str) else []


def _reread(data: dict[str, Any], rng: random.Random, style: str | None, flow: bool, indent: int) -> dict[str, Any]:
    text = yaml.safe_dump(
        _shuffled(data, rng), default_style=style, default_flow_style=flow, indent=indent, width=40, allow_unicode=True
    )
    return parse_data_text(text, "block.yaml", False, ContentError)


@given(
    BLOCKS,
    st.randoms(use_true_random=False),
    st.sampled_from([None, '"', "'"]),
    st.booleans(),
    st.sampled_from([2, 4]),
)
def test_written_another_way_same_hash(data, rng, style, flow, indent) -> None:
    assert content_hash(_reread(data, rng, style, flow, indent)) == content_hash(data)


@given(BLOCKS, WORDS)
def test_metadata_does_not_count(data, note) -> None:
    changed = {**data, "checked": note, "sources": [note], "origin": "machine"}
    assert content_hash(changed) == content_hash(data)


@given(BLOCKS)
def test_decomposed_unicode_same_hash(data) -> None:
    decomposed = yaml.safe_load(unicodedata.normalize("NFD", yaml.safe_dump(data, allow_unicode=True)))
    assert content_hash(decomposed) == content_hash(data)


@given(BLOCKS, st.data())
def test_any_printed_change_changes_the_hash(data, draw) -> None:
    path = draw.draw(st.sampled_from(_strings(data)))
    changed = yaml.safe_load(yaml.safe_dump(data))
    holder = changed
    for key in path[:-1]:
        holder = holder[key]
    new = draw.draw(WORDS.filter(lambda text: text != holder[path[-1]]))
    holder[path[-1]] = new
    assert content_hash(changed) != content_hash(data)
