"""The bell, the notifications page, marking read, the preferences page."""

import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models import MailMode, Notification, NotificationKind, NotificationPreference
from dankheo.nominations import services as nomination_services
from tests.notifications.conftest import submitted


def _returned(world, note="Thiếu ảnh"):
    nomination = submitted(world)
    nomination_services.take_arrow(world["secretary"], nomination, "return", note=note)
    db.session.commit()
    return nomination


def test_the_bell_counts_unread_and_opening_marks_read(client, auth, world):
    nomination = _returned(world, note="Thiếu <b>ảnh</b>")
    auth.login("canbo")
    html = client.get("/inbox").get_data(as_text=True)
    assert (
        '<span class="badge rounded-pill text-bg-light">1<span class="visually-hidden"> chưa đọc'
        in html
    )
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Hồ sơ bị trả lại để bổ sung" in page
    assert "Lý do trả lại: Thiếu &lt;b&gt;ảnh&lt;/b&gt;." in page  # escaped
    note = db.session.scalar(
        sa.select(Notification).where(Notification.user_id == world["officer"].id)
    )
    opened = client.get(f"/notifications/{note.id}")
    assert (
        opened.status_code == 302 and opened.headers["Location"] == f"/nominations/{nomination.id}"
    )
    db.session.expire_all()
    assert note.read_at is not None
    html = client.get("/inbox").get_data(as_text=True)
    assert "chưa đọc</span></span>" not in html


def test_someone_elses_notification_is_404_even_for_an_admin(client, auth, world, app):
    from dankheo.models import Role
    from tests.factories import make_user

    _returned(world)
    make_user("quantri", (Role.ADMIN, world["units"]["province"]))
    note = db.session.scalar(sa.select(Notification))
    for username in ("canbo.khac", "quantri"):
        auth.login(username)
        assert client.get(f"/notifications/{note.id}").status_code == 404
        assert client.post(f"/notifications/{note.id}/read").status_code == 404
        auth.logout()
    db.session.expire_all()
    assert note.read_at is None


def test_mark_all_read(client, auth, world):
    _returned(world)
    _returned(world, note="Thiếu báo cáo")
    auth.login("canbo")
    html = client.post("/notifications/read-all", follow_redirects=True).get_data(as_text=True)
    assert "Đã đánh dấu 2 thông báo là đã đọc." in html
    unread = db.session.scalar(
        sa.select(sa.func.count(Notification.id)).where(
            Notification.user_id == world["officer"].id, Notification.read_at.is_(None)
        )
    )
    assert unread == 0


def test_preferences_save_the_address_and_a_mode_per_kind(client, auth, world):
    auth.login("canbo")
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert "Hồ sơ bị trả lại để bổ sung" in page and "Gộp vào thư tóm tắt hằng ngày" in page
    data = {f"mode_{k.value}": "immediate" for k in NotificationKind}
    data.update(email="can.bo@xa-mot-mot.vn", mode_nomination_returned="digest")
    data["mode_registration_opens"] = "never"
    response = client.post("/notifications/settings", data=data, follow_redirects=True)
    assert "Đã lưu cài đặt thông báo." in response.get_data(as_text=True)
    db.session.expire_all()
    assert world["officer"].email == "can.bo@xa-mot-mot.vn"
    modes = dict(
        db.session.execute(
            sa.select(NotificationPreference.kind, NotificationPreference.mode).where(
                NotificationPreference.user_id == world["officer"].id
            )
        ).all()
    )
    assert modes[NotificationKind.NOMINATION_RETURNED] == MailMode.DIGEST
    assert modes[NotificationKind.REGISTRATION_OPENS] == MailMode.NEVER
    # The next return goes to the digest, not by mail at once.
    _returned(world)
    note = db.session.scalar(
        sa.select(Notification).where(Notification.user_id == world["officer"].id)
    )
    assert note.mail_mode == MailMode.DIGEST and note.outbox_id is None


def test_a_bad_address_is_refused_and_nothing_saved(client, auth, world):
    auth.login("canbo")
    data = {f"mode_{k.value}": "never" for k in NotificationKind}
    data["email"] = "khong phai dia chi"
    html = client.post("/notifications/settings", data=data).get_data(as_text=True)
    assert "Địa chỉ thư điện tử không hợp lệ." in html
    db.session.expire_all()
    assert world["officer"].email == "canbo@dankheo.example.vn"
    assert db.session.scalar(sa.select(sa.func.count(NotificationPreference.id))) == 0
    data.update(email="canbo@dankheo.example.vn", mode_review_assigned="sometimes")
    html = client.post("/notifications/settings", data=data).get_data(as_text=True)
    assert "Giá trị đã chọn không hợp lệ." in html
    assert db.session.scalar(sa.select(sa.func.count(NotificationPreference.id))) == 0
