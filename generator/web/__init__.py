"""`handout serve`: a small web page and JSON API for front-desk staff, over the same generator."""
