"""The registry: initiatives (mô hình) with a row per year, exemplars (điển hình), evidence."""

import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from dankheo.models.accounts import User
from dankheo.models.base import Base, binary_string, enum_type, utcnow
from dankheo.models.campaigns import CampaignIndicator, Field, PriorityArea
from dankheo.models.units import Unit


class YearStatus(enum.StrEnum):
    REGISTERED = "registered"
    RECOGNISED = "recognised"
    OUTSTANDING = "outstanding"
    DROPPED = "dropped"


YEAR_STATUS_LABELS = {
    YearStatus.REGISTERED: "Đăng ký",
    YearStatus.RECOGNISED: "Được công nhận",
    YearStatus.OUTSTANDING: "Tiêu biểu",
    YearStatus.DROPPED: "Dừng thực hiện",
}

# Statuses the public gallery and the open-data API show.
PUBLIC_STATUSES = (YearStatus.RECOGNISED, YearStatus.OUTSTANDING)
WITH_ID = {"postgresql_include": ["id"]}  # scope ranges give ids alone (SQLite: the rowid)
# What the secretary may give a year once the officer has reported it.
EVALUATION_STATUSES = (YearStatus.RECOGNISED, YearStatus.OUTSTANDING, YearStatus.DROPPED)

# Priority areas (lĩnh vực trọng tâm) of initiatives and exemplars: several each.
initiative_priority_areas = sa.Table(
    "initiative_priority_areas",
    Base.metadata,
    sa.Column(
        "initiative_id", sa.ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column(
        "priority_area_id",
        sa.ForeignKey("priority_areas.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)
exemplar_priority_areas = sa.Table(
    "exemplar_priority_areas",
    Base.metadata,
    sa.Column("exemplar_id", sa.ForeignKey("exemplars.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "priority_area_id",
        sa.ForeignKey("priority_areas.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Initiative(Base):
    """A model (mô hình): one record across the years; its yearly life is in ``years``."""

    __tablename__ = "initiatives"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    field_id: Mapped[int] = mapped_column(sa.ForeignKey("fields.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(500))
    first_year: Mapped[int] = mapped_column(index=True)
    problem: Mapped[str] = mapped_column(sa.Text, default="")
    goals: Mapped[str] = mapped_column(sa.Text, default="")
    content_methods: Mapped[str] = mapped_column(sa.Text, default="")
    area_beneficiaries: Mapped[str] = mapped_column(sa.Text, default="")
    implementers: Mapped[str] = mapped_column(sa.Text, default="")
    funding_vnd: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    socialised_vnd: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    labour_days: Mapped[int] = mapped_column(default=0)
    in_kind: Mapped[str] = mapped_column(sa.Text, default="")
    land_m2: Mapped[float] = mapped_column(sa.Float, default=0)
    started_on: Mapped[date | None]
    evaluation_on: Mapped[date | None]
    outputs: Mapped[str] = mapped_column(sa.Text, default="")
    sustainability: Mapped[str] = mapped_column(sa.Text, default="")
    # Indexed for the replications of an initiative and the dashboard (models.reports).
    replicated_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("initiatives.id"))
    # The unit's materialised path, copied here (registry services, admin.units.move_unit
    # and the safety net below keep it in step) so that a list scoped to a subtree is a
    # range on this table's own indexes instead of a join to every unit of the scope.
    unit_path: Mapped[str] = mapped_column(binary_string(400), default="")
    # Recognised or outstanding in some year (the public gallery and the open-data API):
    # kept by the flush hook below from the year rows, so that a public list walks the
    # name index testing it on the entry instead of probing each initiative's years.
    is_public: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Accent-folded lowercase name and unit, for search that ignores diacritics.
    search_text: Mapped[str] = mapped_column(sa.String(1000), default="")
    # Vietnamese collation key of the name (see vietnamese.sort_key). Indexed together
    # with search_text (ix_initiatives_sort_key_search): lists walk that index in name
    # order and test the search on the index entry, without reading the wide rows.
    sort_key: Mapped[str] = mapped_column(binary_string(1200), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    unit: Mapped[Unit] = relationship()
    field: Mapped[Field] = relationship()
    created_by: Mapped[User | None] = relationship()
    replicated_from: Mapped["Initiative | None"] = relationship(
        remote_side=[id], back_populates="replications"
    )
    replications: Mapped[list["Initiative"]] = relationship(back_populates="replicated_from")
    years: Mapped[list["InitiativeYear"]] = relationship(
        back_populates="initiative",
        order_by="InitiativeYear.year",
        cascade="all, delete-orphan",
    )
    priority_areas: Mapped[list[PriorityArea]] = relationship(
        secondary=initiative_priority_areas, order_by="PriorityArea.position, PriorityArea.id"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.CheckConstraint(
            "funding_vnd >= 0 AND socialised_vnd >= 0 AND labour_days >= 0 AND land_m2 >= 0",
            name="resources_nonnegative",
        ),
        sa.CheckConstraint("first_year BETWEEN 2000 AND 2100", name="first_year_range"),
        # Lists walk this index in name order and test the search and the scope on the
        # index entry; a narrow scope reads the second one (its subtree, then a sort).
        sa.Index("ix_initiatives_sort_scope", "sort_key", "search_text", "unit_path", "is_public"),
        sa.Index("ix_initiatives_unit_path_sort", "unit_path", "sort_key", **WITH_ID),
        # Public lists in name order: a deep page's ids from this narrow index alone.
        # Its condition as the lists write it (SQLite needs the very same term).
        sa.Index(
            "ix_initiatives_public_name",
            "sort_key",
            "id",
            sqlite_where=sa.text("is_public IS 1"),
            postgresql_where=sa.text("is_public IS true"),
        ),
        # Replications of an initiative (its page): the few replicating rows, answered
        # from the index alone (the dashboard's figures: models.reports).
        sa.Index(
            "ix_initiatives_replication",
            "replicated_from_id",
            "first_year",
            "unit_path",
            "unit_id",
        ),
    )


# The standard results an officer reports for a year: (column, label, unit of measure).
YEAR_FIGURES = (
    ("beneficiaries", "Người được hưởng lợi", "người"),
    ("households", "Hộ tham gia, hưởng lợi", "hộ"),
    ("money_vnd", "Tiền vận động được", "đồng"),
    ("labour_days", "Ngày công lao động", "ngày công"),
    ("land_m2", "Đất hiến", "m²"),
    ("road_km", "Đường giao thông làm mới, sửa chữa", "km"),
)


class InitiativeYear(Base):
    """One year of an initiative: the officer's report of that year (figures, text,
    evidence) and the secretary's evaluation of it (the status).

    ``unit_id`` is the unit that carried the initiative that year: the initiative's own
    unit while it existed, its successor after a merger or split (a 2026 row of a
    commune closed on 30/06/2025 sits on the commune that succeeded it)."""

    __tablename__ = "initiative_years"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(sa.ForeignKey("initiatives.id", ondelete="CASCADE"))
    year: Mapped[int]
    status: Mapped[YearStatus] = mapped_column(
        enum_type(YearStatus, "year_status"), default=YearStatus.REGISTERED
    )
    note: Mapped[str] = mapped_column(sa.Text, default="")
    # Denormalised so yearly lists and statistics need no join.
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    field_id: Mapped[int] = mapped_column(sa.ForeignKey("fields.id"))
    unit_path: Mapped[str] = mapped_column(binary_string(400), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # The officer's report of the year (NULL: not reported; 0 is a reported zero).
    beneficiaries: Mapped[int | None]
    households: Mapped[int | None]
    money_vnd: Mapped[int | None] = mapped_column(sa.BigInteger)
    labour_days: Mapped[int | None]
    land_m2: Mapped[float | None] = mapped_column(sa.Float)
    road_km: Mapped[float | None] = mapped_column(sa.Float)
    report_text: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    reported_at: Mapped[datetime | None]
    reported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The secretary's evaluation, which needs the report first.
    evaluated_at: Mapped[datetime | None]
    evaluated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    initiative: Mapped[Initiative] = relationship(back_populates="years")
    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id], viewonly=True)
    indicator_values: Mapped[list["IndicatorValue"]] = relationship(
        back_populates="initiative_year", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.UniqueConstraint("initiative_id", "year"),
        sa.Index("ix_initiative_years_year_status", "year", "status"),
        sa.Index("ix_initiative_years_unit_year", "unit_id", "year"),
        sa.Index("ix_initiative_years_field_year", "field_id", "year"),
        sa.CheckConstraint(
            "COALESCE(beneficiaries, 0) >= 0 AND COALESCE(households, 0) >= 0 "
            "AND COALESCE(money_vnd, 0) >= 0 AND COALESCE(labour_days, 0) >= 0 "
            "AND COALESCE(land_m2, 0) >= 0 AND COALESCE(road_km, 0) >= 0",
            name="figures_nonnegative",
        ),
        sa.CheckConstraint(
            "evaluated_at IS NULL OR reported_at IS NOT NULL", name="evaluated_after_report"
        ),
        # Year filters inside a scope: the year's rows of a subtree, with their initiative.
        sa.Index("ix_initiative_years_year_path", "year", "unit_path", "initiative_id"),
    )

    @property
    def status_label(self) -> str:
        return YEAR_STATUS_LABELS[self.status]

    @property
    def is_reported(self) -> bool:
        return self.reported_at is not None


class IndicatorValue(Base):
    """The value a year's report gives one of the campaign's own indicators."""

    __tablename__ = "indicator_values"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_year_id: Mapped[int] = mapped_column(
        sa.ForeignKey("initiative_years.id", ondelete="CASCADE"), index=True
    )
    indicator_id: Mapped[int] = mapped_column(
        sa.ForeignKey("campaign_indicators.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[Decimal] = mapped_column(sa.Numeric(18, 2))

    initiative_year: Mapped[InitiativeYear] = relationship(back_populates="indicator_values")
    indicator: Mapped[CampaignIndicator] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("initiative_year_id", "indicator_id"),
        sa.CheckConstraint("value >= 0", name="value_nonnegative"),
    )


class ExemplarKind(enum.StrEnum):
    COLLECTIVE = "collective"
    INDIVIDUAL = "individual"


EXEMPLAR_KIND_LABELS = {ExemplarKind.COLLECTIVE: "Tập thể", ExemplarKind.INDIVIDUAL: "Cá nhân"}

exemplar_initiatives = sa.Table(
    "exemplar_initiatives",
    Base.metadata,
    sa.Column("exemplar_id", sa.ForeignKey("exemplars.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "initiative_id",
        sa.ForeignKey("initiatives.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Exemplar(Base):
    """An exemplar (điển hình): a collective or an individual, in a given year."""

    __tablename__ = "exemplars"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ExemplarKind] = mapped_column(enum_type(ExemplarKind, "exemplar_kind"))
    name: Mapped[str] = mapped_column(sa.String(300))
    position: Mapped[str] = mapped_column(sa.String(300), default="")
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    unit_path: Mapped[str] = mapped_column(binary_string(400), default="")
    field_id: Mapped[int | None] = mapped_column(sa.ForeignKey("fields.id"))
    year: Mapped[int] = mapped_column(index=True)
    achievements: Mapped[str] = mapped_column(sa.Text, default="")
    search_text: Mapped[str] = mapped_column(sa.String(1000), default="")
    # The name's collation key; an individual's by given name first (person_sort_key).
    sort_key: Mapped[str] = mapped_column(binary_string(800), default="", index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    unit: Mapped[Unit] = relationship()
    field: Mapped[Field | None] = relationship()
    initiatives: Mapped[list[Initiative]] = relationship(secondary=exemplar_initiatives)
    priority_areas: Mapped[list[PriorityArea]] = relationship(
        secondary=exemplar_priority_areas, order_by="PriorityArea.position, PriorityArea.id"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.Index("ix_exemplars_sort_scope", "sort_key", "unit_path"),
        sa.Index("ix_exemplars_unit_path_sort", "unit_path", "sort_key", **WITH_ID),
        # The dashboard's exemplar figures (year, scope, kind, unit) from the index alone.
        sa.Index("ix_exemplars_report", "year", "unit_path", "kind", "unit_id"),
    )

    @property
    def kind_label(self) -> str:
        return EXEMPLAR_KIND_LABELS[self.kind]


class Evidence(Base):
    """An uploaded file (minh chứng), stored under instance/ by its SHA-256."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    exemplar_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("exemplars.id", ondelete="CASCADE"), index=True
    )
    # Evidence of one year's report (minh chứng của năm), else of the initiative as a whole.
    initiative_year_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("initiative_years.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(sa.String(255))
    mime: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    title: Mapped[str] = mapped_column(sa.String(300), default="")
    is_public: Mapped[bool] = mapped_column(default=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.CheckConstraint("(initiative_id IS NULL) <> (exemplar_id IS NULL)", name="one_owner"),
        sa.CheckConstraint(
            "initiative_year_id IS NULL OR initiative_id IS NOT NULL", name="year_of_initiative"
        ),
    )

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/")


# --- PostgreSQL trigram indexes ---------------------------------------------------------
# The lists search search_text with LIKE '%…%', which no B-tree serves. On PostgreSQL a
# pg_trgm GIN index answers it (the gallery search went from a scan of 100,000 wide rows
# to a bitmap index scan; docs/performance.md). SQLite has no such index type and walks
# (sort_key, search_text) instead, so these are not model indexes: create_all builds
# them on PostgreSQL through the DDL events below, the migration 5c2d9e1b7a40 does the
# same, and the migration-drift comparison skips them (include_schema_object).
TRIGRAM_INDEXES = {
    "ix_initiatives_search_trgm": Initiative.__table__,
    "ix_exemplars_search_trgm": Exemplar.__table__,
}

sa.event.listen(
    Base.metadata,
    "before_create",
    sa.DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"),
)
for _name, _table in TRIGRAM_INDEXES.items():
    sa.event.listen(
        _table,
        "after_create",
        sa.DDL(
            f"CREATE INDEX {_name} ON {_table.name} USING gin (search_text gin_trgm_ops)"
        ).execute_if(dialect="postgresql"),
    )


# SQLite's counterpart: FTS5 trigram tables over the same column (models.search_index).
SEARCH_FTS_TABLES = ("initiatives_fts", "exemplars_fts")


def include_schema_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic ``include_object`` hook: leave the trigram indexes (PostgreSQL) and the
    FTS5 tables with their shadow tables (SQLite), which exist outside the models, out
    of autogenerate and drift comparisons (migrations/env.py, tests/main/test_migrations*.py)."""
    if type_ == "table" and name and name.startswith(SEARCH_FTS_TABLES):
        return False
    return not (type_ == "index" and name in TRIGRAM_INDEXES)


# --- scope paths ------------------------------------------------------------------------
# Initiatives, their year rows and exemplars carry their unit's path (``unit_path``) so
# that scoped lists filter on their own indexes. The registry services set it; this
# hook, run before every flush, fills it for any record written some other way (a
# factory, a seed, an import) and follows a change of unit, so it can never be missed.
SCOPED_MODELS = (Initiative, InitiativeYear, Exemplar)


def _unit_id_changed(obj) -> bool:
    attrs = sa.inspect(obj).attrs
    changed = attrs.unit_id.history.has_changes()
    return changed or ("unit" in attrs and attrs.unit.history.has_changes())


@sa.event.listens_for(Session, "before_flush")
def _fill_unit_paths(session: Session, _context, _instances) -> None:
    pending = [
        obj
        for obj in (*session.new, *session.dirty)
        if isinstance(obj, SCOPED_MODELS) and (not obj.unit_path or _unit_id_changed(obj))
    ]
    if not pending:
        return
    wanted: dict[int, str] = {}
    for obj in pending:
        unit = obj.__dict__.get("unit")  # set through the relationship, maybe not flushed
        unit_id = unit.id if unit is not None and unit.id is not None else obj.unit_id
        if unit is not None and unit.path:
            wanted[id(obj)] = unit.path
        elif unit_id is not None:
            wanted[id(obj)] = unit_id  # read below
    ids = {v for v in wanted.values() if isinstance(v, int)}
    paths: dict[int, str] = {}
    if ids:
        with session.no_autoflush:
            rows = session.execute(sa.select(Unit.id, Unit.path).where(Unit.id.in_(ids)))
            paths = {unit_id: path for unit_id, path in rows}
    for obj in pending:
        value = wanted.get(id(obj))
        path = paths.get(value, "") if isinstance(value, int) else value
        if path and obj.unit_path != path:
            obj.unit_path = path


def rewrite_unit_paths(old_prefix: str, new_prefix: str) -> list[sa.Update]:
    """UPDATEs moving the records of a subtree from ``old_prefix`` to ``new_prefix``
    (admin.units.move_unit runs them with the units' own)."""
    return [
        sa.update(model)
        .where(model.unit_path >= old_prefix, model.unit_path < old_prefix + "~")
        .values(
            unit_path=sa.literal(new_prefix) + sa.func.substr(model.unit_path, len(old_prefix) + 1)
        )
        .execution_options(synchronize_session=False)
        for model in SCOPED_MODELS
    ]


# --- public flag ------------------------------------------------------------------------
# ``Initiative.is_public`` follows its year rows: after a flush that added, changed or
# removed year rows, the flag of their initiatives is recomputed in the same
# transaction (one UPDATE). Bulk statements (the volume seed, tests' bulk helpers) set
# it themselves.
_PUBLIC_PENDING = "dankheo.public_flag_pending"


@sa.event.listens_for(Session, "before_flush")
def _note_public_changes(session: Session, _context, _instances) -> None:
    pending = session.info.setdefault(_PUBLIC_PENDING, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, InitiativeYear):
            if obj.initiative_id is not None:
                pending.add(obj.initiative_id)
            elif obj.initiative is not None:
                pending.add(obj.initiative)


@sa.event.listens_for(Session, "after_flush_postexec")
def _update_public_flags(session: Session, _context) -> None:
    pending = session.info.pop(_PUBLIC_PENDING, None)
    if not pending:
        return
    ids = {p if isinstance(p, int) else p.id for p in pending}
    ids.discard(None)
    if not ids:
        return
    public = sa.exists().where(
        InitiativeYear.initiative_id == Initiative.id,
        InitiativeYear.status.in_(PUBLIC_STATUSES),
    )
    session.execute(
        sa.update(Initiative)
        .where(Initiative.id.in_(ids))
        .values(is_public=public)
        .execution_options(synchronize_session=False)
    )
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Initiative) and obj.id in ids:
            session.expire(obj, ["is_public"])  # read again when asked


@sa.event.listens_for(Session, "after_rollback")
def _forget_public_changes(session: Session) -> None:
    session.info.pop(_PUBLIC_PENDING, None)
