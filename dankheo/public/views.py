"""Routes of the public blueprint."""

from flask import Blueprint

bp = Blueprint("public", __name__, url_prefix="/public")
