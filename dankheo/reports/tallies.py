"""The dashboard's other figures, kept in ``report_tallies`` beside the initiative counts
of ``report_counts`` (reports.summary): exemplars by kind, nominations by state, awards
by award type (per row of the dashboard, both roll-ups), and the year reports (sums of
the standard figures, the campaigns' indicators, year rows by priority area × status:
once per root). Reading a root's tallies costs a few hundred rows, not ~1 s of counting.

Upkeep works on *subjects* (an initiative with its year rows, indicator values and
priority areas; an exemplar; a nomination with its certificates): a flush that touches
a subject through the ORM locks its row (``lock``), counts its contributions before the
flush and after it, and adds the difference under every target of its units
(``summary.targets``), in the same transaction; its year rows by field × status go to
``report_counts``. A bulk UPDATE or DELETE on their tables does the same around the
statement; a bulk INSERT, or one touching over ``BULK_LIMIT`` subjects, marks both
tables stale until ``summary.rebuild``. Freshness is ``report_counts_state``'s.
"""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

import sqlalchemy as sa
from flask import has_app_context
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from dankheo.extensions import db
from dankheo.models import (
    Campaign,
    Certificate,
    CertificateStatus,
    Decision,
    Exemplar,
    IndicatorValue,
    Initiative,
    InitiativeYear,
    Nomination,
)
from dankheo.models.base import bulk_insert
from dankheo.models.registry import YEAR_FIGURES, initiative_priority_areas
from dankheo.models.reports import ReportTally
from dankheo.reports import summary
from dankheo.reports.rollup import RollUp

ALL = "all"  # the mode of the measures kept once per root (bucket 0)
EXEMPLAR, NOMINATION, AWARD = "exemplar", "nomination", "award"
YEARS, REPORTS, AREA, INDICATOR = "years", "reports", "area", "indicator"
COUNT = summary.COUNT  # the year rows by field × status: kept in report_counts
BUCKETED = frozenset({EXEMPLAR, NOMINATION, AWARD})
BULK_LIMIT = 5000
_CHUNK = 500
_PENDING = "dankheo.report_tallies_pending"


def figure_measure(column: str) -> str:
    return f"fig:{column}"


# --- contributions of subjects -------------------------------------------------------------
# A contribution: (unit, year, measure, key) → (n, total).

Contributions = dict[tuple[int, int, str, str], tuple[int, Decimal]]


def _chunks(ids: Iterable[int] | None):
    if ids is None:
        yield None
        return
    ids = sorted(ids)
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _where(column, chunk):
    return sa.true() if chunk is None else column.in_(chunk)


def _add(out: dict, key: tuple, n, total=0) -> None:
    old_n, old_total = out.get(key, (0, Decimal(0)))
    out[key] = (old_n + int(n or 0), old_total + Decimal(str(total or 0)))


def _initiatives(ids, out: dict) -> None:
    iy = InitiativeYear
    columns = [getattr(iy, c) for c, _l, _u in YEAR_FIGURES]
    link = initiative_priority_areas.c
    for chunk in _chunks(ids):
        for unit_id, year, field_id, status, n, reported, *sums in db.session.execute(
            sa.select(
                iy.unit_id,
                iy.year,
                iy.field_id,
                iy.status,
                sa.func.count(),
                sa.func.count(iy.reported_at),
                *(sa.func.sum(c) for c in columns),
            )
            .where(_where(iy.initiative_id, chunk))
            .group_by(iy.unit_id, iy.year, iy.field_id, iy.status)
        ):
            _add(out, (unit_id, year, COUNT, f"{field_id}:{_value(status)}"), n)
            _add(out, (unit_id, year, YEARS, ""), n)
            _add(out, (unit_id, year, REPORTS, ""), reported)
            for (column, _l, _u), total in zip(YEAR_FIGURES, sums, strict=True):
                _add(out, (unit_id, year, figure_measure(column), ""), 0, total)
        for unit_id, year, area_id, status, n in db.session.execute(
            sa.select(iy.unit_id, iy.year, link.priority_area_id, iy.status, sa.func.count())
            .join(initiative_priority_areas, link.initiative_id == iy.initiative_id)
            .where(_where(iy.initiative_id, chunk))
            .group_by(iy.unit_id, iy.year, link.priority_area_id, iy.status)
        ):
            _add(out, (unit_id, year, AREA, f"{area_id}:{_value(status)}"), n)
        for unit_id, year, indicator_id, n, total in db.session.execute(
            sa.select(
                iy.unit_id,
                iy.year,
                IndicatorValue.indicator_id,
                sa.func.count(),
                sa.func.sum(IndicatorValue.value),
            )
            .select_from(IndicatorValue)
            .join(iy, iy.id == IndicatorValue.initiative_year_id)
            .where(_where(iy.initiative_id, chunk))
            .group_by(iy.unit_id, iy.year, IndicatorValue.indicator_id)
        ):
            _add(out, (unit_id, year, INDICATOR, str(indicator_id)), n, total)


