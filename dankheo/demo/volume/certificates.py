"""Volume stage: issued certificate records of the 2021–2024 campaigns (one signed
decision a year; status valid, a fake SHA-256, no files)."""

import hashlib
from datetime import date, datetime, timedelta

from dankheo.demo.volume.campaigns import award_type_row, campaign_row, nomination_row, subjects
from dankheo.demo.volume.core import CAMPAIGN_YEAR, YEARS, insert
from dankheo.demo.volume.state import Volume
from dankheo.models import (
    AwardForm,
    AwardType,
    Campaign,
    Certificate,
    CertificateStatus,
    Decision,
    DecisionItem,
    DecisionStatus,
    Nomination,
    NominationState,
)


def build_certificates(vol: Volume) -> str:
    total = vol.counts.certificates
    past = [y for y in YEARS if y < CAMPAIGN_YEAR]
    per_year = [total // len(past) + (1 if i < total % len(past) else 0) for i in range(len(past))]
    certificates = 0
    serial_no = 0
    for year, wanted in zip(past, per_year, strict=True):
        if not wanted:
            continue
        campaign = campaign_row(vol, year, vol.agency_ids["BDVTU"], None)
        insert(Campaign, [campaign])
        award_type = award_type_row(vol, campaign["id"], AwardForm.BANG_KHEN, wanted)
        insert(AwardType, [award_type])
        nominations = [
            nomination_row(
                vol, campaign["id"], award_type["id"], year, subject, NominationState.AWARDED
            )
            for subject in subjects(vol, year, wanted)
        ]
        insert(Nomination, nominations)
        decision_id = vol.ids.take(Decision)
        signed_on = date(year, 12, 15)
        signed_at = datetime(year, 12, 15, 9)
        insert(
            Decision,
            [
                {
                    "id": decision_id,
                    "campaign_id": campaign["id"],
                    "award_type_id": award_type["id"],
                    "number": 100 + year % 100,
                    "number_text": f"Số: {100 + year % 100}/QĐ-UBND",
                    "signed_on": signed_on,
                    "place": "Bình An",
                    "signer_name": award_type["issuer_name"],
                    "signer_title": "CHỦ TỊCH",
                    "status": DecisionStatus.SIGNED,
                    "created_by_id": vol.secretary_id,
                    "created_at": signed_at - timedelta(days=3),
                    "signed_at": signed_at,
                    "file_path": "",
                    "version": 1,
                }
            ],
        )
        items, certs = [], []
        for position, nomination in enumerate(nominations, start=1):
            serial_no += 1
            serial = f"VOL-{year}-{position:06d}"
            items.append(
                {
                    "id": vol.ids.take(DecisionItem),
                    "decision_id": decision_id,
                    "nomination_id": nomination["id"],
                    "position": position,
                }
            )
            certs.append(
                {
                    "id": vol.ids.take(Certificate),
                    "serial": serial,
                    "decision_id": decision_id,
                    "nomination_id": nomination["id"],
                    "position": position,
                    "recipient_name": nomination["recipient_name"],
                    "recipient_line": nomination["recipient_line"],
                    "reason": nomination["achievement_text"],
                    "register_number": f"{serial_no}/SVS",
                    "status": CertificateStatus.VALID,
                    "sha256": hashlib.sha256(serial.encode()).hexdigest(),
                    "file_path": "",
                    "size": 0,
                    "issued_at": signed_at,
                    "revoked_reason": "",
                    "revoked_at": None,
                    "revoked_by_id": None,
                    "replaces_id": None,
                    "created_at": signed_at,
                }
            )
        insert(DecisionItem, items)
        insert(Certificate, certs)
        certificates += len(certs)
    return f"{certificates} issued certificates over {len(past)} past campaigns"
