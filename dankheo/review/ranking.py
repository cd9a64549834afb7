"""Rankings of a campaign's nominations: per nomination, reviewers done/assigned, mean
and median of the weighted totals, the per-reviewer normalised (z-score) mean and the
spread; the quota's cut line; what a bulk decision reads.

Aggregates: a handful of queries per page (GROUP BY for counts, one read of the
submitted totals), whatever the number of nominations.
"""

import statistics
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, load_only

from dankheo.extensions import db
from dankheo.models.campaigns import AwardType, Campaign
from dankheo.models.nominations import Nomination, NominationState
from dankheo.models.review import Assignment, Scorecard

# Per-reviewer z-scores mean something only once a reviewer has scored this many.
MIN_CARDS_FOR_Z = 5
# States a nomination may be in and still appear on a ranking.
RANKED_STATES = (
    NominationState.IN_REVIEW,
    NominationState.APPROVED,
    NominationState.NOT_APPROVED,
    NominationState.AWARDED,
)


@dataclass
class RankingRow:
    nomination: Nomination
    assigned: int = 0
    done: int = 0
    totals: list[Decimal] = field(default_factory=list)
    mean: float | None = None
    median: float | None = None
    normalised: float | None = None
    spread: float | None = None
    flagged: bool = False
    rank: int | None = None  # by mean, among rows with a mean
    within_quota: bool = False


def reviewer_z_stats(campaign_id: int) -> tuple[dict[int, tuple[float, float, int]], list]:
    """Per reviewer: (mean, population standard deviation, number of submitted
    scorecards) over the whole campaign; and the submitted rows read."""
    rows = db.session.execute(
        sa.select(Assignment.nomination_id, Assignment.reviewer_id, Scorecard.total)
        .join(Scorecard, Scorecard.assignment_id == Assignment.id)
        .join(Nomination, Nomination.id == Assignment.nomination_id)
        .where(Nomination.campaign_id == campaign_id, Scorecard.submitted_at.is_not(None))
    ).all()
    per_reviewer: dict[int, list[float]] = {}
    for _n, r, total in rows:
        per_reviewer.setdefault(r, []).append(float(total or 0))
    stats = {
        r: (statistics.fmean(v), statistics.pstdev(v), len(v)) for r, v in per_reviewer.items()
    }
    return stats, rows


def ranking(campaign: Campaign, award_type: AwardType, spread_threshold=None) -> list[RankingRow]:
    """Every ranked nomination of ``award_type`` with its aggregates, ordered by mean
    (highest first; nominations without any submitted scorecard last). Three queries."""
    threshold = float(
        spread_threshold if spread_threshold is not None else campaign.spread_threshold
    )
    nominations = db.session.scalars(
        sa.select(Nomination)
        # The page shows the recipient and its line, the unit and the state: the long texts
        # (achievement, report) of ~2,000 nominations stay in the database.
        .options(
            load_only(
                Nomination.id,
                Nomination.campaign_id,
                Nomination.award_type_id,
                Nomination.unit_id,
                Nomination.recipient_name,
                Nomination.recipient_line,
                Nomination.state,
            ),
            joinedload(Nomination.unit),
        )
        .where(Nomination.award_type_id == award_type.id, Nomination.state.in_(RANKED_STATES))
        .order_by(Nomination.id)
    ).all()
    rows = {n.id: RankingRow(nomination=n) for n in nominations}
    counts = db.session.execute(
        sa.select(
            Assignment.nomination_id,
            sa.func.count(Assignment.id),
            sa.func.count(Scorecard.submitted_at),
        )
        .outerjoin(Scorecard, Scorecard.assignment_id == Assignment.id)
        .join(Nomination, Nomination.id == Assignment.nomination_id)
        .where(Nomination.award_type_id == award_type.id)
        .group_by(Assignment.nomination_id)
    )
    for nomination_id, assigned, done in counts:
        if nomination_id in rows:
            rows[nomination_id].assigned = assigned
            rows[nomination_id].done = done
    stats, submitted = reviewer_z_stats(campaign.id)
    zs: dict[int, list[float]] = {}
    z_ok: dict[int, bool] = {}
    for nomination_id, reviewer_id, total in submitted:
        row = rows.get(nomination_id)
        if row is None:
            continue
        row.totals.append(Decimal(total or 0))
        mean, sd, cards = stats[reviewer_id]
        zs.setdefault(nomination_id, []).append((float(total or 0) - mean) / sd if sd else 0.0)
        z_ok[nomination_id] = z_ok.get(nomination_id, True) and cards >= MIN_CARDS_FOR_Z
    for row in rows.values():
        if not row.totals:
            continue
        values = [float(t) for t in row.totals]
        row.mean = statistics.fmean(values)
        row.median = float(statistics.median(values))
        row.spread = max(values) - min(values)
        row.flagged = row.spread > threshold
        if z_ok.get(row.nomination.id):
            row.normalised = statistics.fmean(zs[row.nomination.id])
    ordered = sorted(
        rows.values(),
        key=lambda r: (r.mean is None, -(r.mean or 0), r.nomination.id),
    )
    for i, row in enumerate(ordered):
        if row.mean is not None:
            row.rank = i + 1
            row.within_quota = row.rank <= award_type.quota
    return ordered


