"""Concurrent scorecard submissions on one nomination leave its kept scores equal to
its scorecards computed from scratch (real connections: a SQLite file here, the
PostgreSQL server under `make test-postgres`)."""

import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models import Assignment, NominationScore, NominationState, Scorecard, review_scores
from tests.factories import make_initiative, make_nomination
from tests.security.test_concurrency import _session_id, app, race, world  # noqa: F401


def test_concurrent_submissions_keep_the_scores(app, world):  # noqa: F811
    nomination = make_nomination(
        world.campaign,
        world.units["c11"],
        initiative=make_initiative(world.units["c11"]),
        state=NominationState.IN_REVIEW,
    )
    assignments = [
        Assignment(nomination=nomination, reviewer=world.reviewer),
        Assignment(nomination=nomination, reviewer=world.reviewer_other),
    ]
    db.session.add_all(assignments)
    db.session.commit()

    def submit(assignment, points):
        data = {f"points_{c.id}": str(points) for c in world.campaign.criteria}
        data.update(action="submit", version="0", comment="")
        url = f"/review/assignments/{assignment.id}"
        return lambda c: c.post(url, data=data)

    race(
        app,
        [
            (_session_id(world, "reviewer"), submit(assignments[0], 7)),
            (_session_id(world, "reviewer_other"), submit(assignments[1], 9)),
        ],
    )
    submitted = db.session.scalars(
        sa.select(Scorecard.total)
        .join(Assignment, Assignment.id == Scorecard.assignment_id)
        .where(Assignment.nomination_id == nomination.id, Scorecard.submitted_at.is_not(None))
    ).all()
    assert len(submitted) == 2  # both went through
    row = db.session.get(NominationScore, nomination.id)
    assert row.done == 2 and row.assigned == 2
    expected = review_scores.recompute(db.session.connection(), [nomination.id])[nomination.id]
    assert {
        "assigned": row.assigned,
        "done": row.done,
        "mean": row.mean,
        "median": row.median,
        "spread": row.spread,
    } == expected
    assert row.median == float(sum(submitted) / 2)
