"""Batches: rows in (CSV, JSON Lines, FHIR), one verified leaflet per row out, a manifest line for every row."""
