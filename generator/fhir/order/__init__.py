"""One MedicationRequest read: its medicine, dose, how often, the course's length and what dispenseRequest says."""
