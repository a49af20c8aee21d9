"""Reading YAML/JSON data files strictly (see generator.inputs.strictdata), with errors that name the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from generator.errors import ContentError, HandoutError, LayoutError
from generator.inputs.strictdata import DataError, load_json, load_yaml

_LIBRARY_ERRORS = (ContentError, LayoutError)
MAX_FILE_BYTES = 1024 * 1024
"""Largest data file read (a patient file is well under 1 KiB)."""


def read_text(path: Path, error: type[HandoutError]) -> str:
    """The UTF-8 text of a data file of at most MAX_FILE_BYTES; `error` names the file otherwise."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise error(f"{path}: file not found") from None
    except OSError as exc:
        raise error(f"{path}: cannot read file ({exc.strerror or exc.__class__.__name__})") from None
    if len(data) > MAX_FILE_BYTES:
        raise error(f"{path}: larger than {MAX_FILE_BYTES // 1024} KiB; not a data file this tool reads")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise error(f"{path}: not UTF-8 text") from None


def parse_data_text(text: str, where: str, is_json: bool, error: type[HandoutError]) -> Any:
    """Parse JSON or YAML text strictly; `error` names `where`, the line and the field when known.

    The library's own files (those whose problems are ContentError or LayoutError) are read
    with libyaml's parser; input files (patient, clinic, config) with the pure-Python one.
    """
    try:
        return load_json(text) if is_json else load_yaml(text, fast=issubclass(error, _LIBRARY_ERRORS))
    except DataError as exc:
        place = f"{where}:{exc.line}" if exc.line else where
        field = f"{exc.field}: " if exc.field else ""
        raise error(f"{place}: {field}{exc}", ((exc.field, str(exc)),) if exc.field else ()) from None
    except json.JSONDecodeError as exc:
        raise error(f"{where}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        place = f"{where}:{mark.line + 1}" if mark else where
        strict = isinstance(exc, (yaml.composer.ComposerError, yaml.constructor.ConstructorError))
        raise error(f"{place}: {'' if strict else 'invalid YAML: '}{exc.problem}") from None
    except yaml.YAMLError as exc:
        raise error(f"{where}: invalid YAML: {str(exc).splitlines()[0]}") from None


def load_data_file(path: Path, error: type[HandoutError]) -> Any:
    """Load a YAML or JSON (by suffix) file strictly; raise `error` naming the file on failure."""
    return parse_data_text(read_text(path, error), str(path), path.suffix.lower() == ".json", error)


def load_mapping(path: Path, error: type[HandoutError]) -> dict[str, Any]:
    """Load a data file whose top level must be a mapping."""
    data = load_data_file(path, error)
    if not isinstance(data, dict):
        raise error(f"{path}: expected a mapping at the top level, got {type(data).__name__}")
    return data
