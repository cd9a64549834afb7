"""Routes of the open-data API (/api/v1): JSON only, errors as JSON (main/errors.py).

Each resource lives in its own module (certificates, initiatives, units), which adds its
routes to ``bp`` (api/blueprint.py) and holds its OpenAPI paths and schemas;
api/openapi.py assembles the description and serves it. Importing this module
registers every route."""

from dankheo.api import (
    awards,
    bulk,
    campaigns,
    certificates,
    exemplars,
    initiatives,
    openapi,
    statistics,
    units,
)
from dankheo.api.blueprint import bp

# The modules whose routes are on ``bp`` (imported for that).
ROUTE_MODULES = (
    openapi,
    certificates,
    initiatives,
    exemplars,
    campaigns,
    awards,
    statistics,
    bulk,
    units,
)

__all__ = ["bp"]
