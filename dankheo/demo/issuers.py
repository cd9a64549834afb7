"""Demo issuers: the provincial People's Committee (State profile) and the Tỉnh ủy's
board (Party profile) that became "Ban Tuyên giáo và Dân vận" in 2025, with sensible
default settings the secretary edits in the app (Cơ quan ban hành). The legal-basis
lines are settings, never code: the guiding decree quoted is 98/2023/NĐ-CP (check the
current text before relying on it: DOMAIN.md)."""

from datetime import date

import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models import Issuer, IssuerName, IssuerProfile, Unit

PARTY_RENAMED = date(2025, 3, 1)  # the boards merged on 01/03/2025 (units/agencies.toml)

STATE_BASIS = "\n".join(
    (
        "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
        "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định "
        "chi tiết thi hành một số điều của Luật Thi đua, khen thưởng",
        "Căn cứ Chỉ thị của Ban Thường vụ Tỉnh ủy về tăng cường sự lãnh đạo của Đảng đối "
        "với công tác dân vận trong tình hình mới",
    )
)
PARTY_BASIS = "\n".join(
    (
        "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
        "Căn cứ Chỉ thị của Ban Thường vụ Tỉnh ủy về tăng cường sự lãnh đạo của Đảng đối "
        "với công tác dân vận trong tình hình mới",
        "Căn cứ Quy chế làm việc của Ban",
    )
)


def ensure_issuers(province: Unit, party_unit: Unit, province_name: str = "Tây Ninh"):
    """(state, party) issuers of the demo province, created once."""
    existing = list(db.session.scalars(sa.select(Issuer).order_by(Issuer.id)))
    state = next((i for i in existing if i.profile == IssuerProfile.STATE), None)
    party = next((i for i in existing if i.profile == IssuerProfile.PARTY), None)
    upper = province_name.upper()
    if state is None:
        state = Issuer(
            unit=province,
            profile=IssuerProfile.STATE,
            parent_name="",
            place=province_name,
            legal_basis=STATE_BASIS,
            recipients="\n".join(
                (
                    "Như Điều 3",
                    "Ban Thi đua - Khen thưởng Trung ương",
                    "Thường trực Tỉnh ủy",
                    "Chủ tịch, các Phó Chủ tịch UBND tỉnh",
                    "Ban Tuyên giáo và Dân vận Tỉnh ủy",
                    "Lưu: VT, NC",
                )
            ),
            signer_authority="KT. CHỦ TỊCH",
            signer_title="PHÓ CHỦ TỊCH",
            signer_name="Nguyễn Hồng Thanh",
            proposer="Giám đốc Sở Nội vụ",
        )
        state.names.append(
            IssuerName(
                valid_from=date(2021, 1, 1),
                name=f"Ủy ban nhân dân tỉnh {province_name}",
                header_name=f"ỦY BAN NHÂN DÂN\nTỈNH {upper}",
                code="UBND",
                certificate_line=f"CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH {upper}",
                authority_line=f"CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH {upper}",
            )
        )
        db.session.add(state)
    if party is None:
        party = Issuer(
            unit=party_unit,
            profile=IssuerProfile.PARTY,
            parent_name=f"TỈNH ỦY {upper}",
            place=province_name,
            legal_basis=PARTY_BASIS,
            recipients="\n".join(
                (
                    "Thường trực Tỉnh ủy (b/c)",
                    "Như Điều 3",
                    "Lưu Văn phòng Ban",
                )
            ),
            signer_authority="",
            signer_title="TRƯỞNG BAN",
            signer_name="Trần Văn Chiến",
            proposer="Phòng Dân vận",
        )
        party.names.append(
            IssuerName(
                valid_from=date(2021, 1, 1),
                name="Ban Dân vận Tỉnh ủy",
                header_name="BAN DÂN VẬN",
                code="BDVTU",
                certificate_line=f"BAN DÂN VẬN TỈNH ỦY {upper}",
                authority_line="BAN DÂN VẬN TỈNH ỦY",
            )
        )
        party.names.append(
            IssuerName(
                valid_from=PARTY_RENAMED,
                name="Ban Tuyên giáo và Dân vận Tỉnh ủy",
                header_name="BAN TUYÊN GIÁO VÀ DÂN VẬN",
                code="BTGDVTU",
                certificate_line=f"BAN TUYÊN GIÁO VÀ DÂN VẬN TỈNH ỦY {upper}",
                authority_line="BAN TUYÊN GIÁO VÀ DÂN VẬN TỈNH ỦY",
            )
        )
        db.session.add(party)
    db.session.flush()
    return state, party
