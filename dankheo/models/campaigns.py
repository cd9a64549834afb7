"""The phase, its campaigns (đợt thi đua), fields, rubric criteria and award types."""

import enum
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dankheo.models.base import Base, enum_type
from dankheo.models.units import Unit


class Phase(Base):
    __tablename__ = "phases"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    start_year: Mapped[int]
    end_year: Mapped[int]

    __table_args__ = (sa.CheckConstraint("end_year >= start_year", name="year_order"),)


class CampaignKind(enum.StrEnum):
    YEARLY = "yearly"
    MIDTERM = "midterm"
    FINAL = "final"


CAMPAIGN_KIND_LABELS = {
    CampaignKind.YEARLY: "Hằng năm",
    CampaignKind.MIDTERM: "Sơ kết",
    CampaignKind.FINAL: "Tổng kết giai đoạn",
}


class Level(enum.StrEnum):
    GRASSROOTS = "grassroots"
    DISTRICT = "district"
    PROVINCE = "province"
    NATIONAL = "national"


LEVEL_LABELS = {
    Level.GRASSROOTS: "Cơ sở",
    Level.DISTRICT: "Huyện",
    Level.PROVINCE: "Tỉnh",
    Level.NATIONAL: "Toàn quốc",
}


class Field(Base):
    """A field of activity (lĩnh vực)."""

    __tablename__ = "fields"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


class PriorityArea(Base):
    """A priority area of the directive (lĩnh vực trọng tâm): a second classification
    beside the field; an initiative or exemplar may carry several."""

    __tablename__ = "priority_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


class Campaign(Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    phase_id: Mapped[int] = mapped_column(sa.ForeignKey("phases.id"), index=True)
    organising_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    year: Mapped[int] = mapped_column(index=True)
    kind: Mapped[CampaignKind] = mapped_column(enum_type(CampaignKind, "campaign_kind"))
    level: Mapped[Level] = mapped_column(enum_type(Level, "level"))
    registration_opens: Mapped[date | None]
    registration_closes: Mapped[date | None]
    nomination_opens: Mapped[date | None]
    nomination_closes: Mapped[date | None]
    review_opens: Mapped[date | None]
    review_closes: Mapped[date | None]
    reviewers_per_nomination: Mapped[int] = mapped_column(default=3)
    half_points: Mapped[bool] = mapped_column(default=False)
    # Whether a reviewer who has submitted may see the other reviewers' scores while
    # scoring is still open. Off: everyone's scores stay hidden from reviewers until the
    # ranking closes (the review window has ended), so nobody scores knowing the others'.
    show_scores_after_submission: Mapped[bool] = mapped_column(
        default=False, server_default=sa.false()
    )
    spread_threshold: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2), default=Decimal(20))
    pass_threshold: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2), default=Decimal(0))

    phase: Mapped[Phase] = relationship()
    organising_unit: Mapped[Unit] = relationship()
    criteria: Mapped[list["Criterion"]] = relationship(
        back_populates="campaign", order_by="Criterion.position", cascade="all, delete-orphan"
    )
    award_types: Mapped[list["AwardType"]] = relationship(
        back_populates="campaign", order_by="AwardType.id", cascade="all, delete-orphan"
    )
    indicators: Mapped[list["CampaignIndicator"]] = relationship(
        back_populates="campaign",
        order_by="CampaignIndicator.position, CampaignIndicator.id",
        cascade="all, delete-orphan",
    )

    __table_args__ = (
        sa.CheckConstraint("reviewers_per_nomination BETWEEN 1 AND 15", name="k_range"),
    )

    @property
    def kind_label(self) -> str:
        return CAMPAIGN_KIND_LABELS[self.kind]

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]

    def window_open(self, window: str, day: date) -> bool:
        """Whether ``window`` (registration, nomination, review) is open on ``day``;
        an unset bound leaves that side open."""
        opens = getattr(self, f"{window}_opens")
        closes = getattr(self, f"{window}_closes")
        return (opens is None or opens <= day) and (closes is None or day <= closes)


