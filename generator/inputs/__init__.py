"""Personalisation input: the patient, prescriber and prescription, read strictly from any source."""
