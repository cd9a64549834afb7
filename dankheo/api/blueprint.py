"""The /api/v1 blueprint, on which every resource module adds its routes."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
