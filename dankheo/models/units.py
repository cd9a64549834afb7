"""The unit tree (đơn vị) and its successions (sáp nhập, chia tách, đổi tên)."""

import enum
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dankheo.models.base import Base, binary_string, enum_type

PATH_WIDTH = 7  # digits per path segment: room for ten million units


class UnitKind(enum.StrEnum):
    PROVINCE = "province"
    MUNICIPALITY = "municipality"  # thành phố trực thuộc trung ương
    DISTRICT = "district"  # any district-level unit, when its exact kind is not recorded
    CITY = "city"  # thành phố thuộc tỉnh
    TOWN = "town"  # thị xã
    RURAL_DISTRICT = "rural_district"  # huyện
    URBAN_DISTRICT = "urban_district"  # quận
    COMMUNE = "commune"
    WARD = "ward"
    TOWNSHIP = "township"
    SPECIAL_ZONE = "special_zone"
    VILLAGE = "village"
    AGENCY = "agency"
    DEPARTMENT = "department"
    FRONT = "front"
    MASS_ORGANISATION = "mass_org"
    ARMED_FORCES = "armed_forces"
    ENTERPRISE = "enterprise"
    SCHOOL = "school"
    PARTY_CELL = "party_cell"


UNIT_KIND_LABELS = {
    UnitKind.PROVINCE: "Tỉnh",
    UnitKind.MUNICIPALITY: "Thành phố trực thuộc trung ương",
    UnitKind.DISTRICT: "Huyện, thị xã, thành phố",
    UnitKind.CITY: "Thành phố thuộc tỉnh",
    UnitKind.TOWN: "Thị xã",
    UnitKind.RURAL_DISTRICT: "Huyện",
    UnitKind.URBAN_DISTRICT: "Quận",
    UnitKind.COMMUNE: "Xã",
    UnitKind.WARD: "Phường",
    UnitKind.TOWNSHIP: "Thị trấn",
    UnitKind.SPECIAL_ZONE: "Đặc khu",
    UnitKind.VILLAGE: "Ấp, khu phố",
    UnitKind.AGENCY: "Cơ quan",
    UnitKind.DEPARTMENT: "Sở, ban, ngành",
    UnitKind.FRONT: "Mặt trận Tổ quốc",
    UnitKind.MASS_ORGANISATION: "Tổ chức chính trị - xã hội",
    UnitKind.ARMED_FORCES: "Lực lượng vũ trang",
    UnitKind.ENTERPRISE: "Doanh nghiệp",
    UnitKind.SCHOOL: "Trường học",
    UnitKind.PARTY_CELL: "Chi bộ, đảng bộ",
}

# The administrative levels: provinces, the district level (abolished on 1/7/2025) and
# the commune level.
PROVINCE_LEVEL_KINDS = frozenset({UnitKind.PROVINCE, UnitKind.MUNICIPALITY})
DISTRICT_LEVEL_KINDS = frozenset(
    {
        UnitKind.DISTRICT,
        UnitKind.CITY,
        UnitKind.TOWN,
        UnitKind.RURAL_DISTRICT,
        UnitKind.URBAN_DISTRICT,
    }
)
COMMUNE_LEVEL_KINDS = frozenset(
    {UnitKind.COMMUNE, UnitKind.WARD, UnitKind.TOWNSHIP, UnitKind.SPECIAL_ZONE}
)


class SuccessionKind(enum.StrEnum):
    MERGE = "merge"
    SPLIT = "split"
    RENAME = "rename"
    KEEP = "keep"  # one unit became one unit of the same name (e.g. under a new parent)


SUCCESSION_KIND_LABELS = {
    SuccessionKind.MERGE: "Sáp nhập",
    SuccessionKind.SPLIT: "Chia tách",
    SuccessionKind.RENAME: "Đổi tên",
    SuccessionKind.KEEP: "Giữ nguyên",
}


class Unit(Base):
    """A node of the tree. ``path`` is a materialised path of zero-padded ids
    ("/0000001/0000042/") so that "all units under X" is one indexed range query."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[UnitKind] = mapped_column(enum_type(UnitKind, "unit_kind"))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    path: Mapped[str] = mapped_column(binary_string(400), index=True, default="")
    depth: Mapped[int] = mapped_column(default=0)
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]
    search_text: Mapped[str] = mapped_column(sa.String(400), default="")
    sort_key: Mapped[str] = mapped_column(binary_string(800), default="")
    # Centroid in WGS 84 degrees, where the official list gives one (for the dot map).
    latitude: Mapped[float | None] = mapped_column(sa.Float)
    longitude: Mapped[float | None] = mapped_column(sa.Float)

    parent: Mapped["Unit | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Unit"]] = relationship(back_populates="parent")

    __table_args__ = (
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from",
            name="validity_order",
        ),
    )

    def is_open_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    @property
    def is_closed(self) -> bool:
        return self.valid_to is not None

    @property
    def kind_label(self) -> str:
        return UNIT_KIND_LABELS[self.kind]

    def __repr__(self) -> str:
        return f"<Unit {self.code} {self.name!r}>"


class UnitSuccession(Base):
    """One predecessor → successor link, dated. A merge of three communes is three rows
    with the same successor; a split is several rows with the same predecessor, one of
    which may be marked ``is_default``: the successor that takes over the predecessor's
    records when nothing finer (an address) says which part they belong to."""

    __tablename__ = "unit_successions"

    id: Mapped[int] = mapped_column(primary_key=True)
    predecessor_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    successor_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    kind: Mapped[SuccessionKind] = mapped_column(enum_type(SuccessionKind, "succession_kind"))
    effective_on: Mapped[date]
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    is_default: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    predecessor: Mapped[Unit] = relationship(foreign_keys=[predecessor_id])
    successor: Mapped[Unit] = relationship(foreign_keys=[successor_id])

    __table_args__ = (
        sa.UniqueConstraint("predecessor_id", "successor_id"),
        sa.CheckConstraint("predecessor_id <> successor_id", name="not_self"),
    )

    @property
    def kind_label(self) -> str:
        return SUCCESSION_KIND_LABELS[self.kind]
