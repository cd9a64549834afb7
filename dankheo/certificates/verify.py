"""The public verification page /verify/<serial> (printed in every QR code)."""

from flask import Blueprint

bp = Blueprint("verify", __name__)
