"""The dashboard's initiative counts, kept ready in ``report_counts``.

Counting the year rows of a province on every cold dashboard reads them all (~300,000
at volume, millions nationally). Instead each year row is counted, as it is written,
under every unit whose dashboard shows it, in both roll-ups: a row of
(mode, root, bucket, year, field, status) → n, where ``bucket`` is what the root's
dashboard puts it under (reports.rollup: a child of the root, the root itself for its
own records, 0 for "outside today's structure"). A dashboard then reads only its own
root's rows: a few thousand at most, whatever the data size.

- **Same transaction**: a flush that adds, changes or removes year rows through the ORM
  (the registry services, imports, factories) applies the matching +1/−1 to every
  target of the unit before the transaction commits. The "before" is read from the
  database after the initiative's row is locked (reports.tallies, which counts the same
  subjects): two transactions changing one initiative at once never both subtract the
  same old status.
- **Structure changes and bulk statements** (a moved unit, a new succession, the units
  loader, a bulk insert) mark the table stale in the same transaction (the "units" data
  version moves on, or ``report_counts_state.valid`` is cleared). While it is stale the
  dashboard counts the year rows itself — correct, only slower — and a ``rebuild`` job
  (queued then, or ``flask reports rebuild-counts``) recomputes the table.
"""

import threading
from collections import defaultdict
from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from dankheo import jobs
from dankheo.extensions import cache, db
from dankheo.models import InitiativeYear, YearStatus
from dankheo.models.base import bulk_insert, utcnow
from dankheo.models.reports import ReportCount, ReportCountsState
from dankheo.models.versions import current, version_after_commit
from dankheo.reports.rollup import RollUp, UnitIndex
from dankheo.tree import successor_closure

OTHER_BUCKET = 0
COUNT = "count"  # reports.tallies' measure of the year rows by field × status
_INDEX_KEY = "dankheo.report_counts_index"
_lock = threading.Lock()
_FRESH = "dankheo.report_counts_fresh"


# --- targets -----------------------------------------------------------------------------


def _store() -> dict:
    (version,), _ = current(db.session, ["units"])
    store = current_app.extensions.setdefault(_INDEX_KEY, {})
    with _lock:
        if store.get("version") != version:
            store.clear()
            store.update(version=version, index=_shared_index(version), buckets={})
    return store


def _shared_index(version: int) -> UnitIndex:
    """The unit index of this structure version from the shared cache (one process
    builds it from the unit tables, the others unpickle it), or built here."""
    key = f"unit-index:{version}"
    index = cache.get(key)
    if not isinstance(index, UnitIndex):
        index = UnitIndex.load()
        cache.set(key, index, timeout=24 * 3600)
    return index


def unit_index() -> UnitIndex:
    """The unit index for the current structure, reused in this process until the
    "units" data version moves on (a unit or succession changed somewhere)."""
    return _store()["index"]


def buckets_of(root, rollup: RollUp) -> dict[int, int]:
    """unit id → the bucket of ``root``'s dashboard it counts under (filled as asked),
    kept with the unit index."""
    buckets = _store()["buckets"]
    with _lock:
        return buckets.setdefault((root.id, rollup), {})


def _count_rows(rows: dict[tuple, int]) -> list[dict]:
    """``report_counts`` rows of (mode, root, year, bucket, field, status) → n, without
    zeros (a change that cancels out writes nothing)."""
    keys = ("mode", "root_id", "year", "bucket_id", "field_id", "status")
    return [{**dict(zip(keys, key, strict=True)), "n": n} for key, n in rows.items() if n]


