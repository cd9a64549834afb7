"""The registry: initiatives and their years, exemplars, evidence, import and export."""
