"""The review blueprint and what its route modules share: the page number, select
choices, and the loaders of a campaign and an assignment (404, then 403)."""

from flask import Blueprint
from flask_sqlalchemy.pagination import Pagination
from wtforms.fields.choices import SelectChoice

from dankheo.extensions import db
from dankheo.models.campaigns import Campaign
from dankheo.models.review import Assignment
from dankheo.review import queries
from dankheo.web.access import found, require
from dankheo.web.params import page_arg

bp = Blueprint("review", __name__, url_prefix="/review")


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class PageNumbers(Pagination):
    """A page's numbers without its query or rows (what the pagination macro draws),
    small enough to keep in the cache beside a page's rendered rows."""

    def __init__(self, page: int, per_page: int, total: int | None):
        self.page, self.per_page, self.total = page, per_page, total or 0
        self.max_per_page = None
        self.items = []


def page() -> int:
    return page_arg()


def load_campaign(campaign_id: int, action: str) -> Campaign:
    """The campaign (404), on which the signed-in user may ``action`` (403)."""
    campaign = found(db.session.get(Campaign, campaign_id))
    require(action, campaign)
    return campaign


def load_assignment(assignment_id: int) -> Assignment:
    """The assignment with what its scorecard page shows (404); who may see it is the
    route's question (the reviewer or the campaign's secretary)."""
    return found(queries.assignment_for_page(assignment_id))
