"""The verifier of the HTML leaflet: a closed world of the generator's markup and stylesheet (`world`, `styles`,
read by `tree`), then every expected piece in the text a reader is given (`check`)."""

from generator.verify.html.check import check_html, html_text, verify_html

__all__ = ["check_html", "html_text", "verify_html"]
