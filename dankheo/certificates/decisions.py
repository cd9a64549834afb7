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
from dankheo.certificates.issuers import settings_for
from dankheo.errors import DomainError, StaleVersion
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
    utcnow,
)
from dankheo.permissions import require
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
    for key in DOCUMENT_FIELDS:
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
    **document: str,
) -> Decision:
    """A draft decision awarding the given approved nominations, in that order.
    ``document`` may give the DOCUMENT_FIELDS; the issuer's settings fill the rest."""
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
        signer_name=nfc(signer_name),
        signer_title=nfc(signer_title),
        created_by_id=actor.id,
    )
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
    **document: str,
) -> Decision:
    """Edit a draft: fields and which nominations (kept ones keep their order)."""
    require(actor, "decision.manage", decision.campaign)
    _require_draft(decision)
    if expected_version is not None and expected_version != decision.version:
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
    decision.signer_name = nfc(signer_name)
    decision.signer_title = nfc(signer_title)
    _document_fields(decision, document)
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


def sign_decision(actor, decision: Decision, *, today: date | None = None) -> list[Certificate]:
    """Sign a draft: every nomination moves to ``awarded`` (workflow.transition) and gets
    a pending certificate with its serial, in one transaction. Rendering is queued by the
    caller after commit."""
    require(actor, "decision.manage", decision.campaign)
    _require_draft(decision)
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
            actor,
            today=today,
            details={"decision": decision.number_text, "serial": serial},
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
    db.session.flush()
    audit.record(
        actor,
        "decision.sign",
        decision,
        unit_id=decision.campaign.organising_unit_id,
        from_state=DecisionStatus.DRAFT.value,
        to_state=DecisionStatus.SIGNED.value,
        details={"number": decision.number_text, "serials": serials},
    )
    return certificates
