"""Reads of the certificates area: decisions a user may see, their items and
certificates in decision order, issuing progress, and look-ups by serial."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from dankheo.extensions import db
from dankheo.models import (
    AwardType,
    Campaign,
    Certificate,
    CertificateStatus,
    Decision,
    DecisionItem,
    DecisionStatus,
    Nomination,
    NominationState,
    Signer,
    SignerDelegation,
    Unit,
)
from dankheo.models.signers import signers_for
from dankheo.permissions import is_admin, organising_unit_ids


def organised_campaign_ids(user) -> sa.Select | None:
    """Campaigns ``user`` runs as secretary (None: every campaign, for admins)."""
    if is_admin(user):
        return None
    unit_ids = sorted(organising_unit_ids(user))
    return sa.select(Campaign.id).where(Campaign.organising_unit_id.in_(unit_ids or [-1]))


def decisions_for(user, *, q: str = "", campaign_id: int | None = None) -> sa.Select:
    query = (
        sa.select(Decision)
        .options(joinedload(Decision.campaign), joinedload(Decision.award_type))
        .order_by(Decision.signed_on.desc(), Decision.id.desc())
    )
    scope = organised_campaign_ids(user)
    if scope is not None:
        query = query.where(Decision.campaign_id.in_(scope))
    if campaign_id:
        query = query.where(Decision.campaign_id == campaign_id)
    if q:
        query = query.where(Decision.number_text.ilike(f"%{q.strip()}%"))
    return query


def item_counts(decision_ids: list[int]) -> dict[int, int]:
    """How many recipients each decision of a list page has (one GROUP BY, not the
    items of every decision)."""
    if not decision_ids:
        return {}
    rows = db.session.execute(
        sa.select(DecisionItem.decision_id, sa.func.count())
        .where(DecisionItem.decision_id.in_(decision_ids))
        .group_by(DecisionItem.decision_id)
    )
    return {decision_id: n for decision_id, n in rows}


def award_types_for(user) -> list[AwardType]:
    query = (
        sa.select(AwardType)
        .join(AwardType.campaign)
        .options(joinedload(AwardType.campaign))
        .order_by(Campaign.year.desc(), AwardType.id)
    )
    scope = organised_campaign_ids(user)
    if scope is not None:
        query = query.where(AwardType.campaign_id.in_(scope))
    return list(db.session.scalars(query))


def decision(decision_id: int) -> Decision | None:
    return db.session.scalar(
        sa.select(Decision)
        .where(Decision.id == decision_id)
        .options(
            joinedload(Decision.campaign),
            joinedload(Decision.award_type),
            selectinload(Decision.items)
            .joinedload(DecisionItem.nomination)
            .joinedload(Nomination.unit),
        )
    )


def certificates_of(decision: Decision) -> list[Certificate]:
    """Every certificate of a decision (corrections after the one they replace)."""
    return list(
        db.session.scalars(
            sa.select(Certificate)
            .where(Certificate.decision_id == decision.id)
            .order_by(Certificate.position, Certificate.id)
        )
    )


def original_certificates(decision: Decision) -> list[Certificate]:
    """The certificates the decision awarded, in its order (corrections left out)."""
    return list(
        db.session.scalars(
            sa.select(Certificate)
            .where(Certificate.decision_id == decision.id, Certificate.replaces_id.is_(None))
            .order_by(Certificate.position, Certificate.id)
        )
    )


def certificates_in_order(decision: Decision, ids: list[int] | None = None) -> list[Certificate]:
    """The decision's printable (valid) certificates in decision order, optionally a subset."""
    query = (
        sa.select(Certificate)
        .where(
            Certificate.decision_id == decision.id,
            Certificate.status == CertificateStatus.VALID,
        )
        .options(
            joinedload(Certificate.decision).joinedload(Decision.award_type),
        )
        .order_by(Certificate.position, Certificate.id)
    )
    if ids is not None:
        query = query.where(Certificate.id.in_(ids))
    return list(db.session.scalars(query))


