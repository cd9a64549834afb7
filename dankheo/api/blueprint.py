"""The /api/v1 blueprint, on which every resource module adds its routes."""

from flask import Blueprint

from dankheo.ratelimits import api_limit, limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# The open-data API is anonymous: per-address limits (dankheo.ratelimits), one allowance
# for the whole API rather than one per route.
limiter.shared_limit(api_limit, scope="api")(bp)
