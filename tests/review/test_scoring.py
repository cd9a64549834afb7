"""Committee, conflicts, assignment and scorecards through the pages."""

import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models import Assignment, AuditEvent, ConflictOfInterest, ConflictStatus, Scorecard
from dankheo.review import services
from tests.review.conftest import in_review


def _assign_all(w):
    services.auto_assign(w["secretary"], w["campaign"])
    db.session.commit()


def _my_assignment(w, username):
    return db.session.scalar(
        sa.select(Assignment)
        .join(Assignment.reviewer)
        .where(
            Assignment.reviewer.has(
                user_id=next(u.id for u in w["reviewer_users"] if u.username == username)
            )
        )
    )


def test_auto_assignment_skips_conflicted_reviewers_and_says_who_is_short(
    review_world, client, auth
):
    w = review_world
    (nomination,) = in_review(w, unit_key="c11")
    db.session.commit()
    auth.login("thuky")
    html = client.post(
        f"/review/campaigns/{w['campaign'].id}/assign", follow_redirects=True
    ).get_data(as_text=True)
    # hoidong4 sits in c12 (not in c11's line), hoidong1 in d2, hoidong2 in c22,
    # hoidong3 in the organising agency: all free of conflict with c11 → 3 assigned.
    assert "Đã phân công tự động 3 lượt chấm." in html
    w["campaign"].reviewers_per_nomination = 5
    db.session.commit()
    html = client.post(
        f"/review/campaigns/{w['campaign'].id}/assign", follow_redirects=True
    ).get_data(as_text=True)
    assert "không đủ 5 thành viên chấm không có xung đột lợi ích" in html
    assert nomination.recipient_name in html


def test_reviewer_of_the_nominating_line_is_never_assigned(review_world):
    w = review_world
    noms = in_review(w, unit_key="c22", n=4)  # hoidong1 (d2) and hoidong2 (c22) conflict
    db.session.commit()
    _assign_all(w)
    assigned = {a.reviewer.user.username for a in db.session.scalars(sa.select(Assignment))}
    assert assigned == {"hoidong3", "hoidong4"}
    assert len(noms) == 4


def test_manual_assignment_of_a_conflicted_reviewer_is_refused(review_world, client, auth):
    w = review_world
    (nomination,) = in_review(w, unit_key="c22")
    db.session.commit()
    auth.login("thuky")
    html = client.post(
        f"/review/campaigns/{w['campaign'].id}/assignments",
        data={"nomination_id": nomination.id, "reviewer_id": w["reviewers"][1].id},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "có xung đột lợi ích" in html
    assert db.session.scalar(sa.select(sa.func.count(Assignment.id))) == 0


def _post_card(client, assignment, action, version="0", points=("8", "7", "9")):
    criteria = assignment.nomination.campaign.criteria
    data = {f"points_{c.id}": p for c, p in zip(criteria, points, strict=True)}
    data.update(action=action, version=version, comment="Tốt")
    return client.post(f"/review/assignments/{assignment.id}", data=data, follow_redirects=True)


def test_scorecard_draft_then_submit_stores_weighted_total_and_locks(review_world, client, auth):
    w = review_world
    in_review(w, unit_key="c11")
    db.session.commit()
    _assign_all(w)
    assignment = _my_assignment(w, "hoidong1")
    auth.login("hoidong1")
    assert "Đã lưu nháp phiếu chấm." in _post_card(client, assignment, "save").get_data(
        as_text=True
    )
    card = db.session.scalar(sa.select(Scorecard))
    assert card.total is None and not card.is_submitted
    html = _post_card(client, assignment, "submit", version=card.version).get_data(as_text=True)
    assert "Đã nộp phiếu chấm." in html
    db.session.expire_all()
    assert card.total == 24 and card.is_submitted
    # Locked: another draft save is refused, nothing changes.
    html = _post_card(client, assignment, "save", version=card.version, points=("1", "1", "1"))
    assert "Phiếu chấm đã nộp và bị khóa" in html.get_data(as_text=True)
    db.session.expire_all()
    assert card.total == 24


def test_double_submit_records_once(review_world, client, auth):
    w = review_world
    in_review(w)
    db.session.commit()
    _assign_all(w)
    assignment = _my_assignment(w, "hoidong1")
    auth.login("hoidong1")
    _post_card(client, assignment, "submit")
    html = _post_card(client, assignment, "submit").get_data(as_text=True)
    assert "Phiếu chấm đã được nộp trước đó" in html
    submits = db.session.scalar(
        sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "scorecard.submit")
    )
    assert submits == 1


def test_stale_scorecard_is_refused_and_typed_points_are_kept(review_world, client, auth):
    w = review_world
    in_review(w)
    db.session.commit()
    _assign_all(w)
    assignment = _my_assignment(w, "hoidong1")
    auth.login("hoidong1")
    _post_card(client, assignment, "save")  # version 1 → now stored
    card = db.session.scalar(sa.select(Scorecard))
    stale = card.version
    _post_card(client, assignment, "save", version=stale, points=("5", "5", "5"))  # moves on
    html = _post_card(client, assignment, "save", version=stale, points=("3", "2", "1"))
    text = html.get_data(as_text=True)
    assert "đã được người khác cập nhật" in text
    assert 'value="3"' in text  # what the reviewer typed is still on the page
    db.session.expire_all()
    assert sorted(s.points for s in card.scores) == [5, 5, 5]


