"""The audit trail: one row per state change, score and administrative write."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dankheo.models.accounts import User
from dankheo.models.base import Base, utcnow


class AuditEvent(Base):
    """Who did what to which record, when, from which state to which, with a note.

    Nomination transitions are audit events with ``object_type == "nomination"``
    (the DESIGN's NominationEvent). Rows are only ever inserted."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(60))
    object_type: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[int | None]
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    from_state: Mapped[str] = mapped_column(sa.String(40), default="")
    to_state: Mapped[str] = mapped_column(sa.String(40), default="")
    note: Mapped[str] = mapped_column(sa.Text, default="")
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    actor: Mapped[User | None] = relationship(lazy="joined")

    __table_args__ = (sa.Index("ix_audit_events_object", "object_type", "object_id"),)
