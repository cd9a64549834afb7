"""Each event reaches the people concerned exactly once: in the app and, when they want
it, by one e-mail that the in-process SMTP server receives, in Vietnamese, with a link
that opens the page."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from dankheo import jobs
from dankheo.extensions import db
from dankheo.models import (
    Assignment,
    MailOutbox,
    NominationState,
    Notification,
    NotificationKind,
    OutboxStatus,
    Scorecard,
)
from dankheo.nominations import services as nomination_services
from dankheo.notifications import jobs as notification_jobs
from dankheo.review import services as review_services
from tests.factories import make_nomination
from tests.notifications.conftest import submitted

K = NotificationKind


def notes_of(user, kind=None) -> list[Notification]:
    stmt = sa.select(Notification).where(Notification.user_id == user.id)
    if kind is not None:
        stmt = stmt.where(Notification.kind == kind)
    return list(db.session.scalars(stmt.order_by(Notification.id)))


def body_text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def body_html(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def test_a_returned_dossier_tells_its_officers_why_once_in_app_and_by_mail(
    app, client, auth, world, smtp
):
    nomination = submitted(world)
    nomination_services.take_arrow(
        world["secretary"], nomination, "return", note="Thiếu ảnh minh chứng <năm 2024>"
    )
    db.session.commit()

    # In the app: each officer of the unit once; the secretary who acted and an officer
    # of another unit, never.
    for officer in (world["officer"], world["officer2"]):
        (note,) = notes_of(officer)
        assert note.kind == K.NOMINATION_RETURNED
        assert note.params["note"] == "Thiếu ảnh minh chứng <năm 2024>"
        assert note.link == f"/nominations/{nomination.id}"
    assert notes_of(world["secretary"]) == []
    assert notes_of(world["officer_other"]) == []

    # By e-mail: one message per officer, in Vietnamese, with the reason and a link.
    report = notification_jobs.deliver_due()
    assert report.sent == 2
    (message,) = smtp.inbox.to("canbo@dankheo.example.vn")
    assert message["Subject"] == (
        f"[Dân vận khéo] Hồ sơ bị trả lại để bổ sung: {nomination.subject_name}"
    )
    assert message["From"] == "Dân vận khéo <thongbao@dankheo.example.vn>"
    text = body_text(message)
    assert "Lý do trả lại: Thiếu ảnh minh chứng <năm 2024>." in text
    link = f"https://dankheo.example.vn/nominations/{nomination.id}"
    assert link in text
    html = body_html(message)
    assert "Thiếu ảnh minh chứng &lt;năm 2024&gt;" in html  # escaped in HTML
    assert f'href="{link}"' in html

    # The link opens the dossier for the officer.
    auth.login("canbo")
    page = client.get(link.removeprefix("https://dankheo.example.vn"))
    assert page.status_code == 200
    assert nomination.recipient_name in page.get_data(as_text=True)

    # Nothing is sent twice.
    assert notification_jobs.deliver_due().sent == 0
    assert len(smtp.inbox.messages) == 2


def test_submitting_tells_the_campaign_secretary(app, world, smtp):
    from tests.factories import make_nomination

    nomination = make_nomination(
        world["campaign"], world["units"]["c11"], created_by_id=world["officer"].id
    )
    db.session.commit()
    nomination_services.take_arrow(world["officer"], nomination, "submit")
    db.session.commit()
    (note,) = notes_of(world["secretary"])
    assert note.kind == K.NOMINATION_SUBMITTED
    assert note.link == f"/nominations/screening/{world['campaign'].id}"
    assert notes_of(world["officer"]) == []  # the person who acted is not told
    notification_jobs.deliver_due()
    (message,) = smtp.inbox.to("thuky@dankheo.example.vn")
    assert "Hồ sơ mới gửi đến" in message["Subject"]


@pytest.mark.parametrize(
    ("action", "kind", "note"),
    [
        ("accept", K.NOMINATION_ACCEPTED, ""),
        ("reject", K.NOMINATION_REJECTED, "Mô hình chưa triển khai đủ một năm"),
    ],
)
def test_accepting_and_rejecting_tell_the_officers(app, world, smtp, action, kind, note):
    nomination = submitted(world)
    nomination_services.take_arrow(world["secretary"], nomination, action, note=note)
    db.session.commit()
    assert [n.kind for n in notes_of(world["officer"])] == [kind]
    assert [n.kind for n in notes_of(world["officer2"])] == [kind]


def test_a_double_click_tells_nobody_twice(app, world, smtp):
    from dankheo.workflow import AlreadyDone

    nomination = submitted(world)
    nomination_services.take_arrow(world["secretary"], nomination, "accept")
    db.session.commit()
    with pytest.raises(AlreadyDone):
        nomination_services.take_arrow(world["secretary"], nomination, "accept")
    db.session.rollback()
    assert len(notes_of(world["officer"])) == 1


def _committee(world):
    committee = review_services.ensure_committee(world["secretary"], world["campaign"])
    for user in world["reviewers"]:
        review_services.add_reviewer(world["secretary"], committee, user)
    db.session.commit()
    return committee


def test_auto_assignment_tells_each_reviewer_once_with_the_deadline(app, world, smtp):
    world["campaign"].review_closes = date(2030, 12, 15)
    _committee(world)
    for _ in range(3):
        make_nomination(world["campaign"], world["units"]["c11"], state=NominationState.IN_REVIEW)
    db.session.commit()
    review_services.auto_assign(world["secretary"], world["campaign"])
    db.session.commit()
    for user in world["reviewers"]:
        (note,) = notes_of(user)
        assert note.kind == K.REVIEW_ASSIGNED
        assert note.params["count"] == 3  # three dossiers, one notification
        assert note.params["deadline"] == "15/12/2030"
    notification_jobs.deliver_due()
    assert len(smtp.inbox.messages) == 3
    (message,) = smtp.inbox.to("hoidong1@dankheo.example.vn")
    assert message["Subject"] == "[Dân vận khéo] Bạn được phân công chấm 3 hồ sơ"
    assert "Hạn chấm điểm: 15/12/2030." in body_text(message)
    assert "https://dankheo.example.vn/review/" in body_text(message)


def test_signing_issuing_revoking_and_correcting_tell_the_unit(app, world, smtp):
    from dankheo.certificates import decisions, revocation
    from dankheo.certificates.jobs import issue_pending

    nominations = [
        make_nomination(
            world["campaign"],
            world["units"]["c11"],
            state=NominationState.APPROVED,
            created_by_id=world["officer"].id,
        )
        for _ in range(2)
    ]
    db.session.commit()
    decision = decisions.create_decision(
        world["secretary"],
        world["campaign"].award_types[0],
        number=77,
        signed_on=date(2024, 12, 15),
        place="Tây Ninh",
        signer_name="Nguyễn Văn A",
        signer_title="Chủ tịch",
        nomination_ids=[n.id for n in nominations],
    )
    certificates = decisions.sign_decision(world["secretary"], decision)
    db.session.commit()
    (signed,) = notes_of(world["officer"], K.DECISION_SIGNED)
    assert signed.params["count"] == 2  # one notification for the unit's two dossiers
    assert notes_of(world["officer_other"]) == []

    issue_pending(decision.id, [c.id for c in certificates])
    issued = notes_of(world["officer"], K.CERTIFICATE_ISSUED)
    assert sorted(n.params["serial"] for n in issued) == sorted(c.serial for c in certificates)
    issue_pending(decision.id, [c.id for c in certificates])  # a rerun: nothing new
    assert len(notes_of(world["officer"], K.CERTIFICATE_ISSUED)) == 2

    first = db.session.get(type(certificates[0]), certificates[0].id)
    revocation.revoke_certificate(world["secretary"], first, "Kê khai sai số liệu")
    db.session.commit()
    (revoked,) = notes_of(world["officer"], K.CERTIFICATE_REVOKED)
    assert revoked.params["note"] == "Kê khai sai số liệu"

    second = db.session.get(type(certificates[1]), certificates[1].id)
    new = revocation.correct_certificate(
        world["secretary"],
        second,
        recipient_name="Tên đã sửa",
        recipient_line="",
        reason=second.reason,
        note="Sai chính tả tên",
    )
    db.session.commit()
    (corrected,) = notes_of(world["officer"], K.CERTIFICATE_CORRECTED)
    assert corrected.params == {
        "recipient": "Tên đã sửa",
        "serial": new.serial,
        "number": decision.number_text,
        "note": "Sai chính tả tên",
        "old_serial": second.serial,
    }
    # A correction is not also announced as a second revocation.
    assert len(notes_of(world["officer"], K.CERTIFICATE_REVOKED)) == 1

    notification_jobs.deliver_due()
    subjects = sorted(m["Subject"] for m in smtp.inbox.to("canbo@dankheo.example.vn"))
    assert len(subjects) == 5  # signed, issued ×2, revoked, corrected
    assert any("đã ký" in s for s in subjects)


def test_without_a_mail_server_notifications_stay_in_the_app(app, world, smtp):
    app.config["MAIL_SERVER"] = ""
    nomination = submitted(world)
    nomination_services.take_arrow(world["secretary"], nomination, "return", note="Thiếu")
    db.session.commit()
    assert len(notes_of(world["officer"])) == 1
    assert db.session.scalar(sa.select(sa.func.count(MailOutbox.id))) == 0
    assert notification_jobs.deliver_due().sent == 0
    assert smtp.inbox.messages == []


def test_an_officer_without_an_address_is_told_in_the_app_only(app, world, smtp):
    world["officer2"].email = ""
    db.session.commit()
    nomination = submitted(world)
    nomination_services.take_arrow(world["secretary"], nomination, "accept")
    db.session.commit()
    assert len(notes_of(world["officer2"])) == 1
    notification_jobs.deliver_due()
    assert smtp.inbox.to("canbo2@dankheo.example.vn") == []


# --- the outbox survives a mail server that is down ------------------------------------


def test_with_the_server_down_mail_waits_and_is_delivered_once_it_is_back(app, world, smtp):
    smtp.stop()
    nomination = submitted(world)
    nomination_services.take_arrow(world["secretary"], nomination, "reject", note="Sai đối tượng")
    db.session.commit()
    now = notification_jobs.utcnow()

    report = notification_jobs.deliver_due(now)
    assert (report.sent, report.retried) == (0, 2)
    rows = list(db.session.scalars(sa.select(MailOutbox)))
    assert all(r.status == OutboxStatus.PENDING and r.attempts == 1 for r in rows)
    assert all(r.next_attempt_at > now for r in rows)  # back-off: not retried at once
    assert all("Error" in r.last_error or "refused" in r.last_error.lower() for r in rows)

    # Second failure: the delay doubles.
    later = max(r.next_attempt_at for r in rows)
    notification_jobs.deliver_due(later)
    db.session.expire_all()
    rows = list(db.session.scalars(sa.select(MailOutbox)))
    assert all(r.attempts == 2 for r in rows)
    assert all(r.next_attempt_at - later == timedelta(seconds=120) for r in rows)

    smtp.start()  # the server is back, on the same port
    assert notification_jobs.deliver_due(later).sent == 0  # not due yet
    assert notification_jobs.deliver_due(later + timedelta(minutes=5)).sent == 2
    assert notification_jobs.deliver_due(later + timedelta(hours=1)).sent == 0
    assert len(smtp.inbox.messages) == 2  # nothing lost, nothing twice
    assert {m["To"] for m in smtp.inbox.messages} == {
        "canbo@dankheo.example.vn",
        "canbo2@dankheo.example.vn",
    }


def test_mail_that_keeps_failing_is_marked_failed_and_the_admin_can_send_it_again(
    app, client, auth, world, smtp
):
    from dankheo.models import Role
    from tests.factories import make_user

    app.config["MAIL_MAX_ATTEMPTS"] = 2
    make_user("quantri", (Role.ADMIN, world["units"]["province"]))
    smtp.stop()
    nomination = submitted(world)
    world["officer2"].email = ""
    db.session.commit()
    nomination_services.take_arrow(world["secretary"], nomination, "return", note="Thiếu")
    db.session.commit()
    now = notification_jobs.utcnow()
    notification_jobs.deliver_due(now)
    report = notification_jobs.deliver_due(now + timedelta(hours=1))
    assert report.failed == 1
    row = db.session.scalar(sa.select(MailOutbox))
    assert row.status == OutboxStatus.FAILED

    auth.login("quantri")
    page = client.get("/notifications/outbox").get_data(as_text=True)
    assert "Gửi không được" in page and "canbo@dankheo.example.vn" in page
    assert "ConnectionRefusedError" in page
    client.post(f"/notifications/outbox/{row.id}/retry")
    db.session.expire_all()
    assert row.status == OutboxStatus.PENDING and row.attempts == 0

    smtp.start()
    assert notification_jobs.deliver_due().sent == 1
    assert len(smtp.inbox.to("canbo@dankheo.example.vn")) == 1


def test_a_claim_left_by_a_killed_worker_is_sent_later_exactly_once(app, world, smtp):
    nomination = submitted(world)
    world["officer2"].email = ""
    db.session.commit()
    nomination_services.take_arrow(world["secretary"], nomination, "return", note="Thiếu")
    db.session.commit()
    row = db.session.scalar(sa.select(MailOutbox))
    now = notification_jobs.utcnow()
    # A worker claimed it and died before sending.
    row.status, row.claimed_at = OutboxStatus.SENDING, now
    db.session.commit()
    assert notification_jobs.deliver_due(now + timedelta(minutes=1)).sent == 0
    assert notification_jobs.deliver_due(now + timedelta(minutes=20)).sent == 1
    assert notification_jobs.deliver_due(now + timedelta(minutes=40)).sent == 0
    assert len(smtp.inbox.messages) == 1


# --- digests and reminders -------------------------------------------------------------


def test_a_daily_digest_groups_the_days_events_in_one_mail(app, world, smtp):
    from dankheo.models import MailMode, NotificationPreference

    officer = world["officer"]
    for kind in (K.NOMINATION_RETURNED, K.NOMINATION_ACCEPTED, K.NOMINATION_REJECTED):
        db.session.add(NotificationPreference(user_id=officer.id, kind=kind, mode=MailMode.DIGEST))
    world["officer2"].email = ""
    db.session.commit()
    first, second, third = (submitted(world) for _ in range(3))
    nomination_services.take_arrow(world["secretary"], first, "return", note="Thiếu báo cáo")
    nomination_services.take_arrow(world["secretary"], second, "accept")
    nomination_services.take_arrow(world["secretary"], third, "reject", note="Trùng hồ sơ")
    db.session.commit()

    assert notification_jobs.deliver_due().sent == 0  # nothing immediate
    assert notification_jobs.send_digests() == 1
    assert notification_jobs.send_digests() == 0  # once
    assert notification_jobs.deliver_due().sent == 1
    (message,) = smtp.inbox.messages
    assert message["Subject"] == "[Dân vận khéo] Tóm tắt thông báo: 3 việc mới"
    text = body_text(message)
    for n in (first, second, third):
        assert f"https://dankheo.example.vn/nominations/{n.id}" in text
    assert "Lý do trả lại: Thiếu báo cáo." in text and "Lý do: Trùng hồ sơ." in text


def _assigned_campaign(world, closes: date):
    world["campaign"].review_closes = closes
    _committee(world)
    make_nomination(world["campaign"], world["units"]["c11"], state=NominationState.IN_REVIEW)
    db.session.commit()
    review_services.auto_assign(world["secretary"], world["campaign"])
    db.session.commit()


def test_deadline_reminders_fire_once_at_three_days_and_once_at_one_day(app, world, smtp):
    today = date(2030, 12, 10)
    _assigned_campaign(world, today + timedelta(days=3))
    # The first reviewer has submitted: no reminder for them.
    first = world["reviewers"][0]
    assignment = db.session.scalar(
        sa.select(Assignment)
        .join(Assignment.reviewer)
        .where(Assignment.reviewer.has(user_id=first.id))
    )
    db.session.add(Scorecard(assignment=assignment, submitted_at=notification_jobs.utcnow()))
    db.session.commit()

    assert notification_jobs.send_reminders(today) == 2
    assert notification_jobs.send_reminders(today) == 0  # hourly runs: once
    assert notification_jobs.send_reminders(today + timedelta(days=1)) == 0  # still the 3-day one
    assert notification_jobs.send_reminders(today + timedelta(days=2)) == 2  # 1 day left
    assert notification_jobs.send_reminders(today + timedelta(days=3)) == 0
    assert notes_of(first, K.REVIEW_DEADLINE) == []
    second = world["reviewers"][1]
    reminders = notes_of(second, K.REVIEW_DEADLINE)
    assert [n.params["days"] for n in reminders] == [3, 1]
    notification_jobs.deliver_due()
    subjects = [m["Subject"] for m in smtp.inbox.to("hoidong2@dankheo.example.vn")]
    assert "[Dân vận khéo] Còn 3 ngày để chấm điểm: 1 phiếu chưa nộp" in subjects
    assert "[Dân vận khéo] Còn 1 ngày để chấm điểm: 1 phiếu chưa nộp" in subjects


def test_registration_window_notices_reach_the_officers_once(app, world, smtp):
    today = date(2030, 3, 1)
    world["campaign"].registration_opens = today
    world["campaign"].registration_closes = today + timedelta(days=20)
    db.session.commit()
    assert notification_jobs.send_reminders(today) == 3  # every officer the campaign reaches
    assert notification_jobs.send_reminders(today + timedelta(days=1)) == 0
    assert notification_jobs.send_reminders(today + timedelta(days=17)) == 3  # 3 days left
    assert notification_jobs.send_reminders(today + timedelta(days=18)) == 0
    (closing,) = notes_of(world["officer_other"], K.REGISTRATION_CLOSING)
    assert closing.params["days"] == 3
    # Window notices default to the daily digest.
    assert notification_jobs.deliver_due().sent == 0
    assert notification_jobs.send_digests() == 3


def test_periodic_jobs_are_huey_periodic_tasks(app):
    registered = jobs.periodic_jobs()
    assert {"deliver_mail", "send_digests", "send_reminders"} <= registered.keys()
    huey = jobs.get_huey(app)
    from datetime import datetime

    # Schedules are UTC: the digest at 10:00 (17:00 in Vietnam), reminders hourly at :07.
    at_ten = {t.name for t in huey.read_periodic(datetime(2030, 1, 7, 10, 0))}
    assert at_ten == {"deliver_mail", "send_digests"}
    at_seven_past = {t.name for t in huey.read_periodic(datetime(2030, 1, 7, 11, 7))}
    assert at_seven_past == {"deliver_mail", "send_reminders"}


def test_an_unreachable_server_costs_one_connection_per_run(app, world, smtp, monkeypatch):
    from dankheo.notifications import mail

    attempts = []

    def refuse():
        attempts.append(1)
        raise ConnectionRefusedError("máy chủ thư không trả lời")

    monkeypatch.setattr(mail, "connect", refuse)
    for _ in range(3):
        nomination = submitted(world)
        nomination_services.take_arrow(world["secretary"], nomination, "return", note="Thiếu")
    db.session.commit()
    report = notification_jobs.deliver_due()
    assert report.retried == 6 and len(attempts) == 1  # 3 returns × 2 officers
    rows = list(db.session.scalars(sa.select(MailOutbox)))
    assert all("máy chủ thư không trả lời" in r.last_error for r in rows)


def test_the_database_refuses_the_same_event_twice_for_one_person(app, world, smtp):
    from sqlalchemy.exc import IntegrityError

    def note():
        return Notification(
            user_id=world["officer"].id,
            kind=K.REVIEW_DEADLINE,
            params={},
            link="/review/",
            dedupe_key="review_deadline:1:2030-12-13:3",
        )

    db.session.add(note())
    db.session.commit()
    db.session.add(note())
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
