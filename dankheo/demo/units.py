"""Demo unit tree: an illustrative Tây Ninh before and after the July 2025 reorganisation.

District-level units and their communes are valid until 30/6/2025; from 1/7/2025 merged
communes (illustrative names and groupings) sit directly under the province, each linked
to its predecessors by a dated merge."""

from datetime import date

import sqlalchemy as sa

from dankheo.admin.units import create_unit, record_succession
from dankheo.extensions import db
from dankheo.models.units import SuccessionKind, Unit, UnitKind

PROVINCE_CODE = "TN"
OLD_END = date(2025, 6, 30)
NEW_START = date(2025, 7, 1)
PHASE_START = date(2021, 1, 1)

C, W, T = UnitKind.COMMUNE, UnitKind.WARD, UnitKind.TOWNSHIP

# (code, name, kind, [(code, name, kind), ...]) — former district-level units.
DISTRICTS = [
    (
        "TPTN",
        "Thành phố Tây Ninh",
        UnitKind.DISTRICT,
        [
            ("TPTN-P1", "Phường 1", W),
            ("TPTN-P2", "Phường 2", W),
            ("TPTN-P3", "Phường 3", W),
            ("TPTN-NS", "Phường Ninh Sơn", W),
            ("TPTN-NT", "Phường Ninh Thạnh", W),
            ("TPTN-BM", "Xã Bình Minh", C),
            ("TPTN-TT", "Xã Thạnh Tân", C),
        ],
    ),
    (
        "HT",
        "Thị xã Hòa Thành",
        UnitKind.DISTRICT,
        [
            ("HT-LH", "Phường Long Hoa", W),
            ("HT-HT", "Phường Hiệp Tân", W),
            ("HT-LTB", "Phường Long Thành Bắc", W),
            ("HT-TH", "Xã Trường Hòa", C),
            ("HT-TĐ", "Xã Trường Đông", C),
            ("HT-TT", "Xã Trường Tây", C),
        ],
    ),
    (
        "TB",
        "Thị xã Trảng Bàng",
        UnitKind.DISTRICT,
        [
            ("TB-TB", "Phường Trảng Bàng", W),
            ("TB-AT", "Phường An Tịnh", W),
            ("TB-GL", "Phường Gia Lộc", W),
            ("TB-GB", "Phường Gia Bình", W),
            ("TB-HT", "Xã Hưng Thuận", C),
            ("TB-ĐT", "Xã Đôn Thuận", C),
        ],
    ),
    (
        "TBI",
        "Huyện Tân Biên",
        UnitKind.DISTRICT,
        [
            ("TBI-TT", "Thị trấn Tân Biên", T),
            ("TBI-TL", "Xã Tân Lập", C),
            ("TBI-TBA", "Xã Thạnh Bắc", C),
            ("TBI-HH", "Xã Hòa Hiệp", C),
            ("TBI-MC", "Xã Mỏ Công", C),
            ("TBI-TV", "Xã Trà Vong", C),
        ],
    ),
    (
        "TC",
        "Huyện Tân Châu",
        UnitKind.DISTRICT,
        [
            ("TC-TT", "Thị trấn Tân Châu", T),
            ("TC-TH", "Xã Tân Hà", C),
            ("TC-TĐ", "Xã Tân Đông", C),
            ("TC-SN", "Xã Suối Ngô", C),
            ("TC-SD", "Xã Suối Dây", C),
            ("TC-TP", "Xã Tân Phú", C),
        ],
    ),
    (
        "DMC",
        "Huyện Dương Minh Châu",
        UnitKind.DISTRICT,
        [
            ("DMC-TT", "Thị trấn Dương Minh Châu", T),
            ("DMC-SĐ", "Xã Suối Đá", C),
            ("DMC-PH", "Xã Phan", C),
            ("DMC-CL", "Xã Chà Là", C),
            ("DMC-TM", "Xã Truông Mít", C),
            ("DMC-BN", "Xã Bàu Năng", C),
        ],
    ),
    (
        "CT",
        "Huyện Châu Thành",
        UnitKind.DISTRICT,
        [
            ("CT-TT", "Thị trấn Châu Thành", T),
            ("CT-HĐ", "Xã Hảo Đước", C),
            ("CT-ĐK", "Xã Đồng Khởi", C),
            ("CT-TĐ", "Xã Thanh Điền", C),
            ("CT-NĐ", "Xã Ninh Điền", C),
            ("CT-BG", "Xã Biên Giới", C),
        ],
    ),
    (
        "BC",
        "Huyện Bến Cầu",
        UnitKind.DISTRICT,
        [
            ("BC-TT", "Thị trấn Bến Cầu", T),
            ("BC-LC", "Xã Long Chữ", C),
            ("BC-LG", "Xã Long Giang", C),
            ("BC-TTH", "Xã Tiên Thuận", C),
            ("BC-LT", "Xã Lợi Thuận", C),
            ("BC-AT", "Xã An Thạnh", C),
        ],
    ),
    (
        "GD",
        "Huyện Gò Dầu",
        UnitKind.DISTRICT,
        [
            ("GD-TT", "Thị trấn Gò Dầu", T),
            ("GD-TĐ", "Xã Thạnh Đức", C),
            ("GD-CG", "Xã Cẩm Giang", C),
            ("GD-BĐ", "Xã Bàu Đồn", C),
            ("GD-PT", "Xã Phước Thạnh", C),
            ("GD-PĐ", "Xã Phước Đông", C),
        ],
    ),
]

