"""Routes of the reports blueprint: the dashboard, and the yearly report and the phase
summary as XLSX and PDF. Every figure comes from ``queries.compute_statistics``."""

from dataclasses import dataclass

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
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from dankheo import permissions, vietnamese
from dankheo.certificates.issuers import issuers_for
from dankheo.extensions import db
from dankheo.jobs import JobFailed
from dankheo.models import Unit
from dankheo.reports import exports, html, narratives, summary
from dankheo.reports import pdf as pdf_module
from dankheo.reports.cache import cached
from dankheo.reports.charts import render_svg, svg_document
from dankheo.reports.forms import NarrativeForm
from dankheo.reports.map import render_map, statistics_map
from dankheo.reports.pdf import render_report, report_document
from dankheo.reports.queries import (
    Period,
    compute_statistics,
    current_phase,
    half_year,
)
from dankheo.reports.rollup import ROLLUP_EXPLANATIONS, ROLLUP_LABELS, RollUp, UnitRow
from dankheo.reports.tables import build_tables, split_note
from dankheo.web.access import found, require
from dankheo.web.params import arg_id, parse_int
from dankheo.web.transaction import transaction

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

bp = Blueprint("reports", __name__, url_prefix="/reports")

PHASE_VALUE = "giai-doan"
PROFILES = {"party": "Đảng", "state": "Nhà nước"}


def _default_root(user) -> Unit | None:
    """The province for admins; otherwise the widest territory the user reaches (an
    agency's secretary works for the territory it serves, never for the agency alone)."""
    if permissions.is_admin(user):
        # Today's province before the old ones it was formed from.
        return db.session.scalar(
            db.select(Unit)
            .where(Unit.parent_id.is_(None))
            .order_by(Unit.valid_to.is_not(None), Unit.sort_key)
            .limit(1)
        )
    units = permissions.reach_roots(user, *permissions.READERS)
    return min(units, key=lambda u: (u.depth, u.sort_key), default=None)


def _root_choices(user) -> list[Unit]:
    if permissions.is_admin(user):
        return list(
            db.session.scalars(
                db.select(Unit)
                .where(Unit.parent_id.is_(None))
                .order_by(Unit.valid_to.is_not(None), Unit.sort_key)
            )
        )
    units = {u.id: u for u in permissions.reach_roots(user, *permissions.READERS)}
    units.update({u.id: u for u in permissions.units_with_role(user, *permissions.READERS)})
    return sorted(units.values(), key=lambda u: (u.depth, u.sort_key))


def _parse_request() -> tuple[Unit, Period, RollUp]:
    """The unit, period and roll-up asked for; 403/404 as the house rules say."""
    require("reports.view")
    unit_arg = arg_id("unit")
    if unit_arg is not None:
        root = found(db.session.get(Unit, unit_arg))
    else:
        root = found(_default_root(current_user))
    require("reports.view", root)
    start, end = current_phase()
    year_arg = request.args.get("year", "")
    if year_arg == PHASE_VALUE:
        year = None
    elif (number := parse_int(year_arg, lo=start, hi=end)) is not None:
        year = number
    elif year_arg:
        abort(400)
    else:
        year = min(max(vietnamese.today().year, start), end)
    try:
        rollup = RollUp(request.args.get("mode", RollUp.RECORD_YEAR.value))
    except ValueError:
        abort(400)
    return root, _period(start, end, year), rollup


def _period(start: int, end: int, year: int | None) -> Period:
    """The year or phase, narrowed by ``half`` (1, 2: six months of the year) or by a
    ``from``–``to`` date range (dd/mm/yyyy or yyyy-mm-dd) inside the phase; 400 else."""
    half = request.args.get("half", "")
    since, until = request.args.get("from", ""), request.args.get("to", "")
    if since or until:
        first, last = vietnamese.parse_date(since), vietnamese.parse_date(until)
        if first is None or last is None or first > last:
            abort(400)
        if not (start <= first.year and last.year <= end):
            abort(400)
        return Period(start, end, None, first, last)
    if half:
        if half not in ("1", "2") or year is None:
            abort(400)
        return half_year(start, end, year, int(half))
    return Period(start, end, year)


def _breadcrumb(unit_row: UnitRow) -> list:
    """The chosen unit's ancestors the user may read (links up the drill-down)."""
    prefixes = permissions.scope_paths(current_user, "reports.view")
    ids = unit_row.ids_on_path()[:-1]
    if not ids:
        return []
    units = db.session.scalars(db.select(Unit).where(Unit.id.in_(ids)).order_by(Unit.depth))
    return [u for u in units if prefixes is None or any(u.path.startswith(p) for p in prefixes)]


@dataclass(frozen=True)
class DashboardFigures:
    """What the dashboard keeps of its figures in the shared cache: the rendered
    figures (tables, charts, map: ``reports/_figures.html``) and the little the rest of
    the page needs. Unpickling an HTML string costs far less than rebuilding it."""

    root: UnitRow
    split_note: str
    html: str


