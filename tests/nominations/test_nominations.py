"""Nominations through the pages: create, edit, submit, screening, request letters, inbox."""

import io

import pytest
import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models import AuditEvent, Nomination, NominationBatch, NominationState, Role
from tests.factories import (
    make_campaign,
    make_exemplar,
    make_initiative,
    make_nomination,
    make_province,
    make_user,
)


@pytest.fixture
def world(app):
    units = make_province()
    make_user("canbo", (Role.OFFICER, units["d1"]))
    make_user("canbokhac", (Role.OFFICER, units["c21"]))
    make_user("thuky", (Role.SECRETARY, units["agency"]))
    make_user("hoidong", (Role.REVIEWER, units["d2"]))
    campaign = make_campaign(units["agency"])
    initiative = make_initiative(units["c11"], "Tuyến đường hoa nông thôn mới")
    db.session.commit()
    return units, campaign, initiative


def _form(campaign, initiative, **over):
    data = {
        "subject": f"i:{initiative.id}",
        "award_type_id": campaign.award_types[0].id,
        "recipient_name": "Ủy ban nhân dân xã Một Một",
        "recipient_line": "",
        "achievement_text": "Đã có thành tích xuất sắc trong phong trào “Dân vận khéo” năm 2024",
        "report_text": "Báo cáo thành tích của xã.",
        "batch_id": "0",
    }
    data.update(over)
    return data


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Nomination.id)))


def test_officer_creates_a_draft_with_an_audit_row(world, client, auth):
    _, campaign, initiative = world
    auth.login("canbo")
    html = client.get(f"/nominations/new?subject=i:{initiative.id}").get_data(as_text=True)
    assert "Tuyến đường hoa nông thôn mới" in html
    response = client.post(
        "/nominations/new", data=_form(campaign, initiative), follow_redirects=True
    )
    html = response.get_data(as_text=True)
    assert "Đã tạo hồ sơ đề nghị" in html and "Bản nháp" in html and "Tạo hồ sơ" in html
    nomination = db.session.scalar(sa.select(Nomination))
    assert nomination.unit_id == initiative.unit_id and nomination.state == NominationState.DRAFT


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"recipient_name": ""}, "Vui lòng nhập trường này."),
        ({"subject": ""}, "Vui lòng chọn một giá trị."),
        ({"report_text": ""}, "Vui lòng viết báo cáo thành tích hoặc tải lên tệp báo cáo"),
        ({"achievement_text": "x" * 1001}, "Không quá 1000 ký tự."),
    ],
)
def test_bad_input_saves_nothing(world, client, auth, override, message):
    _, campaign, initiative = world
    auth.login("canbo")
    html = client.post("/nominations/new", data=_form(campaign, initiative, **override)).get_data(
        as_text=True
    )
    assert message in html and _count() == 0


def test_uploaded_report_must_be_a_document(world, client, auth):
    _, campaign, initiative = world
    auth.login("canbo")
    data = _form(campaign, initiative, report_text="")
    data["report_file"] = (io.BytesIO(b"MZ\x90\x00 not a pdf"), "baocao.pdf")
    html = client.post("/nominations/new", data=data, content_type="multipart/form-data").get_data(
        as_text=True
    )
    assert _count() == 0 and "alert-danger" in html
    data = _form(campaign, initiative, report_text="")
    data["report_file"] = (
        io.BytesIO(b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\n%%EOF"),
        "baocao.pdf",
    )
    client.post("/nominations/new", data=data, content_type="multipart/form-data")
    nomination = db.session.scalar(sa.select(Nomination))
    assert nomination.report_evidence.mime == "application/pdf"
    response = client.get(f"/nominations/{nomination.id}/report")
    assert response.data.startswith(b"%PDF")
    response.close()


def test_duplicate_nomination_is_refused(world, client, auth):
    units, campaign, initiative = world
    make_nomination(campaign, units["c11"], initiative=initiative)
    db.session.commit()
    auth.login("canbo")
    html = client.post("/nominations/new", data=_form(campaign, initiative)).get_data(as_text=True)
    assert "đã có hồ sơ đề nghị" in html and _count() == 1


def test_access_to_a_nomination(world, client, auth):
    units, campaign, initiative = world
    nomination = make_nomination(campaign, units["c11"], initiative=initiative)
    db.session.commit()
    url = f"/nominations/{nomination.id}"
    assert client.get(url).headers["Location"].startswith("/auth/login")
    auth.login("canbokhac")
    assert client.get(url).status_code == 403
    assert client.get("/nominations/99999").status_code == 404
    auth.logout()
    auth.login("canbo")
    html = client.get(url).get_data(as_text=True)
    assert nomination.recipient_name in html and "Gửi hồ sơ" in html and "Lịch sử hồ sơ" in html


def test_submit_then_double_submit_records_once(world, client, auth):
    units, campaign, initiative = world
    nomination = make_nomination(campaign, units["c11"], initiative=initiative)
    db.session.commit()
    version = nomination.version
    auth.login("canbo")
    url = f"/nominations/{nomination.id}/move/submit"
    html = client.post(url, data={"version": version}, follow_redirects=True).get_data(as_text=True)
    assert "Đã thực hiện: Gửi hồ sơ." in html
    html = client.post(url, data={"version": version}, follow_redirects=True).get_data(as_text=True)
    assert "đã được thực hiện trước đó" in html
    db.session.expire_all()
    assert nomination.state == NominationState.SUBMITTED
    assert (
        db.session.scalar(
            sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "nomination.submit")
        )
        == 1
    )


