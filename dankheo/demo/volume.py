"""Volume data for benchmarks: a large, realistic province loaded with bulk inserts.

``flask --app dankheo seed-volume`` builds, by default: 5,000 units in a 2025-style tree
(nine former districts with their communes, villages and mass organisations, closed on
30/6/2025, and the merged communes of 1/7/2025 linked to them by dated successions),
100,000 initiatives over 2021–2025 with their year rows, 20,000 exemplars, a 2025
campaign with 2,000 nominations in review, 30 reviewers and every scorecard submitted
(3 per nomination), and 5,000 issued certificate records from the 2021–2024 campaigns
(status valid, a fake SHA-256, no files).

The province ("Tỉnh Bình An", code ``VOL``) and every place name are invented from
common Vietnamese name syllables; it sits beside the demo province without touching it.
Rows are inserted with ``session.execute(insert(Model), rows)`` and ids, materialised
paths, folded search text and sort keys computed in Python, so the whole load takes
seconds, not the hours the ORM unit of work would. Output is deterministic for a seed.
Accounts (password ``dankheo-demo``): ``vol.admin``, ``vol.thuky`` (secretary),
``vol.lanhdao`` (leader), ``vol.canbo1``… (district officers), ``vol.hoidong01``…
"""

import hashlib
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from itertools import product

import sqlalchemy as sa

from dankheo.demo import DEMO_PASSWORD
from dankheo.extensions import db
from dankheo.models import (
    Assignment,
    AwardForm,
    AwardType,
    Campaign,
    CampaignKind,
    Certificate,
    CertificateStatus,
    Committee,
    Criterion,
    Decision,
    DecisionItem,
    DecisionStatus,
    Exemplar,
    ExemplarKind,
    Field,
    Initiative,
    InitiativeYear,
    IssuerProfile,
    Level,
    Membership,
    Nomination,
    NominationState,
    Phase,
    Reviewer,
    Role,
    Score,
    Scorecard,
    SuccessionKind,
    Unit,
    UnitKind,
    UnitSuccession,
    User,
    YearStatus,
)
from dankheo.models.registry import exemplar_initiatives
from dankheo.tree import segment
from dankheo.vietnamese import fold
from dankheo.vietnamese import sort_key as _sort_key

PROVINCE_CODE = "VOL"
PROVINCE_NAME = "Tỉnh Bình An"
PHASE_START = date(2021, 1, 1)
OLD_END = date(2025, 6, 30)
NEW_START = date(2025, 7, 1)
YEARS = (2021, 2022, 2023, 2024, 2025)
CAMPAIGN_YEAR = 2025
CHUNK = 5_000


@dataclass(frozen=True)
class VolumeCounts:
    units: int = 5_000
    initiatives: int = 100_000
    exemplars: int = 20_000
    nominations: int = 2_000
    reviewers: int = 30
    certificates: int = 5_000


