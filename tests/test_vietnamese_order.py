"""Vietnamese order everywhere: people by given name, then middle name, then surname;
numbers inside names by value. The key is stored in the database and every list orders
by it, so SQLite and PostgreSQL give the same order (this module runs on both:
`make test-postgres`)."""

import sqlalchemy as sa

from dankheo.admin.units import create_unit
from dankheo.extensions import db
from dankheo.models import Exemplar, ExemplarKind, Role, Unit, UnitKind, User
from dankheo.registry.filters import unit_choices
from dankheo.registry.services import save_exemplar
from dankheo.vietnamese import name_parts, person_sort_key, sort_key
from tests.factories import make_province, make_user

# Shuffled on purpose; the expected order is written out below.
PEOPLE = [
    "Nguyễn Văn Bình",
    "Bùi Thanh Sơn",
    "Trần Văn An",
    "Đặng Thị Mỹ Duyên",
    "Lê Thị Bình",
    "Huỳnh An",
    "Đỗ Thị Hồng Nhung",
    "Nguyễn Thị Án",
]
PEOPLE_IN_ORDER = [
    "Huỳnh An",  # An, no middle name first
    "Trần Văn An",
    "Nguyễn Thị Án",  # the tone decides after the letters
    "Lê Thị Bình",  # Bình: middle name Thị before Văn
    "Nguyễn Văn Bình",
    "Đặng Thị Mỹ Duyên",
    "Đỗ Thị Hồng Nhung",
    "Bùi Thanh Sơn",
]
PLACES = ["Phường 10", "Ấp 12", "Phường 2", "Phường Long Hoa", "Ấp 3", "Phường 1", "Ấp Bình Hòa"]
PLACES_IN_ORDER = [
    "Ấp 3",
    "Ấp 12",
    "Ấp Bình Hòa",
    "Phường 1",
    "Phường 2",
    "Phường 10",
    "Phường Long Hoa",
]


def test_name_parts():
    assert name_parts("Nguyễn Thị Thu Hà") == ("Nguyễn", "Thị Thu", "Hà")
    assert name_parts("  Huỳnh   An ") == ("Huỳnh", "", "An")
    assert name_parts("Minh") == ("", "", "Minh")


def test_people_sort_by_given_then_middle_then_surname():
    assert sorted(PEOPLE, key=person_sort_key) == PEOPLE_IN_ORDER
    # Surname order would have been Bùi, Đặng, Đỗ, Huỳnh…: not what lists want.
    assert sorted(PEOPLE, key=sort_key)[0] == "Bùi Thanh Sơn"


def test_numbers_inside_names_sort_by_value():
    assert sorted(PLACES, key=sort_key) == PLACES_IN_ORDER
    assert sort_key("Phường 02") == sort_key("Phường 2")  # leading zeros do not count
    assert sort_key("Khu phố 9A") < sort_key("Khu phố 10")


def test_users_list_in_vietnamese_order(app, client, auth):
    units = make_province()
    make_user("quantri", (Role.ADMIN, units["province"]), full_name="Zô Quản Trị")
    for n, name in enumerate(PEOPLE):
        make_user(f"nguoi{n}", (Role.OFFICER, units["c11"]), full_name=name)
    stored = db.session.scalars(
        sa.select(User.full_name).where(User.username != "quantri").order_by(User.sort_key)
    ).all()
    assert stored == PEOPLE_IN_ORDER
    auth.login("quantri")
    html = client.get("/admin/users").get_data(as_text=True)
    assert sorted(PEOPLE, key=html.index) == PEOPLE_IN_ORDER


def test_individual_exemplars_by_given_name_collectives_by_name(app, client, auth):
    units = make_province()
    officer = make_user("canbo", (Role.OFFICER, units["c11"]))
    for name in PEOPLE:
        save_exemplar(
            officer,
            values={"kind": ExemplarKind.INDIVIDUAL, "name": name, "year": 2024},
            unit=units["c11"],
            field=None,
            initiatives=[],
        )
    save_exemplar(
        officer,
        values={"kind": ExemplarKind.COLLECTIVE, "name": "Chi hội Phụ nữ ấp 3", "year": 2024},
        unit=units["c11"],
        field=None,
        initiatives=[],
    )
    db.session.commit()
    individuals = db.session.scalars(
        sa.select(Exemplar.name)
        .where(Exemplar.kind == ExemplarKind.INDIVIDUAL)
        .order_by(Exemplar.sort_key)
    ).all()
    assert individuals == PEOPLE_IN_ORDER
    auth.login("canbo")
    html = client.get("/registry/exemplars?kind=individual").get_data(as_text=True)
    assert sorted(PEOPLE, key=html.index) == PEOPLE_IN_ORDER
    response = client.get("/registry/exemplars/export.csv?kind=individual")
    exported = [line.split(",")[1] for line in response.get_data(as_text=True).splitlines()[1:]]
    assert [name.strip('"') for name in exported if name] == PEOPLE_IN_ORDER


def test_numbered_units_in_numeric_order_in_every_list(app, client):
    province = create_unit(code="P", name="Tỉnh Thử Nghiệm", kind=UnitKind.PROVINCE)
    for n, name in enumerate(PLACES):
        kind = UnitKind.WARD if name.startswith("Phường") else UnitKind.VILLAGE
        create_unit(code=f"U{n}", name=name, kind=kind, parent=province)
    db.session.commit()
    stored = db.session.scalars(
        sa.select(Unit.name).where(Unit.parent_id == province.id).order_by(Unit.sort_key)
    ).all()
    assert stored == PLACES_IN_ORDER
    labels = [label for _id, label in unit_choices(None)]
    assert labels == ["Tỉnh Thử Nghiệm", *(f"— {name}" for name in PLACES_IN_ORDER)]
    body = client.get("/api/v1/units?parent=P&kind=all").get_json()
    assert [u["name"] for u in body["items"]] == PLACES_IN_ORDER
