"""Tagged PDF (PDF/UA-1) for ReportLab flowables: marked content while drawing, a structure tree after.

How to tag what a flowable draws (see generator/render/flowables.py for every case):

    heading = tag(Text(title, styles.heading), "H2")          # a role: H1, H2, P, ...
    note = tag(WholeParagraph(text, styles.body), "P")
    bullets = tag_list([WholeParagraph(t, styles.bullet, bulletText="\u2022") for t in texts])
                                                                # L > LI > Lbl (the bullet) + LBody
    tag_table(cells, header_rows=1)                             # Table > THead/TBody > TR > TH (Scope)/TD
    box = contain(Table(rows, ...), [heading, *inside])        # a container: groups find what it holds
    group("Sect", [heading, *inside, box])                      # a block: Sect holding their elements
    Figure(drawing, alt="QR code linking to ...")               # a figure with alternative text
    artifact(Text("", styles.cell))                             # decoration, never read out

- Only flowables of a `Tagged` class (Text, WholeParagraph, Figure) carry a role. Anything else
  drawn around them (table grids and backgrounds, box borders, rules, spacers) is an artifact.
- Text drawn by a flowable without a role, outside an artifact, stops the render with a
  RenderError: a new flowable must be tagged (or marked `artifact`) before it can print.
- The reading order is the order of `group` and of the Document's kids, not the page order:
  render.py builds the Document from the story in reading order (the trifold's back panel last),
  before the build (ReportLab consumes the story).
- A new container flowable (e.g. a Box replacing a Table) needs no tagging of its own: tag what
  it holds and `contain(box, held)`, so `group` and the Document find the elements inside.
- A new table (e.g. a dose calendar): `tag_table(rows, header_rows=1)` on its cells, then
  `contain(table, cells)`. The logical rows may differ from the drawn grid (see the facts box).
- A table header row repeated on a later page, or any tagged flowable drawn a second time, is an
  artifact the second time; so is a "(continued)" heading made for the purpose: `artifact(...)`.
  Parts of a split flowable keep its element, so a paragraph across two pages is one `P`.
- A role and the canvas' record of what was drawn belong to one render: a cache of flowables
  across leaflets must cache what they compute (e.g. wrapped lines), not the flowable objects.
- `lang=` on `tag` or `group` marks text in another language than the leaflet's.
"""

from generator.tagging.canvas import TaggingCanvas
from generator.tagging.marked import Figure, Tagged, artifact, tag, tag_list, tag_table
from generator.tagging.pdf import Structure
from generator.tagging.structure import Element, contain, group, roots

__all__ = [
    "Element",
    "Figure",
    "Structure",
    "Tagged",
    "TaggingCanvas",
    "artifact",
    "contain",
    "group",
    "roots",
    "tag",
    "tag_list",
    "tag_table",
]
