"""Writes for review: committees, conflicts of interest, assignment, scorecards, decisions.

Every function takes the acting user, checks nothing about permissions that the view
has not (views ask permissions.can), raises DomainError for broken rules, writes an
audit row, and flushes; the view commits.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import sqlalchemy as sa

from dankheo import audit, vietnamese, workflow
from dankheo.errors import DomainError, StaleVersion
from dankheo.extensions import db
from dankheo.models.accounts import Membership, Role, User
from dankheo.models.base import utcnow
from dankheo.models.campaigns import AwardType, Campaign
from dankheo.models.nominations import Nomination, NominationState
from dankheo.models.notifications import NotificationKind
from dankheo.models.review import (
    Assignment,
    Committee,
    ConflictOfInterest,
    ConflictSource,
    ConflictStatus,
    Reviewer,
    Score,
    Scorecard,
)
from dankheo.notifications import events as notifications
from dankheo.review import assignment as planner
from dankheo.review import queries, window
from dankheo.review import ranking as rankings


class ScorecardAlreadySubmitted(DomainError):
    """A second "submit" of a scorecard already submitted: nothing changes."""

    status_code = 200

    def __init__(self):
        super().__init__("scorecard.already_submitted")


# --- committees ------------------------------------------------------------------------


def ensure_committee(actor, campaign: Campaign, name: str = "") -> Committee:
    committee = queries.committee_of(campaign)
    if committee is not None:
        return committee
    committee = Committee(campaign=campaign, name=name or f"Hội đồng xét chọn – {campaign.name}")
    db.session.add(committee)
    db.session.flush()
    audit.record(actor, "committee.create", committee, unit_id=campaign.organising_unit_id)
    return committee


def add_reviewer(actor, committee: Committee, user: User, title: str = "") -> Reviewer:
    """Add ``user`` to the committee; their unit (for conflicts) is the unit of their
    reviewer membership (the lowest id when they have several)."""
    membership = db.session.scalar(
        sa.select(Membership)
        .where(Membership.user_id == user.id, Membership.role == Role.REVIEWER)
        .order_by(Membership.id)
        .limit(1)
    )
    if membership is None:
        raise DomainError("committee.not_reviewer", name=user.full_name)
    reviewer = db.session.scalar(
        sa.select(Reviewer).where(
            Reviewer.committee_id == committee.id, Reviewer.user_id == user.id
        )
    )
    if reviewer is not None and reviewer.active:
        raise DomainError("committee.already_member", name=user.full_name)
    if reviewer is None:
        reviewer = Reviewer(committee=committee, user=user, unit_id=membership.unit_id)
        db.session.add(reviewer)
    reviewer.active = True
    reviewer.title = title
    db.session.flush()
    audit.record(
        actor,
        "committee.add_reviewer",
        reviewer,
        unit_id=reviewer.unit_id,
        details={"user": user.username},
    )
    return reviewer


def remove_reviewer(actor, reviewer: Reviewer) -> int:
    """Deactivate a member and drop their assignments that have no submitted scorecard.
    Returns how many assignments were dropped."""
    dropped = 0
    for assignment in queries.assignments_of_reviewer(reviewer):
        if assignment.scorecard is None or not assignment.scorecard.is_submitted:
            _delete_assignment(assignment)
            dropped += 1
    reviewer.active = False
    db.session.flush()
    audit.record(
        actor,
        "committee.remove_reviewer",
        reviewer,
        unit_id=reviewer.unit_id,
        details={"dropped_assignments": dropped},
    )
    return dropped


# --- conflicts of interest -------------------------------------------------------------


def declare_conflict(actor, assignment: Assignment, reason: str) -> ConflictOfInterest:
    """A reviewer declares a conflict on a nomination assigned to them. It counts as a
    conflict (no new assignment) until the secretary clears it."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("conflict.reason_required")
    pending = db.session.scalar(
        sa.select(ConflictOfInterest.id).where(
            ConflictOfInterest.reviewer_id == assignment.reviewer_id,
            ConflictOfInterest.nomination_id == assignment.nomination_id,
            ConflictOfInterest.status == ConflictStatus.PENDING,
        )
    )
    if pending:  # declared already (a double click): uq_conflicts_of_interest_pending
        raise DomainError("conflict.already_declared")
    conflict = ConflictOfInterest(
        reviewer_id=assignment.reviewer_id,
        nomination_id=assignment.nomination_id,
        source=ConflictSource.DECLARED,
        status=ConflictStatus.PENDING,
        reason=reason,
    )
    db.session.add(conflict)
    db.session.flush()
    audit.record(
        actor,
        "conflict.declare",
        conflict,
        unit_id=assignment.nomination.unit_id,
        to_state=ConflictStatus.PENDING.value,
        note=reason,
    )
    return conflict


