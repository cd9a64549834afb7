"""The open-data JSON API (/api/v1)."""
