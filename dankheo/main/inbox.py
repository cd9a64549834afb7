"""The inbox: what waits for the signed-in user, per role, gathered from the
nominations and review reads."""

from dankheo.models.accounts import Role
from dankheo.nominations.queries import officer_waiting
from dankheo.permissions import is_admin, units_with_role
from dankheo.review.inbox import secretary_campaign_counts, to_score_count
from dankheo.review.queries import organised_campaigns


def inbox_for(user) -> dict:
    """What waits for ``user``, per role: returned dossiers and drafts (officer), what to
    screen, assign and decide per organised campaign (secretary), what to score
    (reviewer). A bounded number of queries."""
    out: dict = {"returned": [], "drafts": [], "campaigns": [], "counts": {}, "to_score": None}
    if is_admin(user) or units_with_role(user, Role.OFFICER):
        out["returned"], out["drafts"] = officer_waiting(user)
    if is_admin(user) or units_with_role(user, Role.SECRETARY):
        campaigns = organised_campaigns(user)
        counts = secretary_campaign_counts([c.id for c in campaigns])
        out["campaigns"] = [c for c in campaigns if any(counts[c.id].values())]
        out["counts"] = counts
    if units_with_role(user, Role.REVIEWER):
        out["to_score"] = to_score_count(user)
    return out
