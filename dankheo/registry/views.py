"""Routes of the registry blueprint: initiatives and their years, exemplars, evidence,
import/export, and the campaign configuration pages (fields, campaigns, rubric, award
types)."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required

from dankheo import exports as list_exports
from dankheo.errors import DomainError, StaleVersion
from dankheo.extensions import db
from dankheo.forms import EmptyForm
from dankheo.models import (
    Campaign,
    Criterion,
    Evidence,
    Exemplar,
    ExemplarKind,
    Field,
    Initiative,
    Unit,
    YearStatus,
)
from dankheo.models.registry import EXEMPLAR_KIND_LABELS, YEAR_STATUS_LABELS
from dankheo.permissions import can, scope_paths
from dankheo.registry import evidence as evidence_files
from dankheo.registry import exports, imports, queries, services
from dankheo.registry.forms import (
    AwardTypeForm,
    CampaignForm,
    CriterionForm,
    EvaluateYearForm,
    EvidenceForm,
    ExemplarForm,
    FieldForm,
    ImportForm,
    InitiativeForm,
    choice_list,
)

bp = Blueprint("registry", __name__, url_prefix="/registry")

# Unit filters list this many levels of the tree from the top of the user's scope
# (province and districts for the whole province: a dozen options rather than ~2,400
# communes); a deeper unit still filters through ?unit=<id> (links from the dashboard).
FILTER_UNIT_LEVELS = 2
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def require(action: str, obj=None) -> None:
    if not can(current_user, action, obj):
        abort(403)


def get_or_404(model, ident: int):
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    return obj


def _per_page() -> int:
    return int(current_app.config.get("PER_PAGE", 50))


def _filter_context(scope) -> dict:
    return {
        "fields": queries.fields(),
        "units": queries.unit_choices(scope, levels=FILTER_UNIT_LEVELS),
        "statuses": [(s.value, YEAR_STATUS_LABELS[s]) for s in YearStatus],
        "kinds": [(k.value, EXEMPLAR_KIND_LABELS[k]) for k in ExemplarKind],
    }


@bp.route("/")
@login_required
def index():
    return redirect(url_for(".initiatives"))


# --- initiatives: list, export, import --------------------------------------------------


@bp.route("/initiatives")
@login_required
def initiatives():
    require("registry.list")
    params = queries.parse_list_params(request.args)
    scope = scope_paths(current_user, "registry.list")
    page = queries.initiative_page(params, scope, per_page=_per_page())
    return render_template(
        "registry/initiatives.html", page=page, params=params, **_filter_context(scope)
    )


@bp.route("/initiatives/export.<any(xlsx, csv):fmt>")
@login_required
def initiatives_export(fmt: str):
    require("registry.list")
    params = queries.parse_list_params(request.args)
    stmt = queries.initiatives_export_select(params, scope_paths(current_user, "registry.list"))
    items, truncated = list_exports.fetch(stmt)
    return list_exports.list_export(
        fmt,
        title="Mô hình",
        filename="mo-hinh",
        headers=exports.HEADERS,
        rows=exports.rows_for(items, params.year),
        truncated=truncated,
    )


@bp.route("/initiatives/import", methods=["GET", "POST"])
@login_required
def initiatives_import():
    require("registry.import")
    form = ImportForm()
    errors = []
    if form.validate_on_submit():
        try:
            rows = imports.read_rows(form.file.data.read(), current_user)
            created = services.import_initiatives(current_user, rows)
        except imports.ImportRejected as err:
            db.session.rollback()
            errors = err.errors
            form.file.errors.append(err.message)
        except DomainError as err:
            db.session.rollback()
            form.file.errors.append(err.message)
        else:
            db.session.commit()
            flash(f"Đã nhập {len(created)} mô hình.", "success")
            return redirect(url_for(".initiatives"))
    return render_template("registry/import.html", form=form, errors=errors)


@bp.route("/initiatives/import/mau-nhap-mo-hinh.xlsx")
@login_required
def import_template():
    require("registry.import")
    return Response(
        imports.template_xlsx(),
        mimetype=XLSX_MIME,
        headers={"Content-Disposition": 'attachment; filename="mau-nhap-mo-hinh.xlsx"'},
    )


# --- initiatives: register, edit, view --------------------------------------------------


def _initiative_form_choices(form: InitiativeForm, initiative: Initiative | None = None):
    edit_scope = scope_paths(current_user, "registry.edit")
    form.unit_id.choices = choice_list(
        [(None, "— Chọn đơn vị —"), *queries.unit_choices(edit_scope)]
    )
    form.field_id.choices = choice_list(
        [(None, "— Chọn lĩnh vực —")]
        + [(f.id, f.name) for f in queries.fields(active_only=initiative is None)]
    )
    read_scope = scope_paths(current_user, "registry.list")
    others = [
        c
        for c in queries.initiative_choices(read_scope, include_public=True)
        if initiative is None or c[0] != initiative.id
    ]
    form.replicated_from_id.choices = choice_list([(None, "— Không —"), *others])


def _form_targets(form: InitiativeForm, action: str):
    """The unit, field and replicated-from of a valid form, or None after adding a
    field error (the unit must be one the user may register for)."""
    unit = db.session.get(Unit, form.unit_id.data)
    if unit is None or not can(current_user, action, unit):
        form.unit_id.errors.append("Bạn không thể đăng ký mô hình cho đơn vị này.")
        return None
    field = db.session.get(Field, form.field_id.data)
    if field is None:
        form.field_id.errors.append("Vui lòng chọn một giá trị.")
        return None
    source = None
    if form.replicated_from_id.data:
        source = db.session.get(Initiative, form.replicated_from_id.data)
    return unit, field, source


@bp.route("/initiatives/new", methods=["GET", "POST"])
@login_required
def initiative_new():
    require("initiative.create")
    form = InitiativeForm()
    _initiative_form_choices(form)
    if request.method == "GET":
        form.year.data = current_app.config.get("CURRENT_YEAR") or _this_year()
    if form.validate_on_submit() and (targets := _form_targets(form, "initiative.create")):
        unit, field, source = targets
        try:
            initiative = services.create_initiative(
                current_user,
                unit=unit,
                field=field,
                year=form.year.data,
                values=form.values(),
                replicated_from=source,
            )
        except DomainError as err:
            db.session.rollback()
            form.form_errors.append(err.message)
        else:
            db.session.commit()
            flash("Đã đăng ký mô hình.", "success")
            return redirect(url_for(".initiative", initiative_id=initiative.id))
    return render_template("registry/initiative_form.html", form=form, initiative=None)


def _this_year() -> int:
    from datetime import date

    return date.today().year


@bp.route("/initiatives/<int:initiative_id>/edit", methods=["GET", "POST"])
@login_required
def initiative_edit(initiative_id: int):
    initiative = get_or_404(Initiative, initiative_id)
    require("initiative.edit", initiative)
    form = InitiativeForm(obj=initiative)
    del form.year  # the first year is history; later years come from carrying over
    _initiative_form_choices(form, initiative)
    if request.method == "GET":
        form.version.data = initiative.version
    if form.validate_on_submit() and (targets := _form_targets(form, "initiative.edit")):
        unit, field, source = targets
        try:
            services.update_initiative(
                current_user,
                initiative,
                expected_version=form.version_value(),
                unit=unit,
                field=field,
                values=form.values(),
                replicated_from=source,
            )
        except StaleVersion as err:
            db.session.rollback()
            flash(err.message, "danger")
            return render_template(
                "registry/initiative_form.html", form=form, initiative=initiative, stale=True
            ), 409
        except DomainError as err:
            db.session.rollback()
            form.form_errors.append(err.message)
        else:
            db.session.commit()
            flash("Đã lưu thay đổi.", "success")
            return redirect(url_for(".initiative", initiative_id=initiative.id))
    return render_template("registry/initiative_form.html", form=form, initiative=initiative)


@bp.route("/initiatives/<int:initiative_id>")
@login_required
def initiative(initiative_id: int):
    item = queries.initiative_detail(initiative_id)
    if item is None:
        abort(404)
    require("initiative.view", item)
    return render_template(
        "registry/initiative.html",
        initiative=item,
        evidence=queries.evidence_of(initiative=item),
        nominations=queries.nominations_of(item),
        exemplars=queries.exemplars_leading(item),
        evidence_form=EvidenceForm(),
        evaluate_form=EvaluateYearForm(),
        empty_form=EmptyForm(),
        year_statuses=[(s.value, YEAR_STATUS_LABELS[s]) for s in YearStatus],
    )


@bp.route("/initiatives/<int:initiative_id>/carry-over", methods=["POST"])
@login_required
def initiative_carry_over(initiative_id: int):
    item = get_or_404(Initiative, initiative_id)
    require("initiative.carry_over", item)
    if EmptyForm().validate_on_submit():
        try:
            row = services.carry_over(current_user, item)
        except DomainError as err:
            db.session.rollback()
            flash(err.message, "danger")
        else:
            db.session.commit()
            flash(
                f"Đã chuyển mô hình sang năm {row.year}; các năm trước được giữ nguyên.", "success"
            )
    return redirect(url_for(".initiative", initiative_id=initiative_id))


@bp.route("/initiatives/<int:initiative_id>/years/<int:year>/evaluate", methods=["POST"])
@login_required
def initiative_evaluate(initiative_id: int, year: int):
    item = get_or_404(Initiative, initiative_id)
    require("initiative.evaluate", item)
    row = next((r for r in item.years if r.year == year), None)
    if row is None:
        abort(404)
    form = EvaluateYearForm()
    if form.validate_on_submit():
        services.evaluate_year(current_user, row, YearStatus(form.status.data), form.note.data)
        db.session.commit()
        flash(f"Đã cập nhật kết quả năm {year}: {row.status_label}.", "success")
    else:
        flash(" ".join(e for errs in form.errors.values() for e in errs), "danger")
    return redirect(url_for(".initiative", initiative_id=initiative_id))


# --- evidence ---------------------------------------------------------------------------


def _upload(owner, back_url: str):
    require("evidence.upload", owner)
    form = EvidenceForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            services.add_evidence(
                current_user,
                owner,
                data=upload.read(),
                filename=upload.filename or "",
                title=form.title.data,
                is_public=form.is_public.data,
            )
        except DomainError as err:
            db.session.rollback()
            flash(err.message, "danger")
        else:
            db.session.commit()
            flash("Đã tải lên minh chứng.", "success")
    else:
        flash(" ".join(e for errs in form.errors.values() for e in errs), "danger")
    return redirect(back_url)


@bp.route("/initiatives/<int:initiative_id>/evidence", methods=["POST"])
@login_required
def initiative_evidence(initiative_id: int):
    owner = get_or_404(Initiative, initiative_id)
    return _upload(owner, url_for(".initiative", initiative_id=initiative_id))


@bp.route("/exemplars/<int:exemplar_id>/evidence", methods=["POST"])
@login_required
def exemplar_evidence(exemplar_id: int):
    owner = get_or_404(Exemplar, exemplar_id)
    return _upload(owner, url_for(".exemplar", exemplar_id=exemplar_id))


def _evidence_and_owner(evidence_id: int, action: str):
    row = get_or_404(Evidence, evidence_id)
    owner = queries.evidence_owner(row)
    require(action, owner)
    return row, owner


def _owner_url(owner) -> str:
    if isinstance(owner, Initiative):
        return url_for(".initiative", initiative_id=owner.id)
    return url_for(".exemplar", exemplar_id=owner.id)


def send_evidence(row: Evidence, *, thumbnail: bool = False, inline: bool = False):
    """Serve a stored evidence file (or its thumbnail) with a safe disposition."""
    path = (
        evidence_files.thumb_path_for(row.sha256)
        if thumbnail
        else evidence_files.path_for(row.sha256)
    )
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype="image/jpeg" if thumbnail else row.mime,
        as_attachment=not (inline or thumbnail),
        download_name=row.filename if not thumbnail else f"{row.sha256[:12]}.jpg",
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store" if not row.is_public else "public"
    return response


@bp.route("/evidence/<int:evidence_id>")
@login_required
def evidence_file(evidence_id: int):
    row, _ = _evidence_and_owner(evidence_id, "evidence.view")
    inline = request.args.get("inline") == "1" and row.is_image
    return send_evidence(row, inline=inline)


@bp.route("/evidence/<int:evidence_id>/thumb")
@login_required
def evidence_thumb(evidence_id: int):
    row, _ = _evidence_and_owner(evidence_id, "evidence.view")
    if not row.is_image:
        abort(404)
    return send_evidence(row, thumbnail=True)


@bp.route("/evidence/<int:evidence_id>/public", methods=["POST"])
@login_required
def evidence_public(evidence_id: int):
    row, owner = _evidence_and_owner(evidence_id, "evidence.upload")
    if EmptyForm().validate_on_submit():
        make_public = request.form.get("public") == "1"
        services.set_evidence_public(current_user, row, owner, make_public)
        db.session.commit()
        flash(
            "Minh chứng đã được công khai." if make_public else "Đã thôi công khai minh chứng.",
            "success",
        )
    return redirect(_owner_url(owner))


@bp.route("/evidence/<int:evidence_id>/delete", methods=["POST"])
@login_required
def evidence_delete(evidence_id: int):
    row, owner = _evidence_and_owner(evidence_id, "evidence.upload")
    if EmptyForm().validate_on_submit():
        services.delete_evidence(current_user, row, owner)
        db.session.commit()
        flash("Đã xóa minh chứng.", "success")
    return redirect(_owner_url(owner))


# --- exemplars --------------------------------------------------------------------------


@bp.route("/exemplars")
@login_required
def exemplars():
    require("exemplar.list")
    params = queries.parse_list_params(request.args)
    scope = scope_paths(current_user, "exemplar.list")
    page = queries.exemplar_page(params, scope, per_page=_per_page())
    return render_template(
        "registry/exemplars.html", page=page, params=params, **_filter_context(scope)
    )


@bp.route("/exemplars/export.<any(xlsx, csv):fmt>")
@login_required
def exemplars_export(fmt: str):
    require("exemplar.list")
    params = queries.parse_list_params(request.args)
    stmt = queries.exemplars_list_select(params, scope_paths(current_user, "exemplar.list"))
    items, truncated = list_exports.fetch(stmt)
    return list_exports.list_export(
        fmt,
        title="Điển hình",
        filename="dien-hinh",
        headers=exports.EXEMPLAR_HEADERS,
        rows=exports.exemplar_rows(items),
        truncated=truncated,
    )


def _exemplar_form_choices(form: ExemplarForm):
    form.unit_id.choices = choice_list(
        [
            (None, "— Chọn đơn vị —"),
            *queries.unit_choices(scope_paths(current_user, "registry.edit")),
        ]
    )
    form.field_id.choices = choice_list(
        [(None, "— Không —")] + [(f.id, f.name) for f in queries.fields()]
    )
    form.initiative_ids.choices = choice_list(
        queries.initiative_choices(scope_paths(current_user, "registry.list"))
    )


def _save_exemplar(form: ExemplarForm, exemplar: Exemplar | None, action: str):
    unit = db.session.get(Unit, form.unit_id.data)
    if unit is None or not can(current_user, action, unit):
        form.unit_id.errors.append("Bạn không thể đăng ký điển hình cho đơn vị này.")
        return None
    field = db.session.get(Field, form.field_id.data) if form.field_id.data else None
    chosen = [
        i
        for i in (db.session.get(Initiative, i) for i in form.initiative_ids.data or [])
        if i is not None and can(current_user, "initiative.view", i)
    ]
    return services.save_exemplar(
        current_user,
        values={
            "kind": ExemplarKind(form.kind.data),
            "name": form.name.data,
            "position": form.position.data,
            "year": form.year.data,
            "achievements": form.achievements.data,
        },
        unit=unit,
        field=field,
        initiatives=chosen,
        exemplar=exemplar,
        expected_version=form.version_value(),
    )


@bp.route("/exemplars/new", methods=["GET", "POST"])
@login_required
def exemplar_new():
    require("exemplar.create")
    form = ExemplarForm()
    _exemplar_form_choices(form)
    if request.method == "GET":
        form.year.data = _this_year()
    if form.validate_on_submit():
        exemplar = _save_exemplar(form, None, "exemplar.create")
        if exemplar is not None:
            db.session.commit()
            flash("Đã đăng ký điển hình.", "success")
            return redirect(url_for(".exemplar", exemplar_id=exemplar.id))
    return render_template("registry/exemplar_form.html", form=form, exemplar=None)


@bp.route("/exemplars/<int:exemplar_id>/edit", methods=["GET", "POST"])
@login_required
def exemplar_edit(exemplar_id: int):
    exemplar = get_or_404(Exemplar, exemplar_id)
    require("exemplar.edit", exemplar)
    form = ExemplarForm(obj=exemplar)
    _exemplar_form_choices(form)
    if request.method == "GET":
        form.version.data = exemplar.version
        form.kind.data = exemplar.kind.value
        form.initiative_ids.data = [i.id for i in exemplar.initiatives]
    if form.validate_on_submit():
        try:
            saved = _save_exemplar(form, exemplar, "exemplar.edit")
        except StaleVersion as err:
            db.session.rollback()
            flash(err.message, "danger")
            return render_template("registry/exemplar_form.html", form=form, exemplar=exemplar), 409
        if saved is not None:
            db.session.commit()
            flash("Đã lưu thay đổi.", "success")
            return redirect(url_for(".exemplar", exemplar_id=exemplar.id))
    return render_template("registry/exemplar_form.html", form=form, exemplar=exemplar)


@bp.route("/exemplars/<int:exemplar_id>")
@login_required
def exemplar(exemplar_id: int):
    item = queries.exemplar_detail(exemplar_id)
    if item is None:
        abort(404)
    require("exemplar.view", item)
    return render_template(
        "registry/exemplar.html",
        exemplar=item,
        evidence=queries.evidence_of(exemplar=item),
        evidence_form=EvidenceForm(),
        empty_form=EmptyForm(),
    )


# --- fields -----------------------------------------------------------------------------


@bp.route("/fields")
@login_required
def fields():
    require("campaign.list")
    return render_template("registry/fields.html", fields=queries.fields())


@bp.route("/fields/new", methods=["GET", "POST"])
@bp.route("/fields/<int:field_id>/edit", methods=["GET", "POST"])
@login_required
def field_form(field_id: int | None = None):
    require("fields.manage")
    field = get_or_404(Field, field_id) if field_id else None
    form = FieldForm(obj=field)
    if form.validate_on_submit():
        try:
            services.save_field(
                current_user,
                name=form.name.data,
                position=form.position.data,
                active=form.active.data,
                field=field,
            )
        except DomainError as err:
            db.session.rollback()
            form.name.errors.append(err.message)
        else:
            db.session.commit()
            flash("Đã lưu lĩnh vực.", "success")
            return redirect(url_for(".fields"))
    return render_template(
        "registry/form.html",
        form=form,
        title="Sửa lĩnh vực" if field else "Thêm lĩnh vực",
        back_url=url_for(".fields"),
    )


# --- campaigns --------------------------------------------------------------------------


@bp.route("/campaigns")
@login_required
def campaigns():
    require("campaign.list")
    params = queries.parse_list_params(request.args)
    stmt = queries.campaigns_select(params.q, params.year)
    page = db.paginate(stmt, page=params.page, per_page=_per_page(), error_out=False)
    return render_template("registry/campaigns.html", page=page, params=params)


@bp.route("/campaigns/export.<any(xlsx, csv):fmt>")
@login_required
def campaigns_export(fmt: str):
    require("campaign.list")
    params = queries.parse_list_params(request.args)
    items, truncated = list_exports.fetch(queries.campaigns_select(params.q, params.year))
    return list_exports.list_export(
        fmt,
        title="Đợt thi đua",
        filename="dot-thi-dua",
        headers=exports.CAMPAIGN_HEADERS,
        rows=exports.campaign_rows(items),
        truncated=truncated,
    )


def _campaign_form(form: CampaignForm) -> None:
    form.organising_unit_id.choices = choice_list(
        [(None, "— Chọn đơn vị —"), *queries.organiser_choices(current_user)]
    )


@bp.route("/campaigns/new", methods=["GET", "POST"])
@login_required
def campaign_new():
    require("campaign.create")
    form = CampaignForm()
    _campaign_form(form)
    if form.validate_on_submit():
        unit = db.session.get(Unit, form.organising_unit_id.data)
        if unit is None or not can(current_user, "campaign.create", unit):
            form.organising_unit_id.errors.append("Bạn không tổ chức đợt thi đua cho đơn vị này.")
        else:
            try:
                campaign = services.save_campaign(current_user, form.values())
            except DomainError as err:
                db.session.rollback()
                form.form_errors.append(err.message)
            else:
                db.session.commit()
                flash("Đã tạo đợt thi đua.", "success")
                return redirect(url_for(".campaign", campaign_id=campaign.id))
    return render_template(
        "registry/form.html", form=form, title="Tạo đợt thi đua", back_url=url_for(".campaigns")
    )


@bp.route("/campaigns/<int:campaign_id>")
@login_required
def campaign(campaign_id: int):
    require("campaign.list")
    item = queries.campaign_detail(campaign_id)
    if item is None:
        abort(404)
    return render_template(
        "registry/campaign.html",
        campaign=item,
        rubric_locked=services.rubric_locked(item),
        empty_form=EmptyForm(),
    )


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@login_required
def campaign_edit(campaign_id: int):
    item = get_or_404(Campaign, campaign_id)
    require("campaign.manage", item)
    form = CampaignForm(obj=item)
    _campaign_form(form)
    if request.method == "GET":
        form.kind.data, form.level.data = item.kind.value, item.level.value
    if item.organising_unit_id not in {c.value for c in form.organising_unit_id.choices}:
        form.organising_unit_id.choices += choice_list(
            [(item.organising_unit_id, item.organising_unit.name)]
        )
    if form.validate_on_submit():
        values = form.values()
        unit = db.session.get(Unit, values["organising_unit_id"])
        if unit.id != item.organising_unit_id and not can(current_user, "campaign.create", unit):
            form.organising_unit_id.errors.append("Bạn không tổ chức đợt thi đua cho đơn vị này.")
        else:
            try:
                services.save_campaign(current_user, values, item)
            except DomainError as err:
                db.session.rollback()
                form.form_errors.append(err.message)
            else:
                db.session.commit()
                flash("Đã lưu đợt thi đua.", "success")
                return redirect(url_for(".campaign", campaign_id=item.id))
    return render_template(
        "registry/form.html",
        form=form,
        title=f"Sửa đợt thi đua: {item.name}",
        back_url=url_for(".campaign", campaign_id=item.id),
    )


@bp.route("/campaigns/<int:campaign_id>/criteria/new", methods=["GET", "POST"])
@bp.route("/campaigns/<int:campaign_id>/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
@login_required
def criterion_form(campaign_id: int, criterion_id: int | None = None):
    item = get_or_404(Campaign, campaign_id)
    require("campaign.manage", item)
    criterion = None
    if criterion_id:
        criterion = get_or_404(Criterion, criterion_id)
        if criterion.campaign_id != item.id:
            abort(404)
    back = url_for(".campaign", campaign_id=item.id)
    if services.rubric_locked(item):
        flash(DomainError("campaign.rubric_locked", day=_day(item.review_opens)).message, "danger")
        return redirect(back)
    form = CriterionForm(obj=criterion)
    if request.method == "GET" and criterion is None:
        form.position.data = len(item.criteria) + 1
    if form.validate_on_submit():
        try:
            services.save_criterion(current_user, item, form.values(), criterion)
        except DomainError as err:
            db.session.rollback()
            form.form_errors.append(err.message)
        else:
            db.session.commit()
            flash("Đã lưu tiêu chí.", "success")
            return redirect(back)
    return render_template(
        "registry/form.html",
        form=form,
        title="Sửa tiêu chí" if criterion else "Thêm tiêu chí",
        back_url=back,
    )


def _day(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


@bp.route("/campaigns/<int:campaign_id>/criteria/<int:criterion_id>/delete", methods=["POST"])
@login_required
def criterion_delete(campaign_id: int, criterion_id: int):
    item = get_or_404(Campaign, campaign_id)
    require("campaign.manage", item)
    criterion = get_or_404(Criterion, criterion_id)
    if criterion.campaign_id != item.id:
        abort(404)
    if EmptyForm().validate_on_submit():
        try:
            services.delete_criterion(current_user, criterion)
        except DomainError as err:
            db.session.rollback()
            flash(err.message, "danger")
        else:
            db.session.commit()
            flash("Đã xóa tiêu chí.", "success")
    return redirect(url_for(".campaign", campaign_id=item.id))


@bp.route("/campaigns/<int:campaign_id>/award-types/new", methods=["GET", "POST"])
@bp.route(
    "/campaigns/<int:campaign_id>/award-types/<int:award_type_id>/edit", methods=["GET", "POST"]
)
@login_required
def award_type_form(campaign_id: int, award_type_id: int | None = None):
    item = get_or_404(Campaign, campaign_id)
    require("campaign.manage", item)
    award_type = None
    if award_type_id:
        award_type = queries.award_type(award_type_id)
        if award_type is None or award_type.campaign_id != item.id:
            abort(404)
    form = AwardTypeForm(obj=award_type)
    if request.method == "GET" and award_type is not None:
        form.form.data = award_type.form.value
        form.issuer_profile.data = award_type.issuer_profile.value
        form.paper.data = award_type.paper.value
    back = url_for(".campaign", campaign_id=item.id)
    if form.validate_on_submit():
        services.save_award_type(current_user, item, form.values(), award_type)
        db.session.commit()
        flash("Đã lưu hình thức khen thưởng.", "success")
        return redirect(back)
    return render_template(
        "registry/form.html",
        form=form,
        title="Sửa hình thức khen thưởng" if award_type else "Thêm hình thức khen thưởng",
        back_url=back,
    )
