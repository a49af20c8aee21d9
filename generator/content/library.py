"""The content library: topics and their blocks, loaded from YAML and validated."""

from __future__ import annotations

from pathlib import Path

from generator.content.block import Block
from generator.content.directions import check_directions
from generator.content.schema import parse_model
from generator.content.topic import Topic, TopicWords
from generator.errors import ContentError
from generator.names import is_language, is_name
from generator.paths import SAMPLES
from generator.render.direction import is_right_to_left
from generator.yamlio import load_mapping

DEFAULT_LANGUAGE = "en"
SHARED_FOLDER = "shared"
TOPIC_FILE = "topic.yaml"
SAMPLE_FILE = "sample.yaml"


class Library:
    """A folder of topics (one sub-folder each) and shared blocks, parsed once and cached."""

    def __init__(self, root: Path) -> None:
        if not root.is_dir():
            raise ContentError(f"{root}: content library folder not found")
        self.root = root
        self._topics: dict[str, Topic] = {}
        self._blocks: dict[tuple[str, str, str], Block] = {}
        self._languages: dict[str, tuple[str, ...]] = {}

    def topic_names(self) -> list[str]:
        """Names of the topics in the library, sorted."""
        return sorted(p.parent.name for p in self.root.glob(f"*/{TOPIC_FILE}"))

    def topic_path(self, name: str) -> Path:
        """The topic file of `name`, or a ContentError listing the known topics."""
        path = self.root / name / TOPIC_FILE
        if not is_name(name) or not path.is_file():
            known = ", ".join(self.topic_names()) or "none"
            raise ContentError(f"unknown topic '{name}' in {self.root} (known: {known})")
        return path

    def find_topic(self, name: str) -> str | None:
        """The topic a name means: a topic's own name, or a name of its medicine (generic, brand, a product's)."""
        wanted = name.strip().casefold()
        if is_name(wanted) and (self.root / wanted / TOPIC_FILE).is_file():
            return wanted
        for topic_name in self.topic_names():
            if wanted in {name.casefold() for name in self.topic(topic_name).medicine_names()}:
                return topic_name
        return None

    def topic(self, name: str) -> Topic:
        """The parsed topic `name` (parsed once)."""
        if name not in self._topics:
            path = self.topic_path(name)
            self._topics[name] = parse_model(Topic, load_mapping(path, ContentError), str(path), ContentError)
        return self._topics[name]

    def topic_words(self, name: str, language: str) -> TopicWords:
        """The title, subtitle, as-needed reasons and product names of topic `name` in `language`."""
        topic = self.topic(name)
        if language == DEFAULT_LANGUAGE:
            reasons = {key: reason.says for key, reason in topic.as_needed_reasons.items()}
            products = {product.key: product.says for product in topic.products}
            return TopicWords(title=topic.title, subtitle=topic.subtitle, as_needed_reasons=reasons, products=products)
        path = self.topic_path(name).with_name(f"topic.{language}.yaml")
        if not path.is_file():
            raise ContentError(f"{path}: topic '{name}' has no '{language}' translation of its title")
        words = parse_model(TopicWords, load_mapping(path, ContentError), str(path), ContentError)
        if set(words.as_needed_reasons) != set(topic.as_needed_reasons):
            wanted = ", ".join(sorted(topic.as_needed_reasons)) or "none"
            raise ContentError(f"{path}: as_needed_reasons: give the words of the topic's reasons ({wanted})")
        if set(words.products) != {product.key for product in topic.products}:
            wanted = ", ".join(sorted(product.key for product in topic.products)) or "none"
            raise ContentError(f"{path}: products: give the words of the topic's products ({wanted})")
        return words

    def block_path(self, topic: str, ref: str, language: str) -> Path:
        """Where block `ref` of `topic` lives in `language` (English has no suffix)."""
        folder = self.root / SHARED_FOLDER if ref.startswith(SHARED_FOLDER + "/") else self.root / topic
        name = ref.split("/", 1)[1] if ref.startswith(SHARED_FOLDER + "/") else ref
        suffix = ".yaml" if language == DEFAULT_LANGUAGE else f".{language}.yaml"
        return folder / f"{name}{suffix}"

    def block(self, topic: str, ref: str, language: str) -> Block:
        """The parsed block `ref` of `topic` in `language` (parsed once)."""
        key = (topic, ref, language)
        if key not in self._blocks:
            self._blocks[key] = self._load_block(topic, ref, language)
        return self._blocks[key]

    def _load_block(self, topic: str, ref: str, language: str) -> Block:
        path = self.block_path(topic, ref, language)
        if not path.is_file():
            if language != DEFAULT_LANGUAGE and self.block_path(topic, ref, DEFAULT_LANGUAGE).is_file():
                raise ContentError(f"{path}: block '{ref}' has no '{language}' translation")
            raise ContentError(f"{self.topic_path(topic)}: blocks: unknown block '{ref}' ({path} not found)")
        return load_block(path, language)

    def sample_path(self, topic: str) -> Path | None:
        """The topic's sample input (`sample.yaml` beside `topic.yaml`), if it has one."""
        path = self.topic_path(topic).with_name(SAMPLE_FILE)
        return path if path.is_file() else None

    def sample_input(self, topic: str) -> Path:
        """The topic's sample input, else the built-in sample patient (for topics without a prescription)."""
        return self.sample_path(topic) or SAMPLES / "patient.yaml"

    def blocks(self, topic: str, language: str) -> list[Block]:
        """Every block of `topic` in `language`, in the topic's order."""
        return [self.block(topic, ref, language) for ref in self.topic(topic).blocks]

    def block_kinds(self) -> set[str]:
        """Every block kind some topic of the library has."""
        return {b.kind for name in self.topic_names() for b in self.blocks(name, DEFAULT_LANGUAGE)}

    def has_any_block_in(self, topic: str, language: str) -> bool:
        """Whether at least one block of `topic` exists in `language` (complete or not); a code that is not a
        language code is no language of any topic, without a look at the disk."""
        refs = self.topic(topic).blocks
        return is_language(language) and any(self.block_path(topic, ref, language).is_file() for ref in refs)

    def languages(self, topic: str) -> list[str]:
        """Languages in which every block of `topic` exists (looked up once: the web server asks per request)."""
        if topic not in self._languages:
            refs = self.topic(topic).blocks
            found = {DEFAULT_LANGUAGE}
            for path in (self.root / topic).glob("*.*.yaml"):
                found.add(path.suffixes[-2].lstrip("."))
            complete = (lang for lang in found if all(self.block_path(topic, r, lang).is_file() for r in refs))
            self._languages[topic] = tuple(sorted(complete))
        return list(self._languages[topic])


def load_block(path: Path, language: str) -> Block:
    """The block in file `path`, written in `language`, parsed and checked (a ContentError naming the file)."""
    block = parse_model(Block, load_mapping(path, ContentError), str(path), ContentError)
    if is_right_to_left(language):
        check_directions(block, str(path))
    return block
