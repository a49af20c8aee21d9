"""Reading YAML and JSON text strictly: one meaning per text, bounded size and depth.

YAML goes through `StrictLoader`, a PyYAML SafeLoader subclass that resolves only
scalars YAML 1.1 and YAML 1.2 read the same way:

- whole numbers in plain decimal without a leading zero (`14`, `-3`); `010`, `0x10`,
  `0o10`, `+3` and `1_000` stay text;
- decimals with digits on both sides of the point (`37.5`); `1e3`, `.5`, `.inf` stay text;
- `true` and `false`; `yes`, `no`, `on`, `off` stay text;
- `null`, `~` and an empty value are null; dates stay text (the schemas read YYYY-MM-DD).

Duplicate keys, keys that are not text, aliases (`*name`), merge keys and tags other
than the core ones are errors; nesting deeper than `MAX_DEPTH` is refused while the
document is composed, before any recursion gets deep. JSON: nesting is bounded by a
scan before parsing, duplicate keys are errors, NaN and Infinity are refused.

A number too long to be a count or a dose (more than `MAX_DIGITS` digits, or beyond
the float range) is read as a `BadNumber`, which every schema field refuses with an
error naming the field, so no oversized number ever reaches `int()` or `float()`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import AliasEvent, CollectionStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode
from yaml.resolver import Resolver

try:
    from yaml.cyaml import CParser
except ImportError:  # PyYAML built without libyaml: the pure-Python parser reads the same
    CParser = None

from generator.content.schema import describe_location

MAX_DEPTH = 16
"""Deepest nesting of lists and mappings a data file may have (a patient file needs 4)."""
MAX_DIGITS = 18
"""Longest number read as a number; longer ones become BadNumber."""
_WHOLE = re.compile(r"-?(?:0|[1-9][0-9]*)")
_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)\.[0-9]+")
_TOO_MANY_DIGITS = f"number too large (more than {MAX_DIGITS} digits)"
_KEY_SHOWN = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,40}")
_STR, _INT, _FLOAT, _BOOL, _NULL = (f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null"))


@dataclass(frozen=True)
class BadNumber:
    """A number written in the data that is too large to read; schemas refuse it."""

    reason: str = "number too large"


class DataError(ValueError):
    """Data that breaks a reading rule; `field` is the dotted path when known, `line` when known."""

    def __init__(self, message: str, field: str = "", line: int | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.line = line


def _number(text: str, pattern: re.Pattern[str], kind: type) -> int | float | BadNumber:
    if not pattern.fullmatch(text):
        raise ValueError("not a plain decimal number")
    if kind is float:
        return exact_decimal(text)
    digits = sum(ch.isdigit() for ch in text)
    if digits > MAX_DIGITS:
        return BadNumber(_TOO_MANY_DIGITS)
    return kind(text)


def exact_decimal(text: str) -> float | BadNumber:
    """The value of a decimal number written as `text`, only when a float holds exactly what was written:
    `350.000000000000001` is not 350, and would print as 350. `text` is a number Python's float() reads."""
    if len(text) > 4 * MAX_DIGITS:
        return BadNumber(f"number too long (more than {4 * MAX_DIGITS} characters)")
    written = Decimal(text)
    if abs(written) >= 10**MAX_DIGITS:
        return BadNumber(_TOO_MANY_DIGITS)
    value = float(text)
    if Decimal(repr(value)) != written:
        return BadNumber("more digits after the point than can be read exactly")
    return value


class _StrictRules:
    """How nodes are composed and scalars built, whichever parser produces the events."""

    _path: list[str | int]

    def compose_node(self, parent: Node | None, index: object) -> Node | None:
        """Compose one node, refusing aliases and over-deep nesting first, then duplicate or non-text keys."""
        event = self.peek_event()  # type: ignore[attr-defined]
        if isinstance(index, ScalarNode):
            self._path.append(index.value if _KEY_SHOWN.fullmatch(index.value) else "(key)")
        elif isinstance(index, int):
            self._path.append(index)
        try:
            if isinstance(event, AliasEvent):
                raise self._error("aliases (*name) are not allowed in data files", event.start_mark)
            if isinstance(event, CollectionStartEvent) and len(self._path) >= MAX_DEPTH:
                # name the fields around it, not a path of many indexes
                raise self._error(f"nested deeper than {MAX_DEPTH} levels", event.start_mark, self._path[:3])
            node = super().compose_node(parent, index)  # type: ignore[misc]
            if isinstance(node, MappingNode):
                self._check_keys(node)
            return node
        finally:
            if isinstance(index, (ScalarNode, int)):
                self._path.pop()

    def _check_keys(self, node: MappingNode) -> None:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag != _STR:
                raise self._error("keys must be text", key_node.start_mark)
            if key_node.value in seen:
                key = key_node.value if _KEY_SHOWN.fullmatch(key_node.value) else "(key)"
                raise self._error("given twice", key_node.start_mark, [*self._path, key])
            seen.add(key_node.value)

    def _error(self, message: str, mark: yaml.Mark, path: list[str | int] | None = None) -> DataError:
        return DataError(message, describe_location(tuple(self._path if path is None else path)), mark.line + 1)

    def construct_strict_int(self, node: ScalarNode) -> int | BadNumber:
        """`!!int`: plain decimal only (never octal, hex or sexagesimal)."""
        try:
            return _number(self.construct_scalar(node), _WHOLE, int)  # type: ignore[attr-defined]
        except ValueError:
            raise ConstructorError(None, None, "not a plain decimal whole number", node.start_mark) from None

    def construct_strict_float(self, node: ScalarNode) -> float | BadNumber:
        """`!!float`: plain decimal with digits on both sides of the point."""
        text = self.construct_scalar(node)  # type: ignore[attr-defined]
        try:
            return _number(text, _DECIMAL if "." in text else _WHOLE, float)
        except ValueError:
            raise ConstructorError(None, None, "not a plain decimal number", node.start_mark) from None

    def construct_strict_bool(self, node: ScalarNode) -> bool:
        """`!!bool`: true or false only (never yes, no, on or off)."""
        text = self.construct_scalar(node)  # type: ignore[attr-defined]
        if text.lower() not in ("true", "false") or text not in (text.lower(), text.title(), text.upper()):
            raise ConstructorError(None, None, "not true or false", node.start_mark)
        return text.lower() == "true"


