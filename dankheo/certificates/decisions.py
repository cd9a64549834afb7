"""Decisions (quyết định khen thưởng): drafts that list approved nominations in order,
their numbers and the line that cites them, and signing, which awards the nominations
and allocates the certificates' serials.

Services take ``actor``, check ``permissions.require``, raise DomainError, ``flush()``
and never commit (the view's transaction does; rendering is queued after it)."""

import re
from datetime import date

import sqlalchemy as sa

from dankheo import audit, vietnamese, workflow
from dankheo.certificates import layout
from dankheo.certificates import signers as signer_keys
from dankheo.certificates.issuers import settings_for
from dankheo.errors import DomainError, PermissionDenied, StaleVersion
from dankheo.extensions import db
from dankheo.models import (
    AwardType,
    Campaign,
    Certificate,
    Decision,
    DecisionItem,
    DecisionStatus,
    Nomination,
    NominationState,
    Signer,
    utcnow,
)
from dankheo.models.notifications import NotificationKind
from dankheo.notifications import events as notifications
from dankheo.permissions import can, require, unit_within
from dankheo.vietnamese import document_date, nfc

SERIAL_PREFIX = "DVK"
SERIAL_RE = re.compile(r"^DVK-\d{4}-\d{6}$")


def number_text(award_type: AwardType, number: int, day: date | None = None) -> str:
    """ "Số: 123/QĐ-UBND" (State, Decree 30/2020) or "Số 123-QĐ/BTGDVTU" (Party), with
    the issuer's code valid on ``day`` (the decision's date)."""
    return settings_for(award_type, day or vietnamese.today()).number(number)


# The document fields a draft carries (copied from the issuer's settings when not given;
# the office adjusts them on the draft). Signer fields are filled the same way.
DOCUMENT_FIELDS = ("signer_authority", "proposer", "legal_basis", "recipients")


def document_defaults(award_type: AwardType, day: date) -> dict[str, str]:
    """What a new draft starts with: the issuer's place, signer, legal basis, proposer
    and Nơi nhận on ``day``."""
    settings = settings_for(award_type, day)
    return {
        "place": settings.place,
        "signer_authority": settings.signer_authority,
        "signer_title": settings.signer_title,
        "signer_name": settings.signer_name,
        "proposer": settings.proposer,
        "legal_basis": "\n".join(settings.legal_basis),
        "recipients": "\n".join(settings.recipients),
    }


def _document_fields(decision: Decision, values: dict) -> None:
    """Set the document fields given; a chosen signer's own authority line wins over a
    typed one (issue 15 copies it from the signer record)."""
    for key in DOCUMENT_FIELDS:
        if key == "signer_authority" and decision.signer is not None:
            continue
        if values.get(key) is not None:
            setattr(decision, key, nfc(values[key]))


def decision_line(decision: Decision) -> str:
    """ "Quyết định số 123/QĐ-UBND ngày 15 tháng 12 năm 2024" (bottom left)."""
    return citation(decision.number_text, decision.signed_on)


def citation(number_text_: str, day: date) -> str:
    """The line citing a decision by its number text and date (Decree 30/2020 date)."""
    number = re.sub(r"^Số:?\s*", "", number_text_)
    return f"Quyết định số {number} {document_date(day)}"


def _eligible_nominations(award_type: AwardType, ids: list[int], decision: Decision | None):
    """The approved nominations of ``award_type`` among ``ids``, not in another decision."""
    if not ids:
        raise DomainError("decision.no_nominations")
    taken = sa.select(DecisionItem.nomination_id)
    if decision is not None and decision.id is not None:
        taken = taken.where(DecisionItem.decision_id != decision.id)
    found = list(
        db.session.scalars(
            sa.select(Nomination).where(
                Nomination.id.in_(ids),
                Nomination.award_type_id == award_type.id,
                Nomination.state == NominationState.APPROVED,
                Nomination.id.not_in(taken),
            )
        )
    )
    if len(found) != len(set(ids)):
        raise DomainError("decision.nomination_not_eligible")
    by_id = {n.id: n for n in found}
    return [by_id[i] for i in dict.fromkeys(ids)]