class Criterion(Base):
    """One line of a campaign's rubric (tiêu chí) with its maximum and weight."""

    __tablename__ = "criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        sa.ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(500))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    max_points: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2))
    weight: Mapped[Decimal] = mapped_column(sa.Numeric(6, 3), default=Decimal(1))
    position: Mapped[int] = mapped_column(default=0)

    campaign: Mapped[Campaign] = relationship(back_populates="criteria")

    __table_args__ = (
        sa.CheckConstraint("max_points > 0", name="max_positive"),
        sa.CheckConstraint("weight > 0", name="weight_positive"),
    )


class CampaignIndicator(Base):
    """One of the campaign's own indicators (chỉ tiêu kết quả), which officers report
    for each year of an initiative beside the standard figures."""

    __tablename__ = "campaign_indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        sa.ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    unit_label: Mapped[str] = mapped_column(sa.String(40), default="")
    position: Mapped[int] = mapped_column(default=0)

    campaign: Mapped[Campaign] = relationship(back_populates="indicators")

    __table_args__ = (sa.UniqueConstraint("campaign_id", "name"),)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.unit_label})" if self.unit_label else self.name


class AwardForm(enum.StrEnum):
    GIAY_KHEN = "giay_khen"
    BANG_KHEN = "bang_khen"


AWARD_FORM_LABELS = {AwardForm.GIAY_KHEN: "Giấy khen", AwardForm.BANG_KHEN: "Bằng khen"}


class IssuerProfile(enum.StrEnum):
    STATE = "state"
    PARTY = "party"


ISSUER_PROFILE_LABELS = {IssuerProfile.STATE: "Nhà nước", IssuerProfile.PARTY: "Đảng"}


class PaperSize(enum.StrEnum):
    A3 = "A3"
    A4 = "A4"


class AwardType(Base):
    """A form of award (hình thức khen thưởng) of an issuer, with its quota (chỉ tiêu)
    and its certificate layout."""

    __tablename__ = "award_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        sa.ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    form: Mapped[AwardForm] = mapped_column(enum_type(AwardForm, "award_form"))
    issuer_title: Mapped[str] = mapped_column(sa.String(300))
    issuer_name: Mapped[str] = mapped_column(sa.String(300), default="")
    issuer_profile: Mapped[IssuerProfile] = mapped_column(
        enum_type(IssuerProfile, "issuer_profile")
    )
    # The part after the number in a decision: "QĐ-UBND" (State) or "QĐ/BDVTU" (Party).
    decision_suffix: Mapped[str] = mapped_column(sa.String(40), default="QĐ-UBND")
    quota: Mapped[int] = mapped_column(default=0)
    paper: Mapped[PaperSize] = mapped_column(
        enum_type(PaperSize, "paper_size"), default=PaperSize.A3
    )
    # The issuing body's settings (names over time, header, legal basis, signer); the
    # issuer_* fields above are what older award types print when none is chosen.
    issuer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("issuers.id"), index=True)
    emblem_path: Mapped[str] = mapped_column(sa.String(300), default="")
    blank_scan_path: Mapped[str] = mapped_column(sa.String(300), default="")
    # Overlay mode: {"recipient": [x_mm, y_mm], ...} calibrated per pre-printed blank.
    overlay_layout: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    campaign: Mapped[Campaign] = relationship(back_populates="award_types")
    issuer: Mapped["Issuer | None"] = relationship()  # noqa: F821 (models.issuers)

    __table_args__ = (sa.CheckConstraint("quota >= 0", name="quota_nonnegative"),)

    @property
    def form_label(self) -> str:
        return AWARD_FORM_LABELS[self.form]

    @property
    def label(self) -> str:
        return f"{self.form_label} của {self.issuer_title}"
