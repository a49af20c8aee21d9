"""patient-handouts: verified, personalised medication leaflets from sourced YAML content."""

__version__ = "0.1.0"
