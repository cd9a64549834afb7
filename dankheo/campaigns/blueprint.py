"""The campaigns blueprint and the loader its view modules share."""

from flask import Blueprint

from dankheo.extensions import db
from dankheo.models import Campaign
from dankheo.web.access import found, require

# The pages keep their /registry/… addresses (they are bookmarked).
bp = Blueprint("campaigns", __name__, url_prefix="/registry")


def campaign_for(campaign_id: int, action: str) -> Campaign:
    """The campaign (404) that the signed-in user may ``action`` (403)."""
    item = found(db.session.get(Campaign, campaign_id))
    require(action, item)
    return item
