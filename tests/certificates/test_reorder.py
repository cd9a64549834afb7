"""Reordering a draft decision's recipients: drag and drop (the new order), the typed
positions (the keyboard fallback), a sort by name or by unit; refused when signed."""

from datetime import date

import pytest
import sqlalchemy as sa

from dankheo.certificates import decisions
from dankheo.extensions import db
from dankheo.models import AuditEvent, Decision, DecisionStatus, Role
from tests.factories import make_user


@pytest.fixture
def draft(secretary, campaign, approved):
    decision = decisions.create_decision(
        secretary,
        campaign.award_types[0],
        number=9,
        signed_on=date(2024, 12, 15),
        place="Tây Ninh",
        signer_name="Nguyễn Văn A",
        signer_title="Chủ tịch",
        nomination_ids=[n.id for n in approved],
    )
    db.session.commit()
    return decision


def _order(decision) -> list[str]:
    db.session.expire_all()
    return [i.nomination.recipient_name for i in db.session.get(Decision, decision.id).items]


def _url(decision) -> str:
    return f"/certificates/decisions/{decision.id}/reorder"


def test_the_page_offers_drag_and_drop_typed_positions_and_sorts(client, auth, draft):
    auth.login("thuky")
    html = client.get(f"/certificates/decisions/{draft.id}").get_data(as_text=True)
    assert 'draggable="true"' in html and "data-reorder" in html
    assert html.count('class="form-control form-control-sm dk-position"') == 3
    assert "Sắp xếp theo tên (A–Z)" in html and "Lưu thứ tự" in html


def test_drag_and_drop_sends_the_new_order(client, auth, draft):
    auth.login("thuky")
    items = [i.id for i in draft.items]
    client.post(_url(draft), data={"order": [str(i) for i in reversed(items)]})
    assert _order(draft) == [
        "Mô hình “Tuyến đường hoa nông thôn mới” ấp Bình Hòa",
        "Bà Trần Thị Ngọc Ánh",
        "Ông Nguyễn Văn Thành",
    ]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "decision.reorder"))
    assert event.details == {"order": list(reversed(items))}


def test_typed_positions_reorder_from_the_keyboard(client, auth, draft):
    auth.login("thuky")
    first, second, third = (i.id for i in draft.items)
    data = {f"position_{first}": "3", f"position_{second}": "1", f"position_{third}": "2"}
    html = client.post(_url(draft), data=data, follow_redirects=True).get_data(as_text=True)
    assert "Đã lưu thứ tự danh sách kèm theo." in html
    assert _order(draft) == [
        "Bà Trần Thị Ngọc Ánh",
        "Mô hình “Tuyến đường hoa nông thôn mới” ấp Bình Hòa",
        "Ông Nguyễn Văn Thành",
    ]


def test_sorting_by_name_uses_vietnamese_order(client, auth, draft):
    auth.login("thuky")
    client.post(_url(draft), data={"sort": "name"})
    assert _order(draft) == [
        "Bà Trần Thị Ngọc Ánh",
        "Mô hình “Tuyến đường hoa nông thôn mới” ấp Bình Hòa",
        "Ông Nguyễn Văn Thành",
    ]


@pytest.mark.parametrize(
    "data",
    [
        {"order": ["1", "2"]},  # not every item
        {"order": ["999999999999999999999"]},
        {"order": ["x"]},
    ],
)
def test_a_bad_order_changes_nothing(client, auth, draft, data):
    auth.login("thuky")
    before = _order(draft)
    client.post(_url(draft), data=data, follow_redirects=True)
    assert _order(draft) == before


def test_bad_typed_positions_say_so_and_change_nothing(client, auth, draft):
    auth.login("thuky")
    before = _order(draft)
    first = draft.items[0].id
    html = client.post(
        _url(draft), data={f"position_{first}": "-1"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Thứ tự phải là các số nguyên dương." in html
    assert _order(draft) == before


def test_a_signed_decision_cannot_be_reordered(client, auth, draft):
    draft.status = DecisionStatus.SIGNED
    db.session.commit()
    auth.login("thuky")
    before = _order(draft)
    html = client.post(_url(draft), data={"sort": "name"}, follow_redirects=True)
    assert "Quyết định đã ký, không thể thay đổi." in html.get_data(as_text=True)
    assert _order(draft) == before


def test_another_secretary_gets_403(client, auth, units, draft):
    make_user("thuky.khac", (Role.SECRETARY, units["d2"]))
    auth.login("thuky.khac")
    assert client.post(_url(draft), data={"sort": "name"}).status_code == 403
