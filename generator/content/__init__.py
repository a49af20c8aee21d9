"""The content library: topics, blocks, wording, templates, medicine codes and the linter."""
