"""Fixtures for registry tests: the small province and one user per role."""

import pytest

from dankheo.campaigns.services import ensure_default_fields
from dankheo.extensions import db
from dankheo.models import Role
from tests.factories import make_province, make_user


@pytest.fixture
def units(app):
    units = make_province()
    ensure_default_fields()
    db.session.commit()
    return units


@pytest.fixture
def users(units):
    return {
        "officer": make_user("canbo.c11", (Role.OFFICER, units["c11"])),
        "other_officer": make_user("canbo.c21", (Role.OFFICER, units["c21"])),
        "district_officer": make_user("canbo.d1", (Role.OFFICER, units["d1"])),
        "secretary": make_user("thuky", (Role.SECRETARY, units["province"])),
        "agency_secretary": make_user("thuky.bdv", (Role.SECRETARY, units["agency"])),
        "leader": make_user("lanhdao", (Role.LEADER, units["province"])),
        "reviewer": make_user("hoidong", (Role.REVIEWER, units["agency"])),
        "admin": make_user("quantri", (Role.ADMIN, units["province"])),
    }
