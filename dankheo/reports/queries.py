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

from dankheo import vietnamese
from dankheo.extensions import db
from dankheo.models import (
    AwardType,
    Campaign,
    Certificate,
    CertificateStatus,
    Decision,
    Exemplar,
    ExemplarKind,
    Field,
    Initiative,
    InitiativeYear,
    Nomination,
    NominationState,
    Phase,
    PriorityArea,
    Unit,
    YearStatus,
)
from dankheo.models.campaigns import AWARD_FORM_LABELS, AwardForm
from dankheo.reports import summary, tallies, yearly
from dankheo.reports.rollup import RollUp, Split, UnitIndex, UnitRow
from dankheo.tree import within_prefixes

DEFAULT_PHASE = (2021, 2025)


@dataclass(frozen=True)
class Period:
    """One year, or the whole phase when ``year`` is None; or, with ``start`` and
    ``end``, six months of a year (``half`` 1 or 2) or any date range. Yearly records
    (models' rows, exemplars, campaigns) count by the years a dated period touches;
    awards count by their decision's date inside it."""

    start_year: int
    end_year: int
    year: int | None = None
    start: date | None = None
    end: date | None = None
    half: int | None = None

    @property
    def dated(self) -> bool:
        return self.start is not None and self.end is not None

    @property
    def years(self) -> list[int]:
        if self.dated:
            return list(range(self.start.year, self.end.year + 1))
        if self.year is not None:
            return [self.year]
        return list(range(self.start_year, self.end_year + 1))

    @property
    def first(self) -> int:
        return self.years[0]

    @property
    def last(self) -> int:
        return self.years[-1]

    @property
    def label(self) -> str:
        if self.half is not None and self.year is not None:
            return f"6 tháng {'đầu' if self.half == 1 else 'cuối'} năm {self.year}"
        if self.dated:
            return f"từ ngày {self.start:%d/%m/%Y} đến ngày {self.end:%d/%m/%Y}"
        if self.year is not None:
            return f"năm {self.year}"
        return f"giai đoạn {self.start_year}–{self.end_year}"

    @property
    def key(self) -> str:
        """A stable key of the period (a report narrative is stored per unit and key)."""
        if self.half is not None and self.year is not None:
            return f"h{self.year}-{self.half}"
        if self.dated:
            return f"r{self.start.isoformat()}_{self.end.isoformat()}"
        if self.year is not None:
            return f"y{self.year}"
        return f"p{self.start_year}-{self.end_year}"


def half_year(start_year: int, end_year: int, year: int, half: int) -> Period:
    """The first (1) or second (2) six months of ``year``."""
    start = date(year, 1, 1) if half == 1 else date(year, 7, 1)
    end = date(year, 6, 30) if half == 1 else date(year, 12, 31)
    return Period(start_year, end_year, year, start, end, half)


def current_phase() -> tuple[int, int]:
    """(start, end) of the earliest phase on record, or 2021–2025 when none exists."""
    row = db.session.execute(
        sa.select(Phase.start_year, Phase.end_year).order_by(Phase.start_year).limit(1)
    ).first()
    return (row.start_year, row.end_year) if row else DEFAULT_PHASE


# --- the statistics -------------------------------------------------------------------

