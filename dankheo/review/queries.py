"""Reads for review: assignments, conflicts, queues, committee pages and rankings.

Rankings are aggregates: a handful of queries per page (GROUP BY for counts, one
read of the submitted totals), whatever the number of nominations.
"""

import statistics
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, load_only, selectinload

from dankheo.extensions import db
from dankheo.models.accounts import Membership, Role, User
from dankheo.models.campaigns import AwardType, Campaign
from dankheo.models.nominations import Nomination, NominationState
from dankheo.models.review import (
    Assignment,
    Committee,
    ConflictOfInterest,
    ConflictSource,
    ConflictStatus,
    Reviewer,
    Scorecard,
)
from dankheo.permissions import is_admin, units_with_role
from dankheo.tree import related_by_line

# Per-reviewer z-scores mean something only once a reviewer has scored this many.
MIN_CARDS_FOR_Z = 5
# States a nomination may be in and still appear on a ranking.
RANKED_STATES = (
    NominationState.IN_REVIEW,
    NominationState.APPROVED,
    NominationState.NOT_APPROVED,
    NominationState.AWARDED,
)
_BLOCKING = (ConflictStatus.PENDING, ConflictStatus.CONFIRMED)


def committee_of(campaign: Campaign) -> Committee | None:
    return db.session.scalar(sa.select(Committee).where(Committee.campaign_id == campaign.id))


def organised_campaigns(user) -> list[Campaign]:
    """Campaigns the user runs as secretary (all for admins), newest first."""
    stmt = sa.select(Campaign).options(joinedload(Campaign.organising_unit))
    if not is_admin(user):
        unit_ids = [u.id for u in units_with_role(user, Role.SECRETARY)]
        stmt = stmt.where(Campaign.organising_unit_id.in_(unit_ids))
    return list(db.session.scalars(stmt.order_by(Campaign.year.desc(), Campaign.id.desc())))


def active_reviewers(committee: Committee) -> list[Reviewer]:
    return list(
        db.session.scalars(
            sa.select(Reviewer)
            .options(joinedload(Reviewer.unit))
            .where(Reviewer.committee_id == committee.id, Reviewer.active.is_(True))
            .order_by(Reviewer.id)
        )
    )


def reviewer_candidates(committee: Committee) -> list[User]:
    """Users holding a reviewer membership who are not active members yet."""
    members = sa.select(Reviewer.user_id).where(
        Reviewer.committee_id == committee.id, Reviewer.active.is_(True)
    )
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.role == Role.REVIEWER, User.active.is_(True))
            .where(User.id.not_in(members))
            .distinct()
            .order_by(User.full_name)
        )
    )


def assignments_of_reviewer(reviewer: Reviewer) -> list[Assignment]:
    return list(
        db.session.scalars(
            sa.select(Assignment)
            .options(joinedload(Assignment.scorecard))
            .where(Assignment.reviewer_id == reviewer.id)
        )
    )


# --- conflicts ---------------------------------------------------------------------------


def _declared(reviewer_ids) -> list[ConflictOfInterest]:
    if not reviewer_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(ConflictOfInterest)
            .options(joinedload(ConflictOfInterest.unit))
            .where(
                ConflictOfInterest.reviewer_id.in_(reviewer_ids),
                ConflictOfInterest.status.in_(_BLOCKING),
            )
        )
    )


def _blocked(reviewer: Reviewer, nomination: Nomination, declared) -> bool:
    if related_by_line(reviewer.unit, nomination.unit):
        return True
    for c in declared:
        if c.reviewer_id != reviewer.id:
            continue
        if c.nomination_id == nomination.id:
            return True
        if (
            c.unit_id is not None
            and c.unit is not None
            and nomination.unit.path.startswith(c.unit.path)
        ):
            return True
    return False


def is_conflicted(reviewer: Reviewer, nomination: Nomination) -> bool:
    """Automatic (same unit, ancestor, descendant) or declared, pending or confirmed."""
    return _blocked(reviewer, nomination, _declared([reviewer.id]))


@dataclass
class AssignmentInput:
    nomination_ids: list[int]
    reviewer_ids: list[int]
    conflicts: set[tuple[int, int]]
    existing: set[tuple[int, int]]


def assignment_input(campaign: Campaign, committee: Committee) -> AssignmentInput:
    """Everything the planner needs, in four queries."""
    reviewers = active_reviewers(committee)
    nominations = list(
        db.session.scalars(
            sa.select(Nomination)
            .options(joinedload(Nomination.unit))
            .where(
                Nomination.campaign_id == campaign.id,
                Nomination.state == NominationState.IN_REVIEW,
            )
        )
    )
    declared = _declared([r.id for r in reviewers])
    conflicts = {(n.id, r.id) for n in nominations for r in reviewers if _blocked(r, n, declared)}
    nomination_ids = [n.id for n in nominations]
    existing = set()
    if nomination_ids:
        existing = {
            (n, r)
            for n, r in db.session.execute(
                sa.select(Assignment.nomination_id, Assignment.reviewer_id)
                .join(Nomination, Nomination.id == Assignment.nomination_id)
                .where(
                    Nomination.campaign_id == campaign.id,
                    Nomination.state == NominationState.IN_REVIEW,
                )
            )
        }
    return AssignmentInput(nomination_ids, [r.id for r in reviewers], conflicts, existing)


