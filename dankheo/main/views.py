"""Home page and health check."""

from pathlib import Path

import sqlalchemy as sa
from flask import Blueprint, abort, jsonify, render_template, request
from flask_login import current_user, login_required

from dankheo import vietnamese
from dankheo.extensions import db
from dankheo.main import home as home_page
from dankheo.main.inbox import inbox_for
from dankheo.web import lookup

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return render_template("main/landing.html")
    today = vietnamese.today()
    return render_template(
        "main/home.html",
        waiting=inbox_for(current_user, today),
        calendar=home_page.calendar(today),
        guides=[(slug, GUIDES[slug]) for slug in home_page.roles_of(current_user)],
        today=today,
    )


# The guide of each role (templates/main/guide/<slug>.html); screenshots are made by the
# browser tests (tests/e2e/test_guide.py) into static/img/guide/.
GUIDES = {
    "can-bo": "Cán bộ đơn vị",
    "thu-ky": "Thư ký thi đua",
    "hoi-dong": "Thành viên hội đồng",
    "lanh-dao": "Lãnh đạo",
    "quan-tri": "Quản trị hệ thống",
}
GUIDE_IMAGES = Path(__file__).resolve().parents[2] / "static" / "img" / "guide"


@bp.route("/huong-dan")
def guide():
    """The user guide (Hướng dẫn sử dụng), public like the gallery: one page per role."""
    mine = home_page.roles_of(current_user) if current_user.is_authenticated else []
    return render_template("main/guide/index.html", guides=GUIDES, mine=mine)


@bp.route("/huong-dan/<slug>")
def guide_role(slug: str):
    if slug not in GUIDES:
        abort(404)
    shots = {p.stem for p in GUIDE_IMAGES.glob("*.png")} if GUIDE_IMAGES.is_dir() else set()
    return render_template(
        f"main/guide/{slug}.html", guides=GUIDES, slug=slug, title=GUIDES[slug], shots=shots
    )


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
