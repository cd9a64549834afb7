"""Fixtures for campaign configuration tests: those of the registry tests (the small
province with its default fields, one user per role)."""

from tests.registry.conftest import units, users  # noqa: F401 (fixtures)
