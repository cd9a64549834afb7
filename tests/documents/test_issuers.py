"""Issuers kept in the app: a secretary records one with its first name, renames it from
a date, and documents print the name valid on their own date; bad input saves nothing."""

from datetime import date

import sqlalchemy as sa

from dankheo.certificates.issuers import settings_of
from dankheo.extensions import db
from dankheo.models import AuditEvent, Issuer, Role
from tests.factories import make_user

NAME = {
    "name-valid_from": "2021-01-01",
    "name-name": "Ủy ban nhân dân thành phố Tây Ninh",
    "name-header_name": "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ TÂY NINH",
    "name-code": "UBND",
    "name-certificate_line": "CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ TÂY NINH",
    "name-authority_line": "CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ TÂY NINH",
}


def test_secretary_records_an_issuer_and_a_rename(client, auth, world):
    auth.login("thuky")
    before = db.session.scalar(sa.select(sa.func.count(Issuer.id)))
    missing = client.post(
        "/certificates/issuers/new",
        data={"unit_id": world["province"].id, "profile": "state", "place": ""},
    )
    assert "Vui lòng nhập trường này." in missing.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Issuer.id))) == before
    created = client.post(
        "/certificates/issuers/new",
        data={
            "unit_id": world["province"].id,
            "profile": "state",
            "place": "Tây Ninh",
            "legal_basis": "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
            "signer_authority": "KT. CHỦ TỊCH",
            "signer_title": "PHÓ CHỦ TỊCH",
            "signer_name": "Trần Văn B",
            **NAME,
        },
    )
    assert created.status_code == 302
    issuer = db.session.scalar(sa.select(Issuer).order_by(Issuer.id.desc()).limit(1))
    renamed = client.post(
        f"/certificates/issuers/{issuer.id}/names",
        data={
            **NAME,
            "name-valid_from": "2025-07-01",
            "name-name": "Ủy ban nhân dân phường Tân Ninh",
            "name-header_name": "ỦY BAN NHÂN DÂN\nPHƯỜNG TÂN NINH",
        },
    )
    assert renamed.status_code == 302
    db.session.expire_all()
    assert settings_of(issuer, date(2024, 12, 15)).header_name.endswith("THÀNH PHỐ TÂY NINH")
    assert settings_of(issuer, date(2025, 12, 15)).header_name.endswith("PHƯỜNG TÂN NINH")
    page = client.get(f"/certificates/issuers/{issuer.id}/edit").get_data(as_text=True)
    assert "01/07/2025" in page and "Ủy ban nhân dân phường Tân Ninh" in page
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"issuer.create", "issuer.rename"} <= actions


def test_a_secretary_elsewhere_may_not_edit_the_province_issuer(client, auth, world):
    make_user("thuky.xa", (Role.SECRETARY, world["commune"]))
    auth.login("thuky.xa")
    state = world["state"]
    assert client.get(f"/certificates/issuers/{state.id}/edit").status_code == 403
    answer = client.post(
        f"/certificates/issuers/{state.id}/names", data={**NAME, "name-code": "XXX"}
    )
    assert answer.status_code == 403
    db.session.expire_all()
    assert all(n.code != "XXX" for n in state.names)
