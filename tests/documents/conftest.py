"""One app and one world for the whole module (rendering is the slow part: build the
data once). Artifacts (PDF, DOCX and, with DANKHEO_DOCUMENT_PNGS=1, PNG pages) are
written to test-artifacts/documents/ for a person to look at (`make documents`)."""

import pytest
from flask import g

from dankheo import create_app
from tests.conftest import _TEMPLATE_CACHE, _empty_tables, _prepare_schema, make_test_config
from tests.documents import world as world_module


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = create_app(make_test_config(tmp_path_factory.mktemp("documents")))
    app.jinja_env.bytecode_cache = _TEMPLATE_CACHE
    with app.app_context():
        _prepare_schema()  # a fresh SQLite, or the shared PostgreSQL schema
        yield app
        _empty_tables()


@pytest.fixture(scope="module")
def world(app):
    return world_module.build()


@pytest.fixture(autouse=True)
def _signed_out(app):
    """The module's app context outlives each test: forget the signed-in user that
    Flask-Login caches on ``g``, so a test starts signed out like a new browser."""
    g.pop("_login_user", None)
    yield
    g.pop("_login_user", None)