def _check_number(award_type: AwardType, number: int, decision: Decision | None) -> None:
    clash = db.session.scalar(
        sa.select(Decision.id).where(
            Decision.award_type_id == award_type.id, Decision.number == number
        )
    )
    if clash is not None and (decision is None or clash != decision.id):
        raise DomainError("decision.number_taken", number=number)


def create_decision(
    actor,
    award_type: AwardType,
    *,
    number: int,
    signed_on: date,
    place: str,
    signer_name: str,
    signer_title: str,
    nomination_ids: list[int],
    signer: Signer | None = None,
    **document: str,
) -> Decision:
    """A draft decision awarding the given approved nominations, in that order. With a
    ``signer``, the printed signature block is theirs (authority line, title, name) and
    only they, or their office under a recorded delegation, can sign it. ``document`` may
    give the DOCUMENT_FIELDS; the issuer's settings fill the rest."""
    campaign: Campaign = award_type.campaign
    require(actor, "decision.manage", campaign)
    _check_number(award_type, number, None)
    nominations = _eligible_nominations(award_type, nomination_ids, None)
    decision = Decision(
        campaign=campaign,
        award_type=award_type,
        number=number,
        number_text=number_text(award_type, number, signed_on),
        signed_on=signed_on,
        place=nfc(place),
        created_by_id=actor.id,
    )
    _set_signer(decision, campaign, signer, signer_name, signer_title)
    defaults = document_defaults(award_type, signed_on)
    _document_fields(decision, {k: document.get(k, defaults[k]) for k in DOCUMENT_FIELDS})
    for position, nomination in enumerate(nominations, start=1):
        decision.items.append(DecisionItem(nomination=nomination, position=position))
    db.session.add(decision)
    db.session.flush()
    audit.record(
        actor,
        "decision.create",
        decision,
        unit_id=campaign.organising_unit_id,
        details={"number": decision.number_text, "nominations": [n.id for n in nominations]},
    )
    return decision


def update_decision(
    actor,
    decision: Decision,
    *,
    number: int,
    signed_on: date,
    place: str,
    signer_name: str,
    signer_title: str,
    nomination_ids: list[int],
    expected_version: int | None = None,
    signer: Signer | None = None,
    **document: str,
) -> Decision:
    """Edit a draft: fields and which nominations (kept ones keep their order)."""
    require(actor, "decision.manage", decision.campaign)
    _require_draft(decision)
    if expected_version != decision.version:  # None (not given) is refused like a stale one
        raise StaleVersion()
    _check_number(decision.award_type, number, decision)
    current = [item.nomination_id for item in decision.items]
    ordered = [i for i in current if i in nomination_ids] + [
        i for i in nomination_ids if i not in current
    ]
    nominations = _eligible_nominations(decision.award_type, ordered, decision)
    decision.number = number
    decision.number_text = number_text(decision.award_type, number, signed_on)
    decision.signed_on = signed_on
    decision.place = nfc(place)
    _set_signer(decision, decision.campaign, signer, signer_name, signer_title)
    _document_fields(decision, document)
    decision.submitted_at = None  # an edited draft goes to its signer again
    decision.submitted_by_id = None
    keep = {n.id for n in nominations}
    for item in list(decision.items):
        if item.nomination_id not in keep:
            decision.items.remove(item)
    db.session.flush()
    existing = {item.nomination_id: item for item in decision.items}
    for position, nomination in enumerate(nominations, start=1):
        item = existing.get(nomination.id)
        if item is None:
            decision.items.append(DecisionItem(nomination=nomination, position=position))
        else:
            item.position = position
    db.session.flush()
    audit.record(
        actor,
        "decision.update",
        decision,
        unit_id=decision.campaign.organising_unit_id,
        details={"number": decision.number_text, "nominations": [n.id for n in nominations]},
    )
    return decision


