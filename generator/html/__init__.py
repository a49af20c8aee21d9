"""The HTML version of a leaflet, for screen readers, patient portals and the body of an email."""

from generator.html.page import render_html

__all__ = ["render_html"]