def progress(decision: Decision) -> dict:
    """{done, total, finished, text} of a decision's issuing, for the progress bar."""
    rows = db.session.execute(
        sa.select(Certificate.status, sa.func.count())
        .where(Certificate.decision_id == decision.id)
        .group_by(Certificate.status)
    ).all()
    counts = {status: n for status, n in rows}
    total = sum(counts.values())
    pending = counts.get(CertificateStatus.PENDING, 0)
    done = total - pending
    finished = pending == 0 and bool(decision.file_path or total == 0)
    text = f"Đã phát hành {done}/{total} {decision.award_type.form_label.lower()}"
    if pending == 0 and total:
        text += "" if decision.file_path else " – đang lưu quyết định"
    return {"done": done, "total": total, "finished": finished, "text": text}


def approved_nominations(award_type: AwardType, decision: Decision | None = None) -> list:
    """Approved nominations of an award type that no other decision lists yet."""
    taken = sa.select(DecisionItem.nomination_id)
    if decision is not None:
        taken = taken.where(DecisionItem.decision_id != decision.id)
    return list(
        db.session.scalars(
            sa.select(Nomination)
            .where(
                Nomination.award_type_id == award_type.id,
                Nomination.state == NominationState.APPROVED,
                Nomination.id.not_in(taken),
            )
            .options(joinedload(Nomination.unit))
            .order_by(Nomination.id)
        )
    )


def certificate_by_serial(serial: str) -> Certificate | None:
    return db.session.scalar(
        sa.select(Certificate)
        .where(Certificate.serial == serial.strip().upper())
        .options(
            joinedload(Certificate.decision).joinedload(Decision.award_type),
            joinedload(Certificate.replaces),
        )
    )


def replacement_of(cert: Certificate) -> Certificate | None:
    return db.session.scalar(sa.select(Certificate).where(Certificate.replaces_id == cert.id))


# --- signers and signing (issue 15) ----------------------------------------------------


def signers_for_campaign(campaign: Campaign) -> list[Signer]:
    """Active signers who sign for the campaign's organising unit or a body above it."""
    organiser_path = campaign.organising_unit.path
    return list(
        db.session.scalars(
            sa.select(Signer)
            .join(Unit, Unit.id == Signer.unit_id)
            .where(Signer.active.is_(True), sa.literal(organiser_path).startswith(Unit.path))
            .order_by(Signer.full_name, Signer.id)
        )
    )


def signer(signer_id: int) -> Signer | None:
    return db.session.scalar(
        sa.select(Signer)
        .where(Signer.id == signer_id)
        .options(
            joinedload(Signer.unit),
            joinedload(Signer.user),
            selectinload(Signer.delegations).joinedload(SignerDelegation.user),
        )
    )


def signers_page(q: str = "") -> sa.Select:
    query = (
        sa.select(Signer)
        .options(joinedload(Signer.unit), joinedload(Signer.user))
        .order_by(Signer.active.desc(), Signer.full_name, Signer.id)
    )
    if q:
        query = query.where(Signer.full_name.ilike(f"%{q.strip()}%"))
    return query


def awaiting_signature(user, on) -> list[Decision]:
    """Drafts sent for signature to a signer ``user`` may confirm for (their own, or
    under a delegation in force), oldest first."""
    ids = signers_for(user, on).with_only_columns(Signer.id)
    return list(
        db.session.scalars(
            sa.select(Decision)
            .where(
                Decision.status == DecisionStatus.DRAFT,
                Decision.submitted_at.is_not(None),
                Decision.signer_id.in_(ids),
            )
            .options(
                joinedload(Decision.campaign),
                joinedload(Decision.award_type),
                joinedload(Decision.signer),
                selectinload(Decision.items),
            )
            .order_by(Decision.submitted_at, Decision.id)
        )
    )


def signed_by_me(user, limit: int = 20) -> list[Decision]:
    """Decisions ``user`` confirmed lately (the signer's own record of what they signed)."""
    return list(
        db.session.scalars(
            sa.select(Decision)
            .where(Decision.signed_by_id == user.id, Decision.signer_id.is_not(None))
            .options(joinedload(Decision.award_type), joinedload(Decision.signer))
            .order_by(Decision.signed_at.desc(), Decision.id.desc())
            .limit(limit)
        )
    )


def pending_count(decision: Decision) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Certificate)
        .where(
            Certificate.decision_id == decision.id,
            Certificate.status == CertificateStatus.PENDING,
        )
    )