STATUSES = tuple(YearStatus)
STATUS_OF = {s.value: s for s in STATUSES}  # a stored value (or member) → the member
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
    # Whether the chosen unit's own subtree is all it counts (no predecessors from
    # elsewhere): only then does the registry list filtered by it show the same rows.
    exact_root: bool = True
    splits: list[Split] = field(default_factory=list)
    # The officers' year reports: column of YEAR_FIGURES → year → sum; reports per year.
    figures: dict[str, dict[int, float]] = field(default_factory=dict)
    reports_by_year: dict[int, int] = field(default_factory=dict)
    # The campaigns' own indicators: (label, year, sum).
    indicator_totals: list[tuple[str, int, float]] = field(default_factory=list)
    by_priority_area: list[Breakdown] = field(default_factory=list)

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
    fixed number of aggregate queries: fields, the kept initiative counts and the kept
    tallies (reports.summary, reports.tallies: exemplars, nominations, awards, the year
    reports), the replication GROUP BY, the priority areas — or, counting, a GROUP BY
    for each. ``use_summary``: None reads the kept figures when they are fresh, False
    always counts the records."""
    if use_summary is None:
        use_summary = summary.is_fresh()
    # The unit index and each root's buckets are kept per process for the structure's
    # version (reports.summary): a dashboard does not rebuild them from 5,000+ units.
    index = summary.unit_index()
    root = index.units[root_id]
    prefixes = index.scope_prefixes(root, rollup)
    in_scope = within_prefixes(Unit.path, prefixes)
    # Rows: the root's children, and by the structure of each year the rows of the
    # predecessors (an old province's districts, an old commune).
    children = index.children(root)
    if rollup is RollUp.RECORD_YEAR:
        children += [c for c, _ in index.record_year_rows(root)]
    row_names = _row_names(index, root)
    today = vietnamese.today()
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
        buckets[c.id] = Breakdown(c.id, row_names.get(c.id, c.name), unit_id=c.id, drillable=True)
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
        # Summed by the database along each axis (a few hundred rows, not every kept one).
        for axis, key, status, n in summary.read(root.id, rollup, period.first, period.last):
            status = STATUS_OF[status]
            if axis == summary.YEAR_AXIS:
                statuses[status] += n
                years[key].counts[status] += n
            elif axis == summary.FIELD_AXIS:
                field_row(key).counts[status] += n
            else:
                unit_row(key).counts[status] += n
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

    if use_summary:
        kept = tallies.read(root.id, rollup, period.first, period.last)
        exemplars_by_kind, nominations_by_state, awards = _kept_figures(kept, period, unit_figures)
    else:
        kept = None
        exemplars_by_kind, nominations_by_state = _counted_figures(
            period, prefixes, in_scope, unit_figures, bucket
        )
        awards = None
    if awards is None:
        awards = _counted_awards(period, in_scope, unit_figures, bucket)
    awards_by_type = sorted(
        ((f"{form} của {issuer}", n) for (form, issuer), n in awards.items()),
        key=lambda item: (-item[1], item[0]),
    )

    # Replication: initiatives first registered in the period that copy another one.
    replicated = 0
    sources: set[int] = set()
    replication = (
        sa.select(Initiative.unit_id, Initiative.replicated_from_id, sa.func.count())
        .where(
            # The scope's few replicating rows, a range of the partial index
            # ix_initiatives_replicated_scope (unit_path, first_year, …) per prefix.
            Initiative.replicated_from_id.is_not(None),
            within_prefixes(Initiative.unit_path, prefixes),
            Initiative.first_year.between(period.first, period.last),
        )
        .group_by(Initiative.replicated_from_id, Initiative.unit_id)
        # SQLite would rather walk the path index and read every row of the scope.
        .with_hint(Initiative, "INDEXED BY ix_initiatives_replicated_scope", "sqlite")
    )
    for unit_id, source_id, n in db.session.execute(replication):
        replicated += n
        sources.add(source_id)
        unit_figures[bucket(unit_id)].replicated += n

    # Rows: every child that stood in the structure shown (today's, or the period's),
    # even at zero; any other child only when it has figures.
    unit_rows = []
    for c in children:
        row = buckets[c.id]
        has_figures = row.total or c.id in unit_figures
        if rollup is RollUp.CURRENT:
            shown = c.is_open_on(today)
        else:
            shown = c.is_open_during(date(period.first, 1, 1), date(period.last, 12, 31))
        if shown or has_figures:
            row.drillable = index.has_children(c)
            unit_rows.append(row)
    for key in (root.id, OTHER_BUCKET):
        if key in buckets or key in unit_figures:
            unit_rows.append(unit_row(key))

    if kept is not None:
        year_figures = yearly.kept(row for row in kept if row[0] == tallies.ALL)
    else:
        year_figures = yearly.counted(lambda c: _year_between(c, period), in_scope)
    return Statistics(
        figures=year_figures.figures,
        reports_by_year=year_figures.reports_by_year,
        indicator_totals=year_figures.indicator_totals,
        by_priority_area=_by_area(year_figures),
        exact_root=prefixes == [root.path],
        splits=index.splits_within(root),
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


def _row_names(index: UnitIndex, root: UnitRow) -> dict[int, str]:
    """Row labels that say when a unit no longer exists and, for a predecessor's rows,
    which old unit they belonged to ("Huyện Châu Thành – Tỉnh Long An (đến 30/06/2025)")."""
    names = {}
    for c in index.children(root):
        if c.valid_to is not None:
            names[c.id] = f"{c.name} (đến {c.valid_to.strftime('%d/%m/%Y')})"
    for c, pred in index.record_year_rows(root):
        label = c.name if c.id == pred.id else f"{c.name} – {pred.name}"
        until = c.valid_to or pred.valid_to
        names[c.id] = f"{label} (đến {until.strftime('%d/%m/%Y')})" if until else label
    return names


def _by_area(year_figures: yearly.YearFigures) -> list[Breakdown]:
    areas = {
        a.id: Breakdown(a.id, a.name)
        for a in db.session.execute(
            sa.select(PriorityArea.id, PriorityArea.name).order_by(
                PriorityArea.position, PriorityArea.id
            )
        )
    }
    for (area_id, status), n in year_figures.areas.items():
        if area_id in areas:
            areas[area_id].counts[status] += n
    return list(areas.values())


def _kept_figures(kept, period: Period, unit_figures):
    """Exemplars by kind, nominations by state and (for a period of whole years) awards
    by form × issuer from the root's tallies (reports.tallies), each added to its row."""
    exemplars_by_kind = dict.fromkeys(KINDS, 0)
    nominations_by_state = dict.fromkeys(STATES, 0)
    award_counts: dict[tuple[int, int], int] = defaultdict(int)
    for mode, bucket_id, _year, measure, key, n, _total in kept:
        if mode == tallies.ALL or not n:
            continue
        if measure == tallies.EXEMPLAR:
            kind = ExemplarKind(key)
            exemplars_by_kind[kind] += n
            unit_figures[bucket_id].exemplars[kind] += n
        elif measure == tallies.NOMINATION:
            nominations_by_state[NominationState(key)] += n
            unit_figures[bucket_id].nominations += n
        elif measure == tallies.AWARD and not period.dated:
            award_counts[(bucket_id, int(key))] += n
    if period.dated:  # awards count by their decision's date: counted
        return exemplars_by_kind, nominations_by_state, None
    awards: dict[tuple[str, str], int] = defaultdict(int)
    if award_counts:
        types = {
            t.id: (AWARD_FORM_LABELS[AwardForm(t.form)], t.issuer_title)
            for t in db.session.execute(
                sa.select(AwardType.id, AwardType.form, AwardType.issuer_title).where(
                    AwardType.id.in_({t for _b, t in award_counts})
                )
            )
        }
        for (bucket_id, type_id), n in award_counts.items():
            awards[types[type_id]] += n
            unit_figures[bucket_id].awards += n
    return exemplars_by_kind, nominations_by_state, awards


