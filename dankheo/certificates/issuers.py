"""Issuers' settings (models.issuers): what a decision, a certificate and a report
print for the body that issues them on a given day, and the services that edit them.

``settings_for(award_type, day)`` is the one place documents ask; an award type with no
issuer chosen (made before issuers existed) falls back to its own issuer fields.

Services take ``actor``, check ``permissions.require``, raise DomainError, ``flush()``
and never commit."""

import re
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from dankheo import audit
from dankheo.documents.model import PARTY, lines, number_text
from dankheo.errors import DomainError
from dankheo.extensions import db
from dankheo.models import AwardType, Issuer, IssuerName, IssuerProfile, Unit
from dankheo.permissions import can, require
from dankheo.tree import ancestor_ids
from dankheo.vietnamese import nfc

TEXT_FIELDS = (
    "parent_name",
    "place",
    "legal_basis",
    "recipients",
    "signer_authority",
    "signer_title",
    "signer_name",
    "proposer",
)
NAME_FIELDS = ("name", "header_name", "code", "certificate_line", "authority_line")


@dataclass
class IssuerSettings:
    """An issuer as its documents print it on one day."""

    profile: str
    name: str  # as pages name it
    parent: str  # header line above the body ("" for none)
    header_name: str  # the body's header line(s)
    code: str  # UBND, BTGDVTU
    certificate_line: str  # red line of a certificate
    authority_line: str  # competence line of a decision
    place: str
    legal_basis: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signer_authority: str = ""
    signer_title: str = ""
    signer_name: str = ""
    proposer: str = ""

    @property
    def is_party(self) -> bool:
        return self.profile == PARTY

    def number(self, number: int | None, kind: str = "QĐ") -> str:
        """ "Số: 12/QĐ-UBND" or "Số 12-QĐ/BTGDVTU" (kind "BC" for a report)."""
        return number_text(self.profile, number, kind, self.code)


def settings_of(issuer: Issuer, day: date) -> IssuerSettings:
    name = issuer.name_on(day)
    if name is None:
        raise DomainError("issuer.no_name")
    return IssuerSettings(
        profile=issuer.profile.value,
        name=name.name,
        parent=issuer.parent_name,
        header_name=name.header_name,
        code=name.code,
        certificate_line=name.certificate_line,
        authority_line=name.authority_line,
        place=issuer.place,
        legal_basis=lines(issuer.legal_basis),
        recipients=lines(issuer.recipients),
        signer_authority=issuer.signer_authority,
        signer_title=issuer.signer_title,
        signer_name=issuer.signer_name,
        proposer=issuer.proposer,
    )


_TITLES = r"^(Chủ tịch|Trưởng ban|Giám đốc|Bí thư)\s+"


def settings_for(award_type: AwardType, day: date) -> IssuerSettings:
    """The settings documents of ``award_type`` print on ``day``."""
    if award_type.issuer is not None:
        return settings_of(award_type.issuer, day)
    # An award type from before issuers: its own fields, as it printed them.
    title = nfc(award_type.issuer_title)
    body = nfc(award_type.issuer_name) or re.sub(_TITLES, "", title, flags=re.I)
    suffix = nfc(award_type.decision_suffix)
    code = re.split(r"[-/]", suffix, maxsplit=1)[-1]
    return IssuerSettings(
        profile=award_type.issuer_profile.value,
        name=body,
        parent="",
        header_name=body.upper(),
        code=code,
        certificate_line=title.upper(),
        authority_line=title.upper(),
        place=province_place(award_type.campaign.organising_unit),
        signer_title=_head_of(title),
    )


def _head_of(title: str) -> str:
    """ "Chủ tịch Ủy ban nhân dân tỉnh X" → "CHỦ TỊCH": the head who signs, read from an
    older award type's own title ("" when the title names no head)."""
    match = re.match(_TITLES, title, flags=re.I)
    return match.group(1).upper() if match else ""


_PLACE_PREFIXES = ("Thành phố ", "Tỉnh ")


def province_place(unit: Unit) -> str:
    """The place of a date line for a unit: its top-level unit's name without "Tỉnh"."""
    above = ancestor_ids(unit)
    top = db.session.get(Unit, above[0]) if above else unit
    name = top.name
    for prefix in _PLACE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


# --- queries --------------------------------------------------------------------------


def issuers_for(user) -> list[Issuer]:
    """Issuers the user may choose or edit (admins: all; secretaries: within reach)."""
    every = db.session.scalars(sa.select(Issuer).order_by(Issuer.id)).all()
    return [i for i in every if can(user, "issuer.manage", i)]


# --- services -------------------------------------------------------------------------


def _clean(values: dict, names) -> dict:
    return {k: nfc(values.get(k) or "") for k in names}


def create_issuer(actor, unit: Unit, profile: IssuerProfile, values: dict, valid_from: date):
    """A new issuer with its first name (valid from ``valid_from``)."""
    issuer = Issuer(unit=unit, profile=profile, **_clean(values, TEXT_FIELDS))
    require(actor, "issuer.manage", issuer)
    issuer.names.append(IssuerName(valid_from=valid_from, **_clean(values, NAME_FIELDS)))
    db.session.add(issuer)
    db.session.flush()
    audit.record(actor, "issuer.create", issuer, unit_id=unit.id, details={"name": values["name"]})
    return issuer


def update_issuer(actor, issuer: Issuer, profile: IssuerProfile, values: dict) -> Issuer:
    require(actor, "issuer.manage", issuer)
    issuer.profile = profile
    for key, value in _clean(values, TEXT_FIELDS).items():
        setattr(issuer, key, value)
    db.session.flush()
    audit.record(actor, "issuer.update", issuer, unit_id=issuer.unit_id)
    return issuer


def save_name(actor, issuer: Issuer, values: dict, valid_from: date) -> IssuerName:
    """Add a name valid from ``valid_from`` (a rename, a merger), or correct the one
    that starts that day. Documents dated before keep the earlier name."""
    require(actor, "issuer.manage", issuer)
    cleaned = _clean(values, NAME_FIELDS)
    if not all(cleaned[k] for k in NAME_FIELDS):
        raise DomainError("issuer.name_incomplete")
    name = next((n for n in issuer.names if n.valid_from == valid_from), None)
    if name is None:
        name = IssuerName(valid_from=valid_from)
        issuer.names.append(name)
    for key, value in cleaned.items():
        setattr(name, key, value)
    db.session.flush()
    audit.record(
        actor,
        "issuer.rename",
        issuer,
        unit_id=issuer.unit_id,
        details={"name": cleaned["name"], "valid_from": valid_from.isoformat()},
    )
    return name


def choose_issuer(actor, award_type: AwardType, issuer: Issuer | None) -> None:
    """Point an award type at an issuer (its documents then print its settings)."""
    require(actor, "campaign.manage", award_type.campaign)
    if issuer is not None:
        require(actor, "issuer.manage", issuer)
        award_type.issuer_profile = issuer.profile
    award_type.issuer = issuer
    db.session.flush()
    audit.record(
        actor,
        "award_type.issuer",
        award_type,
        unit_id=award_type.campaign.organising_unit_id,
        details={"issuer": issuer.id if issuer else None},
    )
