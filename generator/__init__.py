"""patient-handouts: verified, personalised medication leaflets from reviewed YAML content."""

__version__ = "0.1.0"