def _counted_figures(period: Period, prefixes, in_scope, unit_figures, bucket):
    """Exemplars by unit × kind and nominations by unit × state (campaigns of the
    period), counted from the records."""
    exemplars_by_kind = dict.fromkeys(KINDS, 0)
    for unit_id, kind, n in db.session.execute(
        sa.select(Exemplar.unit_id, Exemplar.kind, sa.func.count())
        .where(_year_between(Exemplar.year, period), within_prefixes(Exemplar.unit_path, prefixes))
        .group_by(Exemplar.unit_id, Exemplar.kind)
    ):
        kind = ExemplarKind(kind)
        exemplars_by_kind[kind] += n
        unit_figures[bucket(unit_id)].exemplars[kind] += n
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
    return exemplars_by_kind, nominations_by_state


def _counted_awards(period: Period, in_scope, unit_figures, bucket) -> dict:
    """Valid certificates by unit × form × issuer, counted (by their decision's date in
    a dated period, else by their campaign's year)."""
    awards: dict[tuple[str, str], int] = defaultdict(int)
    for unit_id, form, issuer, n in db.session.execute(
        sa.select(Nomination.unit_id, AwardType.form, AwardType.issuer_title, sa.func.count())
        .select_from(Certificate)
        .join(Nomination, Nomination.id == Certificate.nomination_id)
        .join(AwardType, AwardType.id == Nomination.award_type_id)
        .join(Campaign, Campaign.id == Nomination.campaign_id)
        .join(Unit, Unit.id == Nomination.unit_id)
        .join(Decision, Decision.id == Certificate.decision_id)
        .where(
            Certificate.status == CertificateStatus.VALID,
            Decision.signed_on.between(period.start, period.end)
            if period.dated
            else _year_between(Campaign.year, period),
            in_scope,
        )
        .group_by(Nomination.unit_id, AwardType.form, AwardType.issuer_title)
    ):
        awards[(AWARD_FORM_LABELS[AwardForm(form)], issuer)] += n
        unit_figures[bucket(unit_id)].awards += n
    return awards
