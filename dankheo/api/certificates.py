"""/api/v1 certificates: routes and their OpenAPI description."""

from dankheo.api.views import bp  # noqa: F401  (routes are added to it here)

OPENAPI_PATHS: dict = {}
OPENAPI_SCHEMAS: dict = {}