# --- names ----------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_FIRST = _words(
    "Bình Tân Phước Long An Hòa Thạnh Thanh Trường Hiệp Thuận Lộc Phú Mỹ Vĩnh Hưng "
    "Đông Tây Ninh Khánh Lợi Gia Cẩm Suối Bàu Trà Hảo Đồng Tiên Phong Xuân Hiếu Quang"
)
_SECOND = _words(
    "Hòa Lợi Thạnh Hưng Phú Đông Tây Trung Thành An Lộc Điền Khánh Mỹ Hiệp Thuận Đức "
    "Nghĩa Tiến Phát Bình Minh Ninh Giang Sơn Hội Tân Hải Quý Thới Hậu"
)
_DISTRICTS = (
    ("Thành phố Bình An", UnitKind.DISTRICT),
    ("Thị xã An Hòa", UnitKind.DISTRICT),
    ("Thị xã Long Thạnh", UnitKind.DISTRICT),
    ("Huyện Tân Phước", UnitKind.DISTRICT),
    ("Huyện Phú Lộc", UnitKind.DISTRICT),
    ("Huyện Mỹ Thuận", UnitKind.DISTRICT),
    ("Huyện Vĩnh Hưng", UnitKind.DISTRICT),
    ("Huyện Hiệp Điền", UnitKind.DISTRICT),
    ("Huyện Trà Giang", UnitKind.DISTRICT),
)
# (code suffix, name, kind, valid_to) of the provincial agencies and organisations.
_AGENCIES = (
    ("BDVTU", "Ban Dân vận Tỉnh ủy", UnitKind.AGENCY, OLD_END),
    ("BTGDVTU", "Ban Tuyên giáo và Dân vận Tỉnh ủy", UnitKind.AGENCY, None),
    ("UBND", "Ủy ban nhân dân tỉnh", UnitKind.AGENCY, None),
    ("MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", UnitKind.FRONT, None),
    ("HND", "Hội Nông dân tỉnh", UnitKind.MASS_ORGANISATION, None),
    ("HLHPN", "Hội Liên hiệp Phụ nữ tỉnh", UnitKind.MASS_ORGANISATION, None),
    ("DTN", "Tỉnh đoàn", UnitKind.MASS_ORGANISATION, None),
    ("HCCB", "Hội Cựu chiến binh tỉnh", UnitKind.MASS_ORGANISATION, None),
    ("LDLD", "Liên đoàn Lao động tỉnh", UnitKind.MASS_ORGANISATION, None),
    ("BCHQS", "Bộ Chỉ huy Quân sự tỉnh", UnitKind.ARMED_FORCES, None),
    ("CA", "Công an tỉnh", UnitKind.ARMED_FORCES, None),
    ("SGDDT", "Sở Giáo dục và Đào tạo", UnitKind.DEPARTMENT, None),
    ("SYT", "Sở Y tế", UnitKind.DEPARTMENT, None),
    ("SNNMT", "Sở Nông nghiệp và Môi trường", UnitKind.DEPARTMENT, None),
)
# Organisations of a commune or a district: (code suffix, name prefix, kind).
_LOCAL_ORGS = (
    ("MTTQ", "Ủy ban MTTQ Việt Nam", UnitKind.FRONT),
    ("HND", "Hội Nông dân", UnitKind.MASS_ORGANISATION),
    ("HPN", "Hội Liên hiệp Phụ nữ", UnitKind.MASS_ORGANISATION),
    ("DTN", "Đoàn Thanh niên", UnitKind.MASS_ORGANISATION),
    ("CCB", "Hội Cựu chiến binh", UnitKind.MASS_ORGANISATION),
)
_THEMES = (
    "Tuyến đường hoa nông thôn mới",
    "Tuyến đường tự quản an ninh trật tự",
    "Dân vận khéo trong vận động hiến đất làm đường",
    "Thắp sáng đường quê",
    "Nhà tình nghĩa, nhà đại đoàn kết",
    "Tổ tự quản bảo vệ môi trường",
    "Phân loại rác thải tại nguồn",
    "Chi hội phụ nữ không sinh con thứ ba",
    "Ngôi nhà bình yên",
    "Tổ hợp tác trồng rau an toàn",
    "Nuôi heo đất giúp hội viên nghèo",
    "Bữa cơm nghĩa tình",
    "Cựu chiến binh giúp nhau làm kinh tế",
    "Thanh niên tình nguyện tham gia giữ gìn trật tự",
    "Camera an ninh vì cộng đồng",
    "Khu dân cư không có tội phạm và tệ nạn xã hội",
    "Dân vận khéo trong giải phóng mặt bằng",
    "Vận động nhân dân chuyển đổi cây trồng",
    "Sân chơi cho thiếu nhi",
    "Tủ sách cộng đồng",
    "Góp vốn xoay vòng giúp nhau thoát nghèo",
    "Hũ gạo tình thương",
    "Cổng trường an toàn giao thông",
    "Ấp văn hóa kiểu mẫu",
    "Cán bộ bám địa bàn, gần dân, sát dân",
    "Hòa giải viên giỏi ở cơ sở",
    "Vận động đồng bào có đạo tham gia xây dựng nông thôn mới",
    "Chuyển đổi số, thanh toán không dùng tiền mặt",
    "Lớp học tình thương",
    "Nước sạch cho hộ nghèo",
)
_SURNAMES = _words(
    "Nguyễn Trần Lê Phạm Huỳnh Hoàng Võ Phan Trương Bùi Đặng Đỗ Ngô Hồ Dương Lý Châu Tô"
)
_MIDDLE = ("Văn", "Thị", "Minh", "Thanh", "Ngọc", "Quốc", "Hữu", "Thị Kim", "Thị Mỹ", "Đức")
_GIVEN = _words(
    "An Bình Cường Dũng Hà Hạnh Hùng Lan Mai Nam Phúc Quang Sơn Tâm Thảo Trang Tuấn "
    "Vy Yến Ánh Đạt Hiếu Khoa Linh Nhung Oanh Lực Duyên Việt Khải Hồng Thu Tài Nghĩa"
)
_POSITIONS = (
    "Bí thư Chi bộ",
    "Trưởng ấp",
    "Trưởng ban Công tác Mặt trận",
    "Chi hội trưởng Phụ nữ",
    "Chi hội trưởng Nông dân",
    "Bí thư Chi đoàn",
    "Hội viên Hội Cựu chiến binh",
    "Tổ trưởng tổ tự quản",
    "Nông dân sản xuất, kinh doanh giỏi",
    "Công an viên",
)
_COLLECTIVES = (
    "Ban Công tác Mặt trận",
    "Chi hội Nông dân",
    "Chi hội Phụ nữ",
    "Chi đoàn",
    "Chi hội Cựu chiến binh",
    "Tổ tự quản",
)
_PROBLEMS = (
    "Đường giao thông nội ấp xuống cấp, nhiều hộ dân chưa đồng thuận hiến đất.",
    "Tình trạng rác thải sinh hoạt vứt bừa bãi, ảnh hưởng môi trường khu dân cư.",
    "Một số hộ nghèo thiếu vốn sản xuất, chưa có việc làm ổn định.",
    "An ninh trật tự ở khu vực giáp ranh còn diễn biến phức tạp.",
    "Nhiều tuyến đường chưa có đèn chiếu sáng, người dân đi lại khó khăn ban đêm.",
)
_METHODS = (
    "Cấp ủy lãnh đạo, chính quyền phối hợp, Mặt trận và các đoàn thể vận động từng hộ; "
    "công khai, dân chủ, người dân bàn và quyết định.",
    "Tổ chức họp dân, phân công đảng viên phụ trách hộ, nêu gương người đứng đầu.",
    "Vận động xã hội hóa, huy động ngày công lao động và đóng góp hiện vật của nhân dân.",
)
_CRITERIA = (
    "Có tên gọi, địa bàn cụ thể; do cấp ủy lãnh đạo",
    "Huy động được nhiều lực lượng tham gia",
    "Sáng tạo, tiết kiệm thời gian và chi phí",
    "Nhân dân đồng tình, tự nguyện tham gia",
    "Có khả năng duy trì, nhân rộng",
)