# Communes and wards from 1/7/2025 (illustrative): (code, name, kind, [predecessor codes]).
MERGED_2025 = [
    ("M-TANNINH", "Phường Tân Ninh", W, ["TPTN-P1", "TPTN-P2", "TPTN-P3"]),
    ("M-NINHTHANH", "Phường Ninh Thạnh", W, ["TPTN-NS", "TPTN-NT"]),
    ("M-BINHMINH", "Phường Bình Minh", W, ["TPTN-BM", "TPTN-TT"]),
    ("M-LONGHOA", "Phường Long Hoa", W, ["HT-LH", "HT-LTB"]),
    ("M-HOATHANH", "Phường Hòa Thành", W, ["HT-HT", "HT-TH"]),
    ("M-TRUONGDONG", "Xã Trường Đông", C, ["HT-TĐ", "HT-TT"]),
    ("M-TRANGBANG", "Phường Trảng Bàng", W, ["TB-TB", "TB-AT"]),
    ("M-GIALOC", "Phường Gia Lộc", W, ["TB-GL", "TB-GB"]),
    ("M-HUNGTHUAN", "Xã Hưng Thuận", C, ["TB-HT", "TB-ĐT"]),
    ("M-TANBIEN", "Xã Tân Biên", C, ["TBI-TT", "TBI-TL", "TBI-TBA"]),
    ("M-HOAHIEP", "Xã Hòa Hiệp", C, ["TBI-HH", "TBI-MC", "TBI-TV"]),
    ("M-TANCHAU", "Xã Tân Châu", C, ["TC-TT", "TC-TH", "TC-TĐ"]),
    ("M-SUOINGO", "Xã Suối Ngô", C, ["TC-SN", "TC-SD", "TC-TP"]),
    ("M-DMC", "Xã Dương Minh Châu", C, ["DMC-TT", "DMC-SĐ", "DMC-PH"]),
    ("M-TRUONGMIT", "Xã Truông Mít", C, ["DMC-CL", "DMC-TM", "DMC-BN"]),
    ("M-CHAUTHANH", "Xã Châu Thành", C, ["CT-TT", "CT-HĐ", "CT-ĐK"]),
    ("M-THANHDIEN", "Phường Thanh Điền", W, ["CT-TĐ", "CT-NĐ", "CT-BG"]),
    ("M-BENCAU", "Xã Bến Cầu", C, ["BC-TT", "BC-LC", "BC-LG"]),
    ("M-LONGTHUAN", "Xã Long Thuận", C, ["BC-TTH", "BC-LT", "BC-AT"]),
    ("M-GODAU", "Phường Gò Dầu", W, ["GD-TT", "GD-TĐ", "GD-CG"]),
    ("M-PHUOCTHANH", "Xã Phước Thạnh", C, ["GD-BĐ", "GD-PT", "GD-PĐ"]),
]

