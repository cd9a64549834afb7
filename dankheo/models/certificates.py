"""Decisions (quyết định khen thưởng) and the certificates they issue."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dankheo.models.accounts import User
from dankheo.models.base import Base, enum_type, utcnow
from dankheo.models.campaigns import AwardType, Campaign
from dankheo.models.nominations import Nomination
from dankheo.models.signers import Signer, SignerDelegation


class DecisionStatus(enum.StrEnum):
    DRAFT = "draft"
    SIGNED = "signed"


class Decision(Base):
    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"), index=True)
    award_type_id: Mapped[int] = mapped_column(sa.ForeignKey("award_types.id"), index=True)
    number: Mapped[int]
    # The number as printed: "Số: 123/QĐ-UBND" (State) or "Số 123-QĐ/BDVTU" (Party).
    number_text: Mapped[str] = mapped_column(sa.String(80))
    signed_on: Mapped[date]
    place: Mapped[str] = mapped_column(sa.String(120))
    signer_name: Mapped[str] = mapped_column(sa.String(200))
    signer_title: Mapped[str] = mapped_column(sa.String(300))
    # The authority line above the title ("KT. CHỦ TỊCH"); "" when the head signs.
    signer_authority: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    # The person who signs (models.signers); the printed fields above are copied from
    # the record when one is chosen. None: a decision signed on paper and only recorded.
    signer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("signers.id"), index=True)
    # When the secretary sent the draft to its signer (trình ký); None again when the
    # draft is edited or the signer returns it.
    submitted_at: Mapped[datetime | None]
    # The secretary who sent it: the nominations are awarded on their proposal, so the
    # workflow's "award" arrow is taken in their name when the signer signs.
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Who confirmed the signature in the application: the signer, or their office under
    # the recorded delegation.
    signed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    delegation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("signer_delegations.id"))
    # The certificate the stored files are signed with, as it was when signed (the
    # signer's key may be replaced later): its subject and SHA-256 fingerprint.
    signature_subject: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    signature_fingerprint: Mapped[str] = mapped_column(sa.String(64), default="", server_default="")
    # "Xét đề nghị của …": the body that proposed the awards.
    proposer: Mapped[str] = mapped_column(sa.String(300), default="")
    # Copied from the issuer when the draft is made; the office may adjust them.
    legal_basis: Mapped[str] = mapped_column(sa.Text, default="")
    recipients: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[DecisionStatus] = mapped_column(
        enum_type(DecisionStatus, "decision_status"), default=DecisionStatus.DRAFT
    )
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    signed_at: Mapped[datetime | None]
    file_path: Mapped[str] = mapped_column(sa.String(300), default="")
    version: Mapped[int] = mapped_column(default=1)

    campaign: Mapped[Campaign] = relationship()
    award_type: Mapped[AwardType] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    signer: Mapped[Signer | None] = relationship()
    signed_by: Mapped[User | None] = relationship(foreign_keys=[signed_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    delegation: Mapped[SignerDelegation | None] = relationship()
    items: Mapped[list["DecisionItem"]] = relationship(
        back_populates="decision",
        order_by="DecisionItem.position",
        cascade="all, delete-orphan",
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (sa.UniqueConstraint("award_type_id", "number"),)


class DecisionItem(Base):
    """One awarded nomination of a decision, in the secretary's order."""

    __tablename__ = "decision_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(
        sa.ForeignKey("decisions.id", ondelete="CASCADE"), index=True
    )
    nomination_id: Mapped[int] = mapped_column(sa.ForeignKey("nominations.id"), unique=True)
    position: Mapped[int]

    decision: Mapped[Decision] = relationship(back_populates="items")
    nomination: Mapped[Nomination] = relationship()


class CertificateStatus(enum.StrEnum):
    PENDING = "pending"  # serial allocated at signing, PDF not rendered yet
    VALID = "valid"
    REVOKED = "revoked"


CERTIFICATE_STATUS_LABELS = {
    CertificateStatus.PENDING: "Đang phát hành",
    CertificateStatus.VALID: "Có hiệu lực",
    CertificateStatus.REVOKED: "Đã thu hồi",
}


