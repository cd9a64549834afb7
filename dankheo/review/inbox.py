"""What waits in review, counted: a reviewer's scorecards to submit, and per organised
campaign what a secretary has to screen, assign, decide and clear. The inbox and the
review pages show these figures."""

import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models.campaigns import Campaign
from dankheo.models.nominations import Nomination, NominationState
from dankheo.models.review import (
    Assignment,
    Committee,
    ConflictOfInterest,
    ConflictStatus,
    Reviewer,
    Scorecard,
)


def to_score_count(user) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Assignment.id))
        .join(Reviewer, Reviewer.id == Assignment.reviewer_id)
        .join(Nomination, Nomination.id == Assignment.nomination_id)
        .outerjoin(Scorecard, Scorecard.assignment_id == Assignment.id)
        .where(
            Reviewer.user_id == user.id,
            Reviewer.active.is_(True),
            Nomination.state == NominationState.IN_REVIEW,
            Scorecard.submitted_at.is_(None),
        )
    )


def secretary_campaign_counts(campaign_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per campaign: submitted (to screen), in review short of k reviewers (to assign),
    in review with every assigned scorecard submitted (ready to decide), pending
    declared conflicts. Four GROUP BY queries, whatever the number of campaigns."""
    out = {
        cid: {"to_screen": 0, "to_assign": 0, "ready": 0, "conflicts": 0} for cid in campaign_ids
    }
    if not campaign_ids:
        return out
    for cid, n in db.session.execute(
        sa.select(Nomination.campaign_id, sa.func.count(Nomination.id))
        .where(
            Nomination.campaign_id.in_(campaign_ids),
            Nomination.state == NominationState.SUBMITTED,
        )
        .group_by(Nomination.campaign_id)
    ):
        out[cid]["to_screen"] = n
    per_nomination = (
        sa.select(
            Nomination.id.label("nid"),
            Nomination.campaign_id.label("cid"),
            Campaign.reviewers_per_nomination.label("k"),
            sa.func.count(Assignment.id).label("assigned"),
            sa.func.count(Scorecard.submitted_at).label("done"),
        )
        .join(Campaign, Campaign.id == Nomination.campaign_id)
        .outerjoin(Assignment, Assignment.nomination_id == Nomination.id)
        .outerjoin(Scorecard, Scorecard.assignment_id == Assignment.id)
        .where(
            Nomination.campaign_id.in_(campaign_ids),
            Nomination.state == NominationState.IN_REVIEW,
        )
        .group_by(Nomination.id, Nomination.campaign_id, Campaign.reviewers_per_nomination)
        .subquery()
    )
    for cid, to_assign, ready in db.session.execute(
        sa.select(
            per_nomination.c.cid,
            sa.func.sum(sa.case((per_nomination.c.assigned < per_nomination.c.k, 1), else_=0)),
            sa.func.sum(
                sa.case(
                    (
                        sa.and_(
                            per_nomination.c.assigned > 0,
                            per_nomination.c.done == per_nomination.c.assigned,
                        ),
                        1,
                    ),
                    else_=0,
                )
            ),
        ).group_by(per_nomination.c.cid)
    ):
        out[cid]["to_assign"] = int(to_assign or 0)
        out[cid]["ready"] = int(ready or 0)
    for cid, n in db.session.execute(
        sa.select(Committee.campaign_id, sa.func.count(ConflictOfInterest.id))
        .join(Reviewer, Reviewer.committee_id == Committee.id)
        .join(ConflictOfInterest, ConflictOfInterest.reviewer_id == Reviewer.id)
        .where(
            Committee.campaign_id.in_(campaign_ids),
            ConflictOfInterest.status == ConflictStatus.PENDING,
        )
        .group_by(Committee.campaign_id)
    ):
        out[cid]["conflicts"] = n
    return out
