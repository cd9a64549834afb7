"""Routes of the campaigns blueprint: fields, campaigns, rubric criteria and award types
(priority areas and the campaign's own indicators: settings_views).

The pages keep their /registry/… addresses (they are bookmarked), under this
blueprint's own endpoints (``campaigns.*``)."""

from typing import TypeVar

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from dankheo import exports as list_exports
from dankheo.campaigns import exports, queries, services, settings_views
from dankheo.campaigns.blueprint import bp, campaign_for, classification_form
from dankheo.campaigns.forms import (
    AwardTypeForm,
    CampaignForm,
    CriterionForm,
    FieldForm,
    IndicatorForm,
)
from dankheo.errors import DomainError
from dankheo.extensions import db
from dankheo.forms import EmptyForm
from dankheo.models import Campaign, Criterion, Field, Unit
from dankheo.permissions import can
from dankheo.registry.forms import choice_list
from dankheo.registry.queries import parse_list_params
from dankheo.web.access import found, require
from dankheo.web.transaction import FLASH, transaction

# The blueprint's other routes: importing their modules adds them to ``bp``.
ROUTE_MODULES = (settings_views,)

T = TypeVar("T")
_campaign = campaign_for


def _of_campaign(row: T | None, campaign: Campaign) -> T:
    """``row`` (a criterion, an award type) when it belongs to ``campaign``; 404 for a
    missing row or another campaign's."""
    return found(row if row is not None and row.campaign_id == campaign.id else None)


# --- fields -----------------------------------------------------------------------------


@bp.route("/fields")
@login_required
def fields():
    require("campaign.list")
    return render_template("campaigns/fields.html", fields=queries.fields())


@bp.route("/fields/new", methods=["GET", "POST"])
@bp.route("/fields/<int:field_id>/edit", methods=["GET", "POST"])
@login_required
def field_form(field_id: int | None = None):
    return classification_form(
        Field,
        FieldForm,
        lambda actor, row, **values: services.save_field(actor, field=row, **values),
        field_id,
        list_endpoint=".fields",
        labels={"saved": "Đã lưu lĩnh vực.", "new": "Thêm lĩnh vực", "edit": "Sửa lĩnh vực"},
    )


# --- campaigns --------------------------------------------------------------------------


@bp.route("/campaigns")
@login_required
def campaigns():
    require("campaign.list")
    params = parse_list_params(request.args)
    stmt = queries.campaigns_select(params.q, params.year)
    per_page = int(current_app.config.get("PER_PAGE", 50))
    page = db.paginate(stmt, page=params.page, per_page=per_page, error_out=False)
    return render_template("campaigns/campaigns.html", page=page, params=params)


@bp.route("/campaigns/export.<any(xlsx, csv):fmt>")
@login_required
def campaigns_export(fmt: str):
    require("campaign.list")
    params = parse_list_params(request.args)
    items, truncated = list_exports.fetch(queries.campaigns_select(params.q, params.year))
    return list_exports.list_export(
        fmt,
        title="Đợt thi đua",
        filename="dot-thi-dua",
        headers=exports.CAMPAIGN_HEADERS,
        rows=exports.campaign_rows(items),
        truncated=truncated,
    )


def _organiser_choices(form: CampaignForm) -> None:
    form.organising_unit_id.choices = choice_list(
        [(None, "— Chọn đơn vị —"), *queries.organiser_choices(current_user)]
    )


@bp.route("/campaigns/new", methods=["GET", "POST"])
@login_required
def campaign_new():
    require("campaign.create")
    form = CampaignForm()
    _organiser_choices(form)
    if form.validate_on_submit():
        unit = db.session.get(Unit, form.organising_unit_id.data)
        if unit is None or not can(current_user, "campaign.create", unit):
            form.organising_unit_id.errors.append("Bạn không tổ chức đợt thi đua cho đơn vị này.")
        else:
            with transaction(form) as done:
                campaign = services.save_campaign(current_user, form.values())
            if done.ok:
                flash("Đã tạo đợt thi đua.", "success")
                return redirect(url_for(".campaign", campaign_id=campaign.id))
    return render_template(
        "campaigns/form.html", form=form, title="Tạo đợt thi đua", back_url=url_for(".campaigns")
    )


