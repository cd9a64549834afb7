"""The home page of a signed-in person: what its roles do next, and the calendar of the
campaigns (their windows and deadlines), instead of a copy of the menu."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from dankheo.extensions import db
from dankheo.models.accounts import Role
from dankheo.models.campaigns import Campaign
from dankheo.permissions import is_admin, units_with_role

# Campaigns on the calendar: this year's and last year's (a yearly round ends in the next).
CALENDAR_YEARS = 2
CALENDAR_LIMIT = 8

WINDOWS = (
    ("registration", "Đăng ký mô hình, điển hình"),
    ("nomination", "Nộp hồ sơ đề nghị khen thưởng"),
    ("review", "Hội đồng chấm điểm"),
)


@dataclass(frozen=True)
class Window:
    label: str
    opens: date | None
    closes: date | None
    state: str  # "open", "soon", "closed", "unset"


def _state(opens: date | None, closes: date | None, today: date) -> str:
    if opens is None and closes is None:
        return "unset"
    if opens is not None and today < opens:
        return "soon"
    if closes is not None and today > closes:
        return "closed"
    return "open"


@dataclass(frozen=True)
class CalendarRow:
    campaign: Campaign
    windows: list[Window]

    @property
    def open_now(self) -> list[Window]:
        return [w for w in self.windows if w.state == "open"]


def calendar(today: date) -> list[CalendarRow]:
    """Recent campaigns with the state of each window on ``today`` (one query)."""
    campaigns = db.session.scalars(
        sa.select(Campaign)
        .options(joinedload(Campaign.organising_unit))
        .where(Campaign.year >= today.year - CALENDAR_YEARS + 1)
        .order_by(Campaign.year.desc(), Campaign.id.desc())
        .limit(CALENDAR_LIMIT)
    )
    rows = []
    for c in campaigns:
        windows = [
            Window(
                label,
                getattr(c, f"{key}_opens"),
                getattr(c, f"{key}_closes"),
                _state(getattr(c, f"{key}_opens"), getattr(c, f"{key}_closes"), today),
            )
            for key, label in WINDOWS
        ]
        rows.append(CalendarRow(c, windows))
    return rows


def roles_of(user) -> list[str]:
    """The guide slugs of ``user``'s roles, in the order of the movement's year."""
    order = (
        (Role.OFFICER, "can-bo"),
        (Role.SECRETARY, "thu-ky"),
        (Role.REVIEWER, "hoi-dong"),
        (Role.LEADER, "lanh-dao"),
    )
    slugs = [slug for role, slug in order if units_with_role(user, role)]
    if is_admin(user):
        slugs.append("quan-tri")
    return slugs
