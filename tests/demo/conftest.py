"""The demo on the real province, built once for the whole package: today's Tây Ninh and
its predecessors from the official dataset (units loader), the demo accounts, registry
and review stages (the certificates stage renders PDFs and is tested on its own in
tests/certificates). Tests here read it through the services and as the demo users do;
a test that writes leaves only records that fit the demo's own rules."""

from datetime import date

import pytest
import sqlalchemy as sa

from dankheo import create_app
from dankheo.demo import accounts, registry, review, units
from dankheo.demo.accounts import DEMO_PASSWORD
from dankheo.extensions import db
from dankheo.models import Unit
from tests.conftest import _empty_tables, _prepare_schema, make_test_config

LAST_OLD_DAY = date(2025, 6, 30)
FIRST_NEW_DAY = date(2025, 7, 1)
STAGES = (units, accounts, registry, review)


@pytest.fixture(scope="package")
def demo_app(tmp_path_factory):
    app = create_app(make_test_config(tmp_path_factory.mktemp("demo")))
    with app.app_context():
        _prepare_schema()
        lines = [stage.seed() for stage in STAGES]
        db.session.commit()
        app.config["DEMO_LINES"] = lines
    yield app
    with app.app_context():
        _empty_tables()


@pytest.fixture
def demo(demo_app):
    """The demo app in an application context of this test alone: requests made in the
    test share it (and its ``g``: the signed-in user), the next test starts afresh."""
    with demo_app.app_context():
        yield demo_app
        db.session.rollback()


def unit(code: str) -> Unit:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


class DemoClient:
    """A test client signed in as a demo user."""

    def __init__(self, app):
        self.app = app

    def __call__(self, username: str | None = None):
        client = self.app.test_client()
        if username:
            response = client.post(
                "/auth/login", data={"username": username, "password": DEMO_PASSWORD}
            )
            assert response.status_code == 302, username
        return client


@pytest.fixture
def signed_in(demo):
    return DemoClient(demo)