# At most one certificate of a nomination stands (pending or valid): a correction revokes
# the old one before its replacement is added.
LIVE_CERTIFICATE = sa.text("status <> 'revoked'")


class Certificate(Base):
    """A printed award. Serials are allocated in the signing transaction; the PDF is
    rendered once by the worker and never changes. Never deleted: revoked instead."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(sa.String(32), unique=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    nomination_id: Mapped[int] = mapped_column(sa.ForeignKey("nominations.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    recipient_name: Mapped[str] = mapped_column(sa.String(300))
    recipient_line: Mapped[str] = mapped_column(sa.String(300), default="")
    reason: Mapped[str] = mapped_column(sa.Text)
    register_number: Mapped[str] = mapped_column(sa.String(40), default="")
    status: Mapped[CertificateStatus] = mapped_column(
        enum_type(CertificateStatus, "certificate_status"), default=CertificateStatus.PENDING
    )
    sha256: Mapped[str] = mapped_column(sa.String(64), default="")
    file_path: Mapped[str] = mapped_column(sa.String(300), default="")
    size: Mapped[int] = mapped_column(default=0)
    issued_at: Mapped[datetime | None]
    revoked_reason: Mapped[str] = mapped_column(sa.Text, default="")
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The decision that revoked it ("Quyết định số 45/QĐ-UBND"), shown on the verify page.
    revoked_by_decision: Mapped[str] = mapped_column(sa.String(120), default="")
    revoked_decision_on: Mapped[date | None]
    # A correction is a new certificate pointing at the one it replaces.
    replaces_id: Mapped[int | None] = mapped_column(sa.ForeignKey("certificates.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    decision: Mapped[Decision] = relationship()
    nomination: Mapped[Nomination] = relationship()
    replaces: Mapped["Certificate | None"] = relationship(remote_side=[id])

    __table_args__ = (
        sa.Index("ix_certificates_status", "status"),
        sa.Index(
            "uq_certificates_live_nomination",
            "nomination_id",
            unique=True,
            sqlite_where=LIVE_CERTIFICATE,
            postgresql_where=LIVE_CERTIFICATE,
        ),
        sa.CheckConstraint(
            "status <> 'revoked' OR revoked_reason <> ''", name="revoked_has_reason"
        ),
    )

    @property
    def status_label(self) -> str:
        return CERTIFICATE_STATUS_LABELS[self.status]


class PrintJobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    READY = "ready"
    FAILED = "failed"
    EXPIRED = "expired"  # the file was removed after PRINT_KEEP_HOURS


PRINT_JOB_STATUS_LABELS = {
    PrintJobStatus.QUEUED: "Đang chờ máy in nền",
    PrintJobStatus.RUNNING: "Đang ghép tệp in",
    PrintJobStatus.READY: "Sẵn sàng tải về",
    PrintJobStatus.FAILED: "Không tạo được tệp in",
    PrintJobStatus.EXPIRED: "Tệp in đã được dọn, vui lòng tạo lại",
}


class PrintJob(Base):
    """A batch print of a decision's certificates, built by the worker (never in a
    request): the stored files merged in decision order, or overlay pages for blanks."""

    __tablename__ = "print_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decisions.id"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    mode: Mapped[str] = mapped_column(sa.String(16))  # "full" | "overlay"
    certificate_ids: Mapped[list] = mapped_column(sa.JSON)
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    status: Mapped[PrintJobStatus] = mapped_column(
        enum_type(PrintJobStatus, "print_job_status"), default=PrintJobStatus.QUEUED
    )
    file_path: Mapped[str] = mapped_column(sa.String(300), default="")
    size: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    decision: Mapped[Decision] = relationship()
    requested_by: Mapped[User | None] = relationship()

    __table_args__ = (sa.CheckConstraint("done >= 0 AND done <= total", name="done_in_range"),)

    @property
    def status_label(self) -> str:
        return PRINT_JOB_STATUS_LABELS[self.status]