def _exemplars(ids, out: dict) -> None:
    for chunk in _chunks(ids):
        for unit_id, year, kind, n in db.session.execute(
            sa.select(Exemplar.unit_id, Exemplar.year, Exemplar.kind, sa.func.count())
            .where(_where(Exemplar.id, chunk))
            .group_by(Exemplar.unit_id, Exemplar.year, Exemplar.kind)
        ):
            _add(out, (unit_id, year, EXEMPLAR, _value(kind)), n)


def _nominations(ids, out: dict) -> None:
    for chunk in _chunks(ids):
        for unit_id, year, state, n in db.session.execute(
            sa.select(Nomination.unit_id, Campaign.year, Nomination.state, sa.func.count())
            .join(Campaign, Campaign.id == Nomination.campaign_id)
            .where(_where(Nomination.id, chunk))
            .group_by(Nomination.unit_id, Campaign.year, Nomination.state)
        ):
            _add(out, (unit_id, year, NOMINATION, _value(state)), n)
        for unit_id, year, award_type_id, n in db.session.execute(
            sa.select(Nomination.unit_id, Campaign.year, Nomination.award_type_id, sa.func.count())
            .select_from(Certificate)
            .join(Nomination, Nomination.id == Certificate.nomination_id)
            .join(Campaign, Campaign.id == Nomination.campaign_id)
            .join(Decision, Decision.id == Certificate.decision_id)
            .where(Certificate.status == CertificateStatus.VALID, _where(Nomination.id, chunk))
            .group_by(Nomination.unit_id, Campaign.year, Nomination.award_type_id)
        ):
            _add(out, (unit_id, year, AWARD, str(award_type_id)), n)


def _value(member) -> str:
    return getattr(member, "value", member)


SUBJECTS = {"initiative": _initiatives, "exemplar": _exemplars, "nomination": _nominations}
_MODELS = {"initiative": Initiative, "exemplar": Exemplar, "nomination": Nomination}


def contributions(subjects: dict[str, set[int]] | None) -> Contributions:
    """The contributions of the given subjects (None: of every record)."""
    out: Contributions = {}
    for kind, count in SUBJECTS.items():
        if subjects is None:
            count(None, out)
        elif subjects.get(kind):
            count(subjects[kind], out)
    return out


# --- which subjects a written object touches ------------------------------------------------

_REPORT_COLUMNS = ("reported_at", *(c for c, _l, _u in YEAR_FIGURES))
# class → (subject kind, the attribute naming it, the relationship to it, attributes that
# change its figures)
TRACKED = {
    Initiative: ("initiative", "id", None, ("priority_areas",)),
    InitiativeYear: (
        "initiative",
        "initiative_id",
        "initiative",
        ("initiative_id", "unit_id", "year", "field_id", "status", *_REPORT_COLUMNS),
    ),
    IndicatorValue: (
        "year",
        "initiative_year_id",
        "initiative_year",
        ("initiative_year_id", "indicator_id", "value"),
    ),
    Exemplar: ("exemplar", "id", None, ("unit_id", "year", "kind")),
    Nomination: (
        "nomination",
        "id",
        None,
        ("unit_id", "state", "campaign_id", "award_type_id"),
    ),
    Certificate: ("nomination", "nomination_id", "nomination", ("status", "nomination_id")),
    Campaign: ("campaign", "id", None, ("year",)),
}


def _subject_ids(obj, relevant_only: bool) -> list[tuple[str, int]]:
    spec = TRACKED.get(type(obj))
    if spec is None:
        return []
    kind, attribute, relation, watched = spec
    state = sa.inspect(obj)
    if relevant_only and not any(state.attrs[a].history.has_changes() for a in watched):
        return []
    found = []
    history = state.attrs[attribute].history
    values = [*history.deleted, getattr(obj, attribute)]
    if relation is not None and values[-1] is None:
        parent = getattr(obj, relation)
        values.append(getattr(parent, "id", None))
    for value in values:
        if value is not None:
            found.append((kind, value))
    return found


