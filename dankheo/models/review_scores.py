"""Each nomination's scores as the ranking reads them — reviewers assigned and done,
mean, median and spread of the submitted weighted totals — kept in ``nomination_scores``
by the transaction that changes them, so a ranking (in any order, the median's too) is
a read of one small row a nomination instead of an aggregate over every scorecard.

Nothing needs to call anything: a flush that adds, changes or deletes an assignment or
a scorecard recomputes the row of each nomination concerned from its scorecards, in the
same transaction. Concurrent saves on one nomination cannot leave a stale row: the
nomination's row is locked first (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite has one
writer at a time, taken by the flush's own write), so the second writer reads the
first one's committed scorecard before writing the row. Bulk loads that bypass the ORM
(the volume seed) call :func:`rebuild`; ``recompute`` is also what the consistency test
compares the kept rows with.
"""

import statistics
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from dankheo.models.base import Base
from dankheo.models.nominations import Nomination
from dankheo.models.review import Assignment, Scorecard

_NOTED = "dankheo.scored_nominations"
_NOTED_ASSIGNMENTS = "dankheo.scored_assignments"


class NominationScore(Base):
    """One nomination's aggregates over its assignments and submitted scorecards."""

    __tablename__ = "nomination_scores"

    nomination_id: Mapped[int] = mapped_column(
        sa.ForeignKey("nominations.id", ondelete="CASCADE"), primary_key=True
    )
    award_type_id: Mapped[int] = mapped_column(sa.ForeignKey("award_types.id"))
    assigned: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    mean: Mapped[float | None] = mapped_column(sa.Float)
    median: Mapped[float | None] = mapped_column(sa.Float)
    spread: Mapped[float | None] = mapped_column(sa.Float)

    __table_args__ = (
        sa.CheckConstraint("done >= 0 AND done <= assigned", name="done_within_assigned"),
        sa.CheckConstraint("(done = 0) = (mean IS NULL)", name="mean_when_done"),
        sa.Index("ix_nomination_scores_award_type_mean", "award_type_id", "mean"),
        sa.Index("ix_nomination_scores_award_type_median", "award_type_id", "median"),
    )


def summarise(assigned: int, totals: list) -> dict:
    """The kept figures of a nomination with ``assigned`` assignments whose submitted
    scorecards have ``totals``."""
    values = [float(t) for t in totals]
    return {
        "assigned": assigned,
        "done": len(values),
        "mean": float(sum(totals) / len(totals)) if totals else None,
        "median": float(statistics.median(values)) if values else None,
        "spread": max(values) - min(values) if values else None,
    }


def recompute(connection, nomination_ids: Iterable[int] | None = None) -> dict[int, dict]:
    """Each nomination's figures computed from scratch from its assignments and
    scorecards (every nomination with an assignment when ``nomination_ids`` is None)."""
    assignments = sa.select(Assignment.nomination_id, Scorecard.submitted_at, Scorecard.total)
    assignments = assignments.outerjoin(Scorecard, Scorecard.assignment_id == Assignment.id)
    where = []
    if nomination_ids is not None:
        ids = sorted(set(nomination_ids))
        if not ids:
            return {}
        where.append(Assignment.nomination_id.in_(ids))
    assigned: dict[int, int] = {}
    totals: dict[int, list] = {}
    for nomination_id, submitted_at, total in connection.execute(assignments.where(*where)):
        assigned[nomination_id] = assigned.get(nomination_id, 0) + 1
        mine = totals.setdefault(nomination_id, [])
        if submitted_at is not None:
            mine.append(total if total is not None else 0)
    if nomination_ids is not None:
        for nomination_id in ids:
            assigned.setdefault(nomination_id, 0)
            totals.setdefault(nomination_id, [])
    return {i: summarise(assigned[i], totals[i]) for i in assigned}


def _write(connection, figures: dict[int, dict]) -> None:
    if not figures:
        return
    table = NominationScore.__table__
    ids = sorted(figures)
    award_types = dict(
        connection.execute(
            sa.select(Nomination.id, Nomination.award_type_id).where(Nomination.id.in_(ids))
        ).all()
    )
    connection.execute(table.delete().where(table.c.nomination_id.in_(ids)))
    rows = [
        {"nomination_id": i, "award_type_id": award_types[i], **figures[i]}
        for i in ids
        if i in award_types  # a nomination deleted in this transaction
    ]
    if rows:
        connection.execute(table.insert(), rows)


def refresh(session: Session, nomination_ids: Iterable[int]) -> None:
    """Recompute the kept rows of ``nomination_ids`` in the session's transaction,
    after locking their nominations (in id order, so two writers never wait on each
    other in opposite orders)."""
    ids = sorted(set(nomination_ids))
    if not ids:
        return
    connection = session.connection()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        lock = sa.select(Nomination.id).where(Nomination.id.in_(chunk)).order_by(Nomination.id)
        if connection.dialect.name == "postgresql":
            connection.execute(lock.with_for_update())
        _write(connection, recompute(connection, chunk))


def rebuild(session: Session) -> int:
    """Recompute every kept row (after a bulk load); the number of rows written."""
    connection = session.connection()
    connection.execute(NominationScore.__table__.delete())
    figures = recompute(connection)
    for start in range(0, len(figures), 1000):
        _write(connection, dict(list(figures.items())[start : start + 1000]))
    return len(figures)


@sa.event.listens_for(Session, "after_flush")
def _refresh_flushed(session: Session, _context) -> None:
    nomination_ids: set[int] = set()
    assignment_ids: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Assignment):
            nomination_ids.add(obj.nomination_id)
            state = sa.inspect(obj)
            history = state.attrs.nomination_id.history
            nomination_ids.update(i for i in history.deleted or () if i is not None)
        elif isinstance(obj, Scorecard):
            assignment_ids.add(obj.assignment_id)
        elif (
            isinstance(obj, Nomination)
            and obj in session.dirty
            and sa.inspect(obj).attrs.award_type_id.history.has_changes()
        ):
            nomination_ids.add(obj.id)  # moved to another award type: its row follows
    nomination_ids.discard(None)
    assignment_ids.discard(None)
    if not nomination_ids and not assignment_ids:
        return
    connection = session.connection()
    if assignment_ids:
        nomination_ids.update(
            connection.execute(
                sa.select(Assignment.nomination_id).where(Assignment.id.in_(assignment_ids))
            ).scalars()
        )
    refresh(session, nomination_ids)
