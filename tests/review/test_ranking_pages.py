"""The ranking in pages: ranks and the cut line are those of the whole list, the page
with the cut line is pointed to from the others, "down to the cut line" approves every
nomination in review ranked within the quota whatever page is shown, and a page costs
the same statements for 10 or 60 nominations."""

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask import template_rendered

from dankheo.extensions import db
from dankheo.models import Assignment, NominationState, Scorecard
from dankheo.review import ranking
from dankheo.review.views import ranking as ranking_views
from tests.review.conftest import in_review


def _score(world, noms, totals):
    for nomination, total in zip(noms, totals, strict=True):
        assignment = Assignment(nomination=nomination, reviewer=world["reviewers"][0])
        db.session.add(assignment)
        db.session.add(
            Scorecard(
                assignment=assignment, total=Decimal(total), submitted_at=datetime(2024, 11, 1)
            )
        )
    db.session.commit()


def test_pages_keep_the_whole_lists_ranks_and_point_to_the_cut_line(
    review_world, client, auth, monkeypatch
):
    w = review_world
    monkeypatch.setattr(ranking_views, "RANKING_PER_PAGE", 2)
    noms = in_review(w, n=5)
    _score(w, noms, (50, 40, 30, 20, 10))
    auth.login("thuky")
    url = f"/review/campaigns/{w['campaign'].id}/ranking"
    first = client.get(url).get_data(as_text=True)
    assert "Vạch chỉ tiêu (2 hồ sơ)" in first and noms[2].recipient_name not in first
    second = client.get(url + "?page=2").get_data(as_text=True)
    assert noms[2].recipient_name in second and noms[0].recipient_name not in second
    assert "Vạch chỉ tiêu ở trang 1" in second and "Vạch chỉ tiêu (2 hồ sơ)" not in second
    assert ">3</td>" in second  # the third best keeps rank 3 on page 2
    assert "Trang 2/3" in second


def test_down_to_the_cut_line_approves_the_quota_from_any_page(review_world, client, auth):
    w = review_world
    noms = in_review(w, n=4)
    _score(w, noms, (10, 40, 30, 20))
    auth.login("thuky")
    url = f"/review/campaigns/{w['campaign'].id}/ranking"
    assert "Đề xuất khen đến vạch chỉ tiêu (2 hồ sơ)" in client.get(url).get_data(as_text=True)
    response = client.post(url + "/decide", data={"scope": "to_cut"}, follow_redirects=True)
    assert "Đã đề xuất khen thưởng 2 hồ sơ." in response.get_data(as_text=True)
    db.session.expire_all()
    approved = {n.id for n in noms if n.state == NominationState.APPROVED}
    assert approved == {noms[1].id, noms[2].id}  # the two best means
    # Nothing left in review within the quota: the button is gone.
    assert "Đề xuất khen đến vạch chỉ tiêu" not in client.get(url).get_data(as_text=True)


def test_down_to_the_cut_line_is_refused_to_a_reviewer(review_world, client, auth):
    w = review_world
    noms = in_review(w, n=2)
    _score(w, noms, (10, 20))
    auth.login("hoidong1")
    url = f"/review/campaigns/{w['campaign'].id}/ranking/decide"
    assert client.post(url, data={"scope": "to_cut"}).status_code == 403
    db.session.expire_all()
    assert {n.state for n in noms} == {NominationState.IN_REVIEW}


def test_a_ranking_page_costs_the_same_for_10_or_60_nominations(
    review_world, client, auth, count_queries
):
    w = review_world
    auth.login("thuky")
    url = f"/review/campaigns/{w['campaign'].id}/ranking"
    counts = []
    for n in (10, 50):
        noms = in_review(w, n=n)
        _score(w, noms, [20 + i % 7 for i in range(n)])
        client.get(url)
        db.session.expire_all()
        with count_queries() as q:
            assert client.get(url).status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1]
    # One GROUP BY a reviewer, never every scorecard read for the statistics.
    stats = ranking.reviewer_z_stats(w["campaign"].id)
    assert stats[w["reviewers"][0].id][2] == 60
    assert db.session.scalar(sa.select(sa.func.count(Scorecard.id))) == 60


def test_the_kept_rows_are_keyed_by_their_template(review_world, client, auth, monkeypatch):
    """The rows are rendered once and kept; a deployment that changes their template
    (another digest) renders them again instead of serving the old markup."""
    w = review_world
    _score(w, in_review(w, n=3), (50, 40, 30))
    auth.login("thuky")
    url = f"/review/campaigns/{w['campaign'].id}/ranking"
    rendered: list[str] = []

    def seen(_app, template, **_extra):
        rendered.append(template.name)

    template_rendered.connect(seen)
    try:
        client.get(url)
        client.get(url)
        assert rendered.count(ranking_views.RANKING_ROWS) == 1  # kept after the first
        monkeypatch.setattr(ranking_views.cached, "template_digest", lambda name: "changed")
        client.get(url)
        assert rendered.count(ranking_views.RANKING_ROWS) == 2
    finally:
        template_rendered.disconnect(seen)
