"""The campaigns blueprint and the loader its view modules share."""

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from dankheo.extensions import db
from dankheo.models import Campaign
from dankheo.web.access import found, require
from dankheo.web.transaction import transaction

# The pages keep their /registry/… addresses (they are bookmarked).
bp = Blueprint("campaigns", __name__, url_prefix="/registry")


def campaign_for(campaign_id: int, action: str) -> Campaign:
    """The campaign (404) that the signed-in user may ``action`` (403)."""
    item = found(db.session.get(Campaign, campaign_id))
    require(action, item)
    return item


def classification_form(
    model, form_class, save: Callable, row_id: int | None, *, list_endpoint: str, labels: dict
):
    """The add/edit page of a classification list (fields, priority areas): the row
    (404), its form, ``save(actor, name=, position=, active=, row)`` in one transaction,
    and back to the list. ``labels``: the page titles and the saved message."""
    require("fields.manage")
    row = found(db.session.get(model, row_id)) if row_id else None
    form = form_class(obj=row)
    if form.validate_on_submit():
        with transaction(form.name) as done:
            save(
                current_user,
                name=form.name.data,
                position=form.position.data,
                active=form.active.data,
                row=row,
            )
        if done.ok:
            flash(labels["saved"], "success")
            return redirect(url_for(list_endpoint))
    return render_template(
        "campaigns/form.html",
        form=form,
        title=labels["edit"] if row else labels["new"],
        back_url=url_for(list_endpoint),
    )
