"""Email: the message that carries a leaflet, its protection and its delivery."""
