"""Writes of notifications made by people: marking read, the e-mail preferences and
address, and sending a failed e-mail again (admin). Flush, never commit."""

import sqlalchemy as sa

from dankheo import audit
from dankheo.auth.services import user_search_text
from dankheo.errors import DomainError
from dankheo.extensions import db
from dankheo.models.base import utcnow
from dankheo.models.notifications import (
    MailMode,
    MailOutbox,
    Notification,
    NotificationKind,
    NotificationPreference,
    OutboxStatus,
)
from dankheo.permissions import require


def mark_read(actor, notification: Notification) -> None:
    require(actor, "notification.view", notification)
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()


def mark_all_read(actor) -> int:
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == actor.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def save_preferences(actor, *, email: str, modes: dict[NotificationKind, MailMode]) -> None:
    """The person's e-mail address and, per kind, how it wants e-mail."""
    before = actor.email
    actor.email = email.strip()
    actor.search_text = user_search_text(actor.username, actor.full_name, actor.email)
    existing = {
        p.kind: p
        for p in db.session.scalars(
            sa.select(NotificationPreference).where(NotificationPreference.user_id == actor.id)
        )
    }
    for kind, mode in modes.items():
        row = existing.get(kind)
        if row is None:
            db.session.add(NotificationPreference(user_id=actor.id, kind=kind, mode=mode))
        else:
            row.mode = mode
    db.session.flush()
    audit.record(
        actor,
        "notification.preferences",
        actor,
        details={
            "email_changed": before != actor.email,
            "modes": {k.value: m.value for k, m in modes.items()},
        },
    )


def retry(actor, row: MailOutbox) -> None:
    """Send a failed (or waiting) e-mail at the next run, with a fresh count of attempts."""
    require(actor, "admin.mail")
    if row.status == OutboxStatus.SENT:
        raise DomainError("mail.already_sent")
    row.status = OutboxStatus.PENDING
    row.attempts = 0
    row.next_attempt_at = utcnow()
    db.session.flush()
    audit.record(actor, "mail.retry", row, details={"to": row.to_address})
