"""Routes of the reports blueprint: the dashboard, and the yearly report and the phase
summary as XLSX and PDF. Every figure comes from ``queries.compute_statistics``."""

from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from dankheo import permissions
from dankheo.extensions import db
from dankheo.jobs import JobFailed
from dankheo.models import Unit
from dankheo.reports import exports, summary
from dankheo.reports.cache import cached
from dankheo.reports.charts import render_svg, svg_document
from dankheo.reports.pdf import render_report
from dankheo.reports.queries import Period, Statistics, compute_statistics, current_phase
from dankheo.reports.rollup import ROLLUP_EXPLANATIONS, ROLLUP_LABELS, RollUp
from dankheo.reports.tables import STATUS_COLOURS, build_tables
from dankheo.web.access import found, require

bp = Blueprint("reports", __name__, url_prefix="/reports")

PHASE_VALUE = "giai-doan"
PROFILES = {"party": "Đảng", "state": "Nhà nước"}


def _default_root(user) -> Unit | None:
    if permissions.is_admin(user):
        return db.session.scalar(
            db.select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.sort_key).limit(1)
        )
    units = permissions.units_with_role(user, *permissions.READERS)
    return min(units, key=lambda u: (u.depth, u.sort_key), default=None)


def _root_choices(user) -> list[Unit]:
    if permissions.is_admin(user):
        return list(
            db.session.scalars(
                db.select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.sort_key)
            )
        )
    units = {u.id: u for u in permissions.units_with_role(user, *permissions.READERS)}
    return sorted(units.values(), key=lambda u: (u.depth, u.sort_key))


def _parse_request() -> tuple[Unit, Period, RollUp]:
    """The unit, period and roll-up asked for; 403/404 as the house rules say."""
    require("reports.view")
    unit_arg = request.args.get("unit", type=int)
    if unit_arg is not None:
        root = found(db.session.get(Unit, unit_arg))
    else:
        root = found(_default_root(current_user))
    require("reports.view", root)
    start, end = current_phase()
    year_arg = request.args.get("year", "")
    if year_arg == PHASE_VALUE:
        year = None
    elif year_arg.isdigit() and start <= int(year_arg) <= end:
        year = int(year_arg)
    elif year_arg:
        abort(400)
    else:
        year = min(max(date.today().year, start), end)
    try:
        rollup = RollUp(request.args.get("mode", RollUp.RECORD_YEAR.value))
    except ValueError:
        abort(400)
    return root, Period(start, end, year), rollup


def _breadcrumb(stats: Statistics) -> list:
    """The chosen unit's ancestors the user may read (links up the drill-down)."""
    prefixes = permissions.scope_paths(current_user, "reports.view")
    ids = stats.root.ids_on_path()[:-1]
    if not ids:
        return []
    units = db.session.scalars(db.select(Unit).where(Unit.id.in_(ids)).order_by(Unit.depth))
    return [u for u in units if prefixes is None or any(u.path.startswith(p) for p in prefixes)]


def _context(root: Unit, period: Period, rollup: RollUp) -> dict:
    def compute():
        stats = compute_statistics(root.id, period, rollup)
        return stats, build_tables(stats)

    # The shared cache, keyed by the data versions (reports.cache).
    figures = cached(("dashboard", root.id, period, rollup), compute)
    # Kept counts stale (a structure change, a bulk load): the worker rebuilds them.
    summary.request_rebuild()
    stats, tables = figures.value
    return {
        "stats": stats,
        "tables": tables,
        "computed_at": figures.computed_at,
        "root": root,
        "period": period,
        "rollup": rollup,
        "rollup_label": ROLLUP_LABELS[rollup],
        "rollup_explanation": ROLLUP_EXPLANATIONS[rollup],
        "rollups": ROLLUP_LABELS,
        "phase_value": PHASE_VALUE,
        "status_colours": STATUS_COLOURS,
        "render_svg": render_svg,
    }


def _query(root: Unit, period: Period, rollup: RollUp) -> dict:
    return {
        "unit": root.id,
        "year": period.year if period.year is not None else PHASE_VALUE,
        "mode": rollup.value,
    }


@bp.route("/")
@login_required
def dashboard():
    if not permissions.can(current_user, "reports.view") and permissions.can(
        current_user, "review.queue"
    ):
        return render_template("reports/reviewer.html"), 403
    root, period, rollup = _parse_request()
    context = _context(root, period, rollup)
    return render_template(
        "reports/dashboard.html",
        **context,
        breadcrumb=_breadcrumb(context["stats"]),
        choices=_root_choices(current_user),
        query=_query(root, period, rollup),
        profiles=PROFILES,
    )


@bp.route("/report.xlsx")
@login_required
def report_xlsx():
    root, period, rollup = _parse_request()
    stats = compute_statistics(root.id, period, rollup)
    return exports.xlsx_response(
        exports.report_workbook(stats, build_tables(stats)),
        exports.report_filename(stats, "xlsx"),
    )


@bp.route("/report.pdf")
@login_required
def report_pdf():
    root, period, rollup = _parse_request()
    profile = request.args.get("profile", "party")
    if profile not in PROFILES:
        abort(400)
    stats = compute_statistics(root.id, period, rollup)
    try:
        pdf = render_report(stats, build_tables(stats), profile=profile)
    except JobFailed:
        current_app.logger.exception("report PDF failed or timed out")
        flash(
            "Chưa tạo được báo cáo PDF (tiến trình nền chưa chạy hoặc đang bận). "
            "Vui lòng thử lại sau ít phút hoặc tải bảng tính XLSX.",
            "danger",
        )
        return redirect(url_for("reports.dashboard", **_query(root, period, rollup)))
    return exports.file_response(pdf, exports.report_filename(stats, "pdf"), "application/pdf")


@bp.route("/chart/<key>.svg")
@login_required
def chart_svg(key: str):
    """One chart as an SVG file (to paste into a document), same filters as the page."""
    root, period, rollup = _parse_request()
    stats = compute_statistics(root.id, period, rollup)
    table = next((t for t in build_tables(stats) if t.key == key and t.chart), None)
    if table is None:
        abort(404)
    return exports.file_response(
        svg_document(table.chart).encode("utf-8"),
        exports.report_filename(stats, "svg").replace(".svg", f"-{key}.svg"),
        "image/svg+xml",
    )