def pending_conflicts(campaign: Campaign) -> list[ConflictOfInterest]:
    return list(
        db.session.scalars(
            sa.select(ConflictOfInterest)
            .join(Reviewer, Reviewer.id == ConflictOfInterest.reviewer_id)
            .join(Committee, Committee.id == Reviewer.committee_id)
            .options(
                joinedload(ConflictOfInterest.reviewer),
                joinedload(ConflictOfInterest.nomination),
            )
            .where(
                Committee.campaign_id == campaign.id,
                ConflictOfInterest.source == ConflictSource.DECLARED,
            )
            .order_by(
                (ConflictOfInterest.status == ConflictStatus.PENDING).desc(),
                ConflictOfInterest.id.desc(),
            )
            .limit(200)
        )
    )


def committee_nominations(campaign: Campaign, page: int, per_page: int = 50):
    """Nominations in review with their assignments (for the committee page)."""
    stmt = (
        sa.select(Nomination)
        .options(
            joinedload(Nomination.unit),
            joinedload(Nomination.award_type),
            selectinload(Nomination.initiative),
            selectinload(Nomination.exemplar),
        )
        .where(
            Nomination.campaign_id == campaign.id,
            Nomination.state == NominationState.IN_REVIEW,
        )
        .order_by(Nomination.id)
    )
    pagination = db.paginate(stmt, page=page, per_page=per_page, error_out=False)
    ids = [n.id for n in pagination.items]
    by_nomination: dict[int, list[Assignment]] = {i: [] for i in ids}
    if ids:
        rows = db.session.scalars(
            sa.select(Assignment)
            .options(joinedload(Assignment.scorecard), joinedload(Assignment.reviewer))
            .where(Assignment.nomination_id.in_(ids))
            .order_by(Assignment.reviewer_id)
        )
        for a in rows:
            by_nomination[a.nomination_id].append(a)
    return pagination, by_nomination


def reviewer_loads(committee: Committee) -> dict[int, tuple[int, int]]:
    """reviewer_id → (assigned, submitted) over nominations in review."""
    rows = db.session.execute(
        sa.select(
            Assignment.reviewer_id,
            sa.func.count(Assignment.id),
            sa.func.count(Scorecard.submitted_at),
        )
        .join(Reviewer, Reviewer.id == Assignment.reviewer_id)
        .outerjoin(Scorecard, Scorecard.assignment_id == Assignment.id)
        .where(Reviewer.committee_id == committee.id)
        .group_by(Assignment.reviewer_id)
    )
    return {r: (a, s) for r, a, s in rows}


# --- reviewer queue and scorecards ---------------------------------------------------------


def queue_for(user, status: str, page: int, per_page: int = 25):
    """A page of ``queue_select``."""
    return db.paginate(queue_select(user, status), page=page, per_page=per_page, error_out=False)


def queue_select(user, status: str) -> sa.Select:
    """A reviewer's assignments on nominations in review: ``todo``, ``done`` or ``all``."""
    stmt = (
        sa.select(Assignment)
        .join(Reviewer, Reviewer.id == Assignment.reviewer_id)
        .join(Nomination, Nomination.id == Assignment.nomination_id)
        .outerjoin(Scorecard, Scorecard.assignment_id == Assignment.id)
        .options(
            joinedload(Assignment.scorecard),
            joinedload(Assignment.nomination).joinedload(Nomination.campaign),
            joinedload(Assignment.nomination).joinedload(Nomination.unit),
            joinedload(Assignment.nomination).joinedload(Nomination.award_type),
        )
        .where(
            Reviewer.user_id == user.id,
            Reviewer.active.is_(True),
            Nomination.state == NominationState.IN_REVIEW,
        )
    )
    if status == "todo":
        stmt = stmt.where(Scorecard.submitted_at.is_(None))
    elif status == "done":
        stmt = stmt.where(Scorecard.submitted_at.is_not(None))
    return stmt.order_by(Scorecard.submitted_at.is_not(None), Assignment.id)


def assignment_for_page(assignment_id: int) -> Assignment | None:
    return db.session.scalar(
        sa.select(Assignment)
        .options(
            joinedload(Assignment.reviewer),
            joinedload(Assignment.scorecard).selectinload(Scorecard.scores),
            joinedload(Assignment.nomination).joinedload(Nomination.campaign),
            joinedload(Assignment.nomination).joinedload(Nomination.unit),
            joinedload(Assignment.nomination).joinedload(Nomination.award_type),
            joinedload(Assignment.nomination).selectinload(Nomination.initiative),
            joinedload(Assignment.nomination).selectinload(Nomination.exemplar),
        )
        .where(Assignment.id == assignment_id)
    )