def _set_signer(decision, campaign, signer, name: str, title: str) -> None:
    """The printed signature block: the signer record's, or the typed name and title of
    a decision signed on paper. A signer signs for the organising unit or a body above
    it (the Ban's head, the provincial chairman)."""
    if signer is not None:
        if not signer.active:
            raise DomainError("signer.inactive", name=signer.full_name)
        if not unit_within(campaign.organising_unit, signer.unit):
            raise DomainError("signer.unit_scope")
        decision.signer = signer
        decision.signer_name = signer.full_name
        decision.signer_title = signer.title
        decision.signer_authority = signer.authority_line(decision.award_type.issuer_profile.value)
        return
    decision.signer = None
    decision.signer_name = nfc(name)
    decision.signer_title = nfc(title)
    decision.signer_authority = ""


def _require_draft(decision: Decision) -> None:
    if decision.status != DecisionStatus.DRAFT:
        raise DomainError("decision.already_signed")


def move_item(actor, decision: Decision, item_id: int, direction: str) -> None:
    """Move one recipient up or down the decision's list."""
    require(actor, "decision.manage", decision.campaign)
    _require_draft(decision)
    items = list(decision.items)
    index = next((i for i, item in enumerate(items) if item.id == item_id), None)
    if index is None:
        raise DomainError("decision.no_such_item")
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(items):
        items[index].position, items[other].position = items[other].position, items[index].position
        db.session.flush()
        audit.record(
            actor,
            "decision.reorder",
            decision,
            unit_id=decision.campaign.organising_unit_id,
            details={"item": item_id, "direction": direction},
        )


def check_texts_fit(decision: Decision) -> None:
    """Refuse to sign (DomainError naming the recipient) when a recipient's name,
    position line or achievement cannot be printed on the award type's paper without
    overlapping or clipping, in the full design or on a pre-printed blank."""
    paper = decision.award_type.paper
    for item in decision.items:
        n = item.nomination
        layout.check_fits(
            nfc(n.recipient_name), nfc(n.recipient_line), nfc(n.achievement_text), paper
        )


def reorder_items(actor, decision: Decision, ordered_item_ids: list[int]) -> None:
    """Put the decision's recipients in the given order (drag and drop, typed positions
    or a sort): ``ordered_item_ids`` must name every item of the draft exactly once."""
    require(actor, "decision.manage", decision.campaign)
    _require_draft(decision)
    items = {item.id: item for item in decision.items}
    if sorted(ordered_item_ids) != sorted(items):
        raise DomainError("decision.bad_order")
    before = [item.id for item in decision.items]
    if before == list(ordered_item_ids):
        return
    for position, item_id in enumerate(ordered_item_ids, start=1):
        items[item_id].position = position
    db.session.flush()
    decision.items.sort(key=lambda item: item.position)
    audit.record(
        actor,
        "decision.reorder",
        decision,
        unit_id=decision.campaign.organising_unit_id,
        details={"order": list(ordered_item_ids)},
    )


def next_serials(year: int, count: int) -> list[str]:
    """``count`` fresh serials DVK-<year>-NNNNNN after the highest one issued."""
    prefix = f"{SERIAL_PREFIX}-{year}-"
    highest = db.session.scalar(
        sa.select(sa.func.max(Certificate.serial)).where(Certificate.serial.like(prefix + "%"))
    )
    start = int(highest[len(prefix) :]) + 1 if highest else 1
    if start + count - 1 > 999_999:
        raise DomainError("certificate.serials_exhausted", year=year)
    return [f"{prefix}{n:06d}" for n in range(start, start + count)]


def submit_for_signature(actor, decision: Decision) -> None:
    """Send a draft to its signer (trình ký): it appears on their “Quyết định chờ ký”."""
    require(actor, "decision.manage", decision.campaign)
    _require_draft(decision)
    if decision.signer is None:
        raise DomainError("decision.no_signer")
    if not decision.items:
        raise DomainError("decision.no_nominations")
    decision.submitted_at = utcnow()
    decision.submitted_by_id = actor.id
    db.session.flush()
    audit.record(
        actor,
        "decision.submit",
        decision,
        unit_id=decision.campaign.organising_unit_id,
        details={"number": decision.number_text, "signer": decision.signer.full_name},
    )


