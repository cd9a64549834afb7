"""Demo stage: one signed decision per award type that has approved nominations, with
its certificates rendered synchronously.

Each decision is signed by a demo signer with their own self-signed demo key (PKCS#12,
one per signer, in SIGNING_KEY_DIR) when the configuration names the demo passphrase
(SIGNING_SECRETS["demo-signers"], as `make run` does): the chairman signs the State
awards, the head of the organising board the Party ones. Without it, decisions are
recorded as signed on paper (sealed with SIGNING_PKCS12_PATH when that is configured)."""

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from dankheo.auth.services import create_user
from dankheo.certificates import signers
from dankheo.certificates.decisions import (
    create_decision,
    document_defaults,
    sign_decision,
    submit_for_signature,
)
from dankheo.certificates.jobs import issue_pending, store_decision_pdf
from dankheo.demo.accounts import DEMO_PASSWORD
from dankheo.extensions import db
from dankheo.models import (
    AwardType,
    Decision,
    DecisionItem,
    IssuerProfile,
    KeyKind,
    Nomination,
    NominationState,
    Role,
    SecretSource,
    Signer,
    SignerAuthority,
    Unit,
    User,
)
from dankheo.pdf.signing import generate_demo_key
from dankheo.permissions import can

DEMO_SECRET_REF = "demo-signers"  # noqa: S105 (a name in SIGNING_SECRETS)
# username, full name, title of the demo signers
CHAIRMAN = ("chutich", "Nguyễn Thành Tâm", "Chủ tịch")
BOARD_HEAD = ("truongban", "Trần Thị Kim Hương", "Trưởng ban")


def _actor(award_type: AwardType) -> User | None:
    users = db.session.scalars(sa.select(User).where(User.active.is_(True)).order_by(User.id))
    secretaries = [u for u in users if u.has_role(Role.SECRETARY) or u.has_role(Role.ADMIN)]
    secretaries.sort(key=lambda u: u.has_role(Role.ADMIN))  # a secretary signs before admin
    return next((u for u in secretaries if can(u, "decision.manage", award_type.campaign)), None)


def _seal_key() -> str:
    path = current_app.config.get("SIGNING_PKCS12_PATH")
    if path and not Path(path).exists():
        generate_demo_key(
            Path(path),
            current_app.config.get("SIGNING_PKCS12_PASSPHRASE", ""),
            "Ban Dân vận Tỉnh ủy Tây Ninh (khóa thử nghiệm)",
        )
        return f", self-signed seal key written to {path}"
    return ""


@contextmanager
def _jobs_in_process() -> Iterator[None]:
    """Run jobs (the key check) here: seed-demo runs before any worker is started."""
    app = current_app._get_current_object()
    backend, huey = app.config["HUEY_BACKEND"], app.extensions.pop("dankheo_huey", None)
    app.config["HUEY_BACKEND"] = "immediate"
    try:
        yield
    finally:
        app.config["HUEY_BACKEND"] = backend
        app.extensions.pop("dankheo_huey", None)
        if huey is not None:
            app.extensions["dankheo_huey"] = huey


def _demo_signer(award_type: AwardType, admin: User) -> Signer | None:
    """The demo signer of an award type's decisions, created with its own key once."""
    passphrase = (current_app.config.get("SIGNING_SECRETS") or {}).get(DEMO_SECRET_REF)
    if not passphrase or admin is None:
        return None
    party = award_type.issuer_profile == IssuerProfile.PARTY
    username, full_name, title = BOARD_HEAD if party else CHAIRMAN
    unit = award_type.campaign.organising_unit
    if not party:
        unit = db.session.get(Unit, int(unit.path.strip("/").split("/")[0]))  # the province
    found = db.session.scalar(
        sa.select(Signer).join(User, User.id == Signer.user_id).where(User.username == username)
    )
    if found is not None:
        return found
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        user = create_user(username, full_name, DEMO_PASSWORD)
    with tempfile.TemporaryDirectory() as tmp:
        key = generate_demo_key(
            Path(tmp) / "demo.p12", passphrase, full_name, title=f"{title} (khóa thử nghiệm)"
        )
        return signers.save_signer(
            admin,
            None,
            unit=unit,
            user=user,
            full_name=full_name,
            title=title,
            authority=SignerAuthority.HEAD,
            authority_of="",
            key_kind=KeyKind.PKCS12,
            key_upload=key.read_bytes(),
            pkcs11_module="",
            token_label="",
            key_label="",
            secret_source=SecretSource.CONFIG,
            secret_ref=DEMO_SECRET_REF,
            typed_secret="",
        )


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
    key_note = _seal_key()
    admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
    by_type: dict[int, list[Nomination]] = {}
    for nomination in approved:
        by_type.setdefault(nomination.award_type_id, []).append(nomination)
    issued = decisions = personal = 0
    with _jobs_in_process():
        for award_type_id, nominations in by_type.items():
            award_type = db.session.get(AwardType, award_type_id)
            actor = _actor(award_type)
            if actor is None:
                continue
            signer = _demo_signer(award_type, admin)
            number = (
                db.session.scalar(
                    sa.select(sa.func.max(Decision.number)).where(
                        Decision.award_type_id == award_type_id
                    )
                )
                or 0
            ) + 1
            day = date(award_type.campaign.year, 12, 15)
            defaults = document_defaults(award_type, day)  # the issuer's settings
            decision = create_decision(
                actor,
                award_type,
                number=number,
                signed_on=day,
                place=defaults["place"],
                signer_name=defaults["signer_name"] or "Nguyễn Thành Tâm",
                signer_title=defaults["signer_title"] or "Chủ tịch",
                nomination_ids=[n.id for n in nominations],
                signer=signer,
            )
            if signer is not None:
                submit_for_signature(actor, decision)
                sign_decision(signer.user, decision, today=decision.signed_on)
                personal += 1
            else:
                sign_decision(actor, decision, today=decision.signed_on)
            db.session.commit()
            issued += issue_pending(decision.id)
            store_decision_pdf(decision.id)
            decisions += 1
    signed_note = f" ({personal} signed with the demo signers' own keys)" if personal else ""
    return (
        f"certificates: {decisions} signed decisions{signed_note}, {issued} certificates "
        f"issued{key_note}"
    )
