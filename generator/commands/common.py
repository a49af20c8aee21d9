"""Shared by the commands: the generator over the chosen library and layouts, and staff warnings on stderr.

Heavy imports stay inside the commands so `handout --help` is instant.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.pipeline import Generator


def make_generator(args: argparse.Namespace) -> Generator:
    from generator.content.library import Library
    from generator.layouts import LayoutLibrary
    from generator.paths import layouts_root, library_root
    from generator.pipeline import Generator

    return Generator(Library(library_root(args.library)), LayoutLibrary(layouts_root(args.layouts)))


def print_warnings(warnings: tuple[tuple[str, str], ...], where: str) -> None:
    """Staff warnings on stderr, one line each, never silent."""
    for field, message in warnings:
        print(f"Warning: {where}: {field}: {message}", file=sys.stderr)
