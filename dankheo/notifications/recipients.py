"""Who an event concerns: the officers of a unit, the secretaries of a campaign's
organising unit, the officers a campaign reaches, reviewers with scorecards to submit.
Each is one query returning active users."""

import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models.accounts import Membership, Role, User
from dankheo.models.campaigns import Campaign
from dankheo.models.nominations import Nomination, NominationState
from dankheo.models.review import Assignment, Reviewer, Scorecard
from dankheo.models.units import Unit, UnitKind


def _members(role: Role, condition) -> sa.Select:
    return (
        sa.select(User)
        .join(Membership, Membership.user_id == User.id)
        .join(Unit, Unit.id == Membership.unit_id)
        .where(Membership.role == role, User.active.is_(True), condition)
        .distinct()
    )


def officers_of_units(unit_ids) -> dict[int, list[User]]:
    """Per unit id: the active officers whose membership is that very unit (a district's
    officers are not told of every commune's dossier)."""
    unit_ids = set(unit_ids)
    out: dict[int, list[User]] = {uid: [] for uid in unit_ids}
    if not unit_ids:
        return out
    rows = db.session.execute(
        sa.select(Membership.unit_id, User)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.role == Role.OFFICER,
            Membership.unit_id.in_(unit_ids),
            User.active.is_(True),
        )
        .order_by(User.id)
    )
    for unit_id, user in rows:
        out[unit_id].append(user)
    return out


def nomination_officers(nominations) -> dict[int, list[User]]:
    """Per nomination id: the officers of its unit and the officer who created it."""
    nominations = list(nominations)
    by_unit = officers_of_units(n.unit_id for n in nominations)
    creator_ids = {n.created_by_id for n in nominations if n.created_by_id}
    creators = {
        u.id: u
        for u in db.session.scalars(
            sa.select(User).where(User.id.in_(creator_ids), User.active.is_(True))
        )
    }
    out = {}
    for n in nominations:
        users = {u.id: u for u in by_unit.get(n.unit_id, [])}
        if n.created_by_id in creators:
            users.setdefault(n.created_by_id, creators[n.created_by_id])
        out[n.id] = list(users.values())
    return out


def campaign_secretaries(campaign: Campaign) -> list[User]:
    return list(
        db.session.scalars(
            _members(Role.SECRETARY, Membership.unit_id == campaign.organising_unit_id)
        )
    )


def reach_root(campaign: Campaign) -> Unit:
    """The subtree a campaign is run for: a secretary's agency (the Ban Dân vận) works
    for the territory it serves, its parent (permissions.reach_roots says the same)."""
    unit = campaign.organising_unit
    if unit.kind == UnitKind.AGENCY and unit.parent is not None:
        return unit.parent
    return unit


def officers_reached(campaign: Campaign) -> list[User]:
    root = reach_root(campaign)
    return list(
        db.session.scalars(
            _members(Role.OFFICER, sa.and_(Unit.path >= root.path, Unit.path < root.path + "~"))
        )
    )


def reviewers_with_open_scorecards(campaign: Campaign) -> list[tuple[User, int]]:
    """(reviewer, scorecards not yet submitted) of nominations still in review."""
    rows = db.session.execute(
        sa.select(User, sa.func.count(Assignment.id))
        .join(Reviewer, Reviewer.user_id == User.id)
        .join(Assignment, Assignment.reviewer_id == Reviewer.id)
        .join(Nomination, Nomination.id == Assignment.nomination_id)
        .outerjoin(Scorecard, Scorecard.assignment_id == Assignment.id)
        .where(
            Nomination.campaign_id == campaign.id,
            Nomination.state == NominationState.IN_REVIEW,
            Reviewer.active.is_(True),
            User.active.is_(True),
            Scorecard.submitted_at.is_(None),
        )
        .group_by(User.id)
        .order_by(User.id)
    )
    return [(user, count) for user, count in rows]
