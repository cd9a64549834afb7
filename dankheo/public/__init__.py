"""The public gallery of recognised initiatives."""
