"""`handout batch DIR --fhir-bulk`: a FHIR Bulk Data export (NDJSON files) read into one batch row per patient."""
