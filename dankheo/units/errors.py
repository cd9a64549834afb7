"""Errors of the official-units loader, with their Vietnamese text.

They are DomainErrors (a code and parameters, assertable in tests); their text lives
here beside the loader rather than in dankheo/messages.py while the loader is new."""

from dankheo.errors import DomainError

MESSAGES: dict[str, str] = {
    "units.province_unknown": (
        "Không tìm thấy tỉnh, thành phố “{query}” trong danh mục 34 tỉnh, thành phố "
        "từ ngày 01/07/2025. Hãy nhập tên (có hoặc không dấu, có hoặc không "
        '“Tỉnh”, “Thành phố”) hoặc mã tỉnh, ví dụ: --province "Tây Ninh" hoặc '
        "--province 80."
    ),
    "units.province_merged": (
        "“{query}”: {old_name} (mã {old_code}) chỉ có đến ngày 30/06/2025; từ ngày "
        '01/07/2025 thuộc {new_name} (mã {new_code}). Hãy nạp: --province "{new_short}".'
    ),
    "units.province_ambiguous": (
        "“{query}” ứng với nhiều tỉnh, thành phố: {names}. Hãy nhập tên đầy đủ hoặc mã tỉnh."
    ),
    "units.dataset_missing": (
        "Không đọc được bộ dữ liệu đơn vị hành chính: thiếu tệp {path}. "
        "Hãy cài gói vietnamadminunits (pip install vietnamadminunits) hoặc chỉ đúng "
        "thư mục dữ liệu."
    ),
    "units.dataset_format": (
        "Bộ dữ liệu đơn vị hành chính không đúng định dạng mong đợi: {detail}."
    ),
    "units.code_clash": (
        "Mã “{unit_code}” đã dùng cho đơn vị “{name}” ({kind}), không phải {expected}: "
        "không nạp để tránh ghi đè."
    ),
    "units.seed_invalid": "Tệp danh mục cơ quan {path} không hợp lệ: {detail}.",
}


class OfficialUnitsError(DomainError):
    """The loader refused: unknown province, unreadable dataset, invalid seed."""

    @property
    def message(self) -> str:
        return MESSAGES.get(self.code, self.code).format(**self.params)
