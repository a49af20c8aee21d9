"""`handout verify FILE` without --patient: the language-help notice, when the clinic is known.

The notice's lines say the clinic's phone in the languages the clinic lists, so they can be checked only against
a clinic: --clinic's, else the config file's (--config, $HANDOUT_CONFIG). Without either, the built-in sample
clinic is a guess a real clinic's leaflet would fail, so the notice is not checked and verify says so. Which lines
a leaflet prints depends on its layout (generator.layouts: `every`, `short`, `full-leaflet`): --layout's, else
only the lines every layout that could have made the pages prints (a one-page leaflet, whose notice is left to the
full leaflet, is held to none).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.pipeline import Generator
    from generator.verify import Expected
    from generator.verify.reader import Page

NOT_CHECKED = "Language-help notice: not checked (no --clinic or config file names the clinic whose phone it says)"


def notice_expectations(
    args: argparse.Namespace, generator: Generator, pages: list[Page] | None, language: str
) -> list[Expected] | None:
    """The notice lines the leaflet must show (see the module), or None when no clinic is known."""
    from generator.commands.verify import could_have_made
    from generator.content.language_help import notice_lines
    from generator.errors import InputError
    from generator.inputs.personalisation import read_clinic
    from generator.paths import config_path
    from generator.verify.expect import language_help_expectations
    from generator.yamlio import load_mapping

    source = Path(args.clinic) if args.clinic else config_path(args.config)
    if source is None or (not args.clinic and "clinic" not in load_mapping(source, InputError)):
        return None  # a config file of mail settings only names no clinic
    clinic = read_clinic(source)
    names = [args.layout] if args.layout else generator.layouts.names()
    layouts = [generator.layout(name) for name in names]
    fitting = [layout for layout in layouts if args.layout or could_have_made(layout, pages, 0)] or layouts
    printed = [notice_lines(generator.library.root, clinic, language, layout.language_help) for layout in fitting]
    common = [line for line in printed[0] if all(line in lines for lines in printed[1:])]
    return language_help_expectations(common)
