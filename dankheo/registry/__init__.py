"""The registry: campaigns configuration, initiatives, exemplars, evidence."""