@bp.route("/campaigns/<int:campaign_id>")
@login_required
def campaign(campaign_id: int):
    require("campaign.list")
    item = found(queries.campaign_detail(campaign_id))
    return render_template(
        "campaigns/campaign.html",
        campaign=item,
        rubric_locked=services.rubric_locked(item),
        empty_form=EmptyForm(),
        indicator_form=IndicatorForm(),
    )


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@login_required
def campaign_edit(campaign_id: int):
    item = _campaign(campaign_id, "campaign.manage")
    form = CampaignForm(obj=item)
    _organiser_choices(form)
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
            with transaction(form) as done:
                services.save_campaign(current_user, values, item)
            if done.ok:
                flash("Đã lưu đợt thi đua.", "success")
                return redirect(url_for(".campaign", campaign_id=item.id))
    return render_template(
        "campaigns/form.html",
        form=form,
        title=f"Sửa đợt thi đua: {item.name}",
        back_url=url_for(".campaign", campaign_id=item.id),
    )


# --- rubric and award types -------------------------------------------------------------


@bp.route("/campaigns/<int:campaign_id>/criteria/new", methods=["GET", "POST"])
@bp.route("/campaigns/<int:campaign_id>/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
@login_required
def criterion_form(campaign_id: int, criterion_id: int | None = None):
    item = _campaign(campaign_id, "campaign.manage")
    criterion = (
        _of_campaign(db.session.get(Criterion, criterion_id), item) if criterion_id else None
    )
    back = url_for(".campaign", campaign_id=item.id)
    if services.rubric_locked(item):
        flash(DomainError("campaign.rubric_locked", day=_day(item.review_opens)).message, "danger")
        return redirect(back)
    form = CriterionForm(obj=criterion)
    if request.method == "GET" and criterion is None:
        form.position.data = len(item.criteria) + 1
    if form.validate_on_submit():
        with transaction(form) as done:
            services.save_criterion(current_user, item, form.values(), criterion)
        if done.ok:
            flash("Đã lưu tiêu chí.", "success")
            return redirect(back)
    return render_template(
        "campaigns/form.html",
        form=form,
        title="Sửa tiêu chí" if criterion else "Thêm tiêu chí",
        back_url=back,
    )


def _day(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


@bp.route("/campaigns/<int:campaign_id>/criteria/<int:criterion_id>/delete", methods=["POST"])
@login_required
def criterion_delete(campaign_id: int, criterion_id: int):
    item = _campaign(campaign_id, "campaign.manage")
    criterion = _of_campaign(db.session.get(Criterion, criterion_id), item)
    if EmptyForm().validate_on_submit():
        with transaction(FLASH) as done:
            services.delete_criterion(current_user, criterion)
        if done.ok:
            flash("Đã xóa tiêu chí.", "success")
    return redirect(url_for(".campaign", campaign_id=item.id))


@bp.route("/campaigns/<int:campaign_id>/award-types/new", methods=["GET", "POST"])
@bp.route(
    "/campaigns/<int:campaign_id>/award-types/<int:award_type_id>/edit", methods=["GET", "POST"]
)
@login_required
def award_type_form(campaign_id: int, award_type_id: int | None = None):
    item = _campaign(campaign_id, "campaign.manage")
    award_type = _of_campaign(queries.award_type(award_type_id), item) if award_type_id else None
    form = AwardTypeForm(obj=award_type)
    if request.method == "GET" and award_type is not None:
        form.form.data = award_type.form.value
        form.issuer_profile.data = award_type.issuer_profile.value
        form.paper.data = award_type.paper.value
    back = url_for(".campaign", campaign_id=item.id)
    if form.validate_on_submit():
        with transaction():
            services.save_award_type(current_user, item, form.values(), award_type)
        flash("Đã lưu hình thức khen thưởng.", "success")
        return redirect(back)
    return render_template(
        "campaigns/form.html",
        form=form,
        title="Sửa hình thức khen thưởng" if award_type else "Thêm hình thức khen thưởng",
        back_url=back,
    )
