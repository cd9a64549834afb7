"""Each nomination's kept scores (nomination_scores: assigned, done, mean, median,
spread) equal what its assignments and scorecards give computed from scratch, after
every kind of change, in the transaction that made it; the ranking reads them, and its
cached parts move on with every commit."""

import statistics
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models import (
    Assignment,
    NominationScore,
    NominationState,
    Score,
    Scorecard,
    review_scores,
)
from dankheo.review import ranking as rankings
from dankheo.review import services
from tests.review.conftest import in_review


def independent(nomination_id: int) -> dict:
    """The figures of one nomination, from its rows, without review_scores."""
    rows = db.session.execute(
        sa.select(Scorecard.submitted_at, Scorecard.total)
        .select_from(Assignment)
        .outerjoin(Scorecard, Scorecard.assignment_id == Assignment.id)
        .where(Assignment.nomination_id == nomination_id)
    ).all()
    totals = [float(t) for s, t in rows if s is not None]
    return {
        "assigned": len(rows),
        "done": len(totals),
        "mean": round(statistics.fmean(totals), 6) if totals else None,
        "median": statistics.median(totals) if totals else None,
        "spread": max(totals) - min(totals) if totals else None,
    }


def kept(nomination_id: int) -> dict | None:
    db.session.expire_all()
    row = db.session.get(NominationScore, nomination_id)
    if row is None:
        return None
    return {
        "assigned": row.assigned,
        "done": row.done,
        "mean": round(row.mean, 6) if row.mean is not None else None,
        "median": row.median,
        "spread": row.spread,
    }


def assert_consistent(nomination_ids) -> None:
    for nomination_id in nomination_ids:
        assert kept(nomination_id) == independent(nomination_id), nomination_id
    from_scratch = review_scores.recompute(db.session.connection())
    stored = {
        r.nomination_id: review_scores.summarise(0, [])
        | {"assigned": r.assigned, "done": r.done, "mean": r.mean}
        | {"median": r.median, "spread": r.spread}
        for r in db.session.scalars(sa.select(NominationScore))
    }
    assert stored == from_scratch


def _submit(w, assignment, points):
    criteria = list(w["campaign"].criteria)
    return services.save_scorecard(
        w["secretary"],
        assignment,
        points={c.id: str(points) for c in criteria},
        comments={},
        comment="",
        expected_version=assignment.scorecard.version if assignment.scorecard else None,
        submit=True,
    )


def test_kept_scores_follow_every_change(review_world):
    w = review_world
    first, second = in_review(w, n=2)
    ids = [first.id, second.id]
    # Assigned, nothing scored: a row with no mean.
    assignments = [services.assign(w["secretary"], first, r) for r in w["reviewers"][:3]]
    services.assign(w["secretary"], second, w["reviewers"][0])
    db.session.commit()
    assert kept(first.id)["assigned"] == 3 and kept(first.id)["mean"] is None
    assert_consistent(ids)
    # Submitted one by one: mean, median (odd and even counts) and spread follow.
    for assignment, points in zip(assignments, (6, 9, 7), strict=True):
        _submit(w, assignment, points)
        db.session.commit()
        assert_consistent(ids)
    figures = kept(first.id)
    assert figures["done"] == 3
    totals = sorted(float(a.scorecard.total) for a in assignments)
    assert figures["median"] == totals[1]
    assert figures["spread"] == totals[2] - totals[0]
    # A draft saved is not counted; a reopened (withdrawn) scorecard leaves the figures.
    services.reopen_scorecard(w["secretary"], assignments[1].scorecard, "Chấm lại")
    db.session.commit()
    assert kept(first.id)["done"] == 2
    assert_consistent(ids)
    # An assignment removed (its draft with it) leaves the figures too.
    services.unassign(w["secretary"], assignments[1])
    db.session.commit()
    assert kept(first.id)["assigned"] == 2
    assert_consistent(ids)
    # A scorecard written directly through the ORM is kept the same way.
    criteria = list(w["campaign"].criteria)
    assignment = db.session.get(Assignment, _assignment_of(second.id))
    card = Scorecard(total=Decimal("55.5"), submitted_at=datetime(2024, 11, 1))
    card.scores = [Score(criterion_id=c.id, points=Decimal(5)) for c in criteria]
    db.session.add(card)
    card.assignment = assignment
    db.session.commit()
    assert kept(second.id)["median"] == 55.5
    assert_consistent(ids)


def test_a_rolled_back_change_leaves_the_kept_row(review_world):
    w = review_world
    (nomination,) = in_review(w)
    assignment = services.assign(w["secretary"], nomination, w["reviewers"][0])
    db.session.commit()
    _submit(w, assignment, 8)
    db.session.flush()
    assert kept_in_transaction(nomination.id) == 1
    db.session.rollback()
    assert kept(nomination.id)["done"] == 0
    assert_consistent([nomination.id])


def kept_in_transaction(nomination_id: int) -> int:
    return db.session.scalar(
        sa.select(NominationScore.done).where(NominationScore.nomination_id == nomination_id)
    )


def _assignment_of(nomination_id: int) -> int:
    return db.session.scalar(
        sa.select(Assignment.id).where(Assignment.nomination_id == nomination_id)
    )


