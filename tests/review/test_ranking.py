"""Ranking aggregates with known answers; quota cut line and override."""

from datetime import datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from dankheo.errors import DomainError
from dankheo.extensions import db
from dankheo.models import Assignment, AuditEvent, NominationState, Scorecard
from dankheo.review import ranking, services
from tests.review.conftest import in_review


def _card(nomination, reviewer, total):
    assignment = Assignment(nomination=nomination, reviewer=reviewer)
    db.session.add(assignment)
    db.session.add(
        Scorecard(assignment=assignment, total=Decimal(total), submitted_at=datetime(2024, 11, 1))
    )


def test_mean_median_spread_with_known_answers(review_world):
    w = review_world
    w["campaign"].spread_threshold = Decimal(5)
    a, b = in_review(w, n=2)
    r1, r2, r3, _r4 = w["reviewers"]
    for reviewer, total in ((r1, 20), (r2, 24), (r3, 30)):
        _card(a, reviewer, total)
    _card(b, r1, 22)
    db.session.add(Assignment(nomination=b, reviewer=r2))  # assigned, not scored
    db.session.commit()
    rows = {
        r.nomination.id: r for r in ranking.ranking(w["campaign"], w["campaign"].award_types[0])
    }
    ra, rb = rows[a.id], rows[b.id]
    assert (ra.done, ra.assigned) == (3, 3) and (rb.done, rb.assigned) == (1, 2)
    assert ra.mean == pytest.approx(74 / 3) and ra.median == 24 and ra.spread == 10
    assert ra.flagged is True and rb.flagged is False
    assert rb.mean == 22 and rb.spread == 0
    # Fewer than 5 scorecards per reviewer: no normalised mean yet.
    assert ra.normalised is None
    assert ra.rank == 1 and rb.rank == 2


def test_normalised_mean_uses_per_reviewer_z_scores_after_five_cards(review_world):
    w = review_world
    noms = in_review(w, n=5)
    r1, r2 = w["reviewers"][:2]
    # r1 scores 10, 20, 30, 40, 50 (mean 30, pstdev √200); r2 scores all 40 (sd 0 → z 0).
    for nomination, total in zip(noms, (10, 20, 30, 40, 50), strict=True):
        _card(nomination, r1, total)
        _card(nomination, r2, 40)
    db.session.commit()
    rows = {
        r.nomination.id: r for r in ranking.ranking(w["campaign"], w["campaign"].award_types[0])
    }
    sd = 200**0.5
    for nomination, total in zip(noms, (10, 20, 30, 40, 50), strict=True):
        assert rows[nomination.id].normalised == pytest.approx(((total - 30) / sd + 0) / 2)


def test_ranking_page_draws_the_cut_line_at_the_quota(review_world, client, auth):
    w = review_world
    noms = in_review(w, n=3)
    for nomination, total in zip(noms, (30, 20, 10), strict=True):
        _card(nomination, w["reviewers"][0], total)
    db.session.commit()
    auth.login("thuky")
    html = client.get(f"/review/campaigns/{w['campaign'].id}/ranking").get_data(as_text=True)
    assert "Vạch chỉ tiêu (2 hồ sơ)" in html
    # The line comes after the second-best and before the third.
    assert (
        html.index(noms[1].recipient_name)
        < html.index("Vạch chỉ tiêu")
        < html.index(noms[2].recipient_name)
    )


def test_approving_past_the_quota_needs_an_override_note(review_world):
    w = review_world
    noms = in_review(w, n=3)
    for nomination in noms:  # fully scored: only the quota asks for the note
        _card(nomination, w["reviewers"][0], 30)
    award_type = w["campaign"].award_types[0]
    db.session.commit()
    with pytest.raises(DomainError) as err:
        services.decide(w["secretary"], award_type, [n.id for n in noms], approve=True)
    assert "vượt chỉ tiêu (2)" in err.value.message
    db.session.rollback()
    assert all(n.state == NominationState.IN_REVIEW for n in noms)
    taken = services.decide(
        w["secretary"], award_type, [n.id for n in noms], approve=True, override_note="Xuất sắc"
    )
    db.session.commit()
    assert taken == 3 and all(n.state == NominationState.APPROVED for n in noms)
    notes = db.session.scalars(
        sa.select(AuditEvent.note)
        .where(AuditEvent.action == "nomination.approve")
        .order_by(AuditEvent.object_id)
    ).all()
    assert notes == ["", "", "Xuất sắc"]


def test_bulk_decline_through_the_page(review_world, client, auth):
    w = review_world
    noms = in_review(w, n=2)
    db.session.commit()
    auth.login("thuky")
    response = client.post(
        f"/review/campaigns/{w['campaign'].id}/ranking/decide",
        data={"ids": [str(n.id) for n in noms], "decision": "decline"},
        follow_redirects=True,
    )
    assert "Đã ghi nhận không đề xuất 2 hồ sơ." in response.get_data(as_text=True)
    db.session.expire_all()
    assert {n.state for n in noms} == {NominationState.NOT_APPROVED}


def test_ranking_refused_to_reviewers_and_anonymous(review_world, client, auth):
    url = f"/review/campaigns/{review_world['campaign'].id}/ranking"
    assert client.get(url).headers["Location"].startswith("/auth/login")
    auth.login("hoidong1")
    assert client.get(url).status_code == 403
