"""Home page and health check."""

import sqlalchemy as sa
from flask import Blueprint, jsonify, render_template
from flask_login import current_user, login_required

from dankheo.extensions import db
from dankheo.main.inbox import inbox_for

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


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        return jsonify(status="error"), 503
    return jsonify(status="ok")
