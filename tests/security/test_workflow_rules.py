"""Rules a POST could skip (issue 14, finding 6), and the reviewers' view of each other's
scores (finding 8).

- Approving needs every assigned scorecard submitted, or a written override kept in the
  audit (the ranking offered a checkbox for every row, 0 of 3 scored included).
- Scorecards are saved only inside the campaign's review window; the secretary may
  extend it, with a reason, audited.
- An edit without its version is refused like a stale one: every versioned form the
  application renders is found by crawling its pages and posted back without it.
- Other reviewers' names, totals and comments stay hidden from a reviewer until the
  ranking closes, unless the campaign allows seeing them after submitting.
"""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import g
from werkzeug.routing.converters import AnyConverter

from dankheo.extensions import db
from dankheo.messages import MESSAGES
from dankheo.models import (
    Assignment,
    AuditEvent,
    Campaign,
    Decision,
    Exemplar,
    Initiative,
    Nomination,
    NominationState,
    Scorecard,
)
from tests.security.forms import post_forms
from tests.security.world import build_world, row_counts, sign_in_session

TODAY = date.today()


@pytest.fixture
def world(app):
    return build_world()


def _as(client, user):
    g.pop("_login_user", None)
    with client.session_transaction() as session:
        session.clear()
        sign_in_session(session, user)


def _window(campaign, opens, closes):
    campaign.review_opens, campaign.review_closes = opens, closes
    db.session.commit()


# --- approving -----------------------------------------------------------------------


def _decide(client, world, nomination, note=""):
    return client.post(
        f"/review/campaigns/{world.campaign.id}/ranking/decide",
        data={"ids": [str(nomination.id)], "decision": "approve", "override_note": note},
        follow_redirects=True,
    )


def _three_reviewers_one_submitted(world):
    """The world's nomination in review: 3 assignments, 1 scorecard submitted."""
    nomination = world.nomination
    extra = world.reviewer_other
    db.session.add(Assignment(nomination=nomination, reviewer=extra))
    world.scorecard.total = Decimal(30)
    world.scorecard.submitted_at = datetime(2024, 11, 5)
    db.session.commit()
    return nomination


def test_approving_with_scorecards_missing_is_refused(app, client, world):
    nomination = world.nomination  # 1 assignment, its scorecard not submitted: 0 of 1
    _as(client, world.users["secretary"])
    before = row_counts()
    html = _decide(client, world, nomination).get_data(as_text=True)
    assert "chưa có đủ phiếu chấm đã nộp" in html
    db.session.expire_all()
    assert db.session.get(Nomination, nomination.id).state == NominationState.IN_REVIEW
    assert row_counts() == before


def test_approving_with_some_scorecards_missing_is_refused_too(app, client, world):
    nomination = _three_reviewers_one_submitted(world)
    _as(client, world.users["secretary"])
    assert "chưa có đủ phiếu chấm" in _decide(client, world, nomination).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Nomination, nomination.id).state == NominationState.IN_REVIEW


def test_approving_a_nomination_nobody_scored_needs_the_override_too(app, client, world):
    nomination = world.nomination
    db.session.delete(world.scorecard)
    db.session.delete(world.assignment)
    db.session.commit()
    _as(client, world.users["secretary"])
    assert "chưa có đủ phiếu chấm" in _decide(client, world, nomination).get_data(as_text=True)


def test_a_written_override_approves_and_is_kept_in_the_audit(app, client, world):
    nomination = _three_reviewers_one_submitted(world)
    _as(client, world.users["secretary"])
    note = "Hội đồng họp trực tiếp ngày 20/11, hai thành viên vắng đã cho ý kiến bằng văn bản."
    html = _decide(client, world, nomination, note).get_data(as_text=True)
    assert "Đã đề xuất khen thưởng 1 hồ sơ." in html
    event = db.session.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.action == "nomination.approve", AuditEvent.object_id == nomination.id
        )
    )
    assert event.note == note
    assert event.details["scoring_override"] == {"submitted": 1, "assigned": 2}


def test_fully_scored_nominations_are_approved_without_a_note(app, client, world):
    world.scorecard.total = Decimal(30)
    world.scorecard.submitted_at = datetime(2024, 11, 5)
    db.session.commit()
    _as(client, world.users["secretary"])
    assert "Đã đề xuất khen thưởng 1 hồ sơ." in _decide(client, world, world.nomination).get_data(
        as_text=True
    )


# --- the review window ---------------------------------------------------------------


