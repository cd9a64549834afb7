"""The nomination workflow: states, the transition table, and transition().

Nothing else changes a nomination's state. Every arrow has one role that may take
it (checked through permissions.py; admins may take every arrow), a campaign window
in which it is open, and whether a note is required. Each successful transition
writes exactly one audit row.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from dankheo import audit, vietnamese
from dankheo.errors import DomainError, PermissionDenied, StaleVersion
from dankheo.extensions import db
from dankheo.models.accounts import Role
from dankheo.models.nominations import Nomination
from dankheo.models.nominations import NominationState as S
from dankheo.permissions import can


@dataclass(frozen=True)
class Arrow:
    action: str
    sources: tuple[S, ...]
    target: S
    role: Role
    window: str | None  # nomination, screening, review, decision; None: always open
    note_required: bool
    label: str  # Vietnamese verb shown on buttons and in messages


ARROWS: tuple[Arrow, ...] = (
    Arrow("submit", (S.DRAFT,), S.SUBMITTED, Role.OFFICER, "nomination", False, "Gửi hồ sơ"),
    Arrow(
        "resubmit", (S.RETURNED,), S.SUBMITTED, Role.OFFICER, "nomination", False, "Gửi lại hồ sơ"
    ),
    Arrow(
        "withdraw",
        (S.DRAFT, S.SUBMITTED, S.RETURNED),
        S.WITHDRAWN,
        Role.OFFICER,
        None,
        False,
        "Rút hồ sơ",
    ),
    Arrow(
        "return",
        (S.SUBMITTED,),
        S.RETURNED,
        Role.SECRETARY,
        "screening",
        True,
        "Trả lại để bổ sung",
    ),
    Arrow(
        "reject",
        (S.SUBMITTED,),
        S.REJECTED,
        Role.SECRETARY,
        "screening",
        True,
        "Loại (không đủ điều kiện)",
    ),
    Arrow(
        "accept",
        (S.SUBMITTED,),
        S.IN_REVIEW,
        Role.SECRETARY,
        "screening",
        False,
        "Tiếp nhận vào chấm điểm",
    ),
    Arrow(
        "approve",
        (S.IN_REVIEW,),
        S.APPROVED,
        Role.SECRETARY,
        "decision",
        False,
        "Đề xuất khen thưởng",
    ),
    Arrow(
        "decline",
        (S.IN_REVIEW,),
        S.NOT_APPROVED,
        Role.SECRETARY,
        "decision",
        False,
        "Không đề xuất",
    ),
    Arrow("award", (S.APPROVED,), S.AWARDED, Role.SECRETARY, None, False, "Khen thưởng"),
)

ARROWS_BY_ACTION = {arrow.action: arrow for arrow in ARROWS}


class AlreadyDone(DomainError):
    """The nomination already stands where ``action`` would take it (a double click or a
    second tab): nothing is changed and no audit row is written."""

    status_code = 200

    def __init__(self, action: str):
        super().__init__("workflow.already_done", action=action)


WINDOW_LABELS = {
    "nomination": "nộp hồ sơ",
    "screening": "tiếp nhận hồ sơ",
    "review": "chấm điểm",
    "decision": "xét duyệt",
}

# The permission each role's arrows are checked against (see permissions.py).
_ROLE_ACTION = {Role.OFFICER: "nomination.submit", Role.SECRETARY: "screening.act"}


# Features that react to a move (notifications) register an observer here: the rules
# layer calls them and never imports a feature. An observer runs inside the transition's
# transaction, after the audit row is flushed, and may only add rows.
Observer = Callable[..., None]
_observers: list[Observer] = []


def on_transition(observer: Observer) -> Observer:
    """Call ``observer(nomination, arrow, actor, note=…, event=…)`` after every transition
    (``event`` is its audit row, flushed, with an id)."""
    if observer not in _observers:
        _observers.append(observer)
    return observer


def window_is_open(campaign, window: str | None, day: date) -> bool:
    """Screening runs from the nomination window's opening to the review window's
    close; decisions can be taken from the review window's opening onwards."""
    if window is None:
        return True
    if window == "screening":
        opens, closes = campaign.nomination_opens, campaign.review_closes
    elif window == "decision":
        opens, closes = campaign.review_opens, None
    else:
        opens = getattr(campaign, f"{window}_opens")
        closes = getattr(campaign, f"{window}_closes")
    return (opens is None or opens <= day) and (closes is None or day <= closes)


def available_arrows(nomination: Nomination, user, day: date) -> list[Arrow]:
    """The arrows ``user`` could take now: what templates show as buttons."""
    return [
        arrow
        for arrow in ARROWS
        if nomination.state in arrow.sources
        and arrow.action != "award"
        and can(user, _ROLE_ACTION[arrow.role], nomination)
        and window_is_open(nomination.campaign, arrow.window, day)
    ]


def transition(
    nomination: Nomination,
    action: str,
    actor,
    *,
    note: str = "",
    today: date | None = None,
    expected_version: int | None = None,
    details: dict | None = None,
) -> Arrow:
    """Move ``nomination`` along the arrow named ``action``; flush, never commit.

    Raises DomainError (no such arrow, window closed, note missing), PermissionDenied,
    StaleVersion when ``expected_version`` is given and no longer current, or AlreadyDone
    when the nomination already stands at the arrow's target (nothing written)."""
    arrow = ARROWS_BY_ACTION.get(action)
    if arrow is None:
        raise DomainError("workflow.no_such_arrow", action=action, state=nomination.state_label)
    if not can(actor, _ROLE_ACTION[arrow.role], nomination):
        raise PermissionDenied("workflow.not_allowed", action=arrow.label)
    if nomination.state == arrow.target and nomination.state not in arrow.sources:
        # Checked before the version: the first of two identical posts bumped it.
        raise AlreadyDone(arrow.label)
    if nomination.state not in arrow.sources:
        raise DomainError(
            "workflow.no_such_arrow", action=arrow.label, state=nomination.state_label
        )
    if expected_version is not None and expected_version != nomination.version:
        raise StaleVersion()
    day = today or vietnamese.today()
    if not window_is_open(nomination.campaign, arrow.window, day):
        raise DomainError("workflow.window_closed", window=WINDOW_LABELS[arrow.window])
    note = (note or "").strip()
    if arrow.note_required and not note:
        raise DomainError("workflow.note_required")

    from_state = nomination.state
    nomination.state = arrow.target
    event = audit.record(
        actor,
        f"nomination.{action}",
        nomination,
        from_state=from_state.value,
        to_state=arrow.target.value,
        note=note,
        details=details,
    )
    db.session.flush()
    for observer in _observers:
        observer(nomination, arrow, actor, note=note, event=event)
    return arrow
