"""Decisions as official documents, State (Decree 30/2020) and Party (Guideline
36-HD/VPTW) profile: the required parts in their places, read back from the PDF with
positions; the annex; at most 3 A4 pages for 12 recipients; the DOCX holds the same
text; the issuer's name valid on the decision's date."""

import re
from collections import Counter
from datetime import date

import pytest

from dankheo.certificates import decision_document, decisions
from dankheo.extensions import db
from tests.documents.inspect_pdf import (
    MM,
    docx_paragraphs,
    find,
    find_exact,
    lines,
    norm,
    overlaps,
    pages,
    same_text,
    write_artifact,
)

PROFILES = ("state_a3", "party_a4")


@pytest.fixture(scope="module")
def rendered(world):
    out = {}
    for key in PROFILES:
        decision = world["decisions"][key]
        pdf = decision_document.render_pdf(decision)
        docx = decision_document.render_docx(decision)
        write_artifact(f"quyet-dinh-{key}.pdf", pdf)
        write_artifact(f"quyet-dinh-{key}.docx", docx)
        out[key] = {"pdf": pdf, "docx": docx, "lines": lines(pdf)}
    return out


def test_state_decision_header_follows_decree_30(rendered):
    all_lines = rendered["state_a3"]["lines"]
    first = [line for line in all_lines if line.page == 1]
    motto = find(first, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    slogan = find(first, "Độc lập - Tự do - Hạnh phúc")
    body = find(first, "ỦY BAN NHÂN DÂN")
    place = find(first, "TỈNH TÂY NINH")
    number = find(first, "Số: 12/QĐ-UBND")
    date_line = find(first, "Tây Ninh, ngày 15 tháng 12 năm 2025")
    width = pages(rendered["state_a3"]["pdf"])[0][0]
    # Issuing body top left, number under it; motto top right, place and date under it.
    assert body.centre < width / 2 < motto.centre
    assert body.top < place.top < number.top and number.centre < width / 2
    assert motto.top < slogan.top < date_line.top and date_line.centre > width / 2
    assert any("Italic" in f for f in date_line.fonts)
    # The place name is never broken across lines, and the header is not "TỈNH TÂY / NINH".
    assert not any(norm(line.text).upper().endswith("TÂY") for line in all_lines)
    assert not any(norm(line.text).startswith("Ninh") for line in all_lines)


def test_party_decision_header_follows_guideline_36(rendered):
    first = [line for line in rendered["party_a4"]["lines"] if line.page == 1]
    party = find(first, "ĐẢNG CỘNG SẢN VIỆT NAM")
    parent = find(first, "TỈNH ỦY TÂY NINH")
    body = find_exact(first, "BAN TUYÊN GIÁO VÀ DÂN VẬN")
    number = find(first, "Số 7-QĐ/BTGDVTU")
    assert parent.top < body.top < number.top
    assert parent.centre < party.centre
    assert not any("CỘNG HÒA XÃ HỘI" in line.text for line in first)
    assert any("Bold" in f for f in party.fonts)


@pytest.mark.parametrize("key", PROFILES)
def test_body_basis_articles_and_closing_in_place(rendered, world, key):
    pdf, all_lines = rendered[key]["pdf"], rendered[key]["lines"]
    text = norm(" ".join(line.text for line in all_lines))
    assert "QUYẾT ĐỊNH Về việc tặng" in text
    assert "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;" in text
    proposer = world["decisions"][key].proposer
    assert f"Xét đề nghị của {proposer}." in text
    assert "QUYẾT ĐỊNH:" in text and "Điều 1." in text and "Điều 3." in text
    assert "06 tập thể và 06 cá nhân" in text
    width = pages(pdf)[0][0]
    received = find(all_lines, "Nơi nhận:")
    name = find(all_lines, world["decisions"][key].signer_name)
    title = find(all_lines, world["decisions"][key].signer_title.upper())
    assert received.x1 < width / 2 < name.centre  # Nơi nhận bottom left, signer right
    assert title.top < name.top - 20 * MM  # space for signature and seal
    assert not overlaps([line for line in all_lines if line.page == received.page])


def test_state_authority_line_on_its_own_above_the_title(rendered):
    all_lines = rendered["state_a3"]["lines"]
    authority = find(all_lines, "KT. CHỦ TỊCH")
    title = find(all_lines, "PHÓ CHỦ TỊCH")
    assert norm(authority.text) == "KT. CHỦ TỊCH"
    assert authority.page == title.page and authority.bottom <= title.top
    assert abs(authority.centre - title.centre) < 3 * MM


def test_party_decision_writes_authority_the_party_way(app, world):
    decision = world["decisions"]["party_a4"]
    decision.signer_authority = "KT. TRƯỞNG BAN"
    decision.signer_title = "Phó Trưởng Ban"
    doc = decision_document.build(decision)
    db.session.rollback()
    assert doc.signature_authority == "K/T TRƯỞNG BAN"


@pytest.mark.parametrize("key", PROFILES)
def test_twelve_recipients_fit_three_a4_pages_with_an_annex_table(rendered, key):
    pdf, all_lines = rendered[key]["pdf"], rendered[key]["lines"]
    sizes = pages(pdf)
    assert len(sizes) <= 3
    assert all(round(w / MM) == 210 and round(h / MM) == 297 for w, h in sizes)
    annex = find(all_lines, "DANH SÁCH")
    assert annex.page >= 2
    reference = norm(" ".join(line.text for line in all_lines if line.page == annex.page))
    assert re.search(
        r"\(Kèm theo Quyết định số 1?[27][-/]QĐ[-/]\w+ ngày 15 tháng 12 năm 2025", reference
    )
    assert "I. TẬP THỂ (06)" in reference and "STT" in reference and "Thành tích" in reference
    # The achievement column is wide: an achievement takes at most three lines.
    achievement = [line for line in all_lines if line.text.startswith("Đã có thành tích")]
    assert achievement and all(line.x1 - line.x0 > 60 * MM for line in achievement)


@pytest.mark.parametrize("key", PROFILES)
def test_docx_holds_the_same_text_as_the_pdf(rendered, key):
    assert same_text(rendered[key]["pdf"], rendered[key]["docx"]) == (Counter(), Counter())
    paragraphs = docx_paragraphs(rendered[key]["docx"])
    assert paragraphs[0] in ("ỦY BAN NHÂN DÂN", "TỈNH ỦY TÂY NINH")
    assert "Nơi nhận:" in paragraphs


def test_docx_is_a4_with_official_margins_and_times(rendered):
    import io

    from docx import Document as read_docx

    document = read_docx(io.BytesIO(rendered["state_a3"]["docx"]))
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert round(section.left_margin.mm) == 30 and round(section.right_margin.mm) == 15
    assert round(section.top_margin.mm) == 20 and round(section.bottom_margin.mm) == 20
    assert document.styles["Normal"].font.name == "Times New Roman"


def test_a_decision_carries_the_issuer_name_valid_on_its_date(world):
    party = world["types"]["party_a4"]
    assert decisions.number_text(party, 5, date(2024, 12, 15)) == "Số 5-QĐ/BDVTU"
    assert decisions.number_text(party, 5, date(2025, 12, 15)) == "Số 5-QĐ/BTGDVTU"
    state = world["types"]["state_a4"]
    assert decisions.number_text(state, 5, date(2025, 12, 15)) == "Số: 5/QĐ-UBND"


def test_long_achievements_set_the_annex_landscape(app, world):
    decision = world["decisions"]["party_a4"]
    for item in decision.items:
        item.nomination.achievement_text = " ".join(["Đã vận động Nhân dân hiến đất"] * 14)
    doc = decision_document.build(decision)
    pdf = decision_document.render_pdf(decision, archival=False)
    db.session.rollback()
    assert doc.annexes[0].landscape
    sizes = pages(pdf)
    assert sizes[0][0] < sizes[0][1] and sizes[-1][0] > sizes[-1][1]  # portrait, then landscape
