"""HL7 FHIR R4 and Infobutton front ends: EHR messages in, the same Personalisation out.

Parsing uses the `fhir.resources` R4B models (R4-compatible; the R5 models drop
MedicationRequest.medicationCodeableConcept). Every problem names its FHIR path.
"""