def _score(client, world, action="save"):
    data = {f"points_{c.id}": "7" for c in world.campaign.criteria}
    data.update(action=action, version=str(world.scorecard.version), comment="Tốt")
    return client.post(
        f"/review/assignments/{world.assignment.id}", data=data, follow_redirects=True
    )


def test_a_scorecard_after_the_review_window_is_refused(app, client, world):
    _window(world.campaign, TODAY - timedelta(days=30), TODAY - timedelta(days=1))
    _as(client, world.users["reviewer"])
    before = row_counts()
    html = _score(client, world, "submit").get_data(as_text=True)
    assert "Ngoài thời hạn chấm điểm" in html
    db.session.expire_all()
    assert db.session.get(Scorecard, world.scorecard.id).submitted_at is None
    assert row_counts() == before


def test_a_scorecard_before_the_review_window_is_refused(app, client, world):
    _window(world.campaign, TODAY + timedelta(days=1), TODAY + timedelta(days=30))
    _as(client, world.users["reviewer"])
    assert "Ngoài thời hạn chấm điểm" in _score(client, world).get_data(as_text=True)


def test_the_secretary_extends_the_window_with_a_reason_audited(app, client, world):
    _window(world.campaign, TODAY - timedelta(days=30), TODAY - timedelta(days=1))
    url = f"/review/campaigns/{world.campaign.id}/review-window"
    _as(client, world.users["secretary"])
    page = client.get(f"/review/campaigns/{world.campaign.id}/committee")
    assert "Gia hạn thời hạn chấm điểm" in page.get_data(as_text=True)
    new_close = (TODAY + timedelta(days=7)).isoformat()
    refused = client.post(url, data={"closes": new_close, "note": ""}, follow_redirects=True)
    assert "Vui lòng ghi rõ lý do gia hạn." in refused.get_data(as_text=True)
    earlier = (TODAY - timedelta(days=3)).isoformat()
    refused = client.post(url, data={"closes": earlier, "note": "x"}, follow_redirects=True)
    assert "Ngày kết thúc mới phải từ hôm nay trở đi." in refused.get_data(as_text=True)
    done = client.post(
        url, data={"closes": new_close, "note": "Hai thành viên đi công tác"}, follow_redirects=True
    )
    assert "Đã gia hạn chấm điểm đến" in done.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Campaign, world.campaign.id).review_closes == TODAY + timedelta(days=7)
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "campaign.extend_review")
    )
    assert event.note == "Hai thành viên đi công tác" and event.to_state == new_close
    _as(client, world.users["reviewer"])
    assert "Đã lưu nháp phiếu chấm." in _score(client, world).get_data(as_text=True)


def test_reviewers_cannot_extend_the_window(app, client, world):
    _as(client, world.users["reviewer"])
    response = client.post(
        f"/review/campaigns/{world.campaign.id}/review-window",
        data={"closes": (TODAY + timedelta(days=7)).isoformat(), "note": "x"},
    )
    assert response.status_code == 403


# --- other reviewers' scores ----------------------------------------------------------


def _second_reviewer_submitted(world):
    """reviewer_other scored the nomination too (total 41,00, a telling comment)."""
    assignment = Assignment(nomination=world.nomination, reviewer=world.reviewer_other)
    db.session.add(assignment)
    db.session.add(
        Scorecard(
            assignment=assignment,
            total=Decimal(41),
            comment="Mô hình rất thuyết phục",
            submitted_at=datetime(2024, 11, 5),
        )
    )
    db.session.commit()


def _scorecard_page(client, world):
    return client.get(f"/review/assignments/{world.assignment.id}").get_data(as_text=True)


def test_other_reviewers_scores_stay_hidden_while_scoring_is_open(app, client, world):
    _window(world.campaign, TODAY - timedelta(days=5), TODAY + timedelta(days=5))
    _second_reviewer_submitted(world)
    _as(client, world.users["reviewer"])
    assert "Đã nộp phiếu chấm." in _score(client, world, "submit").get_data(as_text=True)
    html = _scorecard_page(client, world)
    other = world.users["reviewer_other"].full_name
    assert other not in html and "41,00" not in html and "thuyết phục" not in html
    assert "chỉ hiển thị sau khi kết thúc thời hạn chấm điểm" in html
    # The secretary, who runs the ranking, sees them.
    _as(client, world.users["secretary"])
    assert "41,00" in _scorecard_page(client, world)


