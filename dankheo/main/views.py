"""Home page and health check."""

import sqlalchemy as sa
from flask import Blueprint, abort, jsonify, render_template, request
from flask_login import current_user, login_required

from dankheo.extensions import db
from dankheo.main.inbox import inbox_for
from dankheo.web import lookup

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return render_template("main/landing.html")
    return render_template("main/home.html")


@bp.route("/inbox")
@login_required
def inbox():
    return render_template("main/inbox.html", **inbox_for(current_user))


@bp.route("/lookup/<source>")
@login_required
def lookup_search(source: str):
    """Matches of a long select's search box (JSON for static/js/app.js), in the
    signed-in user's scope: each source searches only what that person may choose."""
    if lookup.get(source) is None:
        abort(404)
    items = lookup.search(source, current_user, request.args.get("q", ""))
    return jsonify(items=items, limit=lookup.LIMIT)


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        return jsonify(status="error"), 503
    return jsonify(status="ok")
