"""200 nominations × 3 reviewers: each review page costs a bounded number of queries."""

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models import Assignment, NominationState, Score, Scorecard
from dankheo.review import services
from tests.factories import make_initiative, make_nomination

BOUND = 30


def _fill(w, count=200):
    campaign = w["campaign"]
    unit = w["units"]["c11"]
    for i in range(count):
        make_nomination(
            campaign,
            unit,
            initiative=make_initiative(unit, f"Mô hình {i:03d}"),
            state=NominationState.IN_REVIEW,
        )
    db.session.commit()
    services.auto_assign(w["secretary"], campaign)
    criteria = list(campaign.criteria)
    for i, a in enumerate(db.session.scalars(sa.select(Assignment).order_by(Assignment.id))):
        if i % 3 == 2:
            continue  # a third left unscored
        card = Scorecard(
            assignment=a, total=Decimal(20 + i % 9), submitted_at=datetime(2024, 11, 1)
        )
        card.scores = [Score(criterion_id=c.id, points=Decimal(7)) for c in criteria]
        db.session.add(card)
    db.session.commit()


def _count(client, count_queries, url):
    db.session.expire_all()
    with count_queries() as q:
        response = client.get(url)
    assert response.status_code == 200
    return q.count


def test_review_pages_stay_bounded_at_200_nominations(review_world, client, auth, count_queries):
    w = review_world
    _fill(w)
    cid = w["campaign"].id
    assert db.session.scalar(sa.select(sa.func.count(Assignment.id))) == 600
    auth.login("thuky")
    ranking = _count(client, count_queries, f"/review/campaigns/{cid}/ranking")
    committee = _count(client, count_queries, f"/review/campaigns/{cid}/committee")
    inbox = _count(client, count_queries, "/inbox")
    any_assignment = db.session.scalar(sa.select(Assignment.id))
    scorecard_secretary = _count(client, count_queries, f"/review/assignments/{any_assignment}")
    auth.logout()
    auth.login("hoidong1")
    queue = _count(client, count_queries, "/review/?status=all")
    mine = db.session.scalar(
        sa.select(Assignment.id)
        .join(Assignment.reviewer)
        .where(Assignment.reviewer.has(user_id=w["reviewer_users"][0].id))
    )
    scorecard = _count(client, count_queries, f"/review/assignments/{mine}")
    counts = {
        "ranking": ranking,
        "committee": committee,
        "inbox": inbox,
        "scorecard_secretary": scorecard_secretary,
        "queue": queue,
        "scorecard": scorecard,
    }
    assert all(c <= BOUND for c in counts.values()), counts