@cache
def _keys(text: str) -> str:
    return _sort_key(text)


def _lower_first(name: str) -> str:
    return name[0].lower() + name[1:]


class _Ids:
    """The next free id of each table, read once, then handed out in Python."""

    def __init__(self) -> None:
        self._next: dict[str, int] = {}

    def take(self, model) -> int:
        table = model.__table__
        if table.name not in self._next:
            current = db.session.scalar(sa.select(sa.func.max(table.c.id))) or 0
            self._next[table.name] = current + 1
        value = self._next[table.name]
        self._next[table.name] = value + 1
        return value

    def tables(self) -> list[str]:
        return list(self._next)


def _insert(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(sa.insert(model), rows[start : start + CHUNK])


class _Builder:
    def __init__(self, counts: VolumeCounts, seed: int) -> None:
        self.counts = counts
        self.rng = random.Random(seed)
        self.ids = _Ids()
        self.now = datetime(2026, 1, 1)
        self.units: dict[int, dict] = {}
        self.places: dict[int, str] = {}  # commune id → its place name ("Tân Hà")
        # Units that register initiatives and exemplars, before and after 1/7/2025.
        self.old_registrants: list[int] = []
        self.new_registrants: list[int] = []
        self.agency_ids: dict[str, int] = {}
        self.district_ids: list[int] = []
        self.successions: list[dict] = []
        self.place_names = [f"{a} {b}" for a, b in product(_FIRST, _SECOND) if a != b]
        self.rng.shuffle(self.place_names)

    # units -----------------------------------------------------------------------

    def add_unit(
        self,
        name: str,
        kind: UnitKind,
        parent: int | None,
        valid_from: date | None = PHASE_START,
        valid_to: date | None = None,
        code: str | None = None,
    ) -> int:
        uid = self.ids.take(Unit)
        parent_row = self.units[parent] if parent else None
        code = code or f"{PROVINCE_CODE}-{uid}"
        self.units[uid] = {
            "id": uid,
            "code": code,
            "name": name,
            "kind": kind,
            "parent_id": parent,
            "path": (parent_row["path"] if parent_row else "/") + segment(uid),
            "depth": parent_row["depth"] + 1 if parent_row else 0,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "search_text": fold(f"{code} {name}"),
            "sort_key": _keys(name),
        }
        return uid

    def succeed(self, old: int, new: int, kind: SuccessionKind, note: str) -> None:
        self.successions.append(
            {
                "id": self.ids.take(UnitSuccession),
                "predecessor_id": old,
                "successor_id": new,
                "kind": kind,
                "effective_on": NEW_START,
                "note": note,
            }
        )

    def build_units(self) -> str:
        n = self.counts.units
        province = self.add_unit(PROVINCE_NAME, UnitKind.PROVINCE, None, code=PROVINCE_CODE)
        self.province = province
        for suffix, name, kind, valid_to in _AGENCIES:
            valid_from = NEW_START if suffix == "BTGDVTU" else PHASE_START
            uid = self.add_unit(
                name, kind, province, valid_from, valid_to, code=f"{PROVINCE_CODE}-{suffix}"
            )
            self.agency_ids[suffix] = uid
            if suffix not in ("BDVTU", "BTGDVTU", "UBND"):
                self.old_registrants.append(uid)
                self.new_registrants.append(uid)
        self.succeed(
            self.agency_ids["BDVTU"],
            self.agency_ids["BTGDVTU"],
            SuccessionKind.MERGE,
            "Hợp nhất Ban Tuyên giáo và Ban Dân vận Tỉnh ủy",
        )
        old_total = max(2, n // 37)
        district_total = min(len(_DISTRICTS), max(1, old_total // 4))
        names = iter(self.place_names)
        # Former districts with their organisations and communes (closed on 30/6/2025).
        communes_by_district: list[list[int]] = []
        for d in range(district_total):
            d_name, d_kind = _DISTRICTS[d]
            district = self.add_unit(d_name, d_kind, province, valid_to=OLD_END)
            self.district_ids.append(district)
            short = d_name.split(" ", 1)[1] if d_name.startswith("Huyện") else d_name
            bdv = self.add_unit(f"Ban Dân vận {short}", UnitKind.AGENCY, district, valid_to=OLD_END)
            self.old_registrants.append(bdv)
            for _suffix, prefix, kind in _LOCAL_ORGS:
                org = self.add_unit(f"{prefix} {short}", kind, district, valid_to=OLD_END)
                self.old_registrants.append(org)
            communes_by_district.append([])
        for i in range(old_total):
            d = i % district_total
            kind = UnitKind.WARD if d == 0 or self.rng.random() < 0.15 else UnitKind.COMMUNE
            label = "Phường" if kind == UnitKind.WARD else "Xã"
            place = next(names)
            commune = self.add_unit(
                f"{label} {place}", kind, self.district_ids[d], valid_to=OLD_END
            )
            self.places[commune] = place
            communes_by_district[d].append(commune)
            self.old_registrants.append(commune)
            self._local_orgs(commune, label, place, valid_to=OLD_END, into=self.old_registrants)
        # Communes of 1/7/2025: groups of two or three former communes of a district.
        groups: list[list[int]] = []
        for communes in communes_by_district:
            k = 0
            while k < len(communes):
                size = 3 if len(communes) - k in (3, 5) or self.rng.random() < 0.4 else 2
                groups.append(communes[k : k + size])
                k += size
        new_communes: list[tuple[int, list[int]]] = []
        for group in groups:
            first = self.units[group[0]]
            kind = first["kind"]
            label = "Phường" if kind == UnitKind.WARD else "Xã"
            place = self.places[group[0]]
            merged = self.add_unit(
                f"{label} {place}", kind, province, valid_from=NEW_START, valid_to=None
            )
            self.places[merged] = place
            self.new_registrants.append(merged)
            for old in group:
                self.succeed(old, merged, SuccessionKind.MERGE, "Sắp xếp đơn vị hành chính 2025")
            self._local_orgs(merged, label, place, valid_from=NEW_START, into=self.new_registrants)
            new_communes.append((merged, group))
        # Villages: each former commune gets its share; each village carries on under the
        # merged commune (a rename), so the remaining budget is split in pairs.
        remaining = max(0, n - len(self.units))
        pairs = remaining // 2
        village_no: dict[int, int] = {}
        successor_of = {old: new for new, group in new_communes for old in group}
        olds = [c for communes in communes_by_district for c in communes]
        for v in range(pairs):
            old = olds[v % len(olds)]
            new = successor_of[old]
            village_no[new] = village_no.get(new, 0) + 1
            if self.units[old]["kind"] == UnitKind.WARD:
                name = f"Khu phố {village_no[new]}"
            else:
                name = f"Ấp {self.rng.choice(self.place_names)}"
            old_v = self.add_unit(name, UnitKind.VILLAGE, old, valid_to=OLD_END)
            new_v = self.add_unit(name, UnitKind.VILLAGE, new, valid_from=NEW_START)
            self.succeed(old_v, new_v, SuccessionKind.RENAME, "Chuyển về đơn vị hành chính mới")
            self.old_registrants.append(old_v)
            self.new_registrants.append(new_v)
        if remaining % 2 and new_communes:  # an odd budget: one village founded in 2025
            village = self.add_unit(
                "Ấp Mới", UnitKind.VILLAGE, new_communes[0][0], valid_from=NEW_START
            )
            self.new_registrants.append(village)
        _insert(Unit, list(self.units.values()))
        _insert(UnitSuccession, self.successions)
        return (
            f"{len(self.units)} units ({district_total} former districts, {old_total} former "
            f"communes, {len(new_communes)} merged communes), {len(self.successions)} successions"
        )

    def _local_orgs(self, commune: int, label: str, place: str, *, into: list[int], **validity):
        for _suffix, prefix, kind in _LOCAL_ORGS:
            org = self.add_unit(
                f"{prefix} {_lower_first(label)} {place}", kind, commune, **validity
            )
            into.append(org)

    # accounts ----------------------------------------------------------------------

    def build_accounts(self) -> str:
        from dankheo.auth.services import hash_password

        password_hash = hash_password(DEMO_PASSWORD)  # one hash for every volume account
        users: list[dict] = []
        memberships: list[dict] = []

        def user(username: str, full_name: str, roles: list[tuple[Role, int]]) -> int:
            uid = self.ids.take(User)
            users.append(
                {
                    "id": uid,
                    "username": username,
                    "full_name": full_name,
                    "email": "",
                    "search_text": fold(f"{username} {full_name} "),
                    "password_hash": password_hash,
                    "active": True,
                    "created_at": self.now,
                }
            )
            for role, unit_id in roles:
                memberships.append(
                    {
                        "id": self.ids.take(Membership),
                        "user_id": uid,
                        "unit_id": unit_id,
                        "role": role,
                    }
                )
            return uid

        user("vol.admin", "Quản trị dữ liệu khối lượng", [(Role.ADMIN, self.province)])
        self.secretary_id = user(
            "vol.thuky",
            self.person_name(),
            [
                (Role.SECRETARY, self.agency_ids["BDVTU"]),
                (Role.SECRETARY, self.agency_ids["BTGDVTU"]),
            ],
        )
        user("vol.lanhdao", self.person_name(), [(Role.LEADER, self.province)])
        for i, district in enumerate(self.district_ids, start=1):
            user(f"vol.canbo{i}", self.person_name(), [(Role.OFFICER, district)])
        # Reviewers sit in provincial bodies: never above or below a nominating commune.
        bodies = [self.agency_ids[s] for s in ("MTTQ", "HND", "HLHPN", "DTN", "HCCB", "LDLD")]
        self.reviewer_users: list[tuple[int, int]] = []
        for i in range(1, self.counts.reviewers + 1):
            body = bodies[(i - 1) % len(bodies)]
            uid = user(f"vol.hoidong{i:02d}", self.person_name(), [(Role.REVIEWER, body)])
            self.reviewer_users.append((uid, body))
        _insert(User, users)
        _insert(Membership, memberships)
        return f"{len(users)} accounts (password {DEMO_PASSWORD})"

    def person_name(self) -> str:
        r = self.rng
        return f"{r.choice(_SURNAMES)} {r.choice(_MIDDLE)} {r.choice(_GIVEN)}"

    # registry ----------------------------------------------------------------------

    def build_fields(self) -> None:
        names = (
            "Kinh tế",
            "Văn hóa – xã hội",
            "Quốc phòng – an ninh",
            "Xây dựng Đảng, hệ thống chính trị",
            "Xây dựng nông thôn mới",
        )
        existing = {f.name: f.id for f in db.session.scalars(sa.select(Field))}
        rows = []
        for position, name in enumerate(names):
            if name not in existing:
                existing[name] = self.ids.take(Field)
                rows.append(
                    {"id": existing[name], "name": name, "position": position, "active": True}
                )
        if rows:
            _insert(Field, rows)
        self.field_ids = [existing[n] for n in names]

    def unit_place(self, unit_id: int) -> str:
        unit = self.units[unit_id]
        if unit["kind"] == UnitKind.VILLAGE:
            parent = self.units[unit["parent_id"]]
            return f"{_lower_first(unit['name'])}, {_lower_first(parent['name'])}"
        if unit["kind"] in (UnitKind.COMMUNE, UnitKind.WARD):
            return _lower_first(unit["name"])
        return f"của {unit['name']}"

    def build_initiatives(self) -> str:
        r = self.rng
        total = self.counts.initiatives
        weights = (0.26, 0.2, 0.2, 0.19, 0.15)
        self.by_year: dict[int, list[int]] = {y: [] for y in YEARS}
        self.active_2025: list[int] = []  # recognised or outstanding in 2025
        self.recognised: dict[int, list[int]] = {y: [] for y in YEARS}
        self.initiative_unit: dict[int, int] = {}
        self.initiative_name: dict[int, str] = {}
        self.unit_initiatives: dict[int, list[int]] = {}
        year_rows_total = 0
        for start in range(0, total, CHUNK):
            rows: list[dict] = []
            year_rows: list[dict] = []
            for _ in range(min(CHUNK, total - start)):
                iid = self.ids.take(Initiative)
                first_year = r.choices(YEARS, weights)[0]
                pool = self.new_registrants if first_year == 2025 else self.old_registrants
                unit_id = r.choice(pool)
                place = self.unit_place(unit_id)
                theme = r.choice(_THEMES)
                joiner = "" if place.startswith("của ") else "ở "
                name = f"Mô hình «{theme}» {joiner}{place}"
                field_id = r.choice(self.field_ids)
                replicated = None
                if first_year > 2021 and r.random() < 0.08:
                    earlier = self.by_year[r.choice([y for y in YEARS if y < first_year])]
                    replicated = r.choice(earlier) if earlier else None
                started = date(first_year, r.randint(1, 6), r.randint(1, 28))
                unit_name = self.units[unit_id]["name"]
                rows.append(
                    {
                        "id": iid,
                        "unit_id": unit_id,
                        "field_id": field_id,
                        "name": name,
                        "first_year": first_year,
                        "problem": r.choice(_PROBLEMS),
                        "goals": "Huy động sức dân, nâng cao đời sống vật chất và tinh thần "
                        "của nhân dân trên địa bàn.",
                        "content_methods": r.choice(_METHODS),
                        "area_beneficiaries": f"Nhân dân {place.removeprefix('của ')}",
                        "implementers": "Cấp ủy, chính quyền, Mặt trận và các đoàn thể",
                        "funding_vnd": r.randint(0, 500) * 1_000_000,
                        "socialised_vnd": r.randint(0, 2000) * 1_000_000,
                        "labour_days": r.randint(0, 3000),
                        "in_kind": "",
                        "land_m2": float(r.randint(0, 50) * 10),
                        "started_on": started,
                        "evaluation_on": date(first_year, 11, 30),
                        "outputs": "Các hạng mục hoàn thành đúng tiến độ, được nhân dân "
                        "đồng tình ủng hộ.",
                        "sustainability": "Duy trì thường xuyên, có khả năng nhân rộng.",
                        "replicated_from_id": replicated,
                        "search_text": fold(f"{name} {unit_name}")[:1000],
                        "sort_key": _keys(name),
                        "created_by_id": None,
                        "created_at": datetime(first_year, started.month, started.day, 8),
                        "updated_at": self.now,
                        "version": 1,
                    }
                )
                self.by_year[first_year].append(iid)
                self.initiative_unit[iid] = unit_id
                self.initiative_name[iid] = theme
                self.unit_initiatives.setdefault(unit_id, []).append(iid)
                for year in range(first_year, YEARS[-1] + 1):
                    if year == first_year:
                        roll = r.random()
                        status = (
                            YearStatus.OUTSTANDING
                            if roll < 0.1
                            else YearStatus.RECOGNISED
                            if roll < 0.75
                            else YearStatus.REGISTERED
                        )
                    elif r.random() < 0.12:
                        status = YearStatus.DROPPED
                    else:
                        status = (
                            YearStatus.OUTSTANDING if r.random() < 0.12 else (YearStatus.RECOGNISED)
                        )
                    year_rows.append(
                        {
                            "id": self.ids.take(InitiativeYear),
                            "initiative_id": iid,
                            "year": year,
                            "status": status,
                            "note": "",
                            "unit_id": unit_id,
                            "field_id": field_id,
                            "updated_at": datetime(year, 12, 1),
                        }
                    )
                    if status in (YearStatus.RECOGNISED, YearStatus.OUTSTANDING):
                        self.recognised[year].append(iid)
                    if status == YearStatus.DROPPED:
                        break
            _insert(Initiative, rows)
            _insert(InitiativeYear, year_rows)
            year_rows_total += len(year_rows)
        return f"{total} initiatives, {year_rows_total} year rows"

    def build_exemplars(self) -> str:
        r = self.rng
        rows: list[dict] = []
        links: list[dict] = []
        self.exemplars_by_year: dict[int, list[tuple[int, str, str, int]]] = {y: [] for y in YEARS}
        for _ in range(self.counts.exemplars):
            eid = self.ids.take(Exemplar)
            year = r.choice(YEARS)
            pool = self.new_registrants if year == 2025 else self.old_registrants
            unit_id = r.choice(pool)
            unit_name = self.units[unit_id]["name"]
            if r.random() < 0.7:
                kind = ExemplarKind.INDIVIDUAL
                name = self.person_name()
                position = f"{r.choice(_POSITIONS)}, {_lower_first(unit_name)}"
            else:
                kind = ExemplarKind.COLLECTIVE
                name = f"{r.choice(_COLLECTIVES)} {_lower_first(unit_name)}"
                position = ""
            rows.append(
                {
                    "id": eid,
                    "kind": kind,
                    "name": name,
                    "position": position,
                    "unit_id": unit_id,
                    "field_id": r.choice(self.field_ids),
                    "year": year,
                    "achievements": "Gương mẫu, tích cực vận động nhân dân thực hiện tốt "
                    "chủ trương của Đảng, chính sách, pháp luật của Nhà nước.",
                    "search_text": fold(f"{name} {position} {unit_name}")[:1000],
                    "sort_key": _keys(name),
                    "created_by_id": None,
                    "created_at": datetime(year, 10, 1),
                    "version": 1,
                }
            )
            self.exemplars_by_year[year].append((eid, name, position, unit_id))
            mine = self.unit_initiatives.get(unit_id)
            if mine and r.random() < 0.3:
                links.append({"exemplar_id": eid, "initiative_id": r.choice(mine)})
        _insert(Exemplar, rows)
        for start in range(0, len(links), CHUNK):
            db.session.execute(exemplar_initiatives.insert(), links[start : start + CHUNK])
        return f"{len(rows)} exemplars ({len(links)} linked to an initiative)"

    # campaigns ---------------------------------------------------------------------

    def phase_id(self) -> int:
        existing = db.session.scalar(sa.select(Phase.id).where(Phase.start_year == 2021))
        if existing:
            return existing
        pid = self.ids.take(Phase)
        _insert(
            Phase,
            [{"id": pid, "name": "Giai đoạn 2021–2025", "start_year": 2021, "end_year": 2025}],
        )
        return pid

    def campaign_row(self, year: int, organiser: int, today: date | None) -> dict:
        cid = self.ids.take(Campaign)
        row = {
            "id": cid,
            "phase_id": self.phase,
            "organising_unit_id": organiser,
            "name": f"Đợt thi đua «Dân vận khéo» năm {year} ({PROVINCE_NAME})",
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

    def award_type_row(self, campaign_id: int, form: AwardForm, quota: int) -> dict:
        if form == AwardForm.BANG_KHEN:
            title, profile, suffix = (
                f"Chủ tịch Ủy ban nhân dân {_lower_first(PROVINCE_NAME)}",
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
            "id": self.ids.take(AwardType),
            "campaign_id": campaign_id,
            "form": form,
            "issuer_title": title,
            "issuer_name": self.person_name(),
            "issuer_profile": profile,
            "decision_suffix": suffix,
            "quota": quota,
            "paper": "A3",
            "emblem_path": "",
            "blank_scan_path": "",
            "overlay_layout": {},
        }

    def nomination_row(self, campaign_id: int, award_type_id: int, year: int, subject, state):
        kind, sid = subject
        if kind == "initiative":
            unit_id = self.initiative_unit[sid]
            recipient = self.units[unit_id]["name"]
            line = self.initiative_name[sid]
        else:
            _eid, name, position, unit_id = sid
            recipient, line = name, position
        return {
            "id": self.ids.take(Nomination),
            "campaign_id": campaign_id,
            "award_type_id": award_type_id,
            "unit_id": unit_id,
            "initiative_id": sid if kind == "initiative" else None,
            "exemplar_id": sid[0] if kind == "exemplar" else None,
            "batch_id": None,
            "recipient_name": recipient,
            "recipient_line": line,
            "achievement_text": "Đã có thành tích xuất sắc trong phong trào thi đua "
            f"«Dân vận khéo» năm {year}",
            "report_text": "Báo cáo thành tích: tổ chức thực hiện hiệu quả, nhân dân đồng tình.",
            "report_evidence_id": None,
            "state": state,
            "created_by_id": None,
            "created_at": datetime(year, 10, 15),
            "updated_at": datetime(year, 11, 1),
            "version": 1,
        }

    def subjects(self, year: int, count: int) -> list:
        """``count`` distinct subjects of ``year``: recognised initiatives and exemplars."""
        r = self.rng
        exemplars = self.exemplars_by_year.get(year, [])
        n_ex = min(len(exemplars), count // 5)
        initiatives = self.recognised[year]
        n_in = min(len(initiatives), count - n_ex)
        chosen = [("initiative", i) for i in r.sample(initiatives, n_in)]
        chosen += [("exemplar", e) for e in r.sample(exemplars, n_ex)]
        r.shuffle(chosen)
        return chosen

    def build_current_campaign(self) -> str:
        r = self.rng
        today = date.today()
        campaign = self.campaign_row(CAMPAIGN_YEAR, self.agency_ids["BTGDVTU"], today)
        cid = campaign["id"]
        self.current_campaign_id = cid
        _insert(Campaign, [campaign])
        criteria = [
            {
                "id": self.ids.take(Criterion),
                "campaign_id": cid,
                "title": title,
                "description": "",
                "max_points": Decimal(20),
                "weight": Decimal(1),
                "position": i,
            }
            for i, title in enumerate(_CRITERIA)
        ]
        _insert(Criterion, criteria)
        award_types = [
            self.award_type_row(cid, AwardForm.BANG_KHEN, max(1, self.counts.nominations // 15)),
            self.award_type_row(cid, AwardForm.GIAY_KHEN, max(1, self.counts.nominations // 5)),
        ]
        _insert(AwardType, award_types)
        nominations = [
            self.nomination_row(
                cid,
                award_types[0 if r.random() < 0.3 else 1]["id"],
                CAMPAIGN_YEAR,
                subject,
                NominationState.IN_REVIEW,
            )
            for subject in self.subjects(CAMPAIGN_YEAR, self.counts.nominations)
        ]
        _insert(Nomination, nominations)
        committee = self.ids.take(Committee)
        _insert(
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
                "id": self.ids.take(Reviewer),
                "committee_id": committee,
                "user_id": uid,
                "unit_id": body,
                "title": "Ủy viên Hội đồng",
                "active": True,
            }
            for uid, body in self.reviewer_users
        ]
        _insert(Reviewer, reviewers)
        bias = [r.gauss(0, 1.5) for _ in reviewers]
        assignments, scorecards, scores = [], [], []
        k = min(3, len(reviewers))
        submitted = datetime.combine(today - timedelta(days=5), datetime.min.time())
        for i, nomination in enumerate(nominations):
            quality = r.gauss(14, 2.5)  # out of 20 per criterion
            for j in range(k):
                slot = (i * k + j) % len(reviewers)
                aid = self.ids.take(Assignment)
                sid = self.ids.take(Scorecard)
                assignments.append(
                    {
                        "id": aid,
                        "nomination_id": nomination["id"],
                        "reviewer_id": reviewers[slot]["id"],
                        "assigned_at": submitted - timedelta(days=10),
                        "assigned_by_id": self.secretary_id,
                    }
                )
                total = Decimal(0)
                for criterion in criteria:
                    raw = quality + bias[slot] + r.gauss(0, 1.5)
                    points = Decimal(max(0, min(20, round(raw)))).quantize(Decimal("0.01"))
                    total += points * criterion["weight"]
                    scores.append(
                        {
                            "id": self.ids.take(Score),
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
        _insert(Assignment, assignments)
        _insert(Scorecard, scorecards)
        _insert(Score, scores)
        return (
            f"campaign {CAMPAIGN_YEAR}: {len(nominations)} nominations in review, "
            f"{len(reviewers)} reviewers, {len(scorecards)} scorecards, {len(scores)} scores"
        )

    def build_certificates(self) -> str:
        total = self.counts.certificates
        past = [y for y in YEARS if y < CAMPAIGN_YEAR]
        per_year = [
            total // len(past) + (1 if i < total % len(past) else 0) for i in range(len(past))
        ]
        certificates = 0
        serial_no = 0
        for year, wanted in zip(past, per_year, strict=True):
            if not wanted:
                continue
            campaign = self.campaign_row(year, self.agency_ids["BDVTU"], None)
            _insert(Campaign, [campaign])
            award_type = self.award_type_row(campaign["id"], AwardForm.BANG_KHEN, wanted)
            _insert(AwardType, [award_type])
            nominations = [
                self.nomination_row(
                    campaign["id"], award_type["id"], year, subject, NominationState.AWARDED
                )
                for subject in self.subjects(year, wanted)
            ]
            _insert(Nomination, nominations)
            decision_id = self.ids.take(Decision)
            signed_on = date(year, 12, 15)
            signed_at = datetime(year, 12, 15, 9)
            _insert(
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
                        "created_by_id": self.secretary_id,
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
                        "id": self.ids.take(DecisionItem),
                        "decision_id": decision_id,
                        "nomination_id": nomination["id"],
                        "position": position,
                    }
                )
                certs.append(
                    {
                        "id": self.ids.take(Certificate),
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
            _insert(DecisionItem, items)
            _insert(Certificate, certs)
            certificates += len(certs)
        return f"{certificates} issued certificates over {len(past)} past campaigns"

    def fix_sequences(self) -> None:
        """PostgreSQL: explicit ids do not advance the id sequences; move them on."""
        if db.engine.dialect.name != "postgresql":
            return
        tables = {t.name: t for t in db.metadata.sorted_tables}
        for name in self.ids.tables():
            top = db.session.scalar(sa.select(sa.func.max(tables[name].c.id)))
            db.session.execute(
                sa.text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :top)"),
                {"table": name, "top": top},
            )


def is_loaded() -> bool:
    return db.session.scalar(sa.select(Unit.id).where(Unit.code == PROVINCE_CODE)) is not None


def seed_volume(counts: VolumeCounts | None = None, seed: int = 2025) -> Iterator[str]:
    """Load the volume data (the caller commits); yield one timed line per stage.
    Does nothing when the volume province is already there."""
    if is_loaded():
        yield f"volume: already loaded (unit {PROVINCE_CODE} exists)"
        return
    builder = _Builder(counts or VolumeCounts(), seed)
    started = time.perf_counter()
    stages = (
        ("units", builder.build_units),
        ("accounts", builder.build_accounts),
        ("fields", builder.build_fields),
        ("initiatives", builder.build_initiatives),
        ("exemplars", builder.build_exemplars),
        ("phase", lambda: setattr(builder, "phase", builder.phase_id())),
        ("campaign", builder.build_current_campaign),
        ("certificates", builder.build_certificates),
        ("sequences", builder.fix_sequences),
    )
    for name, stage in stages:
        t0 = time.perf_counter()
        summary = stage()
        if summary:
            yield f"{name}: {summary} ({time.perf_counter() - t0:.1f} s)"
    db.session.flush()
    yield f"volume: loaded in {time.perf_counter() - started:.1f} s"
