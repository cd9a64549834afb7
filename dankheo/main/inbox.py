"""The inbox: what waits for the signed-in user, per role, gathered from the
nominations and review reads, saying why: the subject, the reason of a return, the
deadline and the action to take."""

from datetime import date

from dankheo import vietnamese
from dankheo.models.accounts import Role
from dankheo.nominations.queries import officer_waiting, return_reasons
from dankheo.permissions import is_admin, units_with_role
from dankheo.review.inbox import secretary_campaign_counts, to_score_count
from dankheo.review.queries import organised_campaigns, pending_assignments

# Scorecards listed on the inbox (the queue has them all).
TO_SCORE_LISTED = 10


def inbox_for(user, today: date | None = None) -> dict:
    """What waits for ``user``, per role: returned dossiers (with the reason) and drafts
    (officer), what to screen, assign and decide per organised campaign (secretary), the
    dossiers to score with their deadline (reviewer). A bounded number of queries."""
    out: dict = {
        "returned": [],
        "drafts": [],
        "reasons": {},
        "campaigns": [],
        "counts": {},
        "to_score": None,
        "to_score_items": [],
        "today": today or vietnamese.today(),
    }
    if is_admin(user) or units_with_role(user, Role.OFFICER):
        out["returned"], out["drafts"] = officer_waiting(user)
        out["reasons"] = return_reasons(n.id for n in out["returned"])
    if is_admin(user) or units_with_role(user, Role.SECRETARY):
        campaigns = organised_campaigns(user)
        counts = secretary_campaign_counts([c.id for c in campaigns])
        out["campaigns"] = [c for c in campaigns if any(counts[c.id].values())]
        out["counts"] = counts
    if units_with_role(user, Role.REVIEWER):
        out["to_score"] = to_score_count(user)
        if out["to_score"]:
            out["to_score_items"] = pending_assignments(user, TO_SCORE_LISTED)
    return out
