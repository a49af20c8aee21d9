"""PDFium's functions the verifier calls for every object on a page, with handles as plain addresses.

pypdfium2's bindings type each handle (page, page object, structure element) as a pointer to
its own opaque struct, so every call checks the argument's type and every returned handle is a
new ctypes pointer object. A leaflet takes about 4,000 such calls; declared with the same
signature but handles as `c_void_p` (integers in, integers out), each costs about half. The
functions are the ones pypdfium2 loaded, at the same addresses: nothing else changes.
"""

from __future__ import annotations

import ctypes
from typing import Any

import pypdfium2.raw as pdfium_c


def _plain(kind: Any) -> Any:
    """`c_void_p` for a pointer to one of PDFium's opaque handle structs (fpdf_..._t__), else the type itself."""
    target = getattr(kind, "_type_", None)
    opaque = isinstance(target, type) and issubclass(target, ctypes.Structure) and target.__name__.endswith("_t__")
    return ctypes.c_void_p if opaque else kind


def _lean(name: str) -> Any:
    typed = getattr(pdfium_c, name)
    prototype = ctypes.CFUNCTYPE(_plain(typed.restype), *(_plain(kind) for kind in typed.argtypes))
    return prototype(ctypes.cast(typed, ctypes.c_void_p).value)


def address(handle: object) -> int:
    """The address behind a pypdfium2 handle (a page's `.raw`, a text page's `.raw`)."""
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


count_objects = _lean("FPDFPage_CountObjects")
get_object = _lean("FPDFPage_GetObject")
object_type = _lean("FPDFPageObj_GetType")
object_bounds = _lean("FPDFPageObj_GetBounds")
fill_color = _lean("FPDFPageObj_GetFillColor")
object_matrix = _lean("FPDFPageObj_GetMatrix")
marked_content_id = _lean("FPDFPageObj_GetMarkedContentID")
text_of = _lean("FPDFTextObj_GetText")
font_size = _lean("FPDFTextObj_GetFontSize")
render_mode = _lean("FPDFTextObj_GetTextRenderMode")
draw_mode = _lean("FPDFPath_GetDrawMode")
stroke_width = _lean("FPDFPageObj_GetStrokeWidth")
count_segments = _lean("FPDFPath_CountSegments")
get_segment = _lean("FPDFPath_GetPathSegment")
segment_point = _lean("FPDFPathSegment_GetPoint")
segment_type = _lean("FPDFPathSegment_GetType")
segment_close = _lean("FPDFPathSegment_GetClose")
element_role = _lean("FPDF_StructElement_GetType")
count_kids = _lean("FPDF_StructElement_CountChildren")
kid_element = _lean("FPDF_StructElement_GetChildAtIndex")
kid_mcid = _lean("FPDF_StructElement_GetChildMarkedContentID")
