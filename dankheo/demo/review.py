"""Demo review: the 2024 campaign in review (committee, assignments, partly filled
scorecards) and a scored, approved set of the 2025 campaign's Bằng khen ready for a
decision; plus a few dossiers waiting for screening and one returned for the inbox.

Everything goes through the services and workflow.transition, so the audit trail and
every invariant hold as in real use. Runs after the registry stage; idempotent."""

import random
from datetime import date

import sqlalchemy as sa

from dankheo import tree, vietnamese
from dankheo.extensions import db
from dankheo.models import (
    Assignment,
    AwardForm,
    Campaign,
    CampaignKind,
    Committee,
    Initiative,
    InitiativeYear,
    Membership,
    Nomination,
    Role,
    Scorecard,
    User,
    YearStatus,
)
from dankheo.nominations import services as nominations
from dankheo.permissions import can
from dankheo.review import services as review
from dankheo.workflow import transition

SEED = 2024_11
REVIEWERS = ("hoidong1", "hoidong2", "hoidong3", "hoidong4", "hoidong5")
IN_REVIEW_2024 = 40
APPROVED_2025 = 12


def seed() -> str:
    campaigns = {
        c.year: c
        for c in db.session.scalars(
            sa.select(Campaign).where(
                Campaign.kind == CampaignKind.YEARLY, Campaign.year.in_((2024, 2025))
            )
        )
    }
    if 2024 not in campaigns or 2025 not in campaigns:
        return "review: skipped (the registry stage's 2024 and 2025 campaigns are missing)"
    if db.session.scalar(
        sa.select(Committee.id).where(Committee.campaign_id == campaigns[2024].id)
    ):
        return "review: already loaded"
    users = {u.username: u for u in db.session.scalars(sa.select(User))}
    secretary = users.get("thuky")
    if secretary is None or not all(name in users for name in REVIEWERS):
        return "review: skipped (demo accounts missing)"
    rng = random.Random(SEED)
    officers = _officers()
    fallback = users.get("admin", secretary)
    old = _subjects(2024, officers, fallback)
    new = _subjects(2025, officers, fallback)
    if len(old) < 10 or len(new) < APPROVED_2025 + 3:
        return "review: skipped (not enough recognised initiatives under the demo officers)"

    c24, c25 = campaigns[2024], campaigns[2025]
    bang_khen_24 = _bang_khen(c24)
    bang_khen_25 = _bang_khen(c25)
    committee24 = _committee(secretary, c24, users)
    committee25 = _committee(secretary, c25, users)

    # 2024: ~40 dossiers accepted into review, assigned, partly scored.
    d24 = [
        _nominate(officer, bang_khen_24, initiative, date(2024, 10, 10))
        for initiative, officer in old[:IN_REVIEW_2024]
    ]
    for nomination, (_, officer) in zip(d24, old, strict=False):
        transition(nomination, "submit", officer, today=date(2024, 10, 15))
        transition(nomination, "accept", secretary, today=date(2024, 10, 20))
    review.auto_assign(secretary, c24)
    filled = _score(
        committee24, d24, rng, submit_share=0.55, draft_share=0.15, day=date(2024, 11, 15)
    )

    # 2025: a scored and approved set of Bằng khen, ready for a decision.
    today = vietnamese.today()
    scored = new[: APPROVED_2025 + 3]
    d25 = [_nominate(officer, bang_khen_25, i, today) for i, officer in scored]
    for nomination, (_, officer) in zip(d25, scored, strict=True):
        transition(nomination, "submit", officer, today=today)
        transition(nomination, "accept", secretary, today=today)
    review.auto_assign(secretary, c25)
    _score(committee25, d25, rng, submit_share=1.0, draft_share=0.0, day=today)
    ranked = sorted(d25, key=lambda n: (-_mean(n), n.id))
    review.decide(secretary, bang_khen_25, [n.id for n in ranked[:APPROVED_2025]], approve=True)

    # 2025: a few dossiers waiting for screening, one returned, one draft (the inbox).
    waiting = new[APPROVED_2025 + 3 : APPROVED_2025 + 9]
    for k, (initiative, officer) in enumerate(waiting):
        nomination = _nominate(officer, bang_khen_25, initiative, today)
        if k == len(waiting) - 1:
            continue  # left as a draft
        transition(nomination, "submit", officer, today=today)
        if k == 0:
            transition(
                nomination,
                "return",
                secretary,
                note="Đề nghị bổ sung số liệu kết quả năm 2025 và ý kiến của cấp ủy.",
                today=today,
            )
    db.session.flush()
    return (
        f"review: 2024 in review ({len(d24)} dossiers, {filled} scorecards submitted), "
        f"2025 {APPROVED_2025} Bằng khen approved, {len(waiting)} dossiers waiting"
    )


