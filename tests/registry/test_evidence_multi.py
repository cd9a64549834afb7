"""Several evidence files in one upload: all stored, titles numbered; one refused file
refuses them all (named in the message); the page's script gets JSON to follow."""

import io

import pytest
import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models import Evidence
from tests.factories import make_initiative
from tests.registry.test_evidence import png_bytes


@pytest.fixture
def initiative(units):
    item = make_initiative(units["c11"], "Mô hình “Chợ quê không rác thải nhựa”")
    db.session.commit()
    return item


def _files(*named):
    return [(io.BytesIO(data), name) for name, data in named]


def test_several_files_are_stored_with_numbered_titles(client, auth, users, initiative):
    auth.login("canbo.c11")
    response = client.post(
        f"/registry/initiatives/{initiative.id}/evidence",
        data={
            "file": _files(
                ("cho-1.png", png_bytes((40, 30))),
                ("cho-2.png", png_bytes((50, 30))),
                ("cho-3.png", png_bytes((60, 30))),
            ),
            "title": "Ảnh chợ quê",
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Đã tải lên 3 tệp minh chứng." in response.get_data(as_text=True)
    titles = sorted(db.session.scalars(sa.select(Evidence.title)))
    assert titles == ["Ảnh chợ quê (1)", "Ảnh chợ quê (2)", "Ảnh chợ quê (3)"]


def test_one_refused_file_refuses_all_and_names_itself(client, auth, users, initiative):
    auth.login("canbo.c11")
    html = client.post(
        f"/registry/initiatives/{initiative.id}/evidence",
        data={"file": _files(("tot.png", png_bytes()), ("virus.exe", b"MZ\x90\x00" * 50))},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Tệp “virus.exe”:" in html and "Chưa tệp nào được lưu." in html
    assert db.session.scalar(sa.select(sa.func.count(Evidence.id))) == 0


def test_the_progress_script_gets_json_with_the_page_to_open(client, auth, users, initiative):
    auth.login("canbo.c11")
    response = client.post(
        f"/registry/initiatives/{initiative.id}/evidence",
        data={"file": _files(("anh.png", png_bytes()))},
        content_type="multipart/form-data",
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    assert response.get_json() == {"redirect": f"/registry/initiatives/{initiative.id}"}
    # The message waits for that page.
    page = client.get(f"/registry/initiatives/{initiative.id}").get_data(as_text=True)
    assert "Đã tải lên minh chứng." in page
    assert "data-upload-progress" in page and "<progress" in page and "multiple" in page
