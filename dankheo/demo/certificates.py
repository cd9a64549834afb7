"""Demo stage: one signed decision per award type that has approved nominations, with
its certificates rendered synchronously (and signed with a self-signed demo key when
SIGNING_PKCS12_PATH is configured, as `make run` does)."""

from datetime import date
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from dankheo.certificates.decisions import create_decision, document_defaults, sign_decision
from dankheo.certificates.jobs import issue_pending, store_decision_pdf
from dankheo.extensions import db
from dankheo.models import (
    AwardType,
    Decision,
    DecisionItem,
    Nomination,
    NominationState,
    Role,
    User,
)
from dankheo.pdf.signing import generate_demo_key
from dankheo.permissions import can


def _actor(award_type: AwardType) -> User | None:
    users = db.session.scalars(sa.select(User).where(User.active.is_(True)).order_by(User.id))
    secretaries = [u for u in users if u.has_role(Role.SECRETARY) or u.has_role(Role.ADMIN)]
    secretaries.sort(key=lambda u: u.has_role(Role.ADMIN))  # a secretary signs before admin
    return next((u for u in secretaries if can(u, "decision.manage", award_type.campaign)), None)


def _demo_key() -> str:
    path = current_app.config.get("SIGNING_PKCS12_PATH")
    if path and not Path(path).exists():
        generate_demo_key(
            Path(path),
            current_app.config.get("SIGNING_PKCS12_PASSPHRASE", ""),
            "Ban Dân vận Tỉnh ủy Tây Ninh (khóa thử nghiệm)",
        )
        return f", self-signed demo key written to {path}"
    return ""


def seed() -> str:
    taken = sa.select(DecisionItem.nomination_id)
    approved = list(
        db.session.scalars(
            sa.select(Nomination)
            .where(Nomination.state == NominationState.APPROVED, Nomination.id.not_in(taken))
            .order_by(Nomination.award_type_id, Nomination.id)
        )
    )
    if not approved:
        return "certificates: skipped (no approved nominations to award)"
    key_note = _demo_key()
    by_type: dict[int, list[Nomination]] = {}
    for nomination in approved:
        by_type.setdefault(nomination.award_type_id, []).append(nomination)
    issued = decisions = 0
    for award_type_id, nominations in by_type.items():
        award_type = db.session.get(AwardType, award_type_id)
        actor = _actor(award_type)
        if actor is None:
            continue
        number = (
            db.session.scalar(
                sa.select(sa.func.max(Decision.number)).where(
                    Decision.award_type_id == award_type_id
                )
            )
            or 0
        ) + 1
        day = date(award_type.campaign.year, 12, 15)
        defaults = document_defaults(award_type, day)
        decision = create_decision(
            actor,
            award_type,
            number=number,
            signed_on=day,
            place=defaults["place"],
            signer_name=defaults["signer_name"] or "Nguyễn Thành Tâm",
            signer_title=defaults["signer_title"] or "Chủ tịch",
            nomination_ids=[n.id for n in nominations],
        )
        sign_decision(actor, decision, today=decision.signed_on)
        db.session.commit()
        issued += issue_pending(decision.id)
        store_decision_pdf(decision.id)
        decisions += 1
    return f"certificates: {decisions} signed decisions, {issued} certificates issued{key_note}"