def decide_conflict(actor, conflict: ConflictOfInterest, *, confirm: bool, note: str = ""):
    """Confirm (the reviewer's assignment without a submitted scorecard is dropped) or
    clear a declared conflict."""
    if conflict.status != ConflictStatus.PENDING:
        raise DomainError("conflict.already_decided")
    before = conflict.status
    conflict.status = ConflictStatus.CONFIRMED if confirm else ConflictStatus.CLEARED
    conflict.decided_by_id = actor.id
    dropped = 0
    if confirm and conflict.nomination_id is not None:
        assignment = db.session.scalar(
            sa.select(Assignment).where(
                Assignment.nomination_id == conflict.nomination_id,
                Assignment.reviewer_id == conflict.reviewer_id,
            )
        )
        if assignment is not None and not (
            assignment.scorecard is not None and assignment.scorecard.is_submitted
        ):
            _delete_assignment(assignment)
            dropped = 1
    db.session.flush()
    audit.record(
        actor,
        "conflict.confirm" if confirm else "conflict.clear",
        conflict,
        unit_id=conflict.nomination.unit_id if conflict.nomination else conflict.unit_id,
        from_state=before.value,
        to_state=conflict.status.value,
        note=note,
        details={"dropped_assignment": dropped},
    )


# --- assignment --------------------------------------------------------------------------


def auto_assign(actor, campaign: Campaign) -> planner.Plan:
    """Top every nomination in review up to k conflict-free reviewers, balancing load.
    Existing assignments stay. One audit row for the run (listing the pairs)."""
    committee = queries.committee_of(campaign)
    if committee is None:
        raise DomainError("committee.missing")
    data = queries.assignment_input(campaign, committee)
    result = planner.plan(
        data.nomination_ids,
        data.reviewer_ids,
        data.conflicts,
        campaign.reviewers_per_nomination,
        existing=data.existing,
    )
    now = utcnow()
    created = [
        Assignment(nomination_id=n, reviewer_id=r, assigned_by_id=actor.id, assigned_at=now)
        for n, r in result.pairs
    ]
    db.session.add_all(created)
    db.session.flush()
    notifications.emit(NotificationKind.REVIEW_ASSIGNED, campaign, actor=actor, assignments=created)
    audit.record(
        actor,
        "assignment.auto",
        campaign,
        unit_id=campaign.organising_unit_id,
        details={
            "k": campaign.reviewers_per_nomination,
            "created": len(result.pairs),
            "pairs": [list(p) for p in result.pairs],
            "shortfalls": {str(n): c for n, c in result.shortfalls.items()},
        },
    )
    return result


def assign(actor, nomination: Nomination, reviewer: Reviewer) -> Assignment:
    """A manual assignment; a conflicted reviewer is refused."""
    if nomination.state != NominationState.IN_REVIEW:
        raise DomainError("assignment.not_in_review")
    if queries.is_conflicted(reviewer, nomination):
        raise DomainError(
            "assignment.conflicted",
            reviewer=reviewer.user.full_name,
            nomination=nomination.recipient_name,
        )
    exists = db.session.scalar(
        sa.select(Assignment.id).where(
            Assignment.nomination_id == nomination.id, Assignment.reviewer_id == reviewer.id
        )
    )
    if exists:
        raise DomainError(
            "assignment.duplicate",
            reviewer=reviewer.user.full_name,
            nomination=nomination.recipient_name,
        )
    assignment = Assignment(nomination=nomination, reviewer=reviewer, assigned_by_id=actor.id)
    db.session.add(assignment)
    db.session.flush()
    notifications.emit(
        NotificationKind.REVIEW_ASSIGNED, nomination.campaign, actor=actor, assignments=[assignment]
    )
    audit.record(
        actor,
        "assignment.add",
        assignment,
        unit_id=nomination.unit_id,
        details={"nomination": nomination.id, "reviewer": reviewer.id},
    )
    return assignment


