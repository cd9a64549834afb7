"""Writes for nominations: dossiers, their achievement reports, request letters, and the
moves along the workflow (always through workflow.transition)."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from dankheo import audit, vietnamese, workflow
from dankheo.errors import DomainError, StaleVersion
from dankheo.extensions import db
from dankheo.models.base import utcnow
from dankheo.models.campaigns import AwardType, Campaign, CampaignKind
from dankheo.models.nominations import Nomination, NominationBatch, NominationState
from dankheo.models.registry import Evidence, Exemplar, Initiative, YearStatus
from dankheo.registry import evidence as evidence_files

EDITABLE = (NominationState.DRAFT, NominationState.RETURNED)
# Achievement reports are documents: PDF or Word, checked by content (registry/evidence.py).
REPORT_MIMES = (evidence_files.MIME_PDF, evidence_files.MIME_DOCX)


@dataclass
class ReportUpload:
    filename: str
    data: bytes


def _store_report(actor, subject, upload: ReportUpload) -> Evidence:
    checked = evidence_files.check(upload.data)
    if checked.mime not in REPORT_MIMES:
        raise DomainError("nomination.report_not_pdf")
    evidence_files.store(checked)
    row = Evidence(
        initiative_id=subject.id if isinstance(subject, Initiative) else None,
        exemplar_id=subject.id if isinstance(subject, Exemplar) else None,
        filename=evidence_files.safe_filename(upload.filename),
        mime=checked.mime,
        size=checked.size,
        sha256=checked.sha256,
        title="Báo cáo thành tích",
        uploaded_by_id=actor.id,
    )
    db.session.add(row)
    db.session.flush()
    return row


def subject_year_row(campaign: Campaign, subject: Initiative | Exemplar):
    """The year of ``subject`` that ``campaign`` judges, or a refusal naming why there is
    none: a yearly campaign judges its own year; a mid-term or final review any year of
    its phase up to its own. Returns the initiative's year row (None for an exemplar)."""
    phase = campaign.phase
    first, last = phase.start_year, min(phase.end_year, campaign.year)
    if isinstance(subject, Initiative):
        rows = [r for r in subject.years if r.status != YearStatus.DROPPED]
        years = [r.year for r in subject.years]
    else:
        rows, years = [], [subject.year]
    shown = ", ".join(str(y) for y in sorted(years)) or "chưa có"
    if campaign.kind == CampaignKind.YEARLY:
        wanted = [campaign.year]
    else:
        wanted = list(range(first, last + 1))
    if not any(phase.start_year <= y <= phase.end_year for y in years):
        raise DomainError(
            "nomination.outside_phase",
            subject=subject.name,
            phase=f"{phase.start_year}–{phase.end_year}",
            years=shown,
        )
    if isinstance(subject, Exemplar):
        if subject.year not in wanted:
            raise DomainError(
                "nomination.year_missing", subject=subject.name, year=campaign.year, years=shown
            )
        return None
    matching = [r for r in rows if r.year in wanted]
    if not matching:
        raise DomainError(
            "nomination.year_missing", subject=subject.name, year=campaign.year, years=shown
        )
    return max(matching, key=lambda r: r.year)


def create_nomination(
    actor,
    *,
    award_type: AwardType,
    subject: Initiative | Exemplar,
    recipient_name: str,
    recipient_line: str = "",
    achievement_text: str,
    report_text: str = "",
    report_upload: ReportUpload | None = None,
    batch: NominationBatch | None = None,
    today: date | None = None,
) -> Nomination:
    """A draft nomination of ``subject`` (its unit nominates) for ``award_type``."""
    if subject is None:
        raise DomainError("nomination.subject_required")
    campaign = award_type.campaign
    if not workflow.window_is_open(campaign, "nomination", today or vietnamese.today()):
        raise DomainError("workflow.window_closed", window=workflow.WINDOW_LABELS["nomination"])
    subject_col = (
        Nomination.initiative_id if isinstance(subject, Initiative) else Nomination.exemplar_id
    )
    # One open dossier per subject and campaign; the partial unique indexes of
    # models.nominations hold the rule when two requests pass this check at once.
    duplicate = db.session.scalar(
        sa.select(Nomination).where(
            subject_col == subject.id,
            Nomination.campaign_id == campaign.id,
            Nomination.state.not_in((NominationState.WITHDRAWN, NominationState.REJECTED)),
        )
    )
    if duplicate is not None:
        raise DomainError(
            "nomination.duplicate", subject=subject.name, award=duplicate.award_type.label
        )
    # The unit that carried the judged year nominates (a successor after a merger).
    row = subject_year_row(campaign, subject)
    unit_id = row.unit_id if row is not None else subject.unit_id
    if not (report_text or "").strip() and report_upload is None:
        raise DomainError("nomination.report_required")
    _check_batch(batch, campaign.id, unit_id)
    nomination = Nomination(
        campaign=campaign,
        award_type=award_type,
        unit_id=unit_id,
        initiative=subject if isinstance(subject, Initiative) else None,
        exemplar=subject if isinstance(subject, Exemplar) else None,
        batch=batch,
        recipient_name=recipient_name.strip(),
        recipient_line=(recipient_line or "").strip(),
        achievement_text=achievement_text.strip(),
        report_text=(report_text or "").strip(),
        created_by_id=actor.id,
        state=NominationState.DRAFT,
    )
    if report_upload is not None:
        nomination.report_evidence = _store_report(actor, subject, report_upload)
    db.session.add(nomination)
    db.session.flush()
    audit.record(actor, "nomination.create", nomination, to_state=NominationState.DRAFT.value)
    return nomination


