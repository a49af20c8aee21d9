"""Where the built-in content, layouts and samples live, in a checkout or an installed wheel."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
LIBRARY_ENV = "HANDOUT_LIBRARY"
LAYOUTS_ENV = "HANDOUT_LAYOUTS"
CONFIG_ENV = "HANDOUT_CONFIG"
SAMPLES = PACKAGE / "samples"


def _bundled(name: str) -> Path:
    installed = PACKAGE / "_data" / name
    return installed if installed.is_dir() else PACKAGE.parent / name


def builtin_root(name: str) -> Path:
    """This installation's built-in `handouts` (content) or `layouts` folder."""
    return _bundled(name)


def library_root(option: str | None = None) -> Path:
    """The content library: --library, else $HANDOUT_LIBRARY, else the built-in one."""
    chosen = option or os.environ.get(LIBRARY_ENV)
    return Path(chosen) if chosen else _bundled("handouts")


def layouts_root(option: str | None = None) -> Path:
    """The layout profiles: --layouts, else $HANDOUT_LAYOUTS, else the built-in ones."""
    chosen = option or os.environ.get(LAYOUTS_ENV)
    return Path(chosen) if chosen else _bundled("layouts")


def config_path(option: str | None = None) -> Path | None:
    """The clinic config file: --config, else $HANDOUT_CONFIG, else none."""
    chosen = option or os.environ.get(CONFIG_ENV)
    return Path(chosen) if chosen else None
