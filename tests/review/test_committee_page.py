"""The committee page: one assignment form for the ticked nominations of the page (one
transaction, CSRF, audit, refusals), and its body kept in the shared cache without
ever showing data older than the last commit or another session's token. CSRF is on
in this module: every POST carries the token the page gave."""

import re

import pytest
import sqlalchemy as sa
from flask import g

from dankheo.extensions import db
from dankheo.models import Assignment, AuditEvent
from dankheo.review import services
from tests.conftest import make_test_config
from tests.factories import make_campaign, make_nomination
from tests.review.conftest import in_review
from tests.security.world import sign_in_session

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app_config(tmp_path):
    return make_test_config(tmp_path, WTF_CSRF_ENABLED=True)


def _sign_in(client, user):
    g.pop("_login_user", None)
    with client.session_transaction() as session:
        session.clear()
        sign_in_session(session, user)


def _page(client, w) -> str:
    g.pop("csrf_token", None)  # the tests' app context outlives a request: no stale token
    response = client.get(f"/review/campaigns/{w['campaign'].id}/committee")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _assign(client, w, nominations, reviewer_id, token=None) -> str:
    token = token or TOKEN.search(_page(client, w)).group(1)
    data = {
        "csrf_token": token,
        "reviewer_id": reviewer_id,
        "nomination_id": [n.id for n in nominations],
    }
    response = client.post(
        f"/review/campaigns/{w['campaign'].id}/assignments", data=data, follow_redirects=True
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_the_page_has_one_assignment_form_and_a_labelled_box_per_nomination(review_world, client):
    w = review_world
    nominations = in_review(w, n=3)
    db.session.commit()
    _sign_in(client, w["secretary"])
    html = _page(client, w)
    assert html.count('id="assign-form"') == 1
    assert html.count('name="reviewer_id"') == 1
    assert '<label class="form-label" for="reviewer_id">Thành viên chấm' in html
    for n in nominations:
        assert (
            f'form="assign-form" name="nomination_id" value="{n.id}" id="chon-{n.id}" '
            f'aria-label="Chọn {n.recipient_name}"'
        ) in html
    # Every POST form of the page carries this session's token.
    forms = re.findall(r'<form method="post"[^>]*>(.*?)</form>', html, re.S)
    assert forms and all('name="csrf_token"' in f for f in forms)


def test_ticked_nominations_get_the_member_in_one_transaction_with_audit(review_world, client):
    w = review_world
    first, second, third = in_review(w, unit_key="c11", n=3)
    db.session.commit()
    _sign_in(client, w["secretary"])
    reviewer = w["reviewers"][3]  # of c12: no conflict with c11
    html = _assign(client, w, [first, third], reviewer.id)
    assert f"Đã phân công {reviewer.user.full_name} chấm 2 hồ sơ." in html
    assigned = set(
        db.session.scalars(
            sa.select(Assignment.nomination_id).where(Assignment.reviewer_id == reviewer.id)
        )
    )
    assert assigned == {first.id, third.id}
    assert _count(AuditEvent, AuditEvent.action == "assignment.add") == 2
    # The page shows the new assignments at once (its cached body is keyed on the review).
    page = _page(client, w)
    assert page.count(f">{reviewer.user.full_name}</a>") == 2
    assert second.id not in assigned
    # Each unsubmitted assignment has its own "Bỏ" form, with this session's token.
    token = TOKEN.search(page).group(1)
    for assignment_id in db.session.scalars(sa.select(Assignment.id)):
        form = re.search(
            rf'<form method="post" action="/review/assignments/{assignment_id}/remove\?page=1"'
            r"[^>]*>(.*?)</form>",
            page,
        )
        assert form and f'value="{token}"' in form.group(1) and "phân công" in form.group(1)
    response = client.post(
        f"/review/assignments/{assignment_id}/remove?page=1",
        data={"csrf_token": token},
        follow_redirects=True,
    )
    assert "Đã bỏ phân công." in response.get_data(as_text=True)
    assert _count(Assignment) == 1


def test_one_refusal_assigns_none_and_names_the_nomination(review_world, client):
    w = review_world
    (free,) = in_review(w, unit_key="c11")
    (conflicted,) = in_review(w, unit_key="c22")  # hoidong2 belongs to c22
    db.session.commit()
    _sign_in(client, w["secretary"])
    html = _assign(client, w, [free, conflicted], w["reviewers"][1].id)
    assert f"có xung đột lợi ích với hồ sơ “{conflicted.recipient_name}”" in html
    assert _count(Assignment) == 0
    assert _count(AuditEvent, AuditEvent.action == "assignment.add") == 0
    # Assigned already: refused, naming the nomination; the other one is not assigned.
    _assign(client, w, [free], w["reviewers"][3].id)
    (other,) = in_review(w, unit_key="c11")
    db.session.commit()
    html = _assign(client, w, [other, free], w["reviewers"][3].id)
    assert f"đã được phân công chấm hồ sơ “{free.recipient_name}”" in html
    assert _count(Assignment) == 1


def test_nothing_ticked_no_member_or_a_foreign_nomination_is_refused(review_world, client):
    w = review_world
    (nomination,) = in_review(w, unit_key="c11")
    other_campaign = make_campaign(w["units"]["agency"], name="Đợt khác")
    foreign = make_nomination(other_campaign, w["units"]["c11"])
    db.session.commit()
    _sign_in(client, w["secretary"])
    html = _assign(client, w, [], w["reviewers"][3].id)
    assert "Vui lòng chọn ít nhất một hồ sơ cần phân công." in html
    html = _assign(client, w, [nomination], 0)
    assert "Vui lòng chọn thành viên chấm." in html
    token = TOKEN.search(_page(client, w)).group(1)
    response = client.post(
        f"/review/campaigns/{w['campaign'].id}/assignments",
        data={
            "csrf_token": token,
            "reviewer_id": w["reviewers"][3].id,
            "nomination_id": [nomination.id, foreign.id],
        },
    )
    assert response.status_code == 404
    response = client.post(
        f"/review/campaigns/{w['campaign'].id}/assignments",
        data={"reviewer_id": w["reviewers"][3].id, "nomination_id": [nomination.id]},
    )
    assert response.status_code == 400  # no token
    assert _count(Assignment) == 0


def test_the_kept_body_shows_renamed_members_and_each_session_its_own_token(
    review_world, client, app
):
    w = review_world
    in_review(w, unit_key="c11", n=2)
    db.session.commit()
    _sign_in(client, w["secretary"])
    first = _page(client, w)
    user = w["reviewer_users"][3]
    assert user.full_name in first
    user.full_name = "Trần Thị Đổi Tên"  # users have no data version: the key reads names
    db.session.commit()
    renamed = _page(client, w)
    assert "Trần Thị Đổi Tên" in renamed
    # A second session gets the same body with its own token, and it works.
    other = app.test_client()
    _sign_in(other, w["secretary"])
    theirs = _page(other, w)
    mine, their_token = TOKEN.search(renamed).group(1), TOKEN.search(theirs).group(1)
    assert mine != their_token and mine not in theirs
    nomination = db.session.scalars(sa.select(Assignment.nomination_id)).first()
    assert nomination is None
    (n,) = in_review(w, unit_key="c11")
    db.session.commit()
    html = _assign(other, w, [n], w["reviewers"][3].id, token=their_token)
    assert "Đã phân công Trần Thị Đổi Tên chấm hồ sơ." in html


def test_a_member_leaving_and_a_new_candidate_show_at_once(review_world, client):
    w = review_world
    _sign_in(client, w["secretary"])
    before = _page(client, w)
    leaving = w["reviewers"][0]
    assert f"/review/reviewers/{leaving.id}/remove" in before
    services.remove_reviewer(w["secretary"], leaving)
    db.session.commit()
    after = _page(client, w)
    assert f"/review/reviewers/{leaving.id}/remove" not in after
    # The former member is a candidate again, in the add form's select.
    assert f'<option value="{leaving.user_id}">' in after