def _context(root: Unit, period: Period, rollup: RollUp) -> dict:
    def compute():
        stats = compute_statistics(root.id, period, rollup)
        fragment = render_template(
            "reports/_figures.html",
            stats=stats,
            tables=build_tables(stats),
            dot_map=statistics_map(stats),
            render_map=render_map,
            render_svg=render_svg,
            report_table=html.report_table,
            cell_value=html.cell_value,
            period=period,
            query=_query(root, period, rollup),
            links={
                "registry": url_for("registry.initiatives")
                if "registry.initiatives" in current_app.view_functions
                else None,
                "dashboard": url_for("reports.dashboard"),
            },
        )
        return DashboardFigures(stats.root, split_note(stats), fragment)

    # The shared cache, keyed by the data versions (reports.cache): a commit anywhere
    # moves the key on, so the rendered figures are never older than the data.
    figures = cached(("dashboard-html", root.id, period, rollup), compute)
    # Kept counts stale (a structure change, a bulk load): the worker rebuilds them.
    summary.request_rebuild()
    value: DashboardFigures = figures.value
    return {
        "figures_html": Markup(value.html),  # noqa: S704 (our own template, autoescaped)
        "unit_row": value.root,
        "split_note": value.split_note,
        "computed_at": figures.computed_at,
        "root": root,
        "period": period,
        "rollup": rollup,
        "rollup_label": ROLLUP_LABELS[rollup],
        "rollup_explanation": ROLLUP_EXPLANATIONS[rollup],
        "rollups": ROLLUP_LABELS,
        "phase_value": PHASE_VALUE,
    }


def _query(root: Unit, period: Period, rollup: RollUp) -> dict:
    query = {
        "unit": root.id,
        "year": period.year if period.year is not None else PHASE_VALUE,
        "mode": rollup.value,
    }
    if period.half is not None:
        query["half"] = period.half
    elif period.dated:
        query["from"], query["to"] = period.start.isoformat(), period.end.isoformat()
    return query


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
        breadcrumb=_breadcrumb(context["unit_row"]),
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


def _profile() -> str:
    profile = request.args.get("profile", "party")
    if profile not in PROFILES:
        abort(400)
    return profile


@bp.route("/report.pdf")
@login_required
def report_pdf():
    root, period, rollup = _parse_request()
    profile = _profile()
    stats = compute_statistics(root.id, period, rollup)
    doc = report_document(current_user, stats, build_tables(stats), profile=profile)
    try:
        pdf = render_report(doc)
    except JobFailed:
        current_app.logger.exception("report PDF failed or timed out")
        flash(
            "Chưa tạo được báo cáo PDF (tiến trình nền chưa chạy hoặc đang bận). "
            "Vui lòng thử lại sau ít phút hoặc tải bảng tính XLSX.",
            "danger",
        )
        return redirect(url_for("reports.dashboard", **_query(root, period, rollup)))
    return exports.file_response(pdf, exports.report_filename(stats, "pdf"), "application/pdf")


@bp.route("/report.docx")
@login_required
def report_docx():
    """The same report as a Word file for the office to adjust before signing."""
    root, period, rollup = _parse_request()
    profile = _profile()
    stats = compute_statistics(root.id, period, rollup)
    doc = report_document(current_user, stats, build_tables(stats), profile=profile)
    return exports.file_response(
        pdf_module.report_docx(doc),
        exports.report_filename(stats, "docx"),
        DOCX_MIMETYPE,
    )


@bp.route("/narrative", methods=["GET", "POST"])
@login_required
def narrative():
    """The secretary writes the report's sections for the unit and period chosen."""
    root, period, rollup = _parse_request()
    require("reports.write", root)
    current = narratives.narrative_for(root.id, period)
    form = NarrativeForm(obj=current if request.method == "GET" else None)
    issuers = issuers_for(current_user)
    form.issuer_id.choices = [SelectChoice(0, "— Chọn cơ quan ban hành —")] + [
        SelectChoice(i.id, i.label) for i in issuers
    ]
    if request.method == "GET":
        form.version.data = current.version if current else ""
        form.issuer_id.data = current.issuer_id if current and current.issuer_id else 0
    if form.validate_on_submit():
        issuer = next((i for i in issuers if i.id == form.issuer_id.data), None)
        with transaction(form) as done:
            narratives.save_narrative(
                current_user,
                root,
                period,
                form.data,
                issuer=issuer,
                number=form.number.data,
                expected_version=form.version_value(),
            )
        if done.ok:
            flash("Đã lưu nội dung báo cáo.", "success")
            return redirect(url_for("reports.narrative", **_query(root, period, rollup)))
    return render_template(
        "reports/narrative.html",
        form=form,
        root=root,
        period=period,
        query=_query(root, period, rollup),
        profiles=PROFILES,
        has_issuers=bool(issuers),
    )


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
