"""The prescription: checked against the topic's label rules and the clinic's, turned into the dose schedule
the leaflet prints, and the warnings staff see before handing it out."""