def _resolve(keys: set[tuple[str, int]]) -> dict[str, set[int]]:
    """Subject ids by kind: year rows → their initiatives, campaigns → their nominations."""
    out: dict[str, set[int]] = defaultdict(set)
    years, campaigns = set(), set()
    for kind, value in keys:
        if kind == "year":
            years.add(value)
        elif kind == "campaign":
            campaigns.add(value)
        else:
            out[kind].add(value)
    for chunk in _chunks(years):
        out["initiative"].update(
            db.session.scalars(
                sa.select(InitiativeYear.initiative_id).where(InitiativeYear.id.in_(chunk))
            )
        )
    for chunk in _chunks(campaigns):
        out["nomination"].update(
            db.session.scalars(sa.select(Nomination.id).where(Nomination.campaign_id.in_(chunk)))
        )
    return out


_PRESENT: set[str] = set()  # databases (by URL) known to have the table


def _kept_here(session: Session) -> bool:
    """Whether this database has ``report_tallies`` (it has at the head revision; a
    migration test writes rows at an older one). Asked until the answer is yes."""
    if not has_app_context():
        return False
    url = str(session.get_bind().url)
    if url not in _PRESENT:
        if not sa.inspect(session.connection()).has_table(ReportTally.__tablename__):
            return False
        _PRESENT.add(url)
    return True


def lock(session: Session, subjects: dict[str, set[int]]) -> None:
    """Lock the subjects before their "before" is read: a second writer of a subject
    waits, then reads the first one's committed figures. PostgreSQL: their rows, ``FOR
    UPDATE`` in id order (a statement a kind of subject, usually one); SQLite: its one
    write lock, taken by a write that changes nothing (its reads take no lock)."""
    kinds = [(model, subjects[kind]) for kind, model in _MODELS.items() if subjects.get(kind)]
    connection = session.connection()
    if kinds and connection.dialect.name == "sqlite":
        model = kinds[0][0]
        connection.execute(sa.update(model).where(sa.false()).values(id=model.id))
        return
    for model, ids in kinds:
        for chunk in _chunks(ids):
            query = sa.select(model.id).where(model.id.in_(chunk)).order_by(model.id)
            connection.execute(query.with_for_update())


@sa.event.listens_for(Session, "before_flush")
def _before(session: Session, _context, _instances) -> None:
    if not _kept_here(session):
        return
    keys: set = set()
    for obj in session.dirty:
        keys.update(_subject_ids(obj, relevant_only=True))
    for obj in session.deleted:
        keys.update(_subject_ids(obj, relevant_only=False))
    for obj in session.new:  # a new row of an existing subject (its id is known)
        if type(obj) in TRACKED and TRACKED[type(obj)][1] != "id":
            keys.update(_subject_ids(obj, relevant_only=False))
    if not keys:
        return
    subjects = _resolve(keys)
    lock(session, subjects)
    session.info[_PENDING] = (subjects, contributions(subjects), set())


@sa.event.listens_for(Session, "after_flush")
def _after(session: Session, _context) -> None:
    if not _kept_here(session):
        return
    keys: set = set()
    for obj in session.new:
        keys.update(_subject_ids(obj, relevant_only=False))
    for obj in session.dirty:
        keys.update(_subject_ids(obj, relevant_only=True))
    if not keys:
        return
    if _PENDING not in session.info:
        session.info[_PENDING] = ({}, {}, set())
    session.info[_PENDING][2].update(keys)


@sa.event.listens_for(Session, "after_flush_postexec")
def _apply(session: Session, _context) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending is None or not has_app_context():
        return
    subjects, before, later = pending
    merged = _resolve(later)  # a defaultdict(set)
    for kind, ids in subjects.items():
        merged[kind] |= ids
    apply(session, before, contributions(merged))


@sa.event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)


# --- bulk statements ----------------------------------------------------------------------------


def _bulk_subjects(table_name: str, where) -> sa.Select | None:
    """The subjects a bulk UPDATE/DELETE with ``where`` on ``table_name`` touches."""
    where = sa.true() if where is None else where
    if table_name == InitiativeYear.__tablename__:
        return sa.select(sa.literal("initiative"), InitiativeYear.initiative_id).where(where)
    if table_name == IndicatorValue.__tablename__:
        return sa.select(sa.literal("year"), IndicatorValue.initiative_year_id).where(where)
    if table_name == initiative_priority_areas.name:
        link = initiative_priority_areas.c
        return sa.select(sa.literal("initiative"), link.initiative_id).where(where)
    if table_name == Exemplar.__tablename__:
        return sa.select(sa.literal("exemplar"), Exemplar.id).where(where)
    if table_name == Nomination.__tablename__:
        return sa.select(sa.literal("nomination"), Nomination.id).where(where)
    if table_name == Certificate.__tablename__:
        return sa.select(sa.literal("nomination"), Certificate.nomination_id).where(where)
    if table_name == Campaign.__tablename__:
        return sa.select(sa.literal("campaign"), Campaign.id).where(where)
    if table_name == Initiative.__tablename__:  # deleting initiatives deletes their rows
        return sa.select(sa.literal("initiative"), Initiative.id).where(where)
    return None


