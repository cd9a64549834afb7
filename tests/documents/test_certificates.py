"""Certificates as printed: both profiles on A3 and A4, full design and overlay. From the
PDF with positions: the required lines present, the signer's authority and title on two
lines above the name, nothing overlapping or outside the frame for long texts, texts
that cannot fit refused before signing (naming the recipient), Party sheets in regular
weight with italics, no transparency in the archival copy, unique subset tags once
merged."""

import io
import re
from collections import defaultdict

import pytest
from pypdf import PdfReader, PdfWriter

from dankheo.certificates import decisions, issuing, layout, printing
from dankheo.errors import DomainError
from dankheo.extensions import db
from dankheo.models import Certificate
from dankheo.pdf.merge import merge_pdfs, write_concatenated
from dankheo.pdf.render import app_renderer
from tests.documents import world as w
from tests.documents.inspect_pdf import MM, find, lines, norm, overlaps, pages, write_artifact

KINDS = ("state_a3", "state_a4", "party_a3", "party_a4")
FRAME_MM = 13.0  # the frame's inner edge from the paper's edge (A4; ×√2 on A3)


def _long_view(award_type):
    view = issuing.sample_view(award_type)
    view.recipient_name = w.LONG_NAME
    view.recipient_line = w.LONG_LINE
    view.reason = w.LONG_ACHIEVEMENT
    return view


@pytest.fixture(scope="module")
def full(world):
    out = {}
    for key in KINDS:
        award_type = world["types"][key]
        pdf = issuing.render_certificate_pdf(_long_view(award_type))
        write_artifact(f"giay-khen-{key}.pdf", pdf)
        out[key] = pdf
    return out


@pytest.fixture(scope="module")
def overlay(world):
    out = {}
    for key in KINDS:
        award_type = world["types"][key]
        pdf = printing.render_overlay_pdf(award_type, [_long_view(award_type)])
        write_artifact(f"phoi-{key}.pdf", pdf)
        out[key] = pdf
    return out


def _inside_frame(all_lines, key):
    width, height = layout.PAPER_MM[layout.PaperSize.A3 if "a3" in key else layout.PaperSize.A4]
    margin = FRAME_MM * (layout.SCALE[layout.PaperSize.A3] if "a3" in key else 1) * MM
    return [
        line.text
        for line in all_lines
        if line.x0 < margin
        or line.x1 > width * MM - margin
        or line.top < margin
        or line.bottom > height * MM - margin
    ]


