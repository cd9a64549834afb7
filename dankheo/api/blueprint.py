"""The /api/v1 blueprint, on which every resource module adds its routes."""

from flask import Blueprint, current_app, url_for

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def public_url(endpoint: str, **values) -> str:
    """An absolute URL on PUBLIC_BASE_URL, never on the request's Host header (which the
    client chooses: "Host: evil.example" must not come back in the API's links)."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for(endpoint, **values)