class StrictLoader(_StrictRules, yaml.SafeLoader):
    """SafeLoader with only unambiguous scalars, unique text keys, no aliases, bounded depth (pure Python)."""

    yaml_implicit_resolvers: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    yaml_constructors: dict[Any, Any] = {}

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._path = []


StrictLoader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
StrictLoader.add_implicit_resolver(_INT, re.compile(rf"^{_WHOLE.pattern}$"), list("-0123456789"))
StrictLoader.add_implicit_resolver(_FLOAT, re.compile(rf"^{_DECIMAL.pattern}$"), list("-0123456789"))
StrictLoader.add_implicit_resolver(_NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
for _tag, _construct in (
    (_STR, yaml.SafeLoader.construct_yaml_str),
    (_NULL, yaml.SafeLoader.construct_yaml_null),
    ("tag:yaml.org,2002:seq", yaml.SafeLoader.construct_yaml_seq),
    ("tag:yaml.org,2002:map", yaml.SafeLoader.construct_yaml_map),
    (_INT, StrictLoader.construct_strict_int),
    (_FLOAT, StrictLoader.construct_strict_float),
    (_BOOL, StrictLoader.construct_strict_bool),
    (None, yaml.SafeLoader.construct_undefined),
):
    StrictLoader.add_constructor(_tag, _construct)


if CParser is not None:

    class StrictCLoader(_StrictRules, Composer, CParser, SafeConstructor, Resolver):
        """StrictLoader over libyaml's events: the same composer and rules in Python, scanning and parsing in C.

        libyaml parses without recursion, so the depth limit still applies before anything deep is built.
        """

        yaml_implicit_resolvers = StrictLoader.yaml_implicit_resolvers
        yaml_constructors = StrictLoader.yaml_constructors

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            self._path = []


def _load_with(loader_class: type[Any], text: str) -> Any:
    loader = loader_class(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def load_yaml(text: str, fast: bool = False) -> Any:
    """Parse YAML text strictly; raises DataError or yaml.YAMLError, both with a line.

    With `fast`, well-formed text is read through libyaml's parser (about 8 times faster)
    when PyYAML has it. libyaml reads a few odd texts otherwise than PyYAML (a BOM inside
    the text, a bare `!` tag, a comment glued to a block scalar's `|`), so it is used only
    for the library's own files (content and layouts); patient, clinic and config files are
    always read by the pure-Python `StrictLoader`. Text libyaml refuses for any reason is
    read again by `StrictLoader`, so a refusal is worded and located as it always was.
    """
    if fast and CParser is not None:
        try:
            return _load_with(StrictCLoader, text)
        except (DataError, yaml.YAMLError):
            pass
    return _load_with(StrictLoader, text)


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}:,]')


@dataclass
class _Frame:
    """An open JSON container while scanning: its keys so far, or its current index."""

    is_object: bool
    keys: set[str]
    current: str | int | None = None


def _scan_json(text: str) -> DataError | None:
    """Check nesting depth (raised at once) and find a duplicate key (returned) without parsing.

    Only structure tokens and strings are looked at, with one C regex, so a hostile
    text costs linear time and no recursion.
    """
    stack: list[_Frame] = []
    pending_key: str | None = None
    duplicate: DataError | None = None
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            if len(stack) >= MAX_DEPTH:
                where = _json_path(stack[:3])  # the fields around it, not a path of many indexes
                raise DataError(f"nested deeper than {MAX_DEPTH} levels", where, _line(text, match.start()))
            stack.append(_Frame(token == "{", set(), None if token == "{" else 0))
        elif token in "]}":
            if stack:
                stack.pop()
        elif token == ",":
            if stack:
                top = stack[-1]
                top.current = None if top.is_object else int(top.current or 0) + 1
        elif token == ":" and stack and stack[-1].is_object and pending_key is not None:
            top = stack[-1]
            top.current = pending_key
            if pending_key in top.keys and duplicate is None:
                duplicate = DataError("given twice", _json_path(stack), _line(text, match.start()))
            top.keys.add(pending_key)
        pending_key = _decode(token) if token.startswith('"') else None
    return duplicate


def _decode(token: str) -> str | None:
    try:
        return str(json.loads(token))
    except ValueError:
        return None


def _json_path(stack: list[_Frame]) -> str:
    parts: list[str | int] = []
    for frame in stack:
        if frame.current is None:
            break
        shown = isinstance(frame.current, int) or _KEY_SHOWN.fullmatch(frame.current)
        parts.append(frame.current if shown else "(key)")
    return describe_location(tuple(parts))


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _json_int(literal: str) -> int | BadNumber:
    return BadNumber(_TOO_MANY_DIGITS) if len(literal.lstrip("-")) > MAX_DIGITS else int(literal)


def _json_constant(name: str) -> BadNumber:
    return BadNumber("not a finite number (NaN or Infinity)")


def load_json(text: str) -> Any:
    """Parse JSON text strictly; raises DataError (depth, duplicates) or json.JSONDecodeError."""
    duplicate = _scan_json(text)
    data = json.loads(text, parse_int=_json_int, parse_float=exact_decimal, parse_constant=_json_constant)
    if duplicate is not None:
        raise duplicate
    return data
