"""Admin route of the audit trail (read-only): the filtered list and its export."""

from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from dankheo import exports
from dankheo.admin import audit_log, queries
from dankheo.admin.forms import AuditFilterForm
from dankheo.admin.views.blueprint import bp, page
from dankheo.extensions import db
from dankheo.models.base import utcnow
from dankheo.permissions import scope_paths
from dankheo.web.access import require


def _audit_query():
    """The filter form (from the query string) and the matching SELECT, or errors."""
    form = AuditFilterForm(request.args)
    form.object_type.choices = [SelectChoice("", "Tất cả")] + [
        SelectChoice(code, audit_log.object_label(code)) for code in queries.audit_object_types()
    ]
    flt = queries.AuditFilter()
    if form.validate():
        flt.person = form.person.data or ""
        flt.object_type = form.object_type.data or ""
        flt.object_id = int(form.object_id.data) if form.object_id.data else None
        flt.date_from, flt.date_to = form.date_from.data, form.date_to.data
        if form.unit_code.data:
            flt.unit = queries.unit_by_code(form.unit_code.data)
            if flt.unit is None:
                form.unit_code.errors.append(
                    f"Không tìm thấy đơn vị có mã “{form.unit_code.data.upper()}”."
                )
    scope = scope_paths(current_user, "audit.view")
    if form.errors or any(f.errors for f in form):
        return form, None
    return form, queries.audit_select(flt, scope)


@bp.route("/audit")
@login_required
def audit():
    require("audit.view")
    form, stmt = _audit_query()
    pagination = None
    units = {}
    if stmt is not None:
        pagination = db.paginate(
            stmt, page=page(), per_page=current_app.config["PER_PAGE"], error_out=False
        )
        units = queries.units_by_ids({e.unit_id for e in pagination.items})
    return render_template(
        "admin/audit.html",
        form=form,
        pagination=pagination,
        units=units,
        labels=audit_log,
    )


@bp.route("/audit/export.<any(xlsx, csv):fmt>")
@login_required
def audit_export(fmt: str):
    require("audit.view")
    _form, stmt = _audit_query()
    if stmt is None:
        flash("Bộ lọc không hợp lệ; vui lòng sửa rồi xuất lại.", "warning")
        return redirect(url_for("admin.audit", **request.args))
    events, truncated = exports.fetch(stmt)
    names = {i: u.name for i, u in queries.units_by_ids({e.unit_id for e in events}).items()}
    rows = (audit_log.export_row(e, names) for e in events)
    stamp = utcnow().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        # Streamed: the audit is the longest list of the application.
        note = exports.truncation_note(exports.MAX_ROWS) if truncated else None
        response = Response(
            stream_with_context(exports.csv_chunks(audit_log.HEADERS, rows, note)),
            mimetype=exports.CSV_MIME,
            headers={"Content-Disposition": f"attachment; filename=nhat-ky-{stamp}.csv"},
        )
        if truncated:
            response.headers["X-Export-Truncated"] = str(exports.MAX_ROWS)
        return response
    return exports.list_export(
        fmt,
        title="Nhật ký",
        filename=f"nhat-ky-{stamp}",
        headers=audit_log.HEADERS,
        rows=rows,
        truncated=truncated,
    )
