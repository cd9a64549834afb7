"""Reads for review: assignments, queues, rankings."""

import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models.review import Assignment, Reviewer


def is_assigned(user, nomination) -> bool:
    """Whether ``user`` reviews ``nomination`` (one indexed query)."""
    return bool(
        db.session.scalar(
            sa.select(Assignment.id)
            .join(Reviewer, Reviewer.id == Assignment.reviewer_id)
            .where(Assignment.nomination_id == nomination.id, Reviewer.user_id == user.id)
            .limit(1)
        )
    )
