"""The file's structure must be the generator's: one revision, its catalog, pages, boxes and resources."""

from __future__ import annotations

import io

import pikepdf

from generator.verify.closed.boxes import drawn_boxes
from generator.verify.closed.content import actual_texts, unknown_statement
from generator.verify.closed.fonts import DrawnFont, prove_font
from generator.verify.closed.spans import span_problem

CATALOG_KEYS = frozenset(
    {"/Type", "/Pages", "/ViewerPreferences", "/Lang", "/PageMode", "/StructTreeRoot", "/Metadata", "/MarkInfo"}
)
"""What the generator's catalog holds: no actions, JavaScript, forms, layers (/OCProperties) or outlines."""
PAGE_KEYS = frozenset(
    {"/Type", "/Parent", "/Contents", "/Resources", "/MediaBox", "/Rotate", "/Trans", "/Tabs", "/StructParents"}
)
"""What its pages hold: no annotations, actions, other page boxes, /UserUnit or transparency groups."""
RESOURCE_KEYS = frozenset({"/Font", "/ProcSet", "/XObject"})
"""No extended graphics states, shadings, patterns, colour spaces or marked-content properties."""
PAPERS = frozenset({(612.0, 792.0), (595.2756, 841.8898)})
"""Letter and A4, in points (either way up)."""
_PAPER_SLACK = 0.01


def check_file(data: bytes, password: str | None = None) -> list[str]:
    """Every way the file steps outside what the generator writes, each naming the page and the feature;
    empty when it is all the generator's. A file that cannot be read is left to the page reader to say."""
    try:
        pdf = pikepdf.open(io.BytesIO(data), password=password or "")
    except (pikepdf.PdfError, pikepdf.PasswordError, ValueError):
        return []
    with pdf:
        found = []
        if data.count(b"startxref") > 1:
            found.append("the file was changed after it was made (an incremental update adds to it)")
        found += [f"the document has {key}, which the generator never writes" for key in _extra(pdf.Root, CATALOG_KEYS)]
        proven: dict[tuple[int, int], DrawnFont | str] = {}  # the pages share their fonts: each proven once
        for number, page in enumerate(pdf.pages, 1):
            found += [f"page {number}: {problem}" for problem in _page_problems(page, proven)]
        return found


def _extra(dictionary: pikepdf.Dictionary, allowed: frozenset[str]) -> list[str]:
    return sorted(set(dictionary.keys()) - allowed)


def _page_problems(page: pikepdf.Page, proven: dict[tuple[int, int], DrawnFont | str]) -> list[str]:
    found = [f"{key}, which the generator never writes" for key in _extra(page.obj, PAGE_KEYS)]
    found += _box_problems(page.obj)
    resources = page.obj.get("/Resources", pikepdf.Dictionary())
    found += [f"resources of kind {key}, which the generator never uses" for key in _extra(resources, RESOURCE_KEYS)]
    for name, image in resources.get("/XObject", pikepdf.Dictionary()).items():
        if image.get("/Subtype") != "/Image":
            found.append(f"an XObject {name} that is not an image")
    fonts: dict[str, DrawnFont] = {}
    for name, font in resources.get("/Font", pikepdf.Dictionary()).items():
        if font.objgen not in proven or font.objgen == (0, 0):
            proven[font.objgen] = prove_font(font)
        result = proven[font.objgen]
        if isinstance(result, str):
            found.append(f"font {name}: {result}")
        else:
            fonts[name] = result
    stream = _content(page)
    unknown = unknown_statement(stream)
    if unknown is not None:
        return [*found, f"the content uses {unknown}"]
    for actual_text, text_object in actual_texts(stream):
        problem = span_problem(actual_text, text_object, fonts)
        if problem:
            found.append(problem)
    found += [f"font {name}: an empty box drawn for a character its face lacks" for name in drawn_boxes(stream, fonts)]
    return found


def _box_problems(page: pikepdf.Dictionary) -> list[str]:
    try:
        rotate = int(page.get("/Rotate", 0))
        box = [float(value) for value in page.MediaBox]
    except (AttributeError, TypeError, ValueError):
        return ["a page box or rotation the generator never writes"]
    found = [] if rotate == 0 else ["the page is rotated (/Rotate)"]
    if len(box) != 4 or box[0] != 0 or box[1] != 0:
        return [*found, "the page box (MediaBox) does not start at the page's corner"]
    size = (min(box[2:]), max(box[2:]))
    if not any(abs(size[0] - paper[0]) < _PAPER_SLACK and abs(size[1] - paper[1]) < _PAPER_SLACK for paper in PAPERS):
        found.append("the page box (MediaBox) is not a paper size the generator makes (letter or A4)")
    return found


def _content(page: pikepdf.Page) -> bytes:
    """The page's content streams, joined as PDF readers join them."""
    contents = page.obj.get("/Contents")
    if isinstance(contents, pikepdf.Stream):
        return contents.read_bytes()
    streams = contents if isinstance(contents, pikepdf.Array) else []
    return b"\n".join(stream.read_bytes() for stream in streams)