def targets(index: UnitIndex, unit_id: int) -> list[tuple[str, int, int]]:
    """(mode, root, bucket) under which a record of ``unit_id`` is counted: under every
    root whose dashboard shows it (its own ancestors, and the ancestors of what its line
    became, when the record falls in that root's scope: a divided commune only on its
    default successor's side), in the bucket ``UnitIndex.bucket`` gives in each mode —
    the same rule as counting the year rows (reports.queries.compute_statistics)."""
    unit = index.units.get(unit_id)
    if unit is None:
        return []
    line = unit.ids_on_path()
    roots = set(line)
    for successor in successor_closure(line, index.successions) - set(line):
        if successor in index.units:
            roots.update(index.units[successor].ids_on_path())
    out = []
    for root_id in sorted(roots):
        root = index.units.get(root_id)
        if root is None:
            continue
        prefixes = index.scope_prefixes(root, RollUp.CURRENT)
        if root_id not in line and not any(unit.path.startswith(p) for p in prefixes):
            continue
        for mode in (RollUp.RECORD_YEAR, RollUp.CURRENT):
            bucket = index.bucket(unit_id, root, mode)
            out.append((mode.value, root_id, OTHER_BUCKET if bucket is None else bucket))
    return out


# --- the table's state ---------------------------------------------------------------------


def is_fresh() -> bool:
    """Whether the table can be read: built, not marked stale, for today's structure
    (asked once per transaction)."""
    known = db.session.info.get(_FRESH)
    if known is None:
        state = db.session.get(ReportCountsState, 1)
        (version,), _ = current(db.session, ["units"])
        known = state is not None and state.valid and state.units_version == version
        db.session.info[_FRESH] = known
    return known


def mark_stale(session: Session) -> None:
    session.info[_FRESH] = False
    session.execute(sa.update(ReportCountsState).values(valid=False))


def _upsert(session: Session, rows: Iterable[dict]) -> None:
    rows = list(rows)
    if not rows:
        return
    table = ReportCount.__table__
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=[c.name for c in table.primary_key.columns],
        set_={"n": table.c.n + stmt.excluded.n},
    )
    for start in range(0, len(rows), 2000):
        session.execute(stmt, rows[start : start + 2000])


# --- same-transaction upkeep ---------------------------------------------------------------


def apply_counts(session: Session, before: dict, after: dict, changed, targets_of) -> None:
    """Add the difference of the year rows by field × status (the ``COUNT`` measure of
    reports.tallies' contributions: (unit, year, COUNT, "field:status") → (n, total))
    under every target. The upkeep is reports.tallies': a flush that touches an
    initiative locks it, reads its year rows before and after, and calls this."""
    counts: dict[tuple, int] = defaultdict(int)
    for unit_id, year, measure, key in changed:
        if measure != COUNT:
            continue
        change = after.get((unit_id, year, measure, key), (0,))[0]
        change -= before.get((unit_id, year, measure, key), (0,))[0]
        field_id, status = key.split(":")
        for mode, root_id, bucket in targets_of(unit_id):
            counts[(mode, root_id, year, bucket, int(field_id), YearStatus(status))] += change
    _upsert(session, _count_rows(counts))


@sa.event.listens_for(Session, "do_orm_execute")
def _bulk(state) -> None:
    """A bulk statement on the year rows bypasses the flush: the table goes stale (unless
    the statement says it changes nothing counted: ``counts_unchanged=True`` in its
    execution options, e.g. the report's claim of its row, which sets reported_at)."""
    if state.execution_options.get("counts_unchanged"):
        return
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) == InitiativeYear.__tablename__:
            mark_stale(state.session)


@sa.event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_FRESH, None)


@sa.event.listens_for(Session, "after_commit")
def _forget_freshness(session: Session) -> None:
    session.info.pop(_FRESH, None)


# --- rebuild ---------------------------------------------------------------------------------

# Other kept tables rebuilt with this one, sharing its state (reports.tallies registers).
_ALSO_REBUILD: list = []


def also_rebuild(function):
    """Register ``function(session, index)`` to run inside every ``rebuild``."""
    _ALSO_REBUILD.append(function)
    return function