SORTS = {
    "mean": lambda r: (r.mean is None, r.mean or 0),
    "median": lambda r: (r.median is None, r.median or 0),
    "normalised": lambda r: (r.normalised is None, r.normalised or 0),
    "spread": lambda r: (r.spread is None, r.spread or 0),
    "done": lambda r: (r.done, r.assigned),
    "name": lambda r: r.nomination.recipient_name,
    "state": lambda r: r.nomination.state.value,
}


def sort_rows(rows: list[RankingRow], key: str, direction: str) -> list[RankingRow]:
    if key not in SORTS or (key == "mean" and direction == "desc"):
        return rows  # already by mean, highest first
    fn = SORTS[key]
    if direction == "desc":
        # Keep "no value" rows last whatever the direction.
        with_value = [r for r in rows if not (isinstance(fn(r), tuple) and fn(r)[0])]
        without = [r for r in rows if r not in with_value]
        return sorted(with_value, key=fn, reverse=True) + without
    return sorted(rows, key=fn)


def approved_count(award_type: AwardType) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Nomination.id)).where(
            Nomination.award_type_id == award_type.id,
            Nomination.state.in_((NominationState.APPROVED, NominationState.AWARDED)),
        )
    )


def nominations_to_decide(award_type: AwardType, ids: list[int]) -> list[Nomination]:
    return list(
        db.session.scalars(
            sa.select(Nomination)
            .options(joinedload(Nomination.campaign))
            .where(Nomination.award_type_id == award_type.id, Nomination.id.in_(ids))
            .order_by(Nomination.id)
        )
    )


def scoring_counts(nomination_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(submitted, assigned) scorecards of each nomination, in one GROUP BY; a
    nomination nobody was assigned is (0, 0)."""
    counts = dict.fromkeys(nomination_ids, (0, 0))
    if not nomination_ids:
        return counts
    rows = db.session.execute(
        sa.select(
            Assignment.nomination_id,
            sa.func.count(Scorecard.submitted_at),
            sa.func.count(Assignment.id),
        )
        .outerjoin(Scorecard, Scorecard.assignment_id == Assignment.id)
        .where(Assignment.nomination_id.in_(nomination_ids))
        .group_by(Assignment.nomination_id)
    )
    for nomination_id, submitted, assigned in rows:
        counts[nomination_id] = (submitted, assigned)
    return counts


def lock_award_type(award_type: AwardType) -> None:
    """Take the award type's row for this transaction (a no-op UPDATE: a row lock on
    PostgreSQL, the write lock on SQLite), so two secretaries approving at once count
    the quota one after the other instead of both seeing room for one more."""
    db.session.execute(
        sa.update(AwardType)
        .where(AwardType.id == award_type.id)
        .values(quota=AwardType.quota)
        .execution_options(synchronize_session=False)
    )
