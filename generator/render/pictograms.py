"""The pictograms of the dose-time strip, as vector shapes: a tablet seen from above and the icons of the times
of day (rising sun, sun, setting sun, moon).

Only statements the verifier's closed world allows are drawn: polygons filled without a closing statement
(`m`, `l`, `f*`) and lines stroked; no curves. A tablet has exactly TABLET_POINTS corners, which is how the
verifier finds and counts them; no other shape here has that many.
"""

from __future__ import annotations

import math

from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas

from generator.prescription.strip import TABLET_POINTS
from generator.render.styles import Palette

Point = tuple[float, float]


def _polygon(canvas: Canvas, points: list[Point], color: Color) -> None:
    """A filled polygon: no closing statement (a fill closes it), so only m, l and f* are written."""
    path = canvas.beginPath()
    path.moveTo(*points[0])
    for point in points[1:]:
        path.lineTo(*point)
    canvas.setFillColor(color)
    canvas.drawPath(path, stroke=0, fill=1)


def _arc(cx: float, cy: float, r: float, start: float, end: float, steps: int) -> list[Point]:
    """Points on a circle from angle `start` to `end` (degrees), `steps` + 1 of them."""
    return [
        (
            cx + r * math.cos(math.radians(start + (end - start) * i / steps)),
            cy + r * math.sin(math.radians(start + (end - start) * i / steps)),
        )
        for i in range(steps + 1)
    ]


def tablet_points(x: float, y: float, w: float, h: float) -> list[Point]:
    """A tablet seen from above, a capsule `w` by `h`: TABLET_POINTS corners (the verifier counts such shapes)."""
    r = h / 2
    half = TABLET_POINTS // 2 - 1
    right = _arc(x + w - r, y + r, r, -90, 90, half)
    left = _arc(x + r, y + r, r, 90, 270, half)
    return right + left


def tablet(canvas: Canvas, x: float, y: float, w: float, h: float, palette: Palette) -> None:
    """A tablet in the text's colour, its score line in white."""
    _polygon(canvas, tablet_points(x, y, w, h), palette.text)
    canvas.setStrokeColor(palette.white)
    canvas.setLineWidth(max(0.6, h * 0.1))
    canvas.line(x + w / 2, y + h * 0.2, x + w / 2, y + h * 0.8)


def _rays(canvas: Canvas, cx: float, cy: float, inner: float, outer: float, angles: list[float]) -> None:
    for angle in angles:
        cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        canvas.line(cx + inner * cos, cy + inner * sin, cx + outer * cos, cy + outer * sin)


def icon(canvas: Canvas, slot: str, x: float, y: float, s: float, color: Color) -> None:
    """The icon of a time of day in the `s`-sized square at (x, y)."""
    canvas.setStrokeColor(color)
    canvas.setLineWidth(max(1.0, s * 0.07))
    cx = x + s / 2
    if slot == "midday":
        cy = y + s / 2
        _polygon(canvas, _arc(cx, cy, s * 0.24, 0, 360, 24)[:-1], color)
        _rays(canvas, cx, cy, s * 0.34, s * 0.48, [i * 45.0 for i in range(8)])
    elif slot in ("morning", "evening"):
        horizon = y + s * 0.34
        _polygon(canvas, _arc(cx, horizon, s * 0.26, 0, 180, 12), color)
        _rays(canvas, cx, horizon, s * 0.35, s * 0.5, [20.0, 55.0, 90.0, 125.0, 160.0])
        canvas.line(x, horizon, x + s, horizon)
        tip, base = (y + s * 0.26, y + s * 0.04) if slot == "morning" else (y + s * 0.04, y + s * 0.26)
        canvas.line(cx - s * 0.14, base, cx, tip)
        canvas.line(cx + s * 0.14, base, cx, tip)
    else:
        _polygon(canvas, _crescent(cx, y + s / 2, s * 0.4), color)


def _crescent(cx: float, cy: float, r: float) -> list[Point]:
    """A crescent moon opening to the right: the outer circle's left part, back along an inner circle."""
    d, inner = r * 0.5, r * 0.85
    meet_x = (r * r - inner * inner + d * d) / (2 * d)
    meet_y = math.sqrt(max(0.0, r * r - meet_x * meet_x))
    outer_from = math.degrees(math.atan2(meet_y, meet_x))
    inner_from = math.degrees(math.atan2(meet_y, meet_x - d))
    outer = _arc(cx, cy, r, outer_from, 360 - outer_from, 20)
    back = _arc(cx + d, cy, inner, 360 - inner_from, inner_from, 14)
    return outer + back[1:-1]
