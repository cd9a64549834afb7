"""Review: committees, reviewers, conflicts of interest, assignments and scorecards."""

import enum
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from dankheo.models.accounts import User
from dankheo.models.base import Base, enum_type, utcnow
from dankheo.models.campaigns import Campaign, Criterion
from dankheo.models.nominations import Nomination
from dankheo.models.units import Unit


class Committee(Base):
    """The council (hội đồng) or appraisal team (tổ thẩm định) of a campaign."""

    __tablename__ = "committees"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"), unique=True)
    name: Mapped[str] = mapped_column(sa.String(300))

    campaign: Mapped[Campaign] = relationship()
    reviewers: Mapped[list["Reviewer"]] = relationship(
        back_populates="committee", order_by="Reviewer.id"
    )


class Reviewer(Base):
    """A committee membership. ``unit_id`` is the unit the reviewer belongs to, which
    decides automatic conflicts of interest."""

    __tablename__ = "reviewers"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(sa.ForeignKey("committees.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)

    committee: Mapped[Committee] = relationship(back_populates="reviewers")
    user: Mapped[User] = relationship(lazy="joined")
    unit: Mapped[Unit] = relationship()

    __table_args__ = (sa.UniqueConstraint("committee_id", "user_id"),)


class ConflictSource(enum.StrEnum):
    AUTO = "auto"
    DECLARED = "declared"


class ConflictStatus(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    CLEARED = "cleared"


# One declaration awaiting the secretary per reviewer and nomination (a double click).
PENDING_DECLARATION = sa.text("status = 'pending' AND nomination_id IS NOT NULL")


class ConflictOfInterest(Base):
    """A declared (or recorded automatic) conflict between a reviewer and a nomination
    or a whole unit."""

    __tablename__ = "conflicts_of_interest"

    id: Mapped[int] = mapped_column(primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("reviewers.id"), index=True)
    nomination_id: Mapped[int | None] = mapped_column(sa.ForeignKey("nominations.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    source: Mapped[ConflictSource] = mapped_column(enum_type(ConflictSource, "conflict_source"))
    status: Mapped[ConflictStatus] = mapped_column(
        enum_type(ConflictStatus, "conflict_status"), default=ConflictStatus.PENDING
    )
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    reviewer: Mapped[Reviewer] = relationship()
    nomination: Mapped[Nomination | None] = relationship()
    unit: Mapped[Unit | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("nomination_id IS NOT NULL OR unit_id IS NOT NULL", name="has_target"),
        sa.Index(
            "uq_conflicts_of_interest_pending",
            "reviewer_id",
            "nomination_id",
            unique=True,
            sqlite_where=PENDING_DECLARATION,
            postgresql_where=PENDING_DECLARATION,
        ),
    )


class Assignment(Base):
    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(sa.ForeignKey("nominations.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("reviewers.id"), index=True)
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    assigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    nomination: Mapped[Nomination] = relationship()
    reviewer: Mapped[Reviewer] = relationship()
    scorecard: Mapped["Scorecard | None"] = relationship(back_populates="assignment", uselist=False)

    __table_args__ = (sa.UniqueConstraint("nomination_id", "reviewer_id"),)


class Scorecard(Base):
    """One reviewer's scoring of one nomination (phiếu chấm); locked once submitted."""

    __tablename__ = "scorecards"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("assignments.id"), unique=True)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    # Weighted total, stored at submission so rankings are aggregate queries.
    total: Mapped[Decimal | None] = mapped_column(sa.Numeric(10, 3))
    submitted_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    assignment: Mapped[Assignment] = relationship(back_populates="scorecard")
    scores: Mapped[list["Score"]] = relationship(
        back_populates="scorecard", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Score(Base):
    __tablename__ = "scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(sa.ForeignKey("scorecards.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("criteria.id"))
    points: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2))
    comment: Mapped[str] = mapped_column(sa.Text, default="")

    scorecard: Mapped[Scorecard] = relationship(back_populates="scores")
    criterion: Mapped[Criterion] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("scorecard_id", "criterion_id"),
        sa.CheckConstraint("points >= 0", name="points_nonnegative"),
    )


def is_assigned(user, nomination: Nomination) -> bool:
    """Whether ``user`` reviews ``nomination``: one indexed query, in the session that
    holds the nomination (a nomination never saved has no reviewers)."""
    session = object_session(nomination)
    if session is None or user is None or nomination.id is None:
        return False
    return bool(
        session.scalar(
            sa.select(Assignment.id)
            .join(Reviewer, Reviewer.id == Assignment.reviewer_id)
            .where(Assignment.nomination_id == nomination.id, Reviewer.user_id == user.id)
            .limit(1)
        )
    )
