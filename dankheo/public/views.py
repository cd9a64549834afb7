"""Routes of the public blueprint: the gallery of recognised initiatives, without
sign-in. Pages show only public fields and evidence marked public."""

from flask import Blueprint, abort, current_app, render_template, request

from dankheo import exports as list_exports
from dankheo.campaigns import queries as campaign_queries
from dankheo.models.versions import DATASETS
from dankheo.public import queries
from dankheo.ratelimits import export_limit, limiter
from dankheo.registry import exports as registry_exports
from dankheo.registry import filters
from dankheo.registry import queries as registry_queries
from dankheo.registry.evidence import send_evidence
from dankheo.registry.lookups import unit_filter_choices
from dankheo.reports.map import render_map
from dankheo.web.access import found
from dankheo.web.page_cache import cached_page

bp = Blueprint("public", __name__, url_prefix="/public")

# The unit filter lists the province and its districts (~a dozen options, not the
# ~2,400 units down to communes); a deeper unit still filters through ?unit=<id>.
FILTER_UNIT_LEVELS = 2
# Anyone may export the gallery without signing in: the file stops at this many rows
# (a workbook of 50,000 rows costs seconds of a worker).
PUBLIC_EXPORT_ROWS = 5_000


# What the gallery shows: initiatives, their units, fields and areas, and the map's
# figures (counted like the dashboard's, from every dataset).
GALLERY_DATASETS = DATASETS


@bp.route("/")
@cached_page(*GALLERY_DATASETS)  # anonymous visitors: the whole page from the shared cache
def gallery():
    params = registry_queries.parse_list_params(request.args)
    params.status = None  # the gallery shows the public statuses only
    page = queries.gallery_page(params, per_page=int(current_app.config.get("PER_PAGE", 50)))
    units, unit_search = unit_filter_choices(
        filters.unit_choices(None, levels=FILTER_UNIT_LEVELS),
        (request.args.get("unit-q") or "").strip()[:200],
        params.unit,
    )
    return render_template(
        "public/gallery.html",
        page=page,
        params=params,
        dot_map=queries.gallery_map(params.unit, params.year),
        render_map=render_map,
        fields=campaign_queries.fields(),
        areas=campaign_queries.priority_areas(),
        units=units,
        unit_search=unit_search,
    )


@bp.route("/export.<any(xlsx, csv):fmt>")
@limiter.limit(export_limit)
def gallery_export(fmt: str):
    params = registry_queries.parse_list_params(request.args)
    params.status = None
    stmt = registry_exports.initiative_export_rows(params, None, public=True)
    return list_exports.export_response(
        fmt,
        title="Mô hình được công nhận",
        filename="mo-hinh-duoc-cong-nhan",
        headers=registry_exports.GALLERY_HEADERS,
        rows=list_exports.stream(
            stmt, registry_exports.gallery_chunk_rows, limit=PUBLIC_EXPORT_ROWS
        ),
        limit=PUBLIC_EXPORT_ROWS,
        # Built once per filter and data version, then served from disk to everyone
        # (and 304 to whoever has it): an anonymous request costs no rendering.
        cache_key=registry_exports.cache_key("gallery", params, None),
        public=True,
    )


@bp.route("/initiatives/<int:initiative_id>")
@cached_page(*GALLERY_DATASETS)
def initiative(initiative_id: int):
    item = found(queries.public_initiative(initiative_id))
    return render_template(
        "public/initiative.html",
        initiative=item,
        years=queries.public_years(item),
        evidence=queries.public_evidence(item),
    )


@bp.route("/evidence/<int:evidence_id>")
def evidence_file(evidence_id: int):
    row = found(queries.public_evidence_row(evidence_id))
    return send_evidence(row, inline=row.is_image)


@bp.route("/evidence/<int:evidence_id>/thumb")
def evidence_thumb(evidence_id: int):
    row = queries.public_evidence_row(evidence_id)
    if row is None or not row.is_image:
        abort(404)
    return send_evidence(row, thumbnail=True)
