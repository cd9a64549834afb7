"""The review window of a campaign: scorecards are saved only inside it, the secretary
may extend it (audited), and when other reviewers' scores are shown to a reviewer."""

from datetime import date

from dankheo import audit, workflow
from dankheo.errors import DomainError
from dankheo.models.campaigns import Campaign


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def check_scoring_open(campaign: Campaign, today: date) -> None:
    """DomainError unless scorecards may be saved or submitted on ``today``."""
    if not workflow.window_is_open(campaign, "review", today):
        raise DomainError(
            "scorecard.window_closed",
            opens=_day(campaign.review_opens),
            closes=_day(campaign.review_closes),
        )


def ranking_closed(campaign: Campaign, today: date) -> bool:
    """Scoring is over for good: the review window has a closing day, and it has passed
    (no scorecard can be saved any more, so showing everyone's scores changes nothing)."""
    return campaign.review_closes is not None and today > campaign.review_closes


def others_visible(campaign: Campaign, *, own_submitted: bool, secretary: bool, today) -> bool:
    """Whether the scorecard page shows the other reviewers' names, totals and comments:
    always to the campaign's secretary; to a reviewer once the ranking is closed, or
    after submitting their own card when the campaign allows it. Never to a reviewer
    while they can still (re)score: a reopened card is scored without knowing the rest."""
    if secretary:
        return True
    if ranking_closed(campaign, today):
        return True
    return own_submitted and campaign.show_scores_after_submission


def extend_review_window(actor, campaign: Campaign, closes: date, note: str, today: date):
    """Move the review window's closing day later (never earlier, never into the past),
    with a written reason in the audit."""
    note = (note or "").strip()
    if not note:
        raise DomainError("review_window.note_required")
    if closes < today:
        raise DomainError("review_window.in_past")
    if campaign.review_closes is not None and closes <= campaign.review_closes:
        raise DomainError("review_window.not_later", closes=_day(campaign.review_closes))
    if campaign.review_opens is not None and closes < campaign.review_opens:
        raise DomainError("review_window.in_past")
    before = campaign.review_closes
    campaign.review_closes = closes
    audit.record(
        actor,
        "campaign.extend_review",
        campaign,
        unit_id=campaign.organising_unit_id,
        from_state=before.isoformat() if before else "",
        to_state=closes.isoformat(),
        note=note,
    )