def test_rebuild_equals_the_kept_rows(review_world):
    w = review_world
    nominations = in_review(w, n=3)
    for i, nomination in enumerate(nominations):
        for j, reviewer in enumerate(w["reviewers"][: i + 1]):
            _submit(w, services.assign(w["secretary"], nomination, reviewer), 5 + j)
    db.session.commit()
    before = {r.nomination_id: r.median for r in db.session.scalars(sa.select(NominationScore))}
    assert review_scores.rebuild(db.session) == 3
    db.session.commit()
    db.session.expire_all()
    after = {r.nomination_id: r.median for r in db.session.scalars(sa.select(NominationScore))}
    assert after == before
    assert_consistent([n.id for n in nominations])


def test_ranking_by_median_reads_the_kept_medians(review_world, client, auth):
    """The median order and figures equal the scorecards' medians; the cached page
    shows a newly submitted scorecard at once."""
    w = review_world
    nominations = in_review(w, n=3)
    cards = {}
    for nomination, points in zip(nominations, ((4, 9, 9), (8, 8, 1), (6, 6, 6)), strict=True):
        cards[nomination.id] = [
            _submit(w, services.assign(w["secretary"], nomination, reviewer), p)
            for reviewer, p in zip(w["reviewers"], points, strict=False)
        ]
    db.session.commit()
    award_type = w["campaign"].award_types[0]
    medians = {i: statistics.median(float(c.total) for c in cs) for i, cs in cards.items()}
    by_median = rankings.sort_rows(rankings.aggregates(award_type), "median", "desc")
    assert [a.nomination_id for a in by_median] == sorted(medians, key=lambda i: -medians[i])
    assert {a.nomination_id: a.median for a in by_median} == medians
    auth.login("thuky")
    url = f"/review/campaigns/{w['campaign'].id}/ranking?sort=median&dir=desc"
    page = client.get(url).get_data(as_text=True)
    names = [n.recipient_name for n in sorted(nominations, key=lambda n: -medians[n.id])]
    assert [page.index(name) for name in names] == sorted(page.index(name) for name in names)
    # A reopened scorecard changes the median; the next request shows it (no stale page).
    top = by_median[0].nomination_id
    first_card = cards[top][0]
    services.reopen_scorecard(w["secretary"], first_card, "Chấm lại")
    db.session.commit()
    remaining = [float(c.total) for c in cards[top] if c.id != first_card.id]
    assert kept(top)["median"] == statistics.median(remaining)
    again = client.get(url).get_data(as_text=True)
    assert again != page
    assert "1/3" not in page and "2/3" in again  # done/assigned of the reopened one


def test_review_pages_cost_the_same_statements_at_any_size(
    review_world, client, auth, count_queries
):
    """Ranking (by mean and by median) and committee: the same number of statements
    with 6 or 36 scored nominations, cold (after a commit) and warm."""
    w = review_world
    cid = w["campaign"].id
    urls = [
        f"/review/campaigns/{cid}/ranking",
        f"/review/campaigns/{cid}/ranking?sort=median",
        f"/review/campaigns/{cid}/committee",
    ]
    auth.login("thuky")
    measured = []
    for count in (6, 30):
        _more_scored(w, count)
        cold, warm = [], []
        for url in urls:
            db.session.expire_all()
            with count_queries() as q:
                assert client.get(url).status_code == 200
            cold.append(q.count)
            db.session.expire_all()
            with count_queries() as q:
                assert client.get(url).status_code == 200
            warm.append(q.count)
        measured.append((cold, warm))
    assert measured[0] == measured[1], measured
    cold, warm = measured[0]
    assert all(w <= c for w, c in zip(warm, cold, strict=True))


def _more_scored(w, count):
    """``count`` more nominations in review, assigned, two thirds of them scored."""
    from tests.factories import make_initiative, make_nomination

    campaign, unit = w["campaign"], w["units"]["c11"]
    for _ in range(count):
        make_nomination(
            campaign,
            unit,
            initiative=make_initiative(unit),
            state=NominationState.IN_REVIEW,
        )
    db.session.commit()
    services.auto_assign(w["secretary"], campaign)
    criteria = list(campaign.criteria)
    unscored = db.session.scalars(
        sa.select(Assignment)
        .outerjoin(Scorecard, Scorecard.assignment_id == Assignment.id)
        .where(Scorecard.id.is_(None))
        .order_by(Assignment.id)
    ).all()
    for i, assignment in enumerate(unscored):
        if i % 3 == 2:
            continue
        card = Scorecard(total=Decimal(20 + i % 9), submitted_at=datetime(2024, 11, 1))
        card.scores = [Score(criterion_id=c.id, points=Decimal(7)) for c in criteria]
        db.session.add(card)
        card.assignment = assignment
    db.session.commit()


def test_a_nomination_moved_to_another_award_type_takes_its_row(review_world):
    from dankheo.models import AwardForm, AwardType, IssuerProfile

    w = review_world
    (nomination,) = in_review(w)
    _submit(w, services.assign(w["secretary"], nomination, w["reviewers"][0]), 8)
    other = AwardType(
        campaign=w["campaign"],
        form=AwardForm.GIAY_KHEN,
        issuer_title="Chủ tịch Ủy ban nhân dân tỉnh Tây Ninh",
        issuer_profile=IssuerProfile.STATE,
        decision_suffix="QĐ-UBND",
        quota=1,
    )
    db.session.add(other)
    db.session.commit()
    assert db.session.get(NominationScore, nomination.id).award_type_id != other.id
    nomination.award_type = other
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(NominationScore, nomination.id).award_type_id == other.id
    assert [a.nomination_id for a in rankings.aggregates(other)] == [nomination.id]
    assert_consistent([nomination.id])
