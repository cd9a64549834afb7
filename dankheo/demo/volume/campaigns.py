"""Volume stage: the phase, the 2025 campaign in review (criteria, award types,
nominations, a committee of reviewers and every scorecard submitted), and the rows of
campaigns, award types and nominations that the certificates stage reuses."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from dankheo import vietnamese
from dankheo.demo.volume.core import CAMPAIGN_YEAR, PROVINCE_NAME, insert, lower_first
from dankheo.demo.volume.names import CRITERIA
from dankheo.demo.volume.state import Volume
from dankheo.extensions import db
from dankheo.models import (
    Assignment,
    AwardForm,
    AwardType,
    Campaign,
    CampaignKind,
    Committee,
    Criterion,
    IssuerProfile,
    Level,
    Nomination,
    NominationState,
    Phase,
    Reviewer,
    Score,
    Scorecard,
    review_scores,
)


def phase_id(vol: Volume) -> int:
    existing = db.session.scalar(sa.select(Phase.id).where(Phase.start_year == 2021))
    if existing:
        return existing
    pid = vol.ids.take(Phase)
    insert(
        Phase,
        [{"id": pid, "name": "Giai đoạn 2021–2025", "start_year": 2021, "end_year": 2025}],
    )
    return pid


def campaign_row(vol: Volume, year: int, organiser: int, today: date | None) -> dict:
    cid = vol.ids.take(Campaign)
    row = {
        "id": cid,
        "phase_id": vol.phase,
        "organising_unit_id": organiser,
        "name": f"Đợt thi đua “Dân vận khéo” năm {year} ({PROVINCE_NAME})",
        "year": year,
        "kind": CampaignKind.YEARLY,
        "level": Level.PROVINCE,
        "registration_opens": date(year, 1, 15),
        "registration_closes": date(year, 9, 30),
        "nomination_opens": date(year, 10, 1),
        "nomination_closes": date(year, 10, 31),
        "review_opens": date(year, 11, 1),
        "review_closes": date(year, 11, 30),
        "reviewers_per_nomination": 3,
        "half_points": False,
        "spread_threshold": Decimal(20),
        "pass_threshold": Decimal(50),
    }
    if today is not None:  # the current campaign: review open around today
        row.update(
            registration_opens=today - timedelta(days=150),
            registration_closes=today - timedelta(days=60),
            nomination_opens=today - timedelta(days=59),
            nomination_closes=today - timedelta(days=30),
            review_opens=today - timedelta(days=29),
            review_closes=today + timedelta(days=60),
        )
    return row


def award_type_row(vol: Volume, campaign_id: int, form: AwardForm, quota: int) -> dict:
    if form == AwardForm.BANG_KHEN:
        title, profile, suffix = (
            f"Chủ tịch Ủy ban nhân dân {lower_first(PROVINCE_NAME)}",
            IssuerProfile.STATE,
            "QĐ-UBND",
        )
    else:
        title, profile, suffix = (
            "Trưởng Ban Tuyên giáo và Dân vận Tỉnh ủy",
            IssuerProfile.PARTY,
            "QĐ/BTGDVTU",
        )
    return {
        "id": vol.ids.take(AwardType),
        "campaign_id": campaign_id,
        "form": form,
        "issuer_title": title,
        "issuer_name": vol.person_name(),
        "issuer_profile": profile,
        "decision_suffix": suffix,
        "quota": quota,
        "paper": "A3",
        "emblem_path": "",
        "blank_scan_path": "",
        "overlay_layout": {},
    }


def nomination_row(vol: Volume, campaign_id: int, award_type_id: int, year: int, subject, state):
    kind, sid = subject
    if kind == "initiative":
        unit_id = vol.initiative_unit[sid]
        recipient = vol.units[unit_id]["name"]
        line = vol.initiative_name[sid]
    else:
        _eid, name, position, unit_id = sid
        recipient, line = name, position
    return {
        "id": vol.ids.take(Nomination),
        "campaign_id": campaign_id,
        "award_type_id": award_type_id,
        "unit_id": unit_id,
        "initiative_id": sid if kind == "initiative" else None,
        "exemplar_id": sid[0] if kind == "exemplar" else None,
        "batch_id": None,
        "recipient_name": recipient,
        "recipient_line": line,
        "achievement_text": "Đã có thành tích xuất sắc trong phong trào thi đua "
        f"“Dân vận khéo” năm {year}",
        "report_text": "Báo cáo thành tích: tổ chức thực hiện hiệu quả, nhân dân đồng tình.",
        "report_evidence_id": None,
        "state": state,
        "created_by_id": None,
        "created_at": datetime(year, 10, 15),
        "updated_at": datetime(year, 11, 1),
        "version": 1,
    }


def subjects(vol: Volume, year: int, count: int) -> list:
    """``count`` distinct subjects of ``year``: recognised initiatives and exemplars."""
    r = vol.rng
    exemplars = vol.exemplars_by_year.get(year, [])
    n_ex = min(len(exemplars), count // 5)
    initiatives = vol.recognised[year]
    n_in = min(len(initiatives), count - n_ex)
    chosen = [("initiative", i) for i in r.sample(initiatives, n_in)]
    chosen += [("exemplar", e) for e in r.sample(exemplars, n_ex)]
    r.shuffle(chosen)
    return chosen


def build_current_campaign(vol: Volume) -> str:
    r = vol.rng
    today = vietnamese.today()
    campaign = campaign_row(vol, CAMPAIGN_YEAR, vol.agency_ids["BTGDVTU"], today)
    cid = campaign["id"]
    vol.current_campaign_id = cid
    insert(Campaign, [campaign])
    criteria = [
        {
            "id": vol.ids.take(Criterion),
            "campaign_id": cid,
            "title": title,
            "description": "",
            "max_points": Decimal(20),
            "weight": Decimal(1),
            "position": i,
        }
        for i, title in enumerate(CRITERIA)
    ]
    insert(Criterion, criteria)
    award_types = [
        award_type_row(vol, cid, AwardForm.BANG_KHEN, max(1, vol.counts.nominations // 15)),
        award_type_row(vol, cid, AwardForm.GIAY_KHEN, max(1, vol.counts.nominations // 5)),
    ]
    insert(AwardType, award_types)
    nominations = [
        nomination_row(
            vol,
            cid,
            award_types[0 if r.random() < 0.3 else 1]["id"],
            CAMPAIGN_YEAR,
            subject,
            NominationState.IN_REVIEW,
        )
        for subject in subjects(vol, CAMPAIGN_YEAR, vol.counts.nominations)
    ]
    insert(Nomination, nominations)
    committee = vol.ids.take(Committee)
    insert(
        Committee,
        [
            {
                "id": committee,
                "campaign_id": cid,
                "name": f"Hội đồng Thi đua – Khen thưởng đợt thi đua năm {CAMPAIGN_YEAR}",
            }
        ],
    )
    reviewers = [
        {
            "id": vol.ids.take(Reviewer),
            "committee_id": committee,
            "user_id": uid,
            "unit_id": body,
            "title": "Ủy viên Hội đồng",
            "active": True,
        }
        for uid, body in vol.reviewer_users
    ]
    insert(Reviewer, reviewers)
    bias = [r.gauss(0, 1.5) for _ in reviewers]
    assignments, scorecards, scores = [], [], []
    k = min(3, len(reviewers))
    submitted = datetime.combine(today - timedelta(days=5), datetime.min.time())
    for i, nomination in enumerate(nominations):
        quality = r.gauss(14, 2.5)  # out of 20 per criterion
        for j in range(k):
            slot = (i * k + j) % len(reviewers)
            aid = vol.ids.take(Assignment)
            sid = vol.ids.take(Scorecard)
            assignments.append(
                {
                    "id": aid,
                    "nomination_id": nomination["id"],
                    "reviewer_id": reviewers[slot]["id"],
                    "assigned_at": submitted - timedelta(days=10),
                    "assigned_by_id": vol.secretary_id,
                }
            )
            total = Decimal(0)
            for criterion in criteria:
                raw = quality + bias[slot] + r.gauss(0, 1.5)
                points = Decimal(max(0, min(20, round(raw)))).quantize(Decimal("0.01"))
                total += points * criterion["weight"]
                scores.append(
                    {
                        "id": vol.ids.take(Score),
                        "scorecard_id": sid,
                        "criterion_id": criterion["id"],
                        "points": points,
                        "comment": "",
                    }
                )
            scorecards.append(
                {
                    "id": sid,
                    "assignment_id": aid,
                    "comment": "",
                    "total": total.quantize(Decimal("0.001")),
                    "submitted_at": submitted,
                    "updated_at": submitted,
                    "version": 1,
                }
            )
    insert(Assignment, assignments)
    insert(Scorecard, scorecards)
    insert(Score, scores)
    review_scores.rebuild(db.session)  # bulk rows bypass the flush that keeps them
    return (
        f"campaign {CAMPAIGN_YEAR}: {len(nominations)} nominations in review, "
        f"{len(reviewers)} reviewers, {len(scorecards)} scorecards, {len(scores)} scores"
    )
