"""Routes of the campaigns blueprint for the second classification and the campaign's
own indicators: the priority areas of the directive (a list beside the fields, kept by
administrators) and, on a campaign, the indicators officers report each year."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from dankheo.campaigns import queries, services
from dankheo.campaigns.blueprint import bp, campaign_for, classification_form
from dankheo.campaigns.forms import IndicatorForm, PriorityAreaForm
from dankheo.extensions import db
from dankheo.forms import EmptyForm
from dankheo.models import CampaignIndicator, PriorityArea
from dankheo.web.access import found, require
from dankheo.web.transaction import FLASH, transaction


@bp.route("/priority-areas")
@login_required
def priority_areas():
    require("campaign.list")
    return render_template("campaigns/priority_areas.html", areas=queries.priority_areas())


@bp.route("/priority-areas/new", methods=["GET", "POST"])
@bp.route("/priority-areas/<int:area_id>/edit", methods=["GET", "POST"])
@login_required
def priority_area_form(area_id: int | None = None):
    return classification_form(
        PriorityArea,
        PriorityAreaForm,
        lambda actor, row, **values: services.save_priority_area(actor, area=row, **values),
        area_id,
        list_endpoint=".priority_areas",
        labels={
            "saved": "Đã lưu lĩnh vực trọng tâm.",
            "new": "Thêm lĩnh vực trọng tâm",
            "edit": "Sửa lĩnh vực trọng tâm",
        },
    )


@bp.route("/campaigns/<int:campaign_id>/indicators", methods=["POST"])
@login_required
def indicator_add(campaign_id: int):
    campaign = campaign_for(campaign_id, "campaign.manage")
    form = IndicatorForm()
    if form.validate_on_submit():
        with transaction(FLASH) as done:
            services.add_indicator(
                current_user, campaign, name=form.name.data, unit_label=form.unit_label.data
            )
        if done.ok:
            flash(f"Đã thêm chỉ tiêu “{form.name.data}”.", "success")
    else:
        flash(" ".join(e for errs in form.errors.values() for e in errs), "danger")
    return redirect(url_for(".campaign", campaign_id=campaign.id, _anchor="chi-tieu-rieng"))


@bp.route("/campaigns/<int:campaign_id>/indicators/<int:indicator_id>/delete", methods=["POST"])
@login_required
def indicator_delete(campaign_id: int, indicator_id: int):
    campaign = campaign_for(campaign_id, "campaign.manage")
    indicator = db.session.get(CampaignIndicator, indicator_id)
    found(indicator if indicator is not None and indicator.campaign_id == campaign.id else None)
    if EmptyForm().validate_on_submit():
        with transaction(FLASH) as done:
            services.delete_indicator(current_user, indicator)
        if done.ok:
            flash("Đã xóa chỉ tiêu.", "success")
    return redirect(url_for(".campaign", campaign_id=campaign.id, _anchor="chi-tieu-rieng"))
