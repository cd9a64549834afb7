"""Reads for review: committees, reviewers, conflicts of interest, assignment input,
the reviewer's queue and scorecards. Rankings are in ranking.py, the counts of what
waits for a secretary or a reviewer in inbox.py."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, load_only, selectinload

from dankheo.extensions import db
from dankheo.models.accounts import Membership, Role, User
from dankheo.models.campaigns import Campaign
from dankheo.models.nominations import Nomination, NominationState
from dankheo.models.registry import Initiative
from dankheo.models.review import (
    Assignment,
    Committee,
    ConflictOfInterest,
    ConflictSource,
    ConflictStatus,
    Reviewer,
    Scorecard,
)
from dankheo.models.units import Unit
from dankheo.nominations.queries import LIST_COLUMNS
from dankheo.permissions import is_admin, organising_unit_ids
from dankheo.tree import (
    load_successions,
    predecessor_closure,
    related_by_line,
    successor_closure,
)

_BLOCKING = (ConflictStatus.PENDING, ConflictStatus.CONFIRMED)


def committee_of(campaign: Campaign) -> Committee | None:
    return db.session.scalar(sa.select(Committee).where(Committee.campaign_id == campaign.id))


def organised_campaigns(user, limit: int | None = None) -> list[Campaign]:
    """Campaigns the user runs as secretary (all for admins), newest first; the newest
    ``limit`` of them when given (the navigation's shortcuts: every page asks)."""
    stmt = sa.select(Campaign).options(joinedload(Campaign.organising_unit))
    if not is_admin(user):
        unit_ids = sorted(organising_unit_ids(user))
        stmt = stmt.where(Campaign.organising_unit_id.in_(unit_ids))
    stmt = stmt.order_by(Campaign.year.desc(), Campaign.id.desc()).limit(limit)
    return list(db.session.scalars(stmt))


def active_reviewers(committee: Committee) -> list[Reviewer]:
    return list(
        db.session.scalars(
            sa.select(Reviewer)
            .join(User, User.id == Reviewer.user_id)
            .options(joinedload(Reviewer.unit))
            .where(Reviewer.committee_id == committee.id, Reviewer.active.is_(True))
            .order_by(User.sort_key, Reviewer.id)
        )
    )


@dataclass(frozen=True)
class MemberLine:
    """A member of a committee as its page shows them (plain values, kept in the cache
    key of the page's rendered body: see review.views.committee)."""

    id: int
    name: str
    title: str
    unit: str
    active: bool


def committee_members(committee: Committee) -> tuple[MemberLine, ...]:
    """Every member of ``committee``, active or not (a former member's submitted
    scorecards are still listed), by name: one statement of plain rows."""
    rows = db.session.execute(
        sa.select(Reviewer.id, User.full_name, Reviewer.title, Unit.name, Reviewer.active)
        .join(User, User.id == Reviewer.user_id)
        .join(Unit, Unit.id == Reviewer.unit_id)
        .where(Reviewer.committee_id == committee.id)
        .order_by(User.sort_key, Reviewer.id)
    )
    return tuple(MemberLine(*row) for row in rows)


def reviewer_candidates(committee: Committee) -> tuple[tuple[int, str], ...]:
    """(user id, name) of the users holding a reviewer membership who are not active
    members yet, by name: plain rows."""
    members = sa.select(Reviewer.user_id).where(
        Reviewer.committee_id == committee.id, Reviewer.active.is_(True)
    )
    return tuple(
        (uid, name)
        for uid, name, _key in db.session.execute(
            sa.select(User.id, User.full_name, User.sort_key)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.role == Role.REVIEWER, User.active.is_(True))
            .where(User.id.not_in(members))
            .distinct()
            .order_by(User.sort_key, User.id)
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


@dataclass
class Lineages:
    """For each unit, the paths of the units it is one with across the 2025
    reorganisation: itself, what it became and what became it (any chain of merges,
    splits and renames), read in two queries for a whole committee."""

    paths: dict[int, list[str]]

    @classmethod
    def of(cls, units) -> "Lineages":
        units = {u.id: u for u in units if u is not None}
        successions = load_successions()
        members = {
            uid: successor_closure([uid], successions) | predecessor_closure([uid], successions)
            for uid in units
        }
        wanted = set().union(*members.values()) if members else set()
        rows = db.session.execute(
            sa.select(Unit.id, Unit.path).where(Unit.id.in_(sorted(wanted)))
        ).all()
        path_of = dict(rows)
        return cls({uid: [path_of[m] for m in ids if m in path_of] for uid, ids in members.items()})

    def of_unit(self, unit) -> list[str]:
        return self.paths.get(unit.id, [unit.path])


def _related(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a)


def _blocked(
    reviewer: Reviewer, nomination: Nomination, declared, lineages: Lineages | None = None
) -> bool:
    """A reviewer's unit and the nominating unit are the same, or one lies above the
    other — directly, or through what either became or was formed from (a reviewer of a
    commune of today and its predecessors' dossiers, and vice versa)."""
    r_unit, n_unit = reviewer.unit, nomination.unit
    if related_by_line(r_unit, n_unit):
        return True
    if lineages is not None:
        if any(_related(p, n_unit.path) for p in lineages.of_unit(r_unit)):
            return True
        if any(_related(r_unit.path, p) for p in lineages.of_unit(n_unit)):
            return True
    nominating = lineages.of_unit(n_unit) if lineages is not None else [n_unit.path]
    for c in declared:
        if c.reviewer_id != reviewer.id:
            continue
        if c.nomination_id == nomination.id:
            return True
        if (
            c.unit_id is not None
            and c.unit is not None
            and any(p.startswith(c.unit.path) for p in nominating)
        ):
            return True
    return False


def is_conflicted(reviewer: Reviewer, nomination: Nomination) -> bool:
    """Automatic (same unit, ancestor, descendant — also through the successions of
    either) or declared, pending or confirmed."""
    lineages = Lineages.of([reviewer.unit, nomination.unit])
    return _blocked(reviewer, nomination, _declared([reviewer.id]), lineages)


@dataclass
class AssignmentInput:
    nomination_ids: list[int]
    reviewer_ids: list[int]
    conflicts: set[tuple[int, int]]
    existing: set[tuple[int, int]]


def assignment_input(campaign: Campaign, committee: Committee) -> AssignmentInput:
    """Everything the planner needs, in six queries."""
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
    lineages = Lineages.of([r.unit for r in reviewers] + [n.unit for n in nominations])
    conflicts = {
        (n.id, r.id) for n in nominations for r in reviewers if _blocked(r, n, declared, lineages)
    }
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
            load_only(*LIST_COLUMNS),
            joinedload(Nomination.unit).load_only(Unit.id, Unit.name),
            joinedload(Nomination.award_type),
        )
        .where(
            Nomination.campaign_id == campaign.id,
            Nomination.state == NominationState.IN_REVIEW,
        )
        .order_by(Nomination.id)
    )
    pagination = db.paginate(stmt, page=page, per_page=per_page, error_out=False)
    ids = [n.id for n in pagination.items]
    by_nomination: dict[int, list[AssignmentLine]] = {i: [] for i in ids}
    if ids:
        # Plain rows (what the page shows of each assignment), not three objects each.
        rows = db.session.execute(
            sa.select(
                Assignment.id,
                Assignment.nomination_id,
                User.full_name,
                Scorecard.submitted_at,
                Scorecard.total,
            )
            .join(Reviewer, Reviewer.id == Assignment.reviewer_id)
            .join(User, User.id == Reviewer.user_id)
            .outerjoin(Scorecard, Scorecard.assignment_id == Assignment.id)
            .where(Assignment.nomination_id.in_(ids))
            .order_by(Assignment.reviewer_id)
        )
        for assignment_id, nomination_id, name, submitted_at, total in rows:
            by_nomination[nomination_id].append(
                AssignmentLine(assignment_id, name, submitted_at is not None, total)
            )
    return pagination, by_nomination


@dataclass(frozen=True)
class AssignmentLine:
    """An assignment as the committee page lists it."""

    id: int
    reviewer_name: str
    submitted: bool
    total: object


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
            # What each dossier is: the initiative (with its field) or the exemplar.
            joinedload(Assignment.nomination)
            .joinedload(Nomination.initiative)
            .joinedload(Initiative.field),
            joinedload(Assignment.nomination).joinedload(Nomination.exemplar),
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


def pending_assignments(user, limit: int) -> list[Assignment]:
    """The first ``limit`` scorecards ``user`` still has to submit (the inbox lists them)."""
    return list(db.session.scalars(queue_select(user, "todo").limit(limit)).unique())


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
