"""Reading YAML/JSON data files safely, with errors that name the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from generator.errors import HandoutError


def load_data_file(path: Path, error: type[HandoutError]) -> Any:
    """Load a YAML (safe loader) or JSON file; raise `error` naming the file on failure."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read file ({exc.__class__.__name__})") from None
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise error(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise error(f"{where}: invalid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise error(f"{path}: invalid YAML: {str(exc).splitlines()[0]}") from None


def load_mapping(path: Path, error: type[HandoutError]) -> dict[str, Any]:
    """Load a data file whose top level must be a mapping."""
    data = load_data_file(path, error)
    if not isinstance(data, dict):
        raise error(f"{path}: expected a mapping at the top level, got {type(data).__name__}")
    return data
