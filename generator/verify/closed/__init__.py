"""The closed world: a finished PDF may use only what the generator itself writes.

The verifier reads text and positions with PDFium, and PDFium believes a text layer (ToUnicode,
ActualText) that can say one thing while the glyphs draw another, and draws what many PDF features
(clipping, layers, masks, transfer functions, annotations, page boxes, incremental updates) hide.
So before the page is read, the file itself is held to what the generator emits:

- `document`: the file's structure (one revision, the catalog, page dictionaries and boxes, resources);
- `content`: every statement of every page's content stream is one the generator writes;
- `fonts` and `faces`: each embedded font is a subset of a face the generator embeds, glyph for glyph,
  and its text layer names exactly the characters those glyphs are (so the text PDFium reads is what
  is drawn);
- `spans`: ActualText only where the generator writes it, saying what its glyphs are (HarfBuzz shaping).
"""

from generator.verify.closed.document import check_file

__all__ = ["check_file"]