def return_to_drafting(actor, decision: Decision, note: str, *, today: date | None = None):
    """The signer (or their office) sends a submitted draft back with a note."""
    _require_draft(decision)
    if decision.signer is None:
        raise DomainError("decision.no_signer")
    signer_keys.acting_delegation(actor, decision.signer, today or vietnamese.today())
    if decision.submitted_at is None:
        raise DomainError("decision.not_submitted")
    decision.submitted_at = None
    decision.submitted_by_id = None
    db.session.flush()
    audit.record(
        actor,
        "decision.return",
        decision,
        unit_id=decision.campaign.organising_unit_id,
        note=nfc(note),
        details={"number": decision.number_text},
    )


def _confirm_signature(actor, decision: Decision, typed_secret: str, today: date) -> dict:
    """Who signs and with what: the signer in person or under a delegation in force, a
    draft sent for signature, and the signer's registered key opened by the worker."""
    signer = decision.signer
    delegation = signer_keys.acting_delegation(actor, signer, today)
    if decision.submitted_at is None:
        raise DomainError("decision.not_submitted")
    info = signer_keys.check_key(signer_keys.key_fields(signer), typed_secret)
    if signer.cert_fingerprint and info["fingerprint"] != signer.cert_fingerprint:
        # Another key (a swapped token, a replaced file) does not sign in their name.
        raise DomainError("signer.key_invalid")
    decision.signed_by_id = actor.id
    decision.delegation = delegation
    decision.signature_subject = info["subject"][:500]
    decision.signature_fingerprint = info["fingerprint"]
    return {
        "signer": signer.full_name,
        "certificate": info["fingerprint"],
        "delegation": delegation.id if delegation is not None else None,
        "delegation_reference": delegation.reference if delegation is not None else "",
    }


def sign_decision(
    actor,
    decision: Decision,
    *,
    typed_secret: str = "",
    today: date | None = None,
    expected_version: int | None = None,
) -> list[Certificate]:
    """Sign a draft: every nomination moves to ``awarded`` (workflow.transition) and gets
    a pending certificate with its serial, in one transaction. Rendering (and the
    signature of each file) is queued by the caller after commit.

    A decision with a signer is signed only by that person, or by their office under a
    recorded delegation, with the signer's own key (``typed_secret``: the PIN or
    passphrase when it is typed). A decision without one was signed on paper: the
    campaign's secretary records it."""
    day = today or vietnamese.today()
    _require_draft(decision)
    if expected_version is not None and expected_version != decision.version:
        raise StaleVersion()  # the draft changed while the signer was reading it
    if decision.signer is not None:
        signature = _confirm_signature(actor, decision, typed_secret, day)
        # The award is the secretary's proposal, signed by the signer (see submitted_by).
        proposer = decision.submitted_by
    else:
        if not can(actor, "decision.manage", decision.campaign):
            raise PermissionDenied("permission_denied")
        signature = {}
        proposer = actor
    items = list(decision.items)
    if not items:
        raise DomainError("decision.no_nominations")
    check_texts_fit(decision)
    serials = next_serials(decision.signed_on.year, len(items))
    certificates = []
    for item, serial in zip(items, serials, strict=True):
        nomination = item.nomination
        workflow.transition(
            nomination,
            "award",
            proposer,
            today=today,
            details={
                "decision": decision.number_text,
                "serial": serial,
                "signed_by": actor.username,
            },
        )
        cert = Certificate(
            serial=serial,
            decision=decision,
            nomination=nomination,
            position=item.position,
            recipient_name=nfc(nomination.recipient_name),
            recipient_line=nfc(nomination.recipient_line),
            reason=nfc(nomination.achievement_text),
            register_number=f"{decision.number}-{item.position:03d}",
        )
        db.session.add(cert)
        certificates.append(cert)
    decision.status = DecisionStatus.SIGNED
    decision.signed_at = utcnow()
    decision.signed_by_id = actor.id
    db.session.flush()
    audit.record(
        actor,
        "decision.sign",
        decision,
        unit_id=decision.campaign.organising_unit_id,
        from_state=DecisionStatus.DRAFT.value,
        to_state=DecisionStatus.SIGNED.value,
        details={"number": decision.number_text, "serials": serials, **signature},
    )
    notifications.emit(NotificationKind.DECISION_SIGNED, decision, actor=actor)
    return certificates
