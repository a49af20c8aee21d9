"""Rendering: the leaflet laid out and drawn with ReportLab (fonts, text, boxes, the dose calendar, pages)."""
