"""Periodic jobs of notifications, registered with ``dankheo.jobs`` (huey periodic tasks
run by the worker's consumer; no cron scripts): sending the outbox, the daily digests,
and the reminders of deadlines and registration windows. They run outside any request
and own their transactions. Every one is idempotent: run twice or late, nobody is told
twice (the outbox claims rows with a guarded update; reminders and digests are keyed)."""

import contextlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from dankheo import jobs
from dankheo.extensions import db
from dankheo.models.accounts import User
from dankheo.models.base import utcnow
from dankheo.models.campaigns import Campaign
from dankheo.models.notifications import (
    MailMode,
    MailOutbox,
    Notification,
    NotificationKind,
    OutboxStatus,
)
from dankheo.notifications import events, mail, recipients

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
# A row claimed this long ago by a worker that then died is sent again.
STALE_CLAIM = timedelta(minutes=15)
# Rows one run sends at most (the next minute takes the rest).
BATCH = 200


def today_in_vietnam(now: datetime | None = None) -> date:
    """Deadlines are Vietnam's calendar days; ``now`` is naive UTC."""
    now = now or utcnow()
    return now.replace(tzinfo=ZoneInfo("UTC")).astimezone(VIETNAM).date()


# --- the outbox -------------------------------------------------------------------------


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0


@jobs.periodic("deliver_mail", minute="*")
def deliver_mail() -> DeliveryReport:
    return deliver_due()


def deliver_due(now: datetime | None = None) -> DeliveryReport:
    """Send every due outbox row: claim it (pending → sending, guarded, committed), send
    it, record the outcome. A failure puts it back with a later time (back-off) and the
    error; after MAIL_MAX_ATTEMPTS it is failed, visible to the admin."""
    report = DeliveryReport()
    if not mail.mail_enabled():
        return report
    now = now or utcnow()
    db.session.execute(
        sa.update(MailOutbox)
        .where(MailOutbox.status == OutboxStatus.SENDING, MailOutbox.claimed_at < now - STALE_CLAIM)
        .values(status=OutboxStatus.PENDING)
        .execution_options(synchronize_session=False)
    )
    due = list(
        db.session.scalars(
            sa.select(MailOutbox.id)
            .where(MailOutbox.status == OutboxStatus.PENDING, MailOutbox.next_attempt_at <= now)
            .order_by(MailOutbox.next_attempt_at, MailOutbox.id)
            .limit(BATCH)
        )
    )
    db.session.commit()
    smtp = None
    # Once the server cannot be reached, the rest of the run records that failure
    # without trying again: a hung server costs one MAIL_TIMEOUT per run, not per row.
    unreachable: Exception | None = None
    try:
        for row_id in due:
            if not _claim(row_id, now):
                continue
            row = db.session.get(MailOutbox, row_id)
            try:
                if unreachable is not None:
                    raise unreachable
                if smtp is None:
                    try:
                        smtp = mail.connect()
                    except Exception as err:
                        unreachable = err
                        raise
                smtp.send_message(mail.message(row, now))
            except Exception as err:  # any failure is recorded and retried with back-off
                _record_failure(row, err, now, report)
                smtp = _close(smtp)
                continue
            row.status = OutboxStatus.SENT
            row.sent_at = now
            row.attempts += 1
            row.last_error = ""
            db.session.commit()
            report.sent += 1
    finally:
        _close(smtp)
    return report