def test_other_reviewers_scores_show_once_the_ranking_is_closed(app, client, world):
    _window(world.campaign, TODAY - timedelta(days=30), TODAY - timedelta(days=1))
    _second_reviewer_submitted(world)
    _as(client, world.users["reviewer"])
    html = _scorecard_page(client, world)
    assert world.users["reviewer_other"].full_name in html and "41,00" in html


def test_the_campaign_may_show_them_after_submission(app, client, world):
    world.campaign.show_scores_after_submission = True
    _window(world.campaign, TODAY - timedelta(days=5), TODAY + timedelta(days=5))
    _second_reviewer_submitted(world)
    _as(client, world.users["reviewer"])
    assert "41,00" not in _scorecard_page(client, world)  # not before submitting
    _score(client, world, "submit")
    assert "41,00" in _scorecard_page(client, world)


def test_the_setting_is_on_the_campaign_form(app, client, world):
    _as(client, world.users["secretary"])
    page = client.get(f"/registry/campaigns/{world.campaign.id}/edit").get_data(as_text=True)
    assert 'name="show_scores_after_submission"' in page


# --- edits without a version: every versioned form of the application ---------------


def _every_page(app, world):
    """(path, html) of every GET route filled from the world, as admin."""
    from tests.security.test_authorization_matrix import PARAMS

    client = app.test_client()
    pages = []
    # The URL values of the authorization matrix name the nomination in review; its
    # draft sibling is the one with an edit form and a "submit" move.
    draft = world.draft_nomination.id
    extra = [f"/nominations/{draft}/edit", f"/nominations/{draft}"]
    for path in extra:
        _as(client, world.users["admin"])
        response = client.get(path)
        assert response.status_code == 200, path
        pages.append((path, "admin", response.get_data(as_text=True)))
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "bootstrap.static"):
            continue
        if rule.endpoint.endswith(("_export", "_pdf", ".preview", "_template", "_file")):
            continue
        values = {}
        for name in rule.arguments:
            converter = rule._converters[name]
            values[name] = (
                sorted(converter.items)[0]
                if isinstance(converter, AnyConverter)
                else PARAMS[name](world, rule.endpoint)
            )
        path = rule.build(values, append_unknown=False)[1]
        for persona in ("admin", "reviewer"):
            _as(client, world.users[persona])
            response = client.get(path)
            if response.status_code == 200 and "text/html" in response.content_type:
                pages.append((path, persona, response.get_data(as_text=True)))
            response.close()
    return pages


VERSIONED = (Initiative, Exemplar, Nomination, Decision, Scorecard)


def _versions():
    return {
        (model.__name__, obj_id): version
        for model in VERSIONED
        for obj_id, version in db.session.execute(sa.select(model.id, model.version))
    }


def test_every_versioned_form_posted_without_its_version_is_refused_like_a_stale_one(
    app, client, world
):
    _window(world.campaign, TODAY - timedelta(days=5), TODAY + timedelta(days=5))
    world.decision.status = "draft"  # an editable draft decision, with its form
    db.session.commit()
    tried = set()
    for path, persona, html in _every_page(app, world):
        for form in post_forms(html):
            if not form["fields"].get("version"):
                continue  # no versioned record (a creation form)
            action = form["action"] or path
            data = {k: v for k, v in form["fields"].items() if k not in ("version", "csrf_token")}
            data.update({k: v for k, v in form["multi"].items() if v})
            for name, value in (form.get("buttons") or {}).items():
                data.setdefault(name, value)
            _as(client, world.users[persona])
            before, versions = row_counts(), _versions()
            response = client.post(action, data=data, follow_redirects=True)
            body = response.get_data(as_text=True)
            db.session.expire_all()
            assert response.status_code < 500, f"{action}: {response.status_code}"
            assert MESSAGES["stale_version"] in body, (
                f"{action} without a version was not refused: "
                + "; ".join(re.findall(r'class="invalid-feedback[^"]*"[^>]*>([^<]*)<', body))
            )
            assert row_counts() == before and _versions() == versions, f"{action} wrote"
            tried.add(action.split("?")[0])
    expected = {
        f"/registry/initiatives/{world.initiative.id}/edit",
        f"/registry/exemplars/{world.exemplar.id}/edit",
        f"/nominations/{world.draft_nomination.id}/edit",
        f"/certificates/decisions/{world.decision.id}/edit",
        f"/review/assignments/{world.assignment.id}",
    }
    assert expected <= tried, f"versioned forms not found: {sorted(expected - tried)}"
    assert any("/move/" in a for a in tried), "no workflow move form was tried"
