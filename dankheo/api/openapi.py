"""The OpenAPI 3 description of /api/v1, assembled from each resource module's parts
(its ``OPENAPI_PATHS`` and ``OPENAPI_SCHEMAS``), and the route that serves it."""

from copy import deepcopy

from flask import jsonify

from dankheo.api import certificates, initiatives, units
from dankheo.api.blueprint import bp

# The resources the description covers, in the order of its paths.
RESOURCES = (initiatives, certificates, units)


def spec() -> dict:
    document = {
        "openapi": "3.0.3",
        "info": {
            "title": "Dân vận khéo – dữ liệu mở",
            "version": "1.0.0",
            "description": "Dữ liệu công khai của phong trào thi đua “Dân vận khéo”.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {},
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message"],
                            "properties": {
                                "code": {"type": "integer"},
                                "message": {"type": "string"},
                            },
                        }
                    },
                },
            }
        },
    }
    for module in RESOURCES:
        document["paths"].update(deepcopy(module.OPENAPI_PATHS))
        document["components"]["schemas"].update(deepcopy(module.OPENAPI_SCHEMAS))
    return document


@bp.route("/openapi.json")
def openapi_json():
    return jsonify(spec())
