"""Routes of the open-data API (/api/v1): JSON only, errors as JSON.

Each resource lives in its own module, which adds its routes to ``bp`` and its
OpenAPI paths and schemas to ``openapi.SPEC`` (see dankheo/api/openapi.py)."""

from flask import Blueprint, jsonify

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.route("/openapi.json")
def openapi_json():
    from dankheo.api.openapi import spec

    return jsonify(spec())


# Resource modules register their routes on import (after bp exists).
from dankheo.api import certificates, initiatives  # noqa: E402, F401