def test_points_are_validated(review_world, client, auth):
    w = review_world
    in_review(w)
    db.session.commit()
    _assign_all(w)
    assignment = _my_assignment(w, "hoidong1")
    auth.login("hoidong1")
    html = _post_card(client, assignment, "save", points=("11", "7,5", "x")).get_data(as_text=True)
    assert "Điểm phải từ 0 đến 10." in html
    assert "Chỉ được chấm điểm nguyên." in html
    assert "Điểm phải là một số." in html
    assert db.session.scalar(sa.select(sa.func.count(Scorecard.id))) == 0
    w["campaign"].half_points = True
    db.session.commit()
    assert "Đã lưu nháp" in _post_card(
        client, assignment, "save", points=("7,5", "8", "9")
    ).get_data(as_text=True)


def test_reviewers_see_each_others_scores_only_when_the_campaign_allows(review_world, client, auth):
    """With the campaign's setting on, a reviewer sees the others' scores once their own
    card is submitted (never before). tests/security/test_workflow_rules.py covers the
    default: hidden until the ranking closes."""
    w = review_world
    w["campaign"].show_scores_after_submission = True
    in_review(w)
    db.session.commit()
    _assign_all(w)
    first, second = _my_assignment(w, "hoidong1"), _my_assignment(w, "hoidong3")
    auth.login("hoidong1")
    _post_card(client, first, "submit", points=("9", "9", "9"))
    auth.logout()
    auth.login("hoidong3")
    html = client.get(f"/review/assignments/{second.id}").get_data(as_text=True)
    assert "Trương" not in html and "Điểm của các thành viên khác chỉ hiển thị" in html
    assert w["reviewer_users"][0].full_name not in html
    _post_card(client, second, "submit")
    html = client.get(f"/review/assignments/{second.id}").get_data(as_text=True)
    assert w["reviewer_users"][0].full_name in html and "27,00" in html


def test_other_reviewer_cannot_open_someone_elses_scorecard(review_world, client, auth):
    w = review_world
    in_review(w)
    db.session.commit()
    _assign_all(w)
    first = _my_assignment(w, "hoidong1")
    auth.login("hoidong2")
    assert client.get(f"/review/assignments/{first.id}").status_code == 403
    assert client.get("/review/assignments/99999").status_code == 404


def test_secretary_reopens_a_submitted_scorecard_with_audit(review_world, client, auth):
    w = review_world
    in_review(w)
    db.session.commit()
    _assign_all(w)
    assignment = _my_assignment(w, "hoidong1")
    auth.login("hoidong1")
    _post_card(client, assignment, "submit")
    auth.logout()
    card = db.session.scalar(sa.select(Scorecard))
    auth.login("hoidong2")
    assert client.post(f"/review/scorecards/{card.id}/reopen").status_code == 403
    auth.logout()
    auth.login("thuky")
    client.post(f"/review/scorecards/{card.id}/reopen", data={"note": "Chấm nhầm"})
    db.session.expire_all()
    assert not card.is_submitted and card.total is None
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "scorecard.reopen"))
    assert event.note == "Chấm nhầm"


def test_declared_conflict_confirmed_drops_the_assignment(review_world, client, auth):
    w = review_world
    in_review(w)
    db.session.commit()
    _assign_all(w)
    assignment = _my_assignment(w, "hoidong1")
    auth.login("hoidong1")
    client.post(f"/review/assignments/{assignment.id}/conflict", data={"reason": ""})
    assert db.session.scalar(sa.select(sa.func.count(ConflictOfInterest.id))) == 0
    client.post(f"/review/assignments/{assignment.id}/conflict", data={"reason": "Người nhà"})
    conflict = db.session.scalar(sa.select(ConflictOfInterest))
    assert conflict.status == ConflictStatus.PENDING
    auth.logout()
    auth.login("thuky")
    html = client.get(f"/review/campaigns/{w['campaign'].id}/committee").get_data(as_text=True)
    assert "Người nhà" in html
    client.post(f"/review/conflicts/{conflict.id}/confirm")
    db.session.expire_all()
    assert conflict.status == ConflictStatus.CONFIRMED
    assert db.session.get(Assignment, assignment.id) is None


def test_queue_lists_my_assignments_only(review_world, client, auth):
    w = review_world
    (nomination,) = in_review(w)
    db.session.commit()
    _assign_all(w)
    assert client.get("/review/").headers["Location"].startswith("/auth/login")
    auth.login("canbo")
    assert client.get("/review/").status_code == 403
    auth.logout()
    auth.login("hoidong1")
    html = client.get("/review/").get_data(as_text=True)
    assert nomination.recipient_name in html and "Chấm điểm" in html


def test_committee_page_adds_members_and_refuses_others(review_world, client, auth):
    w = review_world
    url = f"/review/campaigns/{w['campaign'].id}/committee"
    auth.login("hoidong1")
    assert client.get(url).status_code == 403
    auth.logout()
    auth.login("thuky")
    html = client.get(url).get_data(as_text=True)
    assert "Hội đồng xét chọn" in html and w["reviewer_users"][0].full_name in html
    html = client.post(
        f"{url}/members", data={"user_id": w["officer"].id}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Vui lòng chọn một thành viên hợp lệ." in html
