"""The admin blueprint, its front page, and what its route modules share."""

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from dankheo.permissions import can
from dankheo.web.params import page_arg

bp = Blueprint("admin", __name__, url_prefix="/admin")


def page() -> int:
    return page_arg()


@bp.route("/")
@login_required
def index():
    if not (
        can(current_user, "admin.units")
        or can(current_user, "admin.users")
        or can(current_user, "audit.view")
    ):
        abort(403)
    return render_template("admin/index.html")
