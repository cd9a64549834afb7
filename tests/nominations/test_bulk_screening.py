"""Screening several dossiers at once: accept, return or reject the ticked ones with one
note for all or one each; all or nothing; the page then offers to assign the committee."""

import pytest
import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models import AuditEvent, Nomination, NominationState, Role, User
from dankheo.review import services as review_services
from tests.factories import make_campaign, make_nomination, make_province, make_user


@pytest.fixture
def world(app):
    units = make_province()
    make_user("thuky", (Role.SECRETARY, units["agency"]))
    make_user("thuky.khac", (Role.SECRETARY, units["d2"]))
    make_user("canbo", (Role.OFFICER, units["c11"]))
    campaign = make_campaign(units["agency"])
    nominations = [
        make_nomination(campaign, units["c11"], state=NominationState.SUBMITTED) for _ in range(6)
    ]
    db.session.commit()
    return units, campaign, nominations


def _post(client, campaign, nominations, do, **extra):
    data = {"ids": [str(n.id) for n in nominations], "do": do}
    data.update({f"version_{n.id}": str(n.version) for n in nominations})
    data.update(extra)
    return client.post(
        f"/nominations/screening/{campaign.id}/act", data=data, follow_redirects=True
    )


def _states(nominations) -> list[str]:
    db.session.expire_all()
    return [db.session.get(Nomination, n.id).state.value for n in nominations]


def test_the_secretary_accepts_five_dossiers_in_one_action(world, client, auth):
    _units, campaign, nominations = world
    auth.login("thuky")
    page = client.get(f"/nominations/screening/{campaign.id}").get_data(as_text=True)
    assert "Tiếp nhận các hồ sơ đã chọn" in page and 'name="ids"' in page
    html = _post(client, campaign, nominations[:5], "accept").get_data(as_text=True)
    assert "Đã tiếp nhận 5 hồ sơ vào chấm điểm." in html
    assert _states(nominations) == ["in_review"] * 5 + ["submitted"]
    moves = db.session.scalar(
        sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "nomination.accept")
    )
    assert moves == 5  # one audit row per dossier
    # The page now offers to assign the committee at once (once a committee exists).
    assert "5</strong> hồ sơ đã tiếp nhận chưa đủ thành viên chấm" in html
    assert "Lập hội đồng để phân công" in html
    review_services.ensure_committee(_user("thuky"), campaign)
    db.session.commit()
    html = client.get(f"/nominations/screening/{campaign.id}").get_data(as_text=True)
    assert "Phân công hội đồng chấm ngay" in html


def _user(username):
    return db.session.scalar(sa.select(User).where(User.username == username))


def test_returning_several_with_one_note_for_all_or_one_each(world, client, auth):
    _units, campaign, nominations = world
    auth.login("thuky")
    first, second, third = nominations[:3]
    html = _post(
        client,
        campaign,
        [first, second, third],
        "return",
        note="Thiếu báo cáo thành tích",
        **{f"note_{second.id}": "Ảnh minh chứng bị mờ"},
    ).get_data(as_text=True)
    assert "Đã trả lại 3 hồ sơ để bổ sung." in html
    notes = dict(
        db.session.execute(
            sa.select(AuditEvent.object_id, AuditEvent.note).where(
                AuditEvent.action == "nomination.return"
            )
        ).all()
    )
    assert notes == {
        first.id: "Thiếu báo cáo thành tích",
        second.id: "Ảnh minh chứng bị mờ",
        third.id: "Thiếu báo cáo thành tích",
    }


def test_a_return_without_a_reason_changes_nothing(world, client, auth):
    _units, campaign, nominations = world
    auth.login("thuky")
    html = _post(
        client, campaign, nominations[:2], "return", **{f"note_{nominations[0].id}": "Thiếu"}
    ).get_data(as_text=True)
    assert "Vui lòng ghi rõ lý do." in html
    assert _states(nominations[:2]) == ["submitted", "submitted"]  # all or nothing


def test_a_stale_row_refuses_the_whole_action(world, client, auth):
    _units, campaign, nominations = world
    auth.login("thuky")
    stale = {f"version_{nominations[1].id}": str(nominations[1].version + 7)}
    _post(client, campaign, nominations[:3], "accept", **stale)
    assert _states(nominations[:3]) == ["submitted"] * 3


def test_one_rows_own_button_moves_only_that_dossier(world, client, auth):
    _units, campaign, nominations = world
    auth.login("thuky")
    target = nominations[2]
    data = {"ids": [str(n.id) for n in nominations[:2]], "do": f"accept:{target.id}"}
    client.post(f"/nominations/screening/{campaign.id}/act", data=data)
    assert _states(nominations[:3]) == ["submitted", "submitted", "in_review"]


def test_nothing_ticked_and_foreign_dossiers_are_refused(world, client, auth):
    units, campaign, nominations = world
    other = make_campaign(units["agency"], year=2023)
    foreign = make_nomination(other, units["c11"], state=NominationState.SUBMITTED)
    db.session.commit()
    auth.login("thuky")
    html = client.post(
        f"/nominations/screening/{campaign.id}/act", data={"do": "accept"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Vui lòng chọn ít nhất một hồ sơ." in html
    response = _post(client, campaign, [nominations[0], foreign], "accept")
    assert response.status_code == 404
    assert _states([nominations[0], foreign]) == ["submitted", "submitted"]
    bad = client.post(f"/nominations/screening/{campaign.id}/act", data={"do": "award"})
    assert bad.status_code == 400


def test_another_secretary_and_an_officer_cannot_screen(world, client, auth):
    _units, campaign, nominations = world
    for username in ("thuky.khac", "canbo"):
        auth.login(username)
        response = _post(client, campaign, nominations[:2], "accept")
        assert response.status_code == 403
        auth.logout()
    assert _states(nominations[:2]) == ["submitted", "submitted"]


def test_select_all_without_javascript_ticks_every_row(world, client, auth):
    _units, campaign, nominations = world
    auth.login("thuky")
    html = client.get(f"/nominations/screening/{campaign.id}?chon=tat-ca").get_data(as_text=True)
    assert html.count(" checked>") == len(nominations)
    html = client.get(f"/nominations/screening/{campaign.id}").get_data(as_text=True)
    assert " checked>" not in html