def update_nomination(
    actor,
    nomination: Nomination,
    *,
    expected_version: int | None,
    recipient_name: str,
    recipient_line: str,
    achievement_text: str,
    report_text: str,
    report_upload: ReportUpload | None = None,
    batch: NominationBatch | None = None,
) -> Nomination:
    """Edit a draft or returned dossier; refused when someone saved it meanwhile."""
    if expected_version is None or expected_version != nomination.version:
        raise StaleVersion()
    if nomination.state not in EDITABLE:
        raise DomainError("nomination.not_editable")
    if (
        not (report_text or "").strip()
        and report_upload is None
        and not nomination.report_evidence_id
    ):
        raise DomainError("nomination.report_required")
    _check_batch(batch, nomination.campaign_id, nomination.unit_id)
    before = {
        "recipient_name": nomination.recipient_name,
        "achievement_text": nomination.achievement_text,
    }
    nomination.recipient_name = recipient_name.strip()
    nomination.recipient_line = (recipient_line or "").strip()
    nomination.achievement_text = achievement_text.strip()
    nomination.report_text = (report_text or "").strip()
    nomination.batch = batch
    if report_upload is not None:
        subject = nomination.initiative or nomination.exemplar
        nomination.report_evidence = _store_report(actor, subject, report_upload)
    nomination.updated_at = utcnow()  # always dirty: the version moves on every save
    db.session.flush()
    audit.record(actor, "nomination.edit", nomination, details={"before": before})
    return nomination


def take_arrow(
    actor, nomination: Nomination, action: str, *, note: str = "", expected_version=None
):
    """One move along the workflow (the view's single service call)."""
    return workflow.transition(
        nomination, action, actor, note=note, expected_version=expected_version
    )


SCREENING_ACTIONS = ("accept", "return", "reject")


def screen(actor, campaign, action: str, items) -> int:
    """One screening move (accept, return, reject) on several submitted dossiers of
    ``campaign`` at once: ``items`` are (nomination, note, expected version). All or
    nothing: one refusal (a note missing, a stale version, the window closed) leaves
    every dossier as it was. A dossier already moved there (a double click) is skipped.
    Each move is a workflow transition with its own audit row and notification."""
    if action not in SCREENING_ACTIONS:
        raise DomainError("workflow.no_such_arrow", action=action, state="")
    if not items:
        raise DomainError("screening.nothing_selected")
    moved = 0
    for nomination, note, version in items:
        if nomination.campaign_id != campaign.id:
            raise DomainError("screening.nothing_selected")
        try:
            workflow.transition(nomination, action, actor, note=note, expected_version=version)
        except workflow.AlreadyDone:
            continue
        moved += 1
    return moved


# --- request letters (tờ trình) ----------------------------------------------------------


def _check_batch(batch, campaign_id: int, unit_id: int) -> None:
    if batch is not None and (batch.campaign_id != campaign_id or batch.unit_id != unit_id):
        raise DomainError("batch.wrong_campaign")


def create_batch(actor, *, campaign, unit, title: str, number: str = "") -> NominationBatch:
    batch = NominationBatch(
        campaign=campaign,
        unit=unit,
        title=title.strip(),
        number=(number or "").strip(),
        created_by_id=actor.id,
    )
    db.session.add(batch)
    db.session.flush()
    audit.record(actor, "batch.create", batch, details={"campaign": campaign.id})
    return batch


def submit_batch(actor, batch: NominationBatch, today: date | None = None) -> int:
    """Send every draft or returned nomination of the letter up together: each one is a
    transition (one audit row each), all or nothing."""
    ready = [n for n in batch.nominations if n.state in EDITABLE]
    if not ready:
        raise DomainError("batch.empty")
    for nomination in sorted(ready, key=lambda n: n.id):
        action = "submit" if nomination.state == NominationState.DRAFT else "resubmit"
        workflow.transition(nomination, action, actor, today=today, details={"batch": batch.id})
    return len(ready)