# Provincial agencies and organisations: (code, name, kind, valid_to or None).
AGENCIES = [
    ("BDVTU", "Ban Dân vận Tỉnh ủy", UnitKind.AGENCY, OLD_END),
    ("BTGDVTU", "Ban Tuyên giáo và Dân vận Tỉnh ủy", UnitKind.AGENCY, None),
    ("UBND-TN", "Ủy ban nhân dân tỉnh", UnitKind.AGENCY, None),
    ("MTTQ-TN", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", UnitKind.FRONT, None),
    ("HND-TN", "Hội Nông dân tỉnh", UnitKind.MASS_ORGANISATION, None),
    ("HLHPN-TN", "Hội Liên hiệp Phụ nữ tỉnh", UnitKind.MASS_ORGANISATION, None),
    ("DTN-TN", "Tỉnh đoàn", UnitKind.MASS_ORGANISATION, None),
    ("HCCB-TN", "Hội Cựu chiến binh tỉnh", UnitKind.MASS_ORGANISATION, None),
    ("LDLD-TN", "Liên đoàn Lao động tỉnh", UnitKind.MASS_ORGANISATION, None),
    ("BCHQS-TN", "Bộ Chỉ huy Quân sự tỉnh", UnitKind.ARMED_FORCES, None),
    ("CA-TN", "Công an tỉnh", UnitKind.ARMED_FORCES, None),
    ("SGDĐT-TN", "Sở Giáo dục và Đào tạo", UnitKind.DEPARTMENT, None),
]


def seed() -> str:
    if db.session.scalar(sa.select(Unit.id).where(Unit.code == PROVINCE_CODE)):
        return "units: already loaded"
    province = create_unit(
        code=PROVINCE_CODE, name="Tỉnh Tây Ninh", kind=UnitKind.PROVINCE, valid_from=PHASE_START
    )
    by_code: dict[str, Unit] = {}
    for code, name, kind, valid_to in AGENCIES:
        valid_from = NEW_START if valid_to is None and code == "BTGDVTU" else PHASE_START
        by_code[code] = create_unit(
            code=code,
            name=name,
            kind=kind,
            parent=province,
            valid_from=valid_from,
            valid_to=valid_to,
        )
    for code, name, kind, communes in DISTRICTS:
        district = create_unit(
            code=code,
            name=name,
            kind=kind,
            parent=province,
            valid_from=PHASE_START,
            valid_to=OLD_END,
        )
        by_code[code] = district
        create_unit(
            code=f"{code}-BDV",
            name=f"Ban Dân vận {_district_short(name)}",
            kind=UnitKind.AGENCY,
            parent=district,
            valid_from=PHASE_START,
            valid_to=OLD_END,
        )
        for c_code, c_name, c_kind in communes:
            by_code[c_code] = create_unit(
                code=c_code,
                name=c_name,
                kind=c_kind,
                parent=district,
                valid_from=PHASE_START,
                valid_to=OLD_END,
            )
    for code, name, kind, predecessors in MERGED_2025:
        merged = create_unit(code=code, name=name, kind=kind, parent=province, valid_from=NEW_START)
        by_code[code] = merged
        record_succession(
            [by_code[p] for p in predecessors],
            [merged],
            SuccessionKind.MERGE,
            NEW_START,
            note="Sắp xếp đơn vị hành chính cấp xã năm 2025",
            close_predecessors=False,
        )
    record_succession(
        [by_code["BDVTU"]],
        [by_code["BTGDVTU"]],
        SuccessionKind.MERGE,
        NEW_START,
        note="Hợp nhất Ban Tuyên giáo và Ban Dân vận Tỉnh ủy",
        close_predecessors=False,
    )
    count = db.session.scalar(sa.select(sa.func.count(Unit.id)))
    return f"units: {count} loaded"


def _district_short(name: str) -> str:
    for prefix in ("Thành phố ", "Thị xã ", "Huyện "):
        if name.startswith(prefix):
            return prefix.strip().lower() + " " + name[len(prefix) :]
    return name
