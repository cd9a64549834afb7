"""Statistics, dashboards and reports."""
