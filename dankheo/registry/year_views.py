"""Routes of the registry blueprint for one year of an initiative: the officer's report
(figures, the campaign's own indicators, text, evidence of that year) and the
secretary's evaluation, which needs the report first."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from dankheo.extensions import db
from dankheo.forms import EmptyForm
from dankheo.models import Initiative, YearStatus
from dankheo.models.registry import YEAR_FIGURES
from dankheo.permissions import can
from dankheo.registry import services, year_queries
from dankheo.registry.blueprint import bp
from dankheo.registry.evidence_views import upload_files
from dankheo.registry.forms import EvaluateYearForm, EvidenceForm, year_report_form
from dankheo.web.access import found, require
from dankheo.web.transaction import FLASH, transaction


def _year(initiative_id: int, year: int, action: str):
    """The year row (404) on which the signed-in user may ``action`` (403)."""
    row = found(year_queries.year_detail(initiative_id, year))
    require(action, row)
    return row


def _year_url(row) -> str:
    return url_for(".initiative_year", initiative_id=row.initiative_id, year=row.year)


@bp.route("/initiatives/<int:initiative_id>/years/<int:year>", methods=["GET", "POST"])
@login_required
def initiative_year(initiative_id: int, year: int):
    row = _year(initiative_id, year, "initiative.view")
    indicators = year_queries.indicators_for(row)
    may_report = can(current_user, "initiative.report", row) and row.evaluated_at is None
    form = year_report_form(indicators, obj=row if request.method == "GET" else None)
    if request.method == "GET":
        for value in row.indicator_values:
            field = getattr(form, f"indicator_{value.indicator_id}", None)
            if field is not None:
                field.data = value.value
    if request.method == "POST":
        require("initiative.report", row)
        if form.validate_on_submit():
            with transaction(form) as done:
                services.report_year(
                    current_user,
                    row,
                    figures=form.figures(),
                    text=form.report_text.data,
                    indicators=form.indicator_values(indicators),
                )
            if done.ok:
                flash(f"Đã lưu báo cáo kết quả năm {year}.", "success")
                return redirect(_year_url(row))
    evaluate_form = EvaluateYearForm()
    if request.method == "GET" and row.status != YearStatus.REGISTERED:
        evaluate_form.status.data = row.status.value
        evaluate_form.note.data = row.note
    return render_template(
        "registry/initiative_year.html",
        row=row,
        initiative=row.initiative,
        figures=YEAR_FIGURES,
        indicators=indicators,
        form=form,
        may_report=may_report,
        evaluate_form=evaluate_form,
        evidence=year_queries.year_evidence(row),
        evidence_form=EvidenceForm(),
        empty_form=EmptyForm(),
    ), (200 if not form.errors else 400)


@bp.route("/initiatives/<int:initiative_id>/years/<int:year>/evaluate", methods=["POST"])
@login_required
def initiative_evaluate(initiative_id: int, year: int):
    row = _year(initiative_id, year, "initiative.evaluate")
    form = EvaluateYearForm()
    if form.validate_on_submit():
        with transaction(FLASH) as done:
            services.evaluate_year(current_user, row, YearStatus(form.status.data), form.note.data)
        if done.ok:
            flash(f"Đã cập nhật kết quả năm {year}: {row.status_label}.", "success")
    else:
        flash(" ".join(e for errs in form.errors.values() for e in errs), "danger")
    return redirect(_year_url(row))


@bp.route("/initiatives/<int:initiative_id>/years/<int:year>/evidence", methods=["POST"])
@login_required
def initiative_year_evidence(initiative_id: int, year: int):
    row = _year(initiative_id, year, "initiative.report")
    owner = found(db.session.get(Initiative, initiative_id))
    return upload_files(owner, _year_url(row), year_row=row)
