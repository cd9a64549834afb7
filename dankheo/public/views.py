"""Routes of the public blueprint: the gallery of recognised initiatives, without
sign-in. Pages show only public fields and evidence marked public."""

from flask import Blueprint, abort, current_app, render_template, request

from dankheo.public import queries
from dankheo.registry import queries as registry_queries

bp = Blueprint("public", __name__, url_prefix="/public")

# The unit filter lists the province and its districts (~a dozen options, not the
# ~2,400 units down to communes); a deeper unit still filters through ?unit=<id>.
FILTER_UNIT_LEVELS = 2


@bp.route("/")
def gallery():
    params = registry_queries.parse_list_params(request.args)
    params.status = None  # the gallery shows the public statuses only
    page = queries.gallery_page(params, per_page=int(current_app.config.get("PER_PAGE", 50)))
    return render_template(
        "public/gallery.html",
        page=page,
        params=params,
        fields=registry_queries.fields(),
        units=registry_queries.unit_choices(None, levels=FILTER_UNIT_LEVELS),
    )


@bp.route("/initiatives/<int:initiative_id>")
def initiative(initiative_id: int):
    item = queries.public_initiative(initiative_id)
    if item is None:
        abort(404)
    return render_template(
        "public/initiative.html",
        initiative=item,
        years=queries.public_years(item),
        evidence=queries.public_evidence(item),
    )


@bp.route("/evidence/<int:evidence_id>")
def evidence_file(evidence_id: int):
    from dankheo.registry.views import send_evidence

    row = queries.public_evidence_row(evidence_id)
    if row is None:
        abort(404)
    return send_evidence(row, inline=row.is_image)


@bp.route("/evidence/<int:evidence_id>/thumb")
def evidence_thumb(evidence_id: int):
    from dankheo.registry.views import send_evidence

    row = queries.public_evidence_row(evidence_id)
    if row is None or not row.is_image:
        abort(404)
    return send_evidence(row, thumbnail=True)
