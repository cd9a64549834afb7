"""Rows of the campaign list export; the file is written by dankheo/exports.py."""

CAMPAIGN_HEADERS = ("Mã", "Tên", "Năm", "Loại", "Cấp", "Đơn vị tổ chức")


def campaign_rows(campaigns) -> list[list]:
    return [
        [c.id, c.name, c.year, c.kind_label, c.level_label, c.organising_unit.name]
        for c in campaigns
    ]
