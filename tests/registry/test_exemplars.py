"""Exemplars: collective or individual, with position, unit and the initiatives they lead."""

import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models import Exemplar, ExemplarKind
from tests.factories import make_exemplar, make_initiative


def test_officer_registers_an_individual_exemplar_leading_an_initiative(client, auth, users, units):
    initiative = make_initiative(units["c11"], "Mô hình “Hũ gạo tình thương”")
    db.session.commit()
    auth.login("canbo.c11")
    response = client.post(
        "/registry/exemplars/new",
        data={
            "kind": "individual",
            "name": "Nguyễn Thị Hạnh",
            "position": "Chi hội trưởng Phụ nữ ấp Bình Hòa",
            "unit_id": units["c11"].id,
            "field_id": "",
            "year": "2024",
            "achievements": "Vận động 120 hộ tham gia",
            "initiative_ids": [str(initiative.id)],
        },
    )
    assert response.status_code == 302
    exemplar = db.session.scalar(sa.select(Exemplar))
    assert exemplar.kind == ExemplarKind.INDIVIDUAL
    assert [i.id for i in exemplar.initiatives] == [initiative.id]
    assert exemplar.search_text.startswith("nguyen thi hanh")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nguyễn Thị Hạnh" in html and "Hũ gạo tình thương" in html and "Cá nhân" in html


def test_exemplar_name_is_required(client, auth, users, units):
    auth.login("canbo.c11")
    html = client.post(
        "/registry/exemplars/new",
        data={"kind": "collective", "name": "", "unit_id": units["c11"].id, "year": "2024"},
    ).get_data(as_text=True)
    assert "Vui lòng nhập trường này." in html
    assert db.session.scalar(sa.select(sa.func.count(Exemplar.id))) == 0


def test_exemplar_list_is_scoped_and_searchable(client, auth, users, units):
    make_exemplar(units["c11"], "Trần Văn Đức")
    make_exemplar(units["c21"], "Lê Thị Mai")
    db.session.commit()
    auth.login("canbo.c11")
    html = client.get("/registry/exemplars?q=duc").get_data(as_text=True)
    assert "Trần Văn Đức" in html and "Lê Thị Mai" not in html
    assert client.get("/registry/exemplars?q=mai").get_data(as_text=True).count("Lê Thị Mai") == 0


def test_other_commune_cannot_view_or_edit_an_exemplar(client, auth, users, units):
    exemplar = make_exemplar(units["c21"], "Lê Thị Mai")
    db.session.commit()
    auth.login("canbo.c11")
    assert client.get(f"/registry/exemplars/{exemplar.id}").status_code == 403
    assert client.get(f"/registry/exemplars/{exemplar.id}/edit").status_code == 403


def test_stale_exemplar_edit_saves_nothing(client, auth, users, units):
    exemplar = make_exemplar(units["c11"], "Tên cũ")
    db.session.commit()
    auth.login("canbo.c11")
    response = client.post(
        f"/registry/exemplars/{exemplar.id}/edit",
        data={
            "kind": "individual",
            "name": "Tên mới",
            "unit_id": units["c11"].id,
            "year": "2024",
            "version": str(exemplar.version + 5),
        },
    )
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Exemplar, exemplar.id).name == "Tên cũ"