@sa.event.listens_for(Session, "do_orm_execute")
def _bulk(state):
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    if not _kept_here(state.session):
        return None
    statement = state.statement
    name = getattr(getattr(statement, "table", None), "name", None)
    if name is None or (name == Initiative.__tablename__ and state.is_update):
        return None  # an initiative's own columns count nothing kept here
    if state.is_insert:
        if name in _BULK_INSERT_TABLES:
            summary.mark_stale(state.session)
        return None
    select = _bulk_subjects(name, statement.whereclause)
    if select is None:
        return None
    session = state.session
    keys = {tuple(row) for row in session.execute(select.limit(BULK_LIMIT + 1))}
    if len(keys) > BULK_LIMIT:
        summary.mark_stale(session)
        return None
    subjects = _resolve(keys)
    lock(session, subjects)
    before = contributions(subjects)
    result = state.invoke_statement()
    apply(session, before, contributions(subjects))
    return result


_BULK_INSERT_TABLES = {
    InitiativeYear.__tablename__,
    IndicatorValue.__tablename__,
    initiative_priority_areas.name,
    Exemplar.__tablename__,
    Nomination.__tablename__,
    Certificate.__tablename__,
}


# --- writing and reading the table ---------------------------------------------------------------


def _rows(contribs: Contributions, sign: int, rows: dict, targets_of) -> None:
    for (unit_id, year, measure, key), (n, total) in contribs.items():
        if measure == COUNT:
            continue  # report_counts' (summary.rebuild counts them itself)
        targets = targets_of(unit_id)
        if measure in BUCKETED:
            places = targets
        else:
            places = sorted({(ALL, root_id, 0) for _m, root_id, _b in targets})
        for mode, root_id, bucket in places:
            _add(rows, (mode, root_id, year, bucket, measure, key), sign * n, sign * total)


def _targets_of(index=None):
    index = index or summary.unit_index()
    known: dict[int, list] = {}

    def targets_of(unit_id: int) -> list:
        if unit_id not in known:
            known[unit_id] = summary.targets(index, unit_id)
        return known[unit_id]

    return targets_of


def _dicts(rows: dict) -> list[dict]:
    keys = ("mode", "root_id", "year", "bucket_id", "measure", "key")
    return [
        {**dict(zip(keys, key, strict=True)), "n": n, "total": total}
        for key, (n, total) in rows.items()
        if n or total
    ]


def apply(session: Session, before: Contributions, after: Contributions) -> None:
    """Add ``after − before`` under every target, in the session's transaction."""
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    if not changed:
        return
    targets_of = _targets_of()
    rows: dict = {}
    _rows({k: before[k] for k in changed if k in before}, -1, rows, targets_of)
    _rows({k: after[k] for k in changed if k in after}, 1, rows, targets_of)
    summary.apply_counts(session, before, after, changed, targets_of)
    batch = _dicts(rows)
    if not batch:
        return
    table = ReportTally.__table__
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    stmt = insert.on_conflict_do_update(
        index_elements=[c.name for c in table.primary_key.columns],
        set_={"n": table.c.n + insert.excluded.n, "total": table.c.total + insert.excluded.total},
    )
    for start in range(0, len(batch), 2000):
        session.execute(stmt, batch[start : start + 2000])


@summary.also_rebuild
def rebuild(session: Session, index) -> int:
    """Recompute the whole table (summary.rebuild calls it, in its transaction)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("LOCK TABLE report_tallies IN EXCLUSIVE MODE"))
    session.execute(sa.delete(ReportTally))
    rows: dict = {}
    _rows(contributions(None), 1, rows, _targets_of(index))
    batch = _dicts({key: rows[key] for key in sorted(rows)})  # a root's rows together
    bulk_insert(session, ReportTally.__table__, batch)
    return len(batch)


def read(root_id: int, rollup: RollUp, first: int, last: int):
    """(mode, bucket, year, measure, key, n, total) rows of one dashboard, as tuples."""
    return (
        db.session.connection()
        .execute(
            sa.select(
                ReportTally.mode,
                ReportTally.bucket_id,
                ReportTally.year,
                ReportTally.measure,
                ReportTally.key,
                ReportTally.n,
                ReportTally.total,
            ).where(
                ReportTally.mode.in_([rollup.value, ALL]),
                ReportTally.root_id == root_id,
                ReportTally.year.between(first, last),
                sa.or_(ReportTally.n != 0, ReportTally.total != 0),
            )
        )
        .all()
    )
