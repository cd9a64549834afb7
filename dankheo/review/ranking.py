"""Rankings of a campaign's nominations: per nomination, reviewers done/assigned, mean
and median of the weighted totals, the per-reviewer normalised (z-score) mean and the
spread; the quota's cut line; what a bulk decision reads.

A page costs a handful of queries whatever the number of nominations: each reviewer's
mean and deviation aggregated by the database (one row a reviewer), each nomination's
counts, mean and spread by one GROUP BY (a small tuple a nomination: ranks and the cut
line are those of the whole list), and only the shown rows read in full (their
nominations and scorecards, for the median and the z-scores).
"""

import math
import statistics
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, load_only

from dankheo.extensions import db
from dankheo.models.campaigns import AwardType, Campaign
from dankheo.models.nominations import Nomination, NominationState
from dankheo.models.review import Assignment, Scorecard
from dankheo.models.review_scores import NominationScore

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


def reviewer_z_stats(campaign_id: int) -> dict[int, tuple[float, float, int]]:
    """Per reviewer: (mean, population standard deviation, number of submitted
    scorecards) over the whole campaign — aggregated by the database (one row a
    reviewer), never by reading every scorecard."""
    rows = db.session.execute(
        sa.select(
            Assignment.reviewer_id,
            sa.func.count(Scorecard.total),
            sa.func.avg(Scorecard.total),
            sa.func.avg(Scorecard.total * Scorecard.total),
        )
        .join(Scorecard, Scorecard.assignment_id == Assignment.id)
        .join(Nomination, Nomination.id == Assignment.nomination_id)
        .where(Nomination.campaign_id == campaign_id, Scorecard.submitted_at.is_not(None))
        .group_by(Assignment.reviewer_id)
    ).all()
    stats = {}
    for reviewer_id, cards, mean, mean_square in rows:
        mean, mean_square = float(mean or 0), float(mean_square or 0)
        stats[reviewer_id] = (mean, math.sqrt(max(mean_square - mean * mean, 0.0)), cards)
    return stats


@dataclass
class Aggregate:
    """One nomination's place in the ranking, from its kept scores."""

    nomination_id: int
    recipient_name: str
    state: NominationState
    assigned: int
    done: int
    mean: float | None
    spread: float | None
    median: float | None = None
    rank: int | None = None


def aggregates(award_type: AwardType) -> list[Aggregate]:
    """Every ranked nomination of ``award_type`` with its counts, mean, median and
    spread (kept in ``nomination_scores`` by every scoring transaction), ordered by mean
    (highest first; nominations without a submitted scorecard last) and ranked. One
    query, a small tuple a nomination."""
    rows = db.session.execute(
        sa.select(
            Nomination.id,
            Nomination.recipient_name,
            Nomination.state,
            NominationScore.assigned,
            NominationScore.done,
            NominationScore.mean,
            NominationScore.median,
            NominationScore.spread,
        )
        .outerjoin(NominationScore, NominationScore.nomination_id == Nomination.id)
        .where(Nomination.award_type_id == award_type.id, Nomination.state.in_(RANKED_STATES))
    ).all()
    out = [
        Aggregate(
            nomination_id=i,
            recipient_name=name,
            state=NominationState(state),
            assigned=assigned or 0,
            done=done or 0,
            mean=mean if done else None,
            median=median if done else None,
            spread=spread if done else None,
        )
        for i, name, state, assigned, done, mean, median, spread in rows
    ]
    out.sort(key=lambda a: (a.mean is None, -(a.mean or 0), a.nomination_id))
    for i, agg in enumerate(out):
        if agg.mean is not None:
            agg.rank = i + 1
    return out


def _cards(nomination_ids) -> dict[int, list[tuple[int, float]]]:
    """(reviewer, submitted total) of each of ``nomination_ids``."""
    cards: dict[int, list] = {i: [] for i in nomination_ids}
    for nomination_id, reviewer_id, total in db.session.execute(
        sa.select(Assignment.nomination_id, Assignment.reviewer_id, Scorecard.total)
        .join(Scorecard, Scorecard.assignment_id == Assignment.id)
        .where(
            Assignment.nomination_id.in_(list(nomination_ids)), Scorecard.submitted_at.is_not(None)
        )
    ):
        cards[nomination_id].append((reviewer_id, float(total or 0)))
    return cards


