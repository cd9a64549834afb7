"""Figures kept ready for the dashboard (reports.summary keeps them in step)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from dankheo.models.base import Base, enum_type
from dankheo.models.registry import YearStatus


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