def unassign(actor, assignment: Assignment) -> None:
    if assignment.scorecard is not None and assignment.scorecard.is_submitted:
        raise DomainError(
            "assignment.has_submitted_scorecard", reviewer=assignment.reviewer.user.full_name
        )
    audit.record(
        actor,
        "assignment.remove",
        assignment,
        unit_id=assignment.nomination.unit_id,
        details={"nomination": assignment.nomination_id, "reviewer": assignment.reviewer_id},
    )
    _delete_assignment(assignment)
    db.session.flush()


def _delete_assignment(assignment: Assignment) -> None:
    if assignment.scorecard is not None:
        db.session.delete(assignment.scorecard)
    db.session.delete(assignment)


# --- scoring -------------------------------------------------------------------------------


def parse_points(raw, criterion, half_points: bool) -> Decimal | None:
    """``raw`` as points for ``criterion``: None when blank; DomainError-free ValueError
    with a Vietnamese message when out of range or not a whole (or half) number."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError("Điểm phải là một số.") from None
    if not value.is_finite():
        raise ValueError("Điểm phải là một số.")
    if value < 0 or value > criterion.max_points:
        raise ValueError(f"Điểm phải từ 0 đến {_fmt(criterion.max_points)}.")
    step = Decimal("0.5") if half_points else Decimal(1)
    if value % step != 0:
        raise ValueError(
            "Chỉ được chấm điểm nguyên hoặc nửa điểm (0,5)."
            if half_points
            else "Chỉ được chấm điểm nguyên."
        )
    return value


def _fmt(value: Decimal) -> str:
    text = f"{Decimal(value).normalize():f}"
    return text.replace(".", ",")


def weighted_total(points_by_criterion: dict[int, Decimal], criteria) -> Decimal:
    total = sum(
        (
            points_by_criterion[c.id] * Decimal(c.weight)
            for c in criteria
            if c.id in points_by_criterion
        ),
        Decimal(0),
    )
    return total.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def save_scorecard(
    actor,
    assignment: Assignment,
    *,
    points: dict[int, object],
    comments: dict[int, str],
    comment: str,
    expected_version: int | None,
    submit: bool,
    today: date | None = None,
) -> Scorecard:
    """Save a draft, or submit (every criterion scored; total stored; locked; audited),
    only inside the campaign's review window.

    A second submit of a submitted scorecard raises ScorecardAlreadySubmitted and
    changes nothing; any other write to a submitted scorecard is refused."""
    nomination = assignment.nomination
    campaign = nomination.campaign
    scorecard = assignment.scorecard
    if scorecard is not None and scorecard.is_submitted:
        if submit:
            raise ScorecardAlreadySubmitted()
        raise DomainError("scorecard.locked")
    if nomination.state != NominationState.IN_REVIEW:
        raise DomainError("scorecard.not_in_review")
    window.check_scoring_open(campaign, today or vietnamese.today())
    if scorecard is not None and (expected_version or 0) != scorecard.version:
        raise StaleVersion()
    criteria = list(campaign.criteria)
    parsed: dict[int, Decimal] = {}
    for criterion in criteria:
        try:
            value = parse_points(points.get(criterion.id), criterion, campaign.half_points)
        except ValueError as err:
            raise DomainError("scorecard.incomplete") from err
        if value is not None:
            parsed[criterion.id] = value
    if submit and len(parsed) < len(criteria):
        raise DomainError("scorecard.incomplete")

    if scorecard is None:
        scorecard = Scorecard(assignment=assignment)
        db.session.add(scorecard)
    existing = {s.criterion_id: s for s in scorecard.scores}
    for criterion in criteria:
        score = existing.get(criterion.id)
        if criterion.id not in parsed:
            if score is not None:
                scorecard.scores.remove(score)
            continue
        if score is None:
            score = Score(criterion_id=criterion.id, points=parsed[criterion.id])
            scorecard.scores.append(score)
        score.points = parsed[criterion.id]
        score.comment = (comments.get(criterion.id) or "").strip()
    scorecard.comment = (comment or "").strip()
    scorecard.updated_at = utcnow()  # always dirty: the version moves on every save
    if submit:
        scorecard.total = weighted_total(parsed, criteria)
        scorecard.submitted_at = utcnow()
    db.session.flush()
    audit.record(
        actor,
        "scorecard.submit" if submit else "scorecard.save",
        scorecard,
        unit_id=nomination.unit_id,
        to_state="submitted" if submit else "draft",
        details={
            "nomination": nomination.id,
            "points": {str(k): str(v) for k, v in sorted(parsed.items())},
            "total": str(scorecard.total) if submit else None,
        },
    )
    return scorecard


def reopen_scorecard(actor, scorecard: Scorecard, note: str = "") -> None:
    if not scorecard.is_submitted:
        raise DomainError("scorecard.not_submitted")
    previous_total = scorecard.total
    scorecard.submitted_at = None
    scorecard.total = None
    scorecard.updated_at = utcnow()
    db.session.flush()
    audit.record(
        actor,
        "scorecard.reopen",
        scorecard,
        unit_id=scorecard.assignment.nomination.unit_id,
        from_state="submitted",
        to_state="draft",
        note=note,
        details={"previous_total": str(previous_total)},
    )


# --- decisions from the ranking ----------------------------------------------------------


def _scoring_incomplete(counts: tuple[int, int]) -> bool:
    submitted, assigned = counts
    return assigned == 0 or submitted < assigned


def decide(
    actor,
    award_type: AwardType,
    nomination_ids: list[int],
    *,
    approve: bool,
    override_note: str = "",
) -> int:
    """Approve or decline the chosen nominations of ``award_type`` in bulk, each through
    workflow.transition (one audit row each). Approving needs a written override, stored
    as the note (and flagged in the details) of every approval it covers, when it goes
    beyond the quota or when a nomination has not every assigned scorecard submitted
    (or none assigned). The award type is locked first, so concurrent approvals count
    the quota one after the other."""
    if not nomination_ids:
        raise DomainError("ranking.nothing_selected")
    if approve:
        rankings.lock_award_type(award_type)
    nominations = rankings.nominations_to_decide(award_type, nomination_ids)
    override_note = (override_note or "").strip()
    scoring = rankings.scoring_counts([n.id for n in nominations]) if approve else {}
    if approve:
        already = rankings.approved_count(award_type)
        wanted = [n for n in nominations if n.state == NominationState.IN_REVIEW]
        total = already + len(wanted)
        if total > award_type.quota and not override_note:
            raise DomainError("ranking.override_required", total=total, quota=award_type.quota)
        unscored = [n for n in wanted if _scoring_incomplete(scoring[n.id])]
        if unscored and not override_note:
            raise DomainError(
                "ranking.scoring_incomplete",
                count=len(unscored),
                names="; ".join(n.recipient_name for n in unscored[:5]),
            )
    taken = 0
    approved_so_far = rankings.approved_count(award_type) if approve else 0
    for nomination in nominations:
        if nomination.state != NominationState.IN_REVIEW:
            continue  # decided meanwhile (another tab): leave it
        past_quota = approve and approved_so_far >= award_type.quota
        unscored = approve and _scoring_incomplete(scoring[nomination.id])
        details = {}
        if past_quota:
            details["quota_override"] = True
        if unscored:
            submitted, assigned = scoring[nomination.id]
            details["scoring_override"] = {"submitted": submitted, "assigned": assigned}
        workflow.transition(
            nomination,
            "approve" if approve else "decline",
            actor,
            note=override_note if details else "",
            details=details or None,
        )
        if approve:
            approved_so_far += 1
        taken += 1
    return taken