def _rows(
    chosen: list[Aggregate], award_type: AwardType, threshold: float, stats
) -> list[RankingRow]:
    """Full rows (nomination, median, z) for ``chosen``: their nominations and their
    scorecards in two queries."""
    ids = [a.nomination_id for a in chosen]
    nominations = {
        n.id: n
        for n in db.session.scalars(
            sa.select(Nomination)
            # The page shows the recipient and its line, the unit and the state: the long
            # texts (achievement, report) stay in the database.
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
            .where(Nomination.id.in_(ids))
        )
    }
    cards = _cards(ids)
    rows = []
    for agg in chosen:
        mine = cards[agg.nomination_id]
        row = RankingRow(
            nomination=nominations[agg.nomination_id],
            assigned=agg.assigned,
            done=agg.done,
            totals=[Decimal(str(t)) for _, t in mine],
            mean=agg.mean,
            median=agg.median,
            spread=agg.spread,
            rank=agg.rank,
        )
        if mine:
            row.flagged = (row.spread or 0) > threshold
            if all(stats[r][2] >= MIN_CARDS_FOR_Z for r, _ in mine):
                row.normalised = statistics.fmean(
                    (t - stats[r][0]) / stats[r][1] if stats[r][1] else 0.0 for r, t in mine
                )
        row.within_quota = row.rank is not None and row.rank <= award_type.quota
        rows.append(row)
    return rows


def _threshold(campaign: Campaign, spread_threshold) -> float:
    return float(spread_threshold if spread_threshold is not None else campaign.spread_threshold)


def ranking(campaign: Campaign, award_type: AwardType, spread_threshold=None) -> list[RankingRow]:
    """Every ranked nomination of ``award_type`` with its aggregates, ordered by mean
    (highest first; nominations without any submitted scorecard last): the export and
    the sorts that need every median or z-score. Five queries."""
    stats = reviewer_z_stats(campaign.id)
    return _rows(aggregates(award_type), award_type, _threshold(campaign, spread_threshold), stats)


@dataclass
class RankingPage:
    rows: list[RankingRow]
    page: int
    pages: int
    total: int
    per_page: int
    cut_page: int | None  # the page where the quota's cut line falls (by mean)
    to_cut: int = 0  # nominations in review ranked within the quota (on any page)


# Sorts that need every nomination's z-score (else only the page's rows are read).
FULL_SORTS = {"normalised"}


def ranking_page(
    campaign: Campaign, award_type: AwardType, sort: str, direction: str, page: int, per_page: int
) -> RankingPage:
    """One page of the ranking in the asked order: every nomination's place comes from
    one GROUP BY (ranks and the cut line are those of the whole list); only the shown
    rows are read in full."""
    stats = reviewer_z_stats(campaign.id)
    threshold = _threshold(campaign, None)
    aggs = aggregates(award_type)
    full = sort in FULL_SORTS
    if full:
        ordered = sort_rows(_rows(aggs, award_type, threshold, stats), sort, direction)
    else:
        ordered = sort_rows(aggs, sort, direction)
    total = len(ordered)
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    shown = ordered[(page - 1) * per_page : page * per_page]
    shown_rows = shown if full else _rows(shown, award_type, threshold, stats)
    cut_page = None
    if award_type.quota and sort == "mean" and direction == "desc":
        ranked = sum(1 for a in aggs if a.rank is not None)
        if ranked >= award_type.quota:
            cut_page = -(-award_type.quota // per_page)
    to_cut = sum(1 for a in aggs if _to_cut(a, award_type))
    return RankingPage(shown_rows, page, pages, total, per_page, cut_page, to_cut)


def _to_cut(agg: Aggregate, award_type: AwardType) -> bool:
    return (
        agg.rank is not None
        and agg.rank <= award_type.quota
        and agg.state == NominationState.IN_REVIEW
    )


def within_quota_ids(award_type: AwardType) -> list[int]:
    """Nominations still in review whose rank (by mean) is within the quota: what
    "select down to the cut line" selects."""
    return [
        a.nomination_id
        for a in aggregates(award_type)
        if a.rank is not None
        and a.rank <= award_type.quota
        and a.state == NominationState.IN_REVIEW
    ]


def _value(row, name):
    """A sort value of a RankingRow or an Aggregate."""
    if name in ("name", "state"):
        nomination = getattr(row, "nomination", None)
        source = nomination if nomination is not None else row
        return source.recipient_name if name == "name" else source.state.value
    return getattr(row, name)


SORTS = {
    "mean": lambda r: (r.mean is None, r.mean or 0),
    "median": lambda r: (r.median is None, r.median or 0),
    "normalised": lambda r: (r.normalised is None, r.normalised or 0),
    "spread": lambda r: (r.spread is None, r.spread or 0),
    "done": lambda r: (r.done, r.assigned),
    "name": lambda r: _value(r, "name"),
    "state": lambda r: _value(r, "state"),
}


def sort_rows(rows: list, key: str, direction: str) -> list:
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
