"""Reports: the narrative of a report (báo cáo sơ kết, tổng kết) — the sections the
secretary writes in the app for one scope and one period, with the report's number and
signer; the figures and tables are never stored there, they come from the statistics —
and the figures kept ready for the dashboard (reports.summary keeps them in step)."""

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dankheo.models.accounts import User
from dankheo.models.base import Base, enum_type, utcnow
from dankheo.models.issuers import Issuer
from dankheo.models.registry import Initiative, YearStatus
from dankheo.models.units import Unit

# The narrative sections of a report, in the order a report prints them.
NARRATIVE_SECTIONS = (
    "situation",
    "results",
    "shortcomings",
    "lessons",
    "direction",
    "proposals",
)


class ReportNarrative(Base):
    __tablename__ = "report_narratives"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    # "y2024" (year), "h2025-1" (first half of 2025), "p2021-2025" (phase),
    # "r2025-01-01_2025-06-30" (any range): reports.periods parses it.
    period_key: Mapped[str] = mapped_column(sa.String(40))
    issuer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("issuers.id"), index=True)
    number: Mapped[int | None]
    situation: Mapped[str] = mapped_column(sa.Text, default="")
    results: Mapped[str] = mapped_column(sa.Text, default="")
    shortcomings: Mapped[str] = mapped_column(sa.Text, default="")
    lessons: Mapped[str] = mapped_column(sa.Text, default="")
    direction: Mapped[str] = mapped_column(sa.Text, default="")
    proposals: Mapped[str] = mapped_column(sa.Text, default="")
    recipients: Mapped[str] = mapped_column(sa.Text, default="")
    signer_authority: Mapped[str] = mapped_column(sa.String(200), default="")
    signer_title: Mapped[str] = mapped_column(sa.String(200), default="")
    signer_name: Mapped[str] = mapped_column(sa.String(200), default="")
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    unit: Mapped[Unit] = relationship()
    issuer: Mapped[Issuer | None] = relationship()
    updated_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.UniqueConstraint("unit_id", "period_key"),
        sa.CheckConstraint("number IS NULL OR number > 0", name="number_positive"),
    )


class ReportCount(Base):
    __tablename__ = "report_counts"

    mode: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    root_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    bucket_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    field_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    status: Mapped[YearStatus] = mapped_column(
        enum_type(YearStatus, "year_status"), primary_key=True
    )
    n: Mapped[int] = mapped_column(default=0)


class ReportCountsState(Base):
    """One row: whether ``report_counts`` holds every year row, and for which version of
    the unit structure it was built."""

    __tablename__ = "report_counts_state"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    valid: Mapped[bool] = mapped_column(default=False)
    units_version: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    built_at: Mapped[datetime | None]


class ReportTally(Base):
    """The dashboard's other kept figures, beside ``report_counts`` (reports.tallies):
    per (mode, root, year, bucket) a ``measure`` (exemplars by kind, nominations by
    state, awards by award type, the year reports' sums, the campaigns' indicators, the
    year rows by priority area × status) and its ``key``: a count ``n`` and a ``total``.
    Measures the dashboard does not show per row are kept once per root (mode "all",
    bucket 0)."""

    __tablename__ = "report_tallies"

    mode: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    root_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    bucket_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    measure: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    n: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    total: Mapped[Decimal] = mapped_column(sa.Numeric(28, 6), default=0)


# The dashboard's replication figures (reports.queries): a scope's replicating initiatives,
# a range per path prefix of this partial index (only the ~6 % that replicate are in it).
sa.Index(
    "ix_initiatives_replicated_scope",
    Initiative.unit_path,
    Initiative.first_year,
    Initiative.replicated_from_id,
    Initiative.unit_id,
    sqlite_where=sa.text("replicated_from_id IS NOT NULL"),
    postgresql_where=sa.text("replicated_from_id IS NOT NULL"),
)