def rebuild() -> int:
    """Recompute the whole table from the year rows (in the caller's transaction; the
    caller commits). Returns the number of rows written."""
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        # Writers of year rows wait until the new table is committed, then add their
        # change on top of it: nothing counted twice, nothing lost.
        session.execute(sa.text("LOCK TABLE report_counts IN EXCLUSIVE MODE"))
    session.execute(sa.delete(ReportCount))  # on SQLite: takes the write lock first
    # Fresh for the structure as this transaction leaves it (it may itself change units).
    version = version_after_commit(session, "units")
    index = UnitIndex.load()
    per_unit = session.execute(
        sa.select(
            InitiativeYear.unit_id,
            InitiativeYear.year,
            InitiativeYear.field_id,
            InitiativeYear.status,
            sa.func.count(),
        ).group_by(
            InitiativeYear.unit_id,
            InitiativeYear.year,
            InitiativeYear.field_id,
            InitiativeYear.status,
        )
    ).all()
    unit_targets: dict[int, list] = {}
    rows: dict[tuple, int] = defaultdict(int)
    for unit_id, year, field_id, status, n in per_unit:
        if unit_id not in unit_targets:
            unit_targets[unit_id] = targets(index, unit_id)
        status = YearStatus(status)
        for mode, root_id, bucket in unit_targets[unit_id]:
            rows[(mode, root_id, year, bucket, field_id, status)] += n
    table = ReportCount.__table__
    # In key order: a root's rows lie together on disk (a dashboard reads ~150 pages of
    # the table, not one page per row: 8,000 for a province's phase nationally).
    batch = _count_rows({key: rows[key] for key in sorted(rows)})
    bulk_insert(session, table, batch)
    for function in _ALSO_REBUILD:
        function(session, index)
    state = session.get(ReportCountsState, 1)
    if state is None:
        state = ReportCountsState(id=1)
        session.add(state)
    state.valid, state.units_version, state.built_at = True, version, utcnow()
    session.flush()
    session.info[_FRESH] = True
    return len(batch)


YEAR_AXIS, FIELD_AXIS, BUCKET_AXIS = "year", "field", "bucket"


def read(root_id: int, rollup: RollUp, first: int, last: int) -> list[tuple[str, int, str, int]]:
    """One dashboard's counts summed along each axis the page shows:
    (axis, key, status, n) rows, ``axis`` being YEAR_AXIS, FIELD_AXIS or BUCKET_AXIS
    and ``key`` the year, the field or the bucket. A province's whole phase is tens of
    thousands of kept rows nationally; their three margins are a few hundred (one
    statement with GROUPING SETS on PostgreSQL; summed here on SQLite)."""
    c = ReportCount.__table__.c
    where = (
        c.mode == rollup.value,
        c.root_id == root_id,
        c.year.between(first, last),
        c.n != 0,
    )
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        rows = connection.execute(
            sa.select(c.year, c.field_id, c.bucket_id, c.status, sa.func.sum(c.n))
            .where(*where)
            .group_by(
                sa.func.grouping_sets(
                    sa.tuple_(c.year, c.status),
                    sa.tuple_(c.field_id, c.status),
                    sa.tuple_(c.bucket_id, c.status),
                )
            )
        )
        # The columns are NOT NULL: the one set in a row is the axis it was grouped by.
        return [
            (YEAR_AXIS, year, status, int(n))
            if year is not None
            else (FIELD_AXIS, field_id, status, int(n))
            if field_id is not None
            else (BUCKET_AXIS, bucket_id, status, int(n))
            for year, field_id, bucket_id, status, n in rows
        ]
    # SQLite: one pass over the rows, summed here (three GROUP BYs would read them three
    # times, a materialised CTE still twice as slow as this at 100,000 initiatives).
    margins: dict[str, dict[tuple[int, str], int]] = {
        YEAR_AXIS: defaultdict(int),
        FIELD_AXIS: defaultdict(int),
        BUCKET_AXIS: defaultdict(int),
    }
    by_year, by_field, by_bucket = margins.values()
    for year, field_id, bucket_id, status, n in connection.execute(
        sa.select(c.year, c.field_id, c.bucket_id, c.status, c.n).where(*where)
    ).all():
        by_year[(year, status)] += n
        by_field[(field_id, status)] += n
        by_bucket[(bucket_id, status)] += n
    return [
        (axis, key, status, n)
        for axis, sums in margins.items()
        for (key, status), n in sums.items()
    ]


def request_rebuild() -> None:
    """Queue a rebuild when the table is stale: at most once in five minutes across
    every process (the shared cache keeps the flag); the worker runs it (the job body
    is in reports/jobs.py)."""
    if is_fresh():
        return
    if cache.add("report_counts_rebuild_requested", True, timeout=300):
        jobs.enqueue("rebuild_report_counts")
