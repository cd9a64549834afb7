"""Data versions: one counter per public dataset, moved on by every commit that changed
it. What changes when the data change — API validators (ETag, Last-Modified), bulk
download files, cached exports, the dashboard's shared cache — is keyed on these
counters, so every process and every host sees a change at the same moment, without
scanning a table for its latest ``updated_at``.

Nothing needs to call anything: a flush notes which datasets its objects belong to, a
bulk statement (``session.execute(update(Unit)…)``) notes its table, and just before
the commit the counters of the noted datasets are incremented in the same transaction
(in name order, as the transaction's last statements, so two writers never wait on each
other in opposite orders)."""

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from dankheo.models.base import Base, utcnow

# The datasets and the tables whose rows they are made of.
DATASET_TABLES: dict[str, tuple[str, ...]] = {
    "units": ("units", "unit_successions"),
    "campaigns": ("campaigns", "award_types", "fields", "phases", "criteria"),
    "initiatives": ("initiatives", "initiative_years", "evidence"),
    "exemplars": ("exemplars", "exemplar_initiatives"),
    "nominations": ("nominations",),
    "awards": ("certificates", "decisions", "decision_items"),
    # The review (not public): committees, assignments, scorecards and the kept scores
    # the ranking reads; its cached computations are keyed on this counter.
    "review": (
        "committees",
        "reviewers",
        "conflicts_of_interest",
        "assignments",
        "scorecards",
        "scores",
        "nomination_scores",
    ),
}
# The public datasets (what the API, bulk downloads and the dashboard are keyed on): a
# review's scoring moves only its own counter, not their validators.
INTERNAL_DATASETS = ("review",)
DATASETS = tuple(n for n in DATASET_TABLES if n not in INTERNAL_DATASETS)
_DATASET_OF_TABLE = {t: name for name, tables in DATASET_TABLES.items() for t in tables}
_TOUCHED = "dankheo.touched_datasets"
_READ = "dankheo.data_versions_read"


class DataVersion(Base):
    """How many committed transactions changed a dataset, and when the last one did."""

    __tablename__ = "data_versions"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


def _note(session: Session, table_name: str | None) -> None:
    name = _DATASET_OF_TABLE.get(table_name or "")
    if name:
        session.info.setdefault(_TOUCHED, set()).add(name)


@sa.event.listens_for(Session, "after_flush")
def _note_flushed(session: Session, _context) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__table__", None)
        _note(session, table.name if table is not None else None)


@sa.event.listens_for(Session, "do_orm_execute")
def _note_bulk(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        _note(state.session, getattr(table, "name", None))


@sa.event.listens_for(Session, "before_commit")
def _bump(session: Session) -> None:
    session.flush()  # the last changes note their datasets too
    names = sorted(session.info.pop(_TOUCHED, ()))
    if names:
        bump(session, names)


@sa.event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_TOUCHED, None)
    session.info.pop(_READ, None)


def touch(session: Session, names) -> None:
    """Note ``names`` as changed by this transaction (for writes the hooks cannot see,
    e.g. a COPY); their counters move on when it commits."""
    session.info.setdefault(_TOUCHED, set()).update(names)


def version_after_commit(session: Session, name: str) -> int:
    """The version ``name`` will have once this transaction commits."""
    session.flush()
    (version,), _ = current(session, [name])
    return version + (1 if name in session.info.get(_TOUCHED, ()) else 0)


def bump(session: Session, names) -> None:
    """Move the counters of ``names`` on (in the caller's transaction)."""
    now = utcnow()
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = DataVersion.__table__
    for name in sorted(names):
        stmt = insert(table).values(name=name, version=1, changed_at=now)
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.name],
            set_={"version": table.c.version + 1, "changed_at": now},
        )
        session.execute(stmt)


def current(session: Session, names) -> tuple[tuple[int, ...], object]:
    """(the versions of ``names`` in that order, the latest change among them or None).
    Every dataset is read in one query, once per transaction of ``session``."""
    rows = session.info.get(_READ)
    if rows is None:
        rows = {
            name: (version, changed_at)
            for name, version, changed_at in session.execute(
                sa.select(DataVersion.name, DataVersion.version, DataVersion.changed_at)
            )
        }
        session.info[_READ] = rows
    names = list(names)
    versions = tuple(rows.get(n, (0, None))[0] for n in names)
    changes = [rows[n][1] for n in names if n in rows and rows[n][1] is not None]
    return versions, max(changes, default=None)


@sa.event.listens_for(Session, "after_begin")
@sa.event.listens_for(Session, "after_commit")
@sa.event.listens_for(Session, "after_soft_rollback")
def _forget_read(session: Session, *_args) -> None:
    session.info.pop(_READ, None)


def changed_here(session: Session, names) -> bool:
    """True when this transaction has changed one of ``names`` (not committed yet): what
    is kept by version does not show its changes."""
    if session.new or session.dirty or session.deleted:
        session.flush()  # pending changes note their datasets
    return bool(set(names) & session.info.get(_TOUCHED, set()))


# --- what the structure (or other datasets) gives, kept per process and version ------------

_MEMO = "dankheo.per_version"
_MEMO_ENTRIES = 2_000  # a few hundred scopes and filters; emptied whole past this
_memo_lock = threading.Lock()


def per_version(session: Session, names, key, compute: Callable[[], Any]) -> Any:
    """``compute()`` for ``key``, kept in this process (per application) while the
    versions of ``names`` stay the same: a commit that changes one of them anywhere
    moves its version on, so the next request computes afresh. Computed every time in a
    transaction that has itself changed one of ``names`` (not committed yet), or outside
    an application context. Callers keep only small, immutable values (tuples, strings)."""
    names = tuple(names)
    if not has_app_context() or changed_here(session, names):
        return compute()
    versions, _changed = current(session, names)
    full_key = (names, versions, key)
    store = current_app.extensions.setdefault(_MEMO, {})
    try:
        return store[full_key]
    except KeyError:
        pass
    value = compute()
    with _memo_lock:
        if len(store) >= _MEMO_ENTRIES:
            store.clear()
        store[full_key] = value
    return value