def test_stale_edit_is_refused_and_keeps_the_text(world, client, auth):
    units, campaign, initiative = world
    nomination = make_nomination(campaign, units["c11"], initiative=initiative, report_text="Cũ")
    db.session.commit()
    stale = nomination.version
    auth.login("canbo")
    form = {
        "version": stale,
        "recipient_name": "Tên mới",
        "achievement_text": "Thành tích",
        "report_text": "Báo cáo",
        "batch_id": "0",
    }
    assert client.post(f"/nominations/{nomination.id}/edit", data=form).status_code == 302
    form["recipient_name"] = "Tên của người thứ hai"
    html = client.post(f"/nominations/{nomination.id}/edit", data=form).get_data(as_text=True)
    assert "đã được người khác cập nhật" in html and "Tên của người thứ hai" in html
    db.session.expire_all()
    assert nomination.recipient_name == "Tên mới"


def test_secretary_screens_return_needs_a_note(world, client, auth):
    units, campaign, initiative = world
    nomination = make_nomination(
        campaign, units["c11"], initiative=initiative, state=NominationState.SUBMITTED
    )
    db.session.commit()
    url = f"/nominations/screening/{campaign.id}"
    auth.login("canbo")
    assert client.get(url).status_code == 403
    auth.logout()
    auth.login("thuky")
    assert nomination.recipient_name in client.get(url).get_data(as_text=True)
    move = f"/nominations/{nomination.id}/move/return"
    html = client.post(
        move,
        data={"version": nomination.version, "note": "", "next": "screening"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Vui lòng ghi rõ lý do." in html
    client.post(move, data={"version": nomination.version, "note": "Thiếu báo cáo"})
    db.session.expire_all()
    assert nomination.state == NominationState.RETURNED
    auth.logout()
    auth.login("canbo")
    html = client.get("/inbox").get_data(as_text=True)
    assert "Hồ sơ bị trả lại để bổ sung" in html and nomination.recipient_name in html
    html = client.get(f"/nominations/{nomination.id}").get_data(as_text=True)
    assert "Thiếu báo cáo" in html and "Gửi lại hồ sơ" in html


def test_batch_sends_its_drafts_together(world, client, auth):
    units, campaign, _ = world
    auth.login("canbo")
    client.post(
        "/nominations/batches/new",
        data={
            "campaign_id": campaign.id,
            "unit_id": units["d1"].id,
            "title": "Đề nghị khen 2024",
            "number": "15/TTr",
        },
    )
    batch = db.session.scalar(sa.select(NominationBatch))
    assert batch is not None
    for unit in ("c11", "c12"):
        make_nomination(
            campaign,
            units["d1"],
            initiative=make_initiative(units[unit]),
            batch=batch,
        )
    db.session.commit()
    html = client.post(f"/nominations/batches/{batch.id}/submit", follow_redirects=True).get_data(
        as_text=True
    )
    assert "Đã gửi tờ trình cùng 2 hồ sơ." in html
    db.session.expire_all()
    assert {n.state for n in batch.nominations} == {NominationState.SUBMITTED}
    auth.logout()
    auth.login("canbokhac")
    assert client.get(f"/nominations/batches/{batch.id}").status_code == 403


def test_list_is_scoped_to_the_users_units(world, client, auth):
    units, campaign, initiative = world
    mine = make_nomination(
        campaign, units["c11"], initiative=initiative, recipient_name="Hồ sơ của huyện Một"
    )
    other = make_nomination(campaign, units["c21"], recipient_name="Hồ sơ của xã Hai Một")
    db.session.commit()
    auth.login("canbo")
    html = client.get("/nominations/").get_data(as_text=True)
    assert mine.recipient_name in html and other.recipient_name not in html
    html = client.get("/nominations/?q=tuyen duong hoa").get_data(as_text=True)
    assert mine.recipient_name in html


def test_inbox_for_secretary_and_reviewer(world, client, auth):
    units, campaign, initiative = world
    make_nomination(campaign, units["c11"], initiative=initiative, state=NominationState.SUBMITTED)
    db.session.commit()
    assert client.get("/inbox").headers["Location"].startswith("/auth/login")
    auth.login("thuky")
    html = client.get("/inbox").get_data(as_text=True)
    assert campaign.name in html and "Tiếp nhận 1 hồ sơ chờ" in html
    auth.logout()
    auth.login("hoidong")
    assert "Hiện không có việc nào đang chờ bạn." in client.get("/inbox").get_data(as_text=True)


def test_an_exemplar_can_be_nominated(world, client, auth):
    units, campaign, _ = world
    exemplar = make_exemplar(units["c12"], "Nguyễn Thị Lan")
    db.session.commit()
    auth.login("canbo")
    client.post(
        "/nominations/new",
        data=_form(
            campaign, exemplar, subject=f"e:{exemplar.id}", recipient_name="Bà Nguyễn Thị Lan"
        ),
    )
    nomination = db.session.scalar(sa.select(Nomination))
    assert nomination.exemplar_id == exemplar.id and nomination.unit_id == units["c12"].id


def test_approval_only_from_the_ranking_page(world, client, auth):
    units, campaign, initiative = world
    nomination = make_nomination(
        campaign, units["c11"], initiative=initiative, state=NominationState.IN_REVIEW
    )
    db.session.commit()
    auth.login("thuky")
    html = client.get(f"/nominations/{nomination.id}").get_data(as_text=True)
    assert "Xét duyệt tại bảng xếp hạng" in html and "Đề xuất khen thưởng" not in html
    response = client.post(f"/nominations/{nomination.id}/move/approve", data={})
    assert response.status_code == 404
    db.session.expire_all()
    assert nomination.state == NominationState.IN_REVIEW
