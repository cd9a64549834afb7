"""Rows of the registry's list exports (initiatives, exemplars, the public gallery);
files are written by dankheo/exports.py (XLSX and CSV)."""

from dankheo.models.registry import YEAR_STATUS_LABELS

HEADERS = (
    "Mã",
    "Tên mô hình",
    "Đơn vị",
    "Lĩnh vực",
    "Lĩnh vực trọng tâm",
    "Năm đăng ký",
    "Các năm",
    "Trạng thái",
    "Kinh phí (đồng)",
    "Xã hội hóa (đồng)",
    "Ngày công",
    "Đất hiến (m²)",
)


def _areas_text(record) -> str:
    return "; ".join(a.name for a in record.priority_areas)


def _years_text(initiative) -> str:
    return "; ".join(f"{r.year}: {YEAR_STATUS_LABELS[r.status]}" for r in initiative.years)


def _status_text(initiative, year: int | None) -> str:
    rows = initiative.years
    if year:
        rows = [r for r in rows if r.year == year]
    if not rows:
        return ""
    return YEAR_STATUS_LABELS[rows[-1].status]


def rows_for(initiatives, year: int | None = None) -> list[list]:
    rows = [
        [
            i.id,
            i.name,
            i.unit.name,
            i.field.name,
            _areas_text(i),
            i.first_year,
            _years_text(i),
            _status_text(i, year),
            i.funding_vnd,
            i.socialised_vnd,
            i.labour_days,
            i.land_m2,
        ]
        for i in initiatives
    ]
    return rows


EXEMPLAR_HEADERS = (
    "Mã",
    "Tên",
    "Chức vụ, nơi công tác",
    "Loại",
    "Đơn vị",
    "Năm",
    "Lĩnh vực trọng tâm",
    "Mô hình",
)


def exemplar_rows(exemplars) -> list[list]:
    return [
        [
            e.id,
            e.name,
            e.position or "",
            e.kind_label,
            e.unit.name,
            e.year,
            _areas_text(e),
            "; ".join(i.name for i in e.initiatives),
        ]
        for e in exemplars
    ]


GALLERY_HEADERS = (
    "Mã",
    "Tên mô hình",
    "Đơn vị",
    "Lĩnh vực",
    "Lĩnh vực trọng tâm",
    "Năm được công nhận",
)


def gallery_rows(initiatives, public_statuses) -> list[list]:
    """Public fields only: name, unit, field and the recognised / outstanding years."""
    return [
        [
            i.id,
            i.name,
            i.unit.name,
            i.field.name,
            _areas_text(i),
            "; ".join(
                f"{r.year}: {YEAR_STATUS_LABELS[r.status]}"
                for r in i.years
                if r.status in public_statuses
            ),
        ]
        for i in initiatives
    ]
