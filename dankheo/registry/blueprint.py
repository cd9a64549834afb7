"""The registry blueprint and what its view modules share: the page size, the filter
choices of the lists and the current year."""

from flask import Blueprint, current_app, request

from dankheo import vietnamese
from dankheo.campaigns import queries as campaign_queries
from dankheo.models import ExemplarKind, YearStatus
from dankheo.models.registry import EXEMPLAR_KIND_LABELS, YEAR_STATUS_LABELS
from dankheo.registry import filters
from dankheo.registry.lookups import unit_filter_choices
from dankheo.web.params import arg_id

bp = Blueprint("registry", __name__, url_prefix="/registry")

# Unit filters list this many levels of the tree from the top of the user's scope
# (province and districts for the whole province: a dozen options rather than ~2,400
# communes); a deeper unit still filters through ?unit=<id> (links from the dashboard).
FILTER_UNIT_LEVELS = 2


def per_page() -> int:
    return int(current_app.config.get("PER_PAGE", 50))


def filter_context(scope) -> dict:
    """The choices of a list's filter bar (templates/registry/_filters.html)."""
    units, unit_search = unit_filter_choices(
        filters.unit_choices(scope, levels=FILTER_UNIT_LEVELS),
        (request.args.get("unit-q") or "").strip()[:200],
        arg_id("unit"),
    )
    return {
        "fields": campaign_queries.fields(),
        "areas": campaign_queries.priority_areas(),
        "units": units,
        "unit_search": unit_search,
        "statuses": [(s.value, YEAR_STATUS_LABELS[s]) for s in YearStatus],
        "kinds": [(k.value, EXEMPLAR_KIND_LABELS[k]) for k in ExemplarKind],
    }


def chosen_priority_areas(form) -> list:
    """The priority areas ticked on a form (WTForms checked them against its choices)."""
    ids = set(form.priority_area_ids.data or [])
    return [a for a in campaign_queries.priority_areas() if a.id in ids]


def this_year() -> int:
    return vietnamese.today().year
