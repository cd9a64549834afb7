"""The yearly report and the phase summary as XLSX and PDF."""

import io
import shutil
import subprocess

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from dankheo.reports.exports import sheet_title, table_workbook


@pytest.fixture
def signed_in(client, auth, data, leader):
    auth.login("lanhdao")
    return client


def test_xlsx_has_one_sheet_per_table_with_numeric_cells(signed_in, data):
    response = signed_in.get("/reports/report.xlsx?year=2024")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "bao-cao-tinh-thu-nghiem-2024-year.xlsx" in response.headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.data))
    assert wb.sheetnames == [
        "Thông tin",
        "Mô hình theo tình trạng",
        "Mô hình theo lĩnh vực",
        "Theo đơn vị",
        "Điển hình",
        "Hồ sơ đề nghị",
        "Khen thưởng",
        "Nhân rộng",
        "Kết quả theo năm",
        "Lĩnh vực trọng tâm",
    ]
    ws = wb["Mô hình theo tình trạng"]
    assert [c.value for c in ws[1]] == ["Kết quả đánh giá", "Số lượt mô hình"]
    assert ws["A1"].font.bold and ws.freeze_panes == "A2"
    assert [ws.cell(row=r, column=2).value for r in range(2, 7)] == [1, 5, 1, 1, 8]
    for r in range(2, 7):
        assert ws.cell(row=r, column=2).data_type == "n"
    units = wb["Theo đơn vị"]
    total_row = [c.value for c in units[units.max_row]]
    assert total_row[0] == "Tổng số" and total_row[5] == 8
    assert all(isinstance(v, int) for v in total_row[1:])
    assert wb["Thông tin"]["B4"].value == "Theo cơ cấu tổ chức của từng năm"


def test_phase_summary_xlsx_has_the_year_sheet(signed_in):
    response = signed_in.get("/reports/report.xlsx?year=giai-doan&mode=current")
    assert (
        "tong-ket-tinh-thu-nghiem-2021-2025-current.xlsx"
        in (response.headers["Content-Disposition"])
    )
    wb = load_workbook(io.BytesIO(response.data))
    ws = wb["Mô hình theo năm"]
    assert [ws.cell(row=r, column=1).value for r in range(2, 8)] == [
        "2021",
        "2022",
        "2023",
        "2024",
        "2025",
        "Tổng số",
    ]
    assert ws.cell(row=7, column=6).value == 10


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    exe = shutil.which("pdftotext")
    assert exe, "poppler-utils is needed (Makefile TEST_DEBS)"
    return subprocess.run(  # noqa: S603 (fixed argv on our own temporary file)
        [exe, "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def test_pdf_report_is_a4_portrait_pdfa_with_the_figures(signed_in, tmp_path):
    response = signed_in.get("/reports/report.pdf?year=2024")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    xmp = reader.xmp_metadata
    assert xmp is not None and "pdfaid" in xmp.stream.get_data().decode("utf-8", "replace")
    text = pdf_text(response.data, tmp_path)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "BÁO CÁO" in text and "năm 2024" in text
    assert "Cách tổng hợp: Theo cơ cấu tổ chức của từng năm" in " ".join(text.split())
    # The status table's rows and total, as printed.
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for label, number in [
        ("Đăng ký", 1),
        ("Được công nhận", 5),
        ("Tiêu biểu", 1),
        ("Dừng thực hiện", 1),
        ("Tổng số", 8),
    ]:
        assert f"{label} {number}" in lines, label
    assert "Huyện Một" in text and "Kinh tế" in text


def test_phase_summary_pdf_in_state_profile(signed_in, tmp_path):
    response = signed_in.get("/reports/report.pdf?year=giai-doan&profile=state")
    text = pdf_text(response.data, tmp_path)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    joined = " ".join(text.split())
    assert "Tổng kết phong trào thi đua “Dân vận khéo” giai đoạn 2021–2025" in joined


def test_pdf_unknown_profile_is_400(signed_in):
    assert signed_in.get("/reports/report.pdf?profile=other").status_code == 400


def test_sheet_titles_are_valid_and_unique():
    taken: set[str] = set()
    assert sheet_title("A/B: c?", taken) == "A B  c"
    long = "x" * 40
    assert sheet_title(long, taken) == "x" * 31
    assert sheet_title(long, taken) == "x" * 27 + " (2)"


def test_list_export_keeps_numbers_and_dates():
    from datetime import date

    data = table_workbook("Danh sách", ["Tên", "Số", "Ngày"], [["a", 1234, date(2024, 1, 2)]])
    ws = load_workbook(io.BytesIO(data)).active
    assert ws["B2"].value == 1234 and ws["B2"].number_format == "#,##0"
    assert ws["C2"].is_date


def test_pdf_failure_sends_back_to_the_dashboard_with_a_message(signed_in, monkeypatch):
    from dankheo.reports import pdf

    def too_slow(html):
        raise TimeoutError("rendering took more than 120 s")

    monkeypatch.setattr(pdf, "pdf_from_html", too_slow)
    response = signed_in.get("/reports/report.pdf?year=2024", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.request.path == "/reports/"
    assert "Chưa tạo được báo cáo PDF" in html
