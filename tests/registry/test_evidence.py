"""Evidence: type checked by content, zip bombs and huge images refused, size limit
(413 page), storage by hash with thumbnails, serving only to those who may see."""

import io
import zipfile

import pytest
import sqlalchemy as sa
from PIL import Image

from dankheo.extensions import db
from dankheo.models import Evidence
from dankheo.registry import evidence as evidence_files
from tests.conftest import make_test_config
from tests.factories import make_exemplar, make_initiative


def png_bytes(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 40)).save(out, "PNG")
    return out.getvalue()


def office_bytes(kind: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        if kind == "docx":
            z.writestr(
                "[Content_Types].xml",
                '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
                'wordprocessingml.document.main+xml"/></Types>',
            )
            z.writestr("word/document.xml", "<w:document/>")
        else:
            z.writestr(
                "[Content_Types].xml",
                '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
                'spreadsheetml.sheet.main+xml"/></Types>',
            )
            z.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


@pytest.fixture
def initiative(units):
    item = make_initiative(units["c11"], "Mô hình có minh chứng")
    db.session.commit()
    return item


def upload(client, initiative, data: bytes, filename: str, **extra):
    return client.post(
        f"/registry/initiatives/{initiative.id}/evidence",
        data={"file": (io.BytesIO(data), filename), "title": "Ảnh", **extra},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def _stored_files(app) -> list:
    from pathlib import Path

    root = Path(app.config["EVIDENCE_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize(
    ("data", "mime"),
    [
        (png_bytes(), "image/png"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF", "application/pdf"),
        (office_bytes("docx"), evidence_files.MIME_DOCX),
        (office_bytes("xlsx"), evidence_files.MIME_XLSX),
    ],
)
def test_sniff_recognises_accepted_types_by_content(data, mime):
    assert evidence_files.sniff(data) == mime


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff",  # a Windows .exe
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        b"PK\x03\x04not really a zip",
        b"plain text pretending to be a pdf",
    ],
)
def test_sniff_refuses_everything_else(data):
    assert evidence_files.sniff(data) is None


def test_exe_renamed_pdf_is_refused_and_nothing_stored(app, client, auth, users, initiative):
    auth.login("canbo.c11")
    exe = b"MZ\x90\x00" + b"\x00" * 200
    html = upload(client, initiative, exe, "bao-cao.pdf").get_data(as_text=True)
    assert "Tệp không đúng định dạng cho phép" in html
    assert db.session.scalar(sa.select(sa.func.count(Evidence.id))) == 0
    assert _stored_files(app) == []


def test_zip_bomb_is_refused(app, client, auth, users, initiative):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types>wordprocessingml</Types>")
        z.writestr("word/document.xml", b"\x00" * (20 * 1024 * 1024))
    auth.login("canbo.c11")
    html = upload(client, initiative, out.getvalue(), "bom.docx").get_data(as_text=True)
    assert "Tệp nén bất thường" in html
    assert db.session.scalar(sa.select(sa.func.count(Evidence.id))) == 0


def test_image_beyond_the_pixel_limit_is_refused(app, client, auth, users, initiative):
    app.config["MAX_IMAGE_PIXELS"] = 100 * 100
    auth.login("canbo.c11")
    html = upload(client, initiative, png_bytes((200, 200)), "to.png").get_data(as_text=True)
    assert "Ảnh quá lớn" in html
    assert _stored_files(app) == []


def test_photo_is_stored_by_hash_with_a_thumbnail(app, client, auth, users, initiative):
    import hashlib

    data = png_bytes()
    auth.login("canbo.c11")
    html = upload(client, initiative, data, "anh hoat dong.PDF", is_public="y").get_data(
        as_text=True
    )
    assert "Đã tải lên minh chứng." in html
    row = db.session.scalar(sa.select(Evidence))
    digest = hashlib.sha256(data).hexdigest()
    assert row.sha256 == digest and row.mime == "image/png" and row.is_public
    assert row.filename == "anh hoat dong.png"  # the extension follows the content
    assert evidence_files.path_for(digest).read_bytes() == data
    assert evidence_files.path_for(digest).parent.name == digest[2:4]
    assert evidence_files.thumb_path_for(digest).is_file()
    assert f"/registry/evidence/{row.id}/thumb" in html


def test_evidence_is_served_only_to_those_who_may_see_the_owner(
    app, client, auth, users, initiative
):
    auth.login("canbo.c11")
    upload(client, initiative, png_bytes(), "anh.png")
    row = db.session.scalar(sa.select(Evidence))
    with client.get(f"/registry/evidence/{row.id}") as response:
        assert response.status_code == 200
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.mimetype == "image/png"
    with client.get(f"/registry/evidence/{row.id}/thumb") as response:
        assert response.mimetype == "image/jpeg"
    auth.logout()
    auth.login("canbo.c21")
    assert client.get(f"/registry/evidence/{row.id}").status_code == 403
    assert client.get(f"/registry/evidence/{row.id}/thumb").status_code == 403
    auth.logout()
    assert client.get(f"/registry/evidence/{row.id}").status_code == 302  # to sign-in


def test_other_commune_cannot_upload(client, auth, users, initiative):
    auth.login("canbo.c21")
    response = client.post(
        f"/registry/initiatives/{initiative.id}/evidence",
        data={"file": (io.BytesIO(png_bytes()), "a.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Evidence.id))) == 0


def test_upload_to_exemplar_and_publish_toggle(client, auth, users, units):
    exemplar = make_exemplar(units["c11"], "Nguyễn Thị Lan")
    db.session.commit()
    auth.login("canbo.c11")
    response = client.post(
        f"/registry/exemplars/{exemplar.id}/evidence",
        data={"file": (io.BytesIO(office_bytes("docx")), "bao-cao.docx"), "title": "Báo cáo"},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Báo cáo" in response.get_data(as_text=True)
    row = db.session.scalar(sa.select(Evidence))
    assert row.exemplar_id == exemplar.id and not row.is_public
    client.post(f"/registry/evidence/{row.id}/public", data={"public": "1"})
    db.session.expire_all()
    assert db.session.get(Evidence, row.id).is_public


class TestSizeLimit:
    @pytest.fixture
    def app_config(self, tmp_path):
        return make_test_config(tmp_path, MAX_CONTENT_LENGTH=50 * 1024)

    def test_oversize_upload_gets_the_413_page(self, client, auth, users, initiative):
        auth.login("canbo.c11")
        response = client.post(
            f"/registry/initiatives/{initiative.id}/evidence",
            data={"file": (io.BytesIO(b"%PDF-" + b"0" * 60 * 1024), "lon.pdf")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 413
        html = response.get_data(as_text=True)
        assert "Tệp tải lên quá lớn" in html
        assert db.session.scalar(sa.select(sa.func.count(Evidence.id))) == 0


class TestWithCsrf:
    @pytest.fixture
    def app_config(self, tmp_path):
        return make_test_config(tmp_path, WTF_CSRF_ENABLED=True, MAX_CONTENT_LENGTH=50 * 1024)

    def _token(self, client, url) -> str:
        import re

        html = client.get(url).get_data(as_text=True)
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)

    def _login(self, client):
        import re

        html = client.get("/auth/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        client.post(
            "/auth/login",
            data={"username": "canbo.c11", "password": "mat-khau-thu-nghiem", "csrf_token": token},
        )

    def test_upload_form_carries_a_working_token(self, client, users, initiative):
        self._login(client)
        token = self._token(client, f"/registry/initiatives/{initiative.id}")
        response = client.post(
            f"/registry/initiatives/{initiative.id}/evidence",
            data={"file": (io.BytesIO(png_bytes()), "a.png"), "csrf_token": token},
            content_type="multipart/form-data",
        )
        assert response.status_code == 302
        assert db.session.scalar(sa.select(sa.func.count(Evidence.id))) == 1

    def test_oversize_upload_is_413_not_a_csrf_error(self, client, users, initiative):
        self._login(client)
        token = self._token(client, f"/registry/initiatives/{initiative.id}")
        response = client.post(
            f"/registry/initiatives/{initiative.id}/evidence",
            data={"file": (io.BytesIO(b"%PDF-" + b"0" * 80 * 1024), "a.pdf"), "csrf_token": token},
            content_type="multipart/form-data",
        )
        assert response.status_code == 413
        assert "Tệp tải lên quá lớn" in response.get_data(as_text=True)
