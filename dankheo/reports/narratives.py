"""Report narratives (models.reports): the sections the secretary writes for a unit and
a period, the report's number, issuer and signer. Reads and the one write service
(``actor`` checked, DomainError raised, ``flush()``, never a commit)."""

import sqlalchemy as sa

from dankheo import audit
from dankheo.certificates.issuers import IssuerSettings, issuers_for, settings_of
from dankheo.errors import StaleVersion
from dankheo.extensions import db
from dankheo.models import NARRATIVE_SECTIONS, Issuer, IssuerProfile, ReportNarrative, Unit
from dankheo.permissions import require
from dankheo.reports.queries import Period
from dankheo.vietnamese import nfc

TEXT_FIELDS = (*NARRATIVE_SECTIONS, "recipients", "signer_authority", "signer_title", "signer_name")


def narrative_for(unit_id: int, period: Period) -> ReportNarrative | None:
    return db.session.scalar(
        sa.select(ReportNarrative).where(
            ReportNarrative.unit_id == unit_id, ReportNarrative.period_key == period.key
        )
    )


def save_narrative(
    actor,
    unit: Unit,
    period: Period,
    values: dict,
    *,
    issuer: Issuer | None,
    number: int | None,
    expected_version: int | None = None,
) -> ReportNarrative:
    """Create or update the narrative of ``unit``'s report for ``period``."""
    require(actor, "reports.write", unit)
    narrative = narrative_for(unit.id, period)
    if narrative is None:
        narrative = ReportNarrative(unit=unit, period_key=period.key)
        db.session.add(narrative)
    elif expected_version is not None and expected_version != narrative.version:
        raise StaleVersion()
    for key in TEXT_FIELDS:
        setattr(narrative, key, nfc(values.get(key) or ""))
    narrative.issuer = issuer
    narrative.number = number
    narrative.updated_by_id = actor.id
    db.session.flush()
    audit.record(
        actor,
        "report.narrative",
        narrative,
        unit_id=unit.id,
        details={"period": period.key, "number": number},
    )
    return narrative


def report_issuer(user, narrative: ReportNarrative | None, profile: str) -> Issuer | None:
    """The issuer whose header a report carries: the narrative's, else the first of the
    requested profile the user keeps, else the first of that profile."""
    wanted = IssuerProfile(profile)
    if (
        narrative is not None
        and narrative.issuer is not None
        and narrative.issuer.profile == wanted
    ):
        return narrative.issuer
    mine = [i for i in issuers_for(user) if i.profile == wanted]
    if mine:
        return mine[0]
    return db.session.scalar(
        sa.select(Issuer).where(Issuer.profile == wanted).order_by(Issuer.id).limit(1)
    )


def report_settings(issuer: Issuer | None, profile: str, root_name: str, place: str, day):
    """The issuer's settings on ``day``, or, with no issuer recorded yet, a header of the
    unit itself (the secretary is asked to record the issuer)."""
    if issuer is not None:
        return settings_of(issuer, day)
    return IssuerSettings(
        profile=profile,
        name=root_name,
        parent="",
        header_name=root_name.upper(),
        code="",
        certificate_line=root_name.upper(),
        authority_line=root_name.upper(),
        place=place,
    )