def other_submitted_scorecards(assignment: Assignment) -> list[Scorecard]:
    """The other reviewers' submitted scorecards for the same nomination."""
    return list(
        db.session.scalars(
            sa.select(Scorecard)
            .join(Assignment, Assignment.id == Scorecard.assignment_id)
            .options(
                joinedload(Scorecard.assignment).joinedload(Assignment.reviewer),
                selectinload(Scorecard.scores),
            )
            .where(
                Assignment.nomination_id == assignment.nomination_id,
                Assignment.id != assignment.id,
                Scorecard.submitted_at.is_not(None),
            )
            .order_by(Assignment.id)
        )
    )


def scorecard_by_id(scorecard_id: int) -> Scorecard | None:
    return db.session.scalar(
        sa.select(Scorecard)
        .options(
            joinedload(Scorecard.assignment)
            .joinedload(Assignment.nomination)
            .joinedload(Nomination.campaign)
        )
        .where(Scorecard.id == scorecard_id)
    )


# --- ranking -------------------------------------------------------------------------------


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


# --- what waits for a secretary or a reviewer (the inbox) ---------------------------------


def to_score_count(user) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Assignment.id))
        .join(Reviewer, Reviewer.id == Assignment.reviewer_id)
        .join(Nomination, Nomination.id == Assignment.nomination_id)
        .outerjoin(Scorecard, Scorecard.assignment_id == Assignment.id)
        .where(
            Reviewer.user_id == user.id,
            Reviewer.active.is_(True),
            Nomination.state == NominationState.IN_REVIEW,
            Scorecard.submitted_at.is_(None),
        )
    )


def secretary_campaign_counts(campaign_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per campaign: submitted (to screen), in review short of k reviewers (to assign),
    in review with every assigned scorecard submitted (ready to decide), pending
    declared conflicts. Four GROUP BY queries, whatever the number of campaigns."""
    out = {
        cid: {"to_screen": 0, "to_assign": 0, "ready": 0, "conflicts": 0} for cid in campaign_ids
    }
    if not campaign_ids:
        return out
    for cid, n in db.session.execute(
        sa.select(Nomination.campaign_id, sa.func.count(Nomination.id))
        .where(
            Nomination.campaign_id.in_(campaign_ids),
            Nomination.state == NominationState.SUBMITTED,
        )
        .group_by(Nomination.campaign_id)
    ):
        out[cid]["to_screen"] = n
    per_nomination = (
        sa.select(
            Nomination.id.label("nid"),
            Nomination.campaign_id.label("cid"),
            Campaign.reviewers_per_nomination.label("k"),
            sa.func.count(Assignment.id).label("assigned"),
            sa.func.count(Scorecard.submitted_at).label("done"),
        )
        .join(Campaign, Campaign.id == Nomination.campaign_id)
        .outerjoin(Assignment, Assignment.nomination_id == Nomination.id)
        .outerjoin(Scorecard, Scorecard.assignment_id == Assignment.id)
        .where(
            Nomination.campaign_id.in_(campaign_ids),
            Nomination.state == NominationState.IN_REVIEW,
        )
        .group_by(Nomination.id, Nomination.campaign_id, Campaign.reviewers_per_nomination)
        .subquery()
    )
    for cid, to_assign, ready in db.session.execute(
        sa.select(
            per_nomination.c.cid,
            sa.func.sum(sa.case((per_nomination.c.assigned < per_nomination.c.k, 1), else_=0)),
            sa.func.sum(
                sa.case(
                    (
                        sa.and_(
                            per_nomination.c.assigned > 0,
                            per_nomination.c.done == per_nomination.c.assigned,
                        ),
                        1,
                    ),
                    else_=0,
                )
            ),
        ).group_by(per_nomination.c.cid)
    ):
        out[cid]["to_assign"] = int(to_assign or 0)
        out[cid]["ready"] = int(ready or 0)
    for cid, n in db.session.execute(
        sa.select(Committee.campaign_id, sa.func.count(ConflictOfInterest.id))
        .join(Reviewer, Reviewer.committee_id == Committee.id)
        .join(ConflictOfInterest, ConflictOfInterest.reviewer_id == Reviewer.id)
        .where(
            Committee.campaign_id.in_(campaign_ids),
            ConflictOfInterest.status == ConflictStatus.PENDING,
        )
        .group_by(Committee.campaign_id)
    ):
        out[cid]["conflicts"] = n
    return out


def inbox_for(user) -> dict:
    """What waits for ``user``, per role: returned dossiers and drafts (officer), what to
    screen, assign and decide per organised campaign (secretary), what to score
    (reviewer). A bounded number of queries."""
    from dankheo.nominations.queries import officer_waiting

    out: dict = {"returned": [], "drafts": [], "campaigns": [], "counts": {}, "to_score": None}
    if is_admin(user) or units_with_role(user, Role.OFFICER):
        out["returned"], out["drafts"] = officer_waiting(user)
    if is_admin(user) or units_with_role(user, Role.SECRETARY):
        campaigns = organised_campaigns(user)
        counts = secretary_campaign_counts([c.id for c in campaigns])
        out["campaigns"] = [c for c in campaigns if any(counts[c.id].values())]
        out["counts"] = counts
    if units_with_role(user, Role.REVIEWER):
        out["to_score"] = to_score_count(user)
    return out
