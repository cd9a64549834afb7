"""Reads of notifications: the unread count of the bell (one indexed COUNT per page),
a person's notifications page by page, their preferences, and the outbox for the admin."""

import sqlalchemy as sa
from flask import current_app

from dankheo.extensions import db
from dankheo.models.notifications import (
    MailOutbox,
    Notification,
    NotificationKind,
    NotificationPreference,
    OutboxStatus,
)
from dankheo.notifications.events import DEFAULT_MODES


def unread_count(user) -> int:
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return db.session.scalar(
        sa.select(sa.func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )


def notifications_page(user, *, unread_only: bool, page: int):
    stmt = sa.select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    stmt = stmt.order_by(Notification.created_at.desc(), Notification.id.desc())
    return db.paginate(stmt, page=page, per_page=current_app.config["PER_PAGE"], error_out=False)


def notification_of(user, notification_id: int) -> Notification | None:
    """``user``'s own notification (None for anyone else's, admins included)."""
    return db.session.scalar(
        sa.select(Notification).where(
            Notification.id == notification_id, Notification.user_id == user.id
        )
    )


def preferences(user) -> dict[NotificationKind, str]:
    """The e-mail mode of every kind for ``user`` (its choice or the default)."""
    chosen = dict(
        db.session.execute(
            sa.select(NotificationPreference.kind, NotificationPreference.mode).where(
                NotificationPreference.user_id == user.id
            )
        ).all()
    )
    return {kind: chosen.get(kind, DEFAULT_MODES[kind]).value for kind in NotificationKind}


def outbox_page(status: str | None, page: int):
    stmt = sa.select(MailOutbox)
    if status:
        stmt = stmt.where(MailOutbox.status == status)
    # Failures first: what the admin has to look at.
    order = sa.case((MailOutbox.status == OutboxStatus.FAILED, 0), else_=1)
    stmt = stmt.order_by(order, MailOutbox.created_at.desc(), MailOutbox.id.desc())
    return db.paginate(stmt, page=page, per_page=current_app.config["PER_PAGE"], error_out=False)


def outbox_counts() -> dict[str, int]:
    rows = db.session.execute(
        sa.select(MailOutbox.status, sa.func.count(MailOutbox.id)).group_by(MailOutbox.status)
    )
    counts = {s.value: 0 for s in OutboxStatus}
    for status, n in rows:
        counts[OutboxStatus(status).value] = n
    return counts