@pytest.mark.parametrize("key", KINDS)
def test_full_design_has_every_part_in_place(full, key):
    pdf = full[key]
    all_lines = lines(pdf)
    width, height = pages(pdf)[0]
    assert len(pages(pdf)) == 1 and width > height  # one landscape page
    if key.startswith("party"):
        find(all_lines, "ĐẢNG CỘNG SẢN VIỆT NAM")
        issuer = find(all_lines, "BAN TUYÊN GIÁO VÀ DÂN VẬN TỈNH ỦY TÂY NINH")
        assert not any("CỘNG HÒA XÃ HỘI" in line.text for line in all_lines)
    else:
        find(all_lines, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
        find(all_lines, "Độc lập - Tự do - Hạnh phúc")
        issuer = find(all_lines, "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH TÂY NINH")
    tang = find(all_lines, "TẶNG")
    assert issuer.top < tang.top
    date_line = find(all_lines, "Tây Ninh, ngày 15 tháng 12 năm")
    name = find(all_lines, "Trần Văn Chiến" if key.startswith("party") else "Nguyễn Hồng Thanh")
    title = find(all_lines, "TRƯỞNG BAN" if key.startswith("party") else "PHÓ CHỦ TỊCH")
    assert date_line.bottom <= title.top < name.top
    if key.startswith("state"):
        authority = find(all_lines, "KT. CHỦ TỊCH")
        assert norm(authority.text) == "KT. CHỦ TỊCH"  # its own line, not "KT. … – PHÓ …"
        assert date_line.bottom <= authority.bottom <= title.top
    assert name.top - title.bottom > 15 * MM  # room for signature and seal
    assert overlaps(all_lines) == []
    assert _inside_frame(all_lines, key) == []
    text = norm(" ".join(line.text for line in all_lines))
    for part in (w.LONG_NAME, w.LONG_LINE, w.LONG_ACHIEVEMENT):
        assert norm(part) in text  # nothing clipped


@pytest.mark.parametrize("key", KINDS)
def test_overlay_prints_the_variable_text_with_authority_and_title(overlay, key):
    all_lines = lines(overlay[key])
    assert not any(norm(line.text) == "TẶNG" for line in all_lines)  # no frame text
    title = find(all_lines, "TRƯỞNG BAN" if key.startswith("party") else "PHÓ CHỦ TỊCH")
    name = find(all_lines, "Trần Văn Chiến" if key.startswith("party") else "Nguyễn Hồng Thanh")
    assert title.bottom < name.top
    if key.startswith("state"):
        assert find(all_lines, "KT. CHỦ TỊCH").bottom <= title.top
    assert overlaps(all_lines) == []
    assert _inside_frame(all_lines, key) == []
    text = norm(" ".join(line.text for line in all_lines))
    assert norm(w.LONG_ACHIEVEMENT) in text


def test_party_certificate_is_regular_weight_with_italics(full):
    all_lines = lines(full["party_a4"])
    achievement = find(all_lines, "Đã có thành tích xuất sắc")
    assert all("Bold" not in f for f in achievement.fonts)
    position = find(all_lines, "Phó Bí thư Thường trực")
    assert any("Italic" in f for f in position.fonts)
    fonts = {f for line in all_lines for f in line.fonts}
    assert "DK-Serif" in fonts and "DK-Serif-Italic" in fonts


def test_signer_block_comes_from_the_issuer_settings(world):
    view = issuing.sample_view(world["types"]["party_a4"])
    assert view.signer_title == "TRƯỞNG BAN" and view.signer_authority == ""
    state = issuing.sample_view(world["types"]["state_a3"])
    assert (state.signer_authority, state.signer_title) == ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")


def test_archival_copy_has_no_transparency(full):
    for key in ("state_a3", "party_a4"):
        reader = PdfReader(io.BytesIO(full[key]))
        assert "pdfaid" in reader.xmp_metadata.stream.get_data().decode("utf-8", "replace")
        for page in reader.pages:
            resources = page["/Resources"].get_object()
            for state in (resources.get("/ExtGState") or {}).values():
                state = state.get_object()
                assert float(state.get("/CA", 1)) == 1 and float(state.get("/ca", 1)) == 1
                assert state.get("/SMask", "/None") == "/None"
            for xobject in (resources.get("/XObject") or {}).values():
                assert "/SMask" not in xobject.get_object()


def test_text_that_cannot_fit_is_refused_before_signing_naming_the_recipient(app, world):
    nomination = world["nominations"]["state_a3"][0]
    original = nomination.recipient_name, nomination.achievement_text
    nomination.recipient_name = w.MAX_NAME
    nomination.achievement_text = w.MAX_ACHIEVEMENT
    db.session.flush()
    decision = world["decisions"]["state_a3"]
    with pytest.raises(DomainError) as refused:
        decisions.sign_decision(world["secretary"], decision)
    db.session.rollback()
    assert refused.value.code == "certificate.text_does_not_fit"
    assert w.MAX_NAME[:40] in refused.value.message
    assert db.session.get(type(decision), decision.id).status == "draft"
    assert db.session.query(Certificate).count() == 0
    assert (nomination.recipient_name, nomination.achievement_text) == original


@pytest.mark.parametrize("paper", list(layout.PaperSize))
def test_long_text_shrinks_within_bounds(app, paper):
    short = layout.fit_slot("recipient", "Ông Nguyễn Văn Thành", paper)
    long = layout.fit_slot("recipient", w.LONG_NAME, paper)
    box = layout.box_for(layout.SLOTS["recipient"], paper)
    assert short.size_pt == box.max_pt and len(short.lines) == 1
    assert box.min_pt <= long.size_pt < box.max_pt and len(long.lines) == 2
    assert layout.fit_slot("achievement", w.MAX_ACHIEVEMENT, paper) is None


def test_merged_batch_has_unique_font_subset_tags(world, full):
    # Certificates stored before issue 15's phase 2 were WeasyPrint's whole pages; a
    # batch may mix them with today's composed ones (tagged from their bytes already).
    weasyprint = [
        app_renderer().render(
            issuing.certificate_html(_long_view(world["types"][key])), "certificate"
        )
        for key in ("state_a4", "party_a4", "party_a3")
    ]
    parts = [*weasyprint, full["state_a4"], full["party_a4"]]

    def tags(pdf: bytes) -> dict[str, set[bytes]]:
        found = defaultdict(set)
        for page in PdfReader(io.BytesIO(pdf)).pages:
            for ref in page["/Resources"]["/Font"].values():
                font = ref.get_object()
                inner = (
                    font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
                )
                descriptor = inner["/FontDescriptor"].get_object()
                stream = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
                tag = re.match(r"/([A-Z]{6})\+", str(font["/BaseFont"])).group(1)
                found[tag].add(stream.get_object().get_data())
        return found

    # Merged naively, WeasyPrint's different subsets of one face share a tag …
    naive = PdfWriter()
    for part in weasyprint:
        naive.append(io.BytesIO(part))
    out = io.BytesIO()
    naive.write(out)
    assert any(len(subsets) > 1 for subsets in tags(out.getvalue()).values())
    # … merged by dankheo.pdf.merge, each subset has its own, in both ways of merging.
    merged = merge_pdfs(parts)
    assert all(len(subsets) == 1 for subsets in tags(merged).values())
    streamed = io.BytesIO()
    write_concatenated(parts, streamed)
    assert all(len(subsets) == 1 for subsets in tags(streamed.getvalue()).values())


def test_a_short_name_is_centred_in_its_region_without_a_hole(world):
    award_type = world["types"]["state_a4"]
    view = issuing.sample_view(award_type)
    view.recipient_name = "Hội Nông dân xã Long Hòa, tỉnh Tây Ninh"
    view.recipient_line = ""
    view.reason = w.achievement(0)
    pdf = issuing.render_certificate_pdf(view)
    write_artifact("giay-khen-state_a4-ngan.pdf", pdf)
    all_lines = lines(pdf)
    name = find(all_lines, "Hội Nông dân xã Long Hòa")
    achievement = find(all_lines, "Đã có thành tích xuất sắc")
    gap = achievement.top - name.bottom
    assert 0 < gap < 10 * MM  # stacked under the name, not left at its fixed place
    last = layout.SLOTS["achievement"]
    region = (layout.SLOTS["recipient"].y, last.y + last.height)
    middle = (name.top + find(all_lines, "Tuyến đường hoa").bottom) / 2 / MM
    assert abs(middle - sum(region) / 2) < 4
    assert overlaps(all_lines) == []


def test_overlay_calibration_shows_and_takes_millimetres_the_vietnamese_way(client, auth, world):
    award_type = world["types"]["state_a3"]
    auth.login("thuky")
    url = f"/certificates/award-types/{award_type.id}/overlay"
    page = client.get(url).get_data(as_text=True)
    assert 'value="210,0"' in page  # the recipient's centre on A3
    form = {
        f"{name}_{axis}": f"{value:.1f}".replace(".", ",")
        for name, (x, y) in printing.overlay_layout(award_type)["fields"].items()
        for axis, value in (("x", x), ("y", y))
    }
    form.update(offset_x="1,5", offset_y="-0,5", recipient_x="205,5")
    assert client.post(url, data=form).status_code == 302
    db.session.expire_all()
    stored = db.session.get(type(award_type), award_type.id).overlay_layout
    assert stored["offset"] == [1.5, -0.5] and stored["fields"]["recipient"][0] == 205.5
    bad = client.post(url, data={**form, "recipient_x": "hai trăm"}).get_data(as_text=True)
    assert "Vui lòng nhập" in bad or "số" in bad
