"""Aggregate reads behind the dashboard and the reports: a bounded number of GROUP BY
queries per page, whatever the number of records.

Every figure is computed once into a :class:`Statistics` object; the dashboard, the
XLSX workbook and the PDF report all read that object, so they cannot disagree.

Records are rolled up to the chosen unit's children in one of two ways across the 2025
reorganisation (``reports.rollup``); the dashboard keeps the result in the shared cache,
keyed by the data versions (``reports.cache``).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models import (
    AwardType,
    Campaign,
    Certificate,
    CertificateStatus,
    Exemplar,
    ExemplarKind,
    Field,
    Initiative,
    InitiativeYear,
    Nomination,
    NominationState,
    Phase,
    Unit,
    YearStatus,
)
from dankheo.models.campaigns import AWARD_FORM_LABELS, AwardForm
from dankheo.reports import summary
from dankheo.reports.rollup import RollUp, UnitRow
from dankheo.tree import within_prefixes

DEFAULT_PHASE = (2021, 2025)


@dataclass(frozen=True)
class Period:
    """One year, or the whole phase when ``year`` is None."""

    start_year: int
    end_year: int
    year: int | None = None

    @property
    def years(self) -> list[int]:
        if self.year is not None:
            return [self.year]
        return list(range(self.start_year, self.end_year + 1))

    @property
    def first(self) -> int:
        return self.year if self.year is not None else self.start_year

    @property
    def last(self) -> int:
        return self.year if self.year is not None else self.end_year

    @property
    def label(self) -> str:
        if self.year is not None:
            return f"năm {self.year}"
        return f"giai đoạn {self.start_year}–{self.end_year}"


def current_phase() -> tuple[int, int]:
    """(start, end) of the earliest phase on record, or 2021–2025 when none exists."""
    row = db.session.execute(
        sa.select(Phase.start_year, Phase.end_year).order_by(Phase.start_year).limit(1)
    ).first()
    return (row.start_year, row.end_year) if row else DEFAULT_PHASE


# --- the statistics -------------------------------------------------------------------

STATUSES = tuple(YearStatus)
STATES = tuple(NominationState)
KINDS = tuple(ExemplarKind)

OTHER_BUCKET = 0  # records that today's structure places outside the chosen unit


@dataclass
class Breakdown:
    """Counts by status for one row of a table (a field, a unit, a year)."""

    key: int | str
    label: str
    counts: dict[YearStatus, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    unit_id: int | None = None
    drillable: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class UnitFigures:
    """Other figures of one unit bucket."""

    exemplars: dict[ExemplarKind, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    nominations: int = 0
    awards: int = 0
    replicated: int = 0


@dataclass
class Statistics:
    root: UnitRow
    period: Period
    rollup: RollUp
    statuses: dict[YearStatus, int]
    by_year: list[Breakdown]
    by_field: list[Breakdown]
    by_unit: list[Breakdown]
    unit_figures: dict[int, UnitFigures]
    exemplars_by_kind: dict[ExemplarKind, int]
    nominations_by_state: dict[NominationState, int]
    awards_by_type: list[tuple[str, int]]
    replicated: int
    replicated_sources: int
    merged_note: bool = False

    @property
    def total(self) -> int:
        return sum(self.statuses.values())

    @property
    def exemplars_total(self) -> int:
        return sum(self.exemplars_by_kind.values())

    @property
    def nominations_total(self) -> int:
        return sum(self.nominations_by_state.values())

    @property
    def awards_total(self) -> int:
        return sum(n for _, n in self.awards_by_type)


def _year_between(column, period: Period) -> sa.ColumnElement[bool]:
    if period.year is None:
        # A whole phase is most of the table: ``year + 0`` keeps SQLite from walking the
        # year index row by row, a plain scan is about twice as fast there.
        return (column + 0).between(period.first, period.last)
    return column.between(period.first, period.last)


def compute_statistics(
    root_id: int, period: Period, rollup: RollUp, *, use_summary: bool | None = None
) -> Statistics:
    """Every figure of the dashboard and the reports for ``root_id``'s subtree, in a
    fixed number of aggregate queries (units, successions, fields, the kept initiative
    counts or two GROUP BYs, four more GROUP BYs). ``use_summary``: None reads the kept
    counts when they are fresh (reports.summary), False always counts the year rows."""
    if use_summary is None:
        use_summary = summary.is_fresh()
    # The unit index and each root's buckets are kept per process for the structure's
    # version (reports.summary): a dashboard does not rebuild them from 5,000+ units.
    index = summary.unit_index()
    root = index.units[root_id]
    prefixes = index.scope_prefixes(root, rollup)
    in_scope = within_prefixes(Unit.path, prefixes)
    children = index.children(root)
    today = date.today()
    bucket_of = summary.buckets_of(root, rollup)

    def bucket(unit_id: int) -> int:
        if unit_id not in bucket_of:
            found = index.bucket(unit_id, root, rollup)
            bucket_of[unit_id] = OTHER_BUCKET if found is None else found
        return bucket_of[unit_id]

    # Initiatives: the kept counts of this root (reports.summary: a few thousand rows
    # whatever the data size) when they are fresh; else two GROUP BYs over the year rows
    # of the scope: year × status × field, and unit × status.
    fields = db.session.execute(
        sa.select(Field.id, Field.name, Field.active).order_by(Field.position, Field.name)
    ).all()
    active_fields = {f.id for f in fields if f.active}
    statuses = dict.fromkeys(STATUSES, 0)
    years = {y: Breakdown(y, f"Năm {y}") for y in period.years}
    by_field = {f.id: Breakdown(f.id, f.name) for f in fields}
    buckets: dict[int, Breakdown] = {}
    for c in children:
        buckets[c.id] = Breakdown(c.id, c.name, unit_id=c.id, drillable=True)
    unit_figures: dict[int, UnitFigures] = defaultdict(UnitFigures)

    def unit_row(key: int) -> Breakdown:
        if key not in buckets:
            if key == root.id:
                buckets[key] = Breakdown(key, f"{root.name} (trực tiếp)")
            else:
                buckets[key] = Breakdown(key, "Đơn vị ngoài phạm vi hiện nay")
        return buckets[key]

    def field_row(field_id: int) -> Breakdown:
        if field_id not in by_field:  # a field outside the configured list
            by_field[field_id] = Breakdown(field_id, f"Lĩnh vực #{field_id}")
        return by_field[field_id]

    if use_summary:
        for bucket_id, year, field_id, status, n in summary.read(
            root.id, rollup, period.first, period.last
        ):
            status = YearStatus(status)
            statuses[status] += n
            years[year].counts[status] += n
            field_row(field_id).counts[status] += n
            unit_row(bucket_id).counts[status] += n
    else:
        iy_scope = (
            sa.select()
            .select_from(InitiativeYear)
            .where(
                _year_between(InitiativeYear.year, period),
                within_prefixes(InitiativeYear.unit_path, prefixes),
            )
        )
        for year, status, field_id, n in db.session.execute(
            iy_scope.add_columns(
                InitiativeYear.year, InitiativeYear.status, InitiativeYear.field_id, sa.func.count()
            ).group_by(InitiativeYear.year, InitiativeYear.status, InitiativeYear.field_id)
        ):
            status = YearStatus(status)
            statuses[status] += n
            years[year].counts[status] += n
            field_row(field_id).counts[status] += n
        for unit_id, status, n in db.session.execute(
            iy_scope.add_columns(
                InitiativeYear.unit_id, InitiativeYear.status, sa.func.count()
            ).group_by(InitiativeYear.unit_id, InitiativeYear.status)
        ):
            unit_row(bucket(unit_id)).counts[YearStatus(status)] += n

    # Exemplars by unit × kind.
    exemplars_by_kind = dict.fromkeys(KINDS, 0)
    for unit_id, kind, n in db.session.execute(
        sa.select(Exemplar.unit_id, Exemplar.kind, sa.func.count())
        .where(_year_between(Exemplar.year, period), within_prefixes(Exemplar.unit_path, prefixes))
        .group_by(Exemplar.unit_id, Exemplar.kind)
    ):
        kind = ExemplarKind(kind)
        exemplars_by_kind[kind] += n
        unit_figures[bucket(unit_id)].exemplars[kind] += n

    # Nominations by unit × state, in campaigns of the period.
    nominations_by_state = dict.fromkeys(STATES, 0)
    for unit_id, state, n in db.session.execute(
        sa.select(Nomination.unit_id, Nomination.state, sa.func.count())
        .join(Campaign, Campaign.id == Nomination.campaign_id)
        .join(Unit, Unit.id == Nomination.unit_id)
        .where(_year_between(Campaign.year, period), in_scope)
        .group_by(Nomination.unit_id, Nomination.state)
    ):
        state = NominationState(state)
        nominations_by_state[state] += n
        unit_figures[bucket(unit_id)].nominations += n

    # Awards: valid certificates by unit × form × issuer.
    awards: dict[tuple[str, str], int] = defaultdict(int)
    for unit_id, form, issuer, n in db.session.execute(
        sa.select(Nomination.unit_id, AwardType.form, AwardType.issuer_title, sa.func.count())
        .select_from(Certificate)
        .join(Nomination, Nomination.id == Certificate.nomination_id)
        .join(AwardType, AwardType.id == Nomination.award_type_id)
        .join(Campaign, Campaign.id == Nomination.campaign_id)
        .join(Unit, Unit.id == Nomination.unit_id)
        .where(
            Certificate.status == CertificateStatus.VALID,
            _year_between(Campaign.year, period),
            in_scope,
        )
        .group_by(Nomination.unit_id, AwardType.form, AwardType.issuer_title)
    ):
        awards[(AWARD_FORM_LABELS[AwardForm(form)], issuer)] += n
        unit_figures[bucket(unit_id)].awards += n
    awards_by_type = sorted(
        ((f"{form} của {issuer}", n) for (form, issuer), n in awards.items()),
        key=lambda item: (-item[1], item[0]),
    )

    # Replication: initiatives first registered in the period that copy another one.
    replicated = 0
    sources: set[int] = set()
    for unit_id, source_id, n in db.session.execute(
        sa.select(Initiative.unit_id, Initiative.replicated_from_id, sa.func.count())
        .where(
            # The few replicating rows, from ix_initiatives_replication alone (written
            # so that no index on the year or the path looks cheaper to the planner).
            Initiative.replicated_from_id.is_not(None),
            (Initiative.first_year + 0).between(period.first, period.last),
            within_prefixes(Initiative.unit_path.concat(""), prefixes),
        )
        # In the index's order: SQLite otherwise walks ix_initiatives_unit_id for it.
        .group_by(Initiative.replicated_from_id, Initiative.unit_id)
    ):
        replicated += n
        sources.add(source_id)
        unit_figures[bucket(unit_id)].replicated += n

    # Rows: every child that stood in the structure shown (today's, or the period's),
    # even at zero; any other child only when it has figures.
    parents = {u.parent_id for u in index.units.values()}
    unit_rows = []
    for c in children:
        row = buckets[c.id]
        has_figures = row.total or c.id in unit_figures
        if rollup is RollUp.CURRENT:
            shown = c.is_open_on(today)
        else:
            shown = c.is_open_during(date(period.first, 1, 1), date(period.last, 12, 31))
        if shown or has_figures:
            row.drillable = c.id in parents
            unit_rows.append(row)
    for key in (root.id, OTHER_BUCKET):
        if key in buckets or key in unit_figures:
            unit_rows.append(unit_row(key))

    return Statistics(
        root=root,
        period=period,
        rollup=rollup,
        statuses=statuses,
        by_year=list(years.values()),
        by_field=[b for b in by_field.values() if b.total or b.key in active_fields],
        by_unit=unit_rows,
        unit_figures=dict(unit_figures),
        exemplars_by_kind=exemplars_by_kind,
        nominations_by_state=nominations_by_state,
        awards_by_type=awards_by_type,
        replicated=replicated,
        replicated_sources=len(sources),
        merged_note=bool(index.successions.successors),
    )