def _claim(row_id: int, now: datetime) -> bool:
    claimed = db.session.execute(
        sa.update(MailOutbox)
        .where(MailOutbox.id == row_id, MailOutbox.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.SENDING, claimed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return bool(claimed)


def _record_failure(row: MailOutbox, err: Exception, now: datetime, report) -> None:
    db.session.rollback()
    row = db.session.get(MailOutbox, row.id)
    row.attempts += 1
    row.last_error = f"{type(err).__name__}: {err}"[:2000]
    if row.attempts >= int(current_app.config["MAIL_MAX_ATTEMPTS"]):
        row.status = OutboxStatus.FAILED
        report.failed += 1
    else:
        row.status = OutboxStatus.PENDING
        row.next_attempt_at = now + mail.retry_delay(row.attempts)
        report.retried += 1
    current_app.logger.warning("mail to %s not sent: %s", row.to_address, row.last_error)
    db.session.commit()


def _close(smtp):
    if smtp is not None:
        # The connection may already be gone; closing it is all that is left to do.
        with contextlib.suppress(Exception):
            smtp.quit()
    return None


# --- daily digests ----------------------------------------------------------------------


@jobs.periodic("send_digests", minute="0", hour="10")  # 17:00 in Vietnam
def send_digests_job() -> int:
    return send_digests()


def send_digests() -> int:
    """One e-mail per person gathering every notification waiting for the digest (the
    day's, when the job runs daily); each is marked with that e-mail in the same
    transaction, so a second run sends nothing. Returns the number of e-mails."""
    if not mail.mail_enabled():
        return 0
    waiting = list(
        db.session.scalars(
            sa.select(Notification)
            .where(Notification.mail_mode == MailMode.DIGEST, Notification.outbox_id.is_(None))
            .order_by(Notification.user_id, Notification.created_at, Notification.id)
        )
    )
    by_user: dict[int, list[Notification]] = {}
    for n in waiting:
        by_user.setdefault(n.user_id, []).append(n)
    users = {
        u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(by_user.keys())))
    }
    sent = 0
    for user_id, notes in by_user.items():
        user = users.get(user_id)
        if user is None or not user.active or not user.email:
            for n in notes:
                n.mail_mode = MailMode.NEVER
            continue
        row = mail.outbox_row(user, notes, digest=True)
        db.session.add(row)
        db.session.flush()
        for n in notes:
            n.outbox_id = row.id
        sent += 1
    db.session.commit()
    return sent


# --- reminders: review deadlines and registration windows ---------------------------------


@jobs.periodic("send_reminders", minute="7")  # hourly: a missed run is caught up
def send_reminders_job() -> int:
    return send_reminders()


def send_reminders(today: date | None = None) -> int:
    """Deadline reminders 3 days and 1 day before a campaign's review window closes, to
    reviewers with scorecards still to submit; a registration window that has opened,
    and one closing within 3 days, to the officers the campaign reaches. Keyed per
    campaign, deadline and step: each fires once, even if the job runs every hour."""
    today = today or today_in_vietnam()
    written = 0
    soon = today + timedelta(days=3)
    for campaign in db.session.scalars(
        sa.select(Campaign).where(Campaign.review_closes.between(today, soon))
    ):
        days = (campaign.review_closes - today).days
        step = 3 if days >= 2 else 1
        reviewers = recipients.reviewers_with_open_scorecards(campaign)
        written += events.emit(
            NotificationKind.REVIEW_DEADLINE, campaign, reviewers=reviewers, days=days, step=step
        )
    for campaign in db.session.scalars(
        sa.select(Campaign).where(
            Campaign.registration_opens <= today,
            sa.or_(Campaign.registration_closes.is_(None), Campaign.registration_closes >= today),
            # A window long open when notifications arrived is not news any more.
            Campaign.registration_opens >= today - timedelta(days=7),
        )
    ):
        written += events.emit(NotificationKind.REGISTRATION_OPENS, campaign)
    for campaign in db.session.scalars(
        sa.select(Campaign).where(Campaign.registration_closes.between(today, soon))
    ):
        days = (campaign.registration_closes - today).days
        written += events.emit(NotificationKind.REGISTRATION_CLOSING, campaign, days=days)
    try:
        db.session.commit()
    except IntegrityError:
        # Another consumer wrote the same reminders first (unique per person and key).
        db.session.rollback()
        return 0
    return written