def _officers() -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.role == Role.OFFICER)
            .order_by(User.id)
            .distinct()
        )
    )


def _subjects(year: int, officers: list[User], fallback: User):
    """(initiative, officer who may nominate it) for initiatives recognised in ``year``:
    an officer of the unit that carried that year (or of its successor); the demo has
    officers for a few units only, the administrator acts for the others."""
    rows = db.session.execute(
        sa.select(Initiative, InitiativeYear)
        .join(InitiativeYear, InitiativeYear.initiative_id == Initiative.id)
        .where(
            InitiativeYear.year == year,
            InitiativeYear.status.in_((YearStatus.RECOGNISED, YearStatus.OUTSTANDING)),
        )
        .order_by(Initiative.id)
    ).all()
    out = []
    for initiative, row in rows:
        officer = next(
            (o for o in officers if can(o, "nomination.create", row.unit)),
            fallback,
        )
        out.append((initiative, officer))
    return out


def _bang_khen(campaign: Campaign):
    return next(a for a in campaign.award_types if a.form == AwardForm.BANG_KHEN)


def _committee(secretary, campaign: Campaign, users: dict[str, User]) -> Committee:
    committee = review.ensure_committee(secretary, campaign)
    titles = ("Chủ tịch hội đồng", "Phó Chủ tịch hội đồng", "Ủy viên", "Ủy viên", "Ủy viên")
    for name, title in zip(REVIEWERS, titles, strict=True):
        review.add_reviewer(secretary, committee, users[name], title)
    return committee


def collective_name(unit) -> str:
    """A collective as official documents name it: the unit with its place, e.g. "Xã
    Long Hòa, huyện Châu Thành, tỉnh Tây Ninh" (never "Phường 1" alone)."""
    above = tree.ancestor_ids(unit)
    names = [db.session.get(type(unit), i).name for i in reversed(above)]
    parts = [unit.name] + [n[:1].lower() + n[1:] for n in names]
    return ", ".join(parts)


def _nominate(officer, award_type, initiative: Initiative, day: date) -> Nomination:
    # The unit that carried the judged year nominates (a successor after a merger); the
    # model's name belongs in the achievement, not in the recipient's second line.
    year = award_type.campaign.year
    row = next(r for r in initiative.years if r.year == year)
    return nominations.create_nomination(
        officer,
        award_type=award_type,
        subject=initiative,
        recipient_name=collective_name(row.unit),
        recipient_line="",
        achievement_text=(
            "Đã có thành tích xuất sắc trong phong trào thi đua “Dân vận khéo” "
            f"năm {award_type.campaign.year} với {initiative.name[:1].lower()}"
            f"{initiative.name[1:]}"
        ),
        report_text=(
            f"Báo cáo thành tích của {row.unit.name} khi thực hiện mô hình "
            f"“{initiative.name}”: kết quả nổi bật, cách làm sáng tạo, sự đồng tình "
            "và tham gia của Nhân dân, khả năng nhân rộng."
        ),
        today=day,
    )


def _score(committee: Committee, dossiers, rng: random.Random, *, submit_share, draft_share, day):
    """Fill scorecards: a share submitted, a share left as drafts, the rest untouched."""
    submitted = 0
    ids = [n.id for n in dossiers]
    assignments = db.session.scalars(
        sa.select(Assignment).where(Assignment.nomination_id.in_(ids)).order_by(Assignment.id)
    ).all()
    for assignment in assignments:
        roll = rng.random()
        if roll >= submit_share + draft_share:
            continue
        submit = roll < submit_share
        criteria = assignment.nomination.campaign.criteria
        quality = rng.uniform(0.55, 0.95)
        points = {
            c.id: str(
                max(
                    0,
                    min(
                        int(c.max_points), round(float(c.max_points) * quality + rng.uniform(-2, 2))
                    ),
                )
            )
            for c in criteria
        }
        reviewer_user = assignment.reviewer.user
        review.save_scorecard(
            reviewer_user,
            assignment,
            points=points,
            comments={},
            comment="Mô hình thiết thực, được Nhân dân đồng tình." if submit else "",
            expected_version=None,
            submit=submit,
            today=day,  # inside the campaign's review window
        )
        submitted += submit
    return submitted


def _mean(nomination: Nomination) -> float:
    totals = db.session.scalars(
        sa.select(Scorecard.total)
        .join(Assignment, Assignment.id == Scorecard.assignment_id)
        .where(Assignment.nomination_id == nomination.id, Scorecard.submitted_at.is_not(None))
    ).all()
    return sum(float(t) for t in totals) / len(totals) if totals else 0.0
