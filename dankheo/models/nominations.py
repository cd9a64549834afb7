"""Nominations (hồ sơ đề nghị) and request letters (tờ trình)."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dankheo.models.accounts import User
from dankheo.models.base import Base, enum_type, utcnow
from dankheo.models.campaigns import AwardType, Campaign
from dankheo.models.registry import Evidence, Exemplar, Initiative
from dankheo.models.units import Unit


class NominationState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    NOT_APPROVED = "not_approved"
    AWARDED = "awarded"


STATE_LABELS = {
    NominationState.DRAFT: "Bản nháp",
    NominationState.SUBMITTED: "Đã gửi",
    NominationState.RETURNED: "Trả lại để bổ sung",
    NominationState.WITHDRAWN: "Đã rút",
    NominationState.REJECTED: "Không đủ điều kiện",
    NominationState.IN_REVIEW: "Đang chấm",
    NominationState.APPROVED: "Được đề xuất khen",
    NominationState.NOT_APPROVED: "Không được đề xuất",
    NominationState.AWARDED: "Đã khen thưởng",
}


class NominationBatch(Base):
    """A request letter (tờ trình) that sends several nominations up at once."""

    __tablename__ = "nomination_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    number: Mapped[str] = mapped_column(sa.String(60), default="")
    title: Mapped[str] = mapped_column(sa.String(500))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()
    campaign: Mapped[Campaign] = relationship()
    nominations: Mapped[list["Nomination"]] = relationship(back_populates="batch")


# A nomination still in play: one per subject and campaign (a withdrawn or rejected one
# leaves room for a new dossier). The partial unique indexes below hold the rule even
# when two identical requests pass the service's check at the same moment.
OPEN_NOMINATION = sa.text("state NOT IN ('withdrawn', 'rejected')")


class Nomination(Base):
    __tablename__ = "nominations"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"))
    award_type_id: Mapped[int] = mapped_column(sa.ForeignKey("award_types.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    initiative_id: Mapped[int | None] = mapped_column(sa.ForeignKey("initiatives.id"), index=True)
    exemplar_id: Mapped[int | None] = mapped_column(sa.ForeignKey("exemplars.id"), index=True)
    batch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("nomination_batches.id"), index=True)
    # Who the certificate names and the line under the name (position, unit or address).
    recipient_name: Mapped[str] = mapped_column(sa.String(300))
    recipient_line: Mapped[str] = mapped_column(sa.String(300), default="")
    # Printed on the certificate: "Đã có thành tích xuất sắc trong phong trào…".
    achievement_text: Mapped[str] = mapped_column(sa.Text)
    # The achievement report (báo cáo thành tích): written here or uploaded.
    report_text: Mapped[str] = mapped_column(sa.Text, default="")
    report_evidence_id: Mapped[int | None] = mapped_column(sa.ForeignKey("evidence.id"))
    state: Mapped[NominationState] = mapped_column(
        enum_type(NominationState, "nomination_state"), default=NominationState.DRAFT
    )
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    campaign: Mapped[Campaign] = relationship()
    award_type: Mapped[AwardType] = relationship()
    unit: Mapped[Unit] = relationship()
    initiative: Mapped[Initiative | None] = relationship()
    exemplar: Mapped[Exemplar | None] = relationship()
    batch: Mapped[NominationBatch | None] = relationship(back_populates="nominations")
    report_evidence: Mapped[Evidence | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.CheckConstraint("(initiative_id IS NULL) <> (exemplar_id IS NULL)", name="one_subject"),
        sa.Index("ix_nominations_campaign_state", "campaign_id", "state"),
        # The list's order (newest change first) with what its scope tests.
        sa.Index("ix_nominations_updated_at", "updated_at", "id", "unit_id", "campaign_id"),
        sa.Index(
            "uq_nominations_open_initiative",
            "campaign_id",
            "initiative_id",
            unique=True,
            sqlite_where=OPEN_NOMINATION,
            postgresql_where=OPEN_NOMINATION,
        ),
        sa.Index(
            "uq_nominations_open_exemplar",
            "campaign_id",
            "exemplar_id",
            unique=True,
            sqlite_where=OPEN_NOMINATION,
            postgresql_where=OPEN_NOMINATION,
        ),
    )

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def subject_name(self) -> str:
        subject = self.initiative or self.exemplar
        return subject.name if subject else ""
