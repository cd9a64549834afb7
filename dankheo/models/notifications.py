"""Notifications: what reached a person in the app, how each person wants e-mail per kind,
and the outbox from which the background worker sends e-mail (nothing is lost while the
mail server is down: a row waits, is retried with back-off, and a failure stays visible)."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dankheo.models.accounts import User
from dankheo.models.base import Base, enum_type, utcnow


class NotificationKind(enum.StrEnum):
    NOMINATION_SUBMITTED = "nomination_submitted"
    NOMINATION_RETURNED = "nomination_returned"
    NOMINATION_ACCEPTED = "nomination_accepted"
    NOMINATION_REJECTED = "nomination_rejected"
    REVIEW_ASSIGNED = "review_assigned"
    REVIEW_DEADLINE = "review_deadline"
    DECISION_SIGNED = "decision_signed"
    CERTIFICATE_ISSUED = "certificate_issued"
    CERTIFICATE_REVOKED = "certificate_revoked"
    CERTIFICATE_CORRECTED = "certificate_corrected"
    REGISTRATION_OPENS = "registration_opens"
    REGISTRATION_CLOSING = "registration_closing"


# What each kind is called on the preferences page.
KIND_LABELS = {
    NotificationKind.NOMINATION_SUBMITTED: "Hồ sơ đề nghị được gửi đến (thư ký)",
    NotificationKind.NOMINATION_RETURNED: "Hồ sơ bị trả lại để bổ sung",
    NotificationKind.NOMINATION_ACCEPTED: "Hồ sơ được tiếp nhận vào chấm điểm",
    NotificationKind.NOMINATION_REJECTED: "Hồ sơ bị loại (không đủ điều kiện)",
    NotificationKind.REVIEW_ASSIGNED: "Được phân công chấm hồ sơ",
    NotificationKind.REVIEW_DEADLINE: "Sắp hết hạn chấm điểm",
    NotificationKind.DECISION_SIGNED: "Quyết định khen thưởng đã ký",
    NotificationKind.CERTIFICATE_ISSUED: "Giấy khen, bằng khen đã phát hành",
    NotificationKind.CERTIFICATE_REVOKED: "Giấy khen, bằng khen bị thu hồi",
    NotificationKind.CERTIFICATE_CORRECTED: "Giấy khen, bằng khen được đính chính",
    NotificationKind.REGISTRATION_OPENS: "Mở đăng ký đợt thi đua",
    NotificationKind.REGISTRATION_CLOSING: "Sắp hết hạn đăng ký đợt thi đua",
}


class MailMode(enum.StrEnum):
    IMMEDIATE = "immediate"
    DIGEST = "digest"
    NEVER = "never"


MAIL_MODE_LABELS = {
    MailMode.IMMEDIATE: "Gửi thư ngay",
    MailMode.DIGEST: "Gộp vào thư tóm tắt hằng ngày",
    MailMode.NEVER: "Không gửi thư (chỉ xem trong hệ thống)",
}


class Notification(Base):
    """One event as one person sees it. ``params`` keeps what the text needs, captured
    when the event happened (the names and the reason as they were); the text itself is
    written by templates/notifications/_text.html. ``dedupe_key`` names the event, so
    the same event never reaches the same person twice (unique per user)."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(enum_type(NotificationKind, "notification_kind"))
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # A local path (/nominations/12): the page the notification is about.
    link: Mapped[str] = mapped_column(sa.String(500), default="")
    dedupe_key: Mapped[str] = mapped_column(sa.String(160))
    # How this notification goes by e-mail, decided when it was created; ``outbox_id``
    # is the e-mail (immediate or digest) that carried it, once queued.
    mail_mode: Mapped[MailMode] = mapped_column(
        enum_type(MailMode, "mail_mode"), default=MailMode.NEVER
    )
    outbox_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("mail_outbox.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("user_id", "dedupe_key"),
        sa.Index("ix_notifications_user_read", "user_id", "read_at"),
        sa.Index("ix_notifications_digest", "mail_mode", "outbox_id"),
    )

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(Base):
    """How one person wants e-mail for one kind; no row: the kind's default."""

    __tablename__ = "notification_preferences"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(enum_type(NotificationKind, "notification_kind"))
    mode: Mapped[MailMode] = mapped_column(enum_type(MailMode, "mail_mode"))

    __table_args__ = (sa.UniqueConstraint("user_id", "kind"),)


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its time (next_attempt_at)
    SENDING = "sending"  # claimed by a worker
    SENT = "sent"
    FAILED = "failed"  # gave up after the last attempt; the admin may send it again


OUTBOX_STATUS_LABELS = {
    OutboxStatus.PENDING: "Chờ gửi",
    OutboxStatus.SENDING: "Đang gửi",
    OutboxStatus.SENT: "Đã gửi",
    OutboxStatus.FAILED: "Gửi không được",
}


class MailOutbox(Base):
    """An e-mail written in the same transaction as the event it tells of, sent later by
    the worker. A row is claimed (pending → sending) by a guarded update before sending,
    so two workers never send it twice; a failure puts it back with a later time."""

    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    to_address: Mapped[str] = mapped_column(sa.String(200))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    is_digest: Mapped[bool] = mapped_column(default=False)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_type(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    user: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.Index("ix_mail_outbox_status_next", "status", "next_attempt_at"),
        sa.CheckConstraint("attempts >= 0", name="attempts_nonnegative"),
    )

    @property
    def status_label(self) -> str:
        return OUTBOX_STATUS_LABELS[self.status]
