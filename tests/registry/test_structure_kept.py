"""What the lists derive from the unit structure (the reach through successions, the
scope's share, the filter's units, a unit's path) is kept per process and "units" data
version (models.versions.per_version): the same for every request, and a commit that
changes a unit or a succession shows at once."""

from datetime import date

import pytest

from dankheo.admin.units import move_unit
from dankheo.extensions import db
from dankheo.models import SuccessionKind, Unit, UnitKind, UnitSuccession
from dankheo.models.versions import per_version
from tests.factories import make_initiative, make_unit


@pytest.fixture
def items(units):
    a = make_initiative(units["c11"], "Mô hình xã Một Một")
    b = make_initiative(units["c21"], "Mô hình xã Hai Một")
    db.session.commit()
    return a, b


def test_a_value_is_computed_once_per_version(app, units):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert per_version(db.session, ["units"], "k", compute) == 1
    assert per_version(db.session, ["units"], "k", compute) == 1
    assert per_version(db.session, ["campaigns"], "k", compute) == 2  # other datasets, other key
    units["c11"].name = "Xã Một Một mới"
    db.session.commit()
    assert per_version(db.session, ["units"], "k", compute) == 3


def test_uncommitted_structure_changes_are_computed_not_kept(app, units):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    per_version(db.session, ["units"], "k", compute)
    units["c11"].name = "Đổi tên chưa lưu"  # pending: flushed by per_version
    assert per_version(db.session, ["units"], "k", compute) == 2
    assert per_version(db.session, ["units"], "k", compute) == 3
    db.session.rollback()
    assert per_version(db.session, ["units"], "k", compute) == 1


def test_a_new_unit_is_in_the_filter_at_once(client, auth, users, units):
    auth.login("thuky")
    assert "Huyện Ba Mới" not in client.get("/registry/initiatives").get_data(as_text=True)
    make_unit("Huyện Ba Mới", units["province"], UnitKind.DISTRICT, code="D3")
    db.session.commit()
    assert "Huyện Ba Mới" in client.get("/registry/initiatives").get_data(as_text=True)


def test_a_new_succession_widens_the_reach_at_once(client, auth, users, units, items):
    auth.login("canbo.c11")
    html = client.get("/registry/initiatives").get_data(as_text=True)
    assert "Mô hình xã Một Một" in html and "Mô hình xã Hai Một" not in html
    db.session.add(
        UnitSuccession(
            predecessor_id=units["c21"].id,
            successor_id=units["c11"].id,
            kind=SuccessionKind.MERGE,
            effective_on=date(2025, 7, 1),
        )
    )
    db.session.commit()
    html = client.get("/registry/initiatives").get_data(as_text=True)
    assert "Mô hình xã Một Một" in html and "Mô hình xã Hai Một" in html


def test_a_moved_unit_filters_by_its_new_path_at_once(client, auth, users, units, items):
    auth.login("thuky")

    def names(unit_id):
        html = client.get(f"/registry/initiatives?unit={unit_id}").get_data(as_text=True)
        return [n for n in ("Mô hình xã Một Một", "Mô hình xã Hai Một") if n in html]

    assert names(units["d2"].id) == ["Mô hình xã Hai Một"]
    assert names(units["c11"].id) == ["Mô hình xã Một Một"]
    move_unit(db.session.get(Unit, units["c11"].id), db.session.get(Unit, units["d2"].id))
    db.session.commit()
    assert names(units["d2"].id) == ["Mô hình xã Một Một", "Mô hình xã Hai Một"]
    assert names(units["d1"].id) == []
    assert names(units["c11"].id) == ["Mô hình xã Một Một"]  # its new path
