"""What a load changed, and its Vietnamese account for the command line."""

from dataclasses import dataclass, field

from dankheo.vietnamese import format_number

LIST_LIMIT = 20  # additions listed one by one up to this many

FIELD_LABELS = {
    "name": "tên",
    "kind": "loại",
    "parent": "đơn vị cấp trên",
    "valid_from": "hiệu lực từ",
    "valid_to": "hiệu lực đến",
    "centroid": "tọa độ",
    "effective_on": "ngày hiệu lực",
    "is_default": "kế thừa mặc định",
    "note": "ghi chú",
}


@dataclass(frozen=True)
class Difference:
    """One field of one record that the load changed: ``subject`` names the record."""

    subject: str
    field: str
    old: str
    new: str

    def line(self) -> str:
        return f"  - {self.subject}: {FIELD_LABELS[self.field]} “{self.old}” → “{self.new}”"


@dataclass
class LoadReport:
    source: str
    province_name: str
    province_code: str
    predecessor_names: list[str]
    units_added: list[str] = field(default_factory=list)
    units_changed: list[Difference] = field(default_factory=list)
    units_missing: list[str] = field(default_factory=list)
    successions_added: list[str] = field(default_factory=list)
    successions_changed: list[Difference] = field(default_factory=list)
    successions_missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """True when the database was written to."""
        return bool(
            self.units_added
            or self.units_changed
            or self.successions_added
            or self.successions_changed
        )

    def counts(self) -> dict[str, int]:
        return {
            "units_added": len(self.units_added),
            "units_changed": len({d.subject for d in self.units_changed}),
            "units_missing": len(self.units_missing),
            "successions_added": len(self.successions_added),
            "successions_changed": len({d.subject for d in self.successions_changed}),
            "successions_missing": len(self.successions_missing),
        }

    def lines(self) -> list[str]:
        n = {k: format_number(v) for k, v in self.counts().items()}
        out = [
            f"Nguồn: {self.source}.",
            f"{self.province_name} (mã {self.province_code}) từ 01/07/2025, hình thành từ: "
            f"{', '.join(self.predecessor_names)}.",
        ]
        if not self.changed:
            out.append("Không có gì thay đổi trong cơ sở dữ liệu.")
        else:
            out.append(
                f"Đã thêm {n['units_added']} đơn vị và {n['successions_added']} quan hệ kế thừa."
            )
            # A first load adds hundreds; an update adds a few, worth naming.
            if len(self.units_added) <= LIST_LIMIT:
                out += [f"  + {subject}" for subject in self.units_added]
            if len(self.successions_added) <= LIST_LIMIT:
                out += [f"  + {subject}" for subject in self.successions_added]
        if self.units_changed:
            out.append(f"Đã cập nhật {n['units_changed']} đơn vị theo danh mục:")
            out += [d.line() for d in self.units_changed]
        if self.successions_changed:
            out.append(f"Đã cập nhật {n['successions_changed']} quan hệ kế thừa:")
            out += [d.line() for d in self.successions_changed]
        if self.units_missing:
            out.append(
                f"{n['units_missing']} đơn vị không còn trong danh mục (giữ nguyên, không xóa):"
            )
            out += [f"  - {subject}" for subject in self.units_missing]
        if self.successions_missing:
            out.append(
                f"{n['successions_missing']} quan hệ kế thừa không còn trong danh mục "
                "(giữ nguyên, không xóa):"
            )
            out += [f"  - {subject}" for subject in self.successions_missing]
        if self.warnings:
            out.append("Lưu ý về bộ dữ liệu:")
            out += [f"  - {warning}" for warning in self.warnings]
        return out
