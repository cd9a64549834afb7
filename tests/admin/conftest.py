"""Fixtures for the admin pages: the small province, an admin, an officer, a secretary."""

import pytest

from dankheo.models import Role
from tests.factories import make_province, make_user


@pytest.fixture
def units(app):
    return make_province()


@pytest.fixture
def admin(units):
    return make_user("quantri", (Role.ADMIN, units["province"]), full_name="Quản Trị Viên")


@pytest.fixture
def officer(units):
    return make_user("canbo", (Role.OFFICER, units["c11"]), full_name="Cán Bộ Xã")


@pytest.fixture
def secretary(units):
    return make_user("thuky", (Role.SECRETARY, units["d1"]), full_name="Thư Ký Huyện")


@pytest.fixture
def as_admin(auth, admin):
    auth.login("quantri")
    return auth._client
