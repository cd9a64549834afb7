"""What every response says about itself (issue 14, findings 8 and 11), checked on every
GET route of the URL map rather than on a list of pages:

- a signed-in user's responses are ``Cache-Control: no-store``, files included (the
  certificate and decision PDFs were ``no-cache``: stored, then revalidated);
- nothing the client sends as its Host comes back: the API built its items' ``url``
  from the request's Host header, so ``Host: evil.example`` was returned in every item;
- one charset per Content-Type (CSV exports said ``charset=utf-8; charset=utf-8``).
"""

import pytest
from flask import g
from werkzeug.routing.converters import AnyConverter

from dankheo import create_app
from tests.conftest import _empty_tables, _prepare_schema, make_test_config
from tests.security.test_authorization_matrix import PARAMS
from tests.security.world import build_world, sign_in_session

EVIL = "evil.example"
STATIC = ("static", "bootstrap.static")


def _rules():
    app = create_app(make_test_config(_NoPath()))
    return sorted(
        (r for r in app.url_map.iter_rules() if "GET" in r.methods),
        key=lambda r: (r.endpoint, r.rule),
    )


class _NoPath:
    def __truediv__(self, other):
        return f"/nonexistent/{other}"


RULES = _rules()


@pytest.fixture(scope="module")
def setting(tmp_path_factory):
    app = create_app(make_test_config(tmp_path_factory.mktemp("responses")))
    with app.app_context():
        _prepare_schema()
        world = build_world()
        world.decision.file_path = ""  # the world's files are not rendered; PDFs render on GET
        yield app, world
        _empty_tables()


def _path(rule, world) -> str:
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        values[name] = (
            sorted(converter.items)[0]
            if isinstance(converter, AnyConverter)
            else PARAMS[name](world, rule.endpoint)
        )
    return rule.build(values, append_unknown=False)[1]


def _get(app, world, rule, persona):
    client = app.test_client()
    g.pop("_login_user", None)
    if persona != "anonymous":
        with client.session_transaction(base_url=f"http://{EVIL}") as session:
            sign_in_session(session, world.users[persona])
    response = client.get(_path(rule, world), base_url=f"http://{EVIL}")
    body = response.get_data()
    response.close()
    return response, body


@pytest.mark.parametrize("rule", RULES, ids=[f"{r.endpoint}:{r.rule}" for r in RULES])
def test_every_response(setting, rule):
    app, world = setting
    for persona in ("anonymous", "admin"):
        response, body = _get(app, world, rule, persona)
        where = f"{persona} GET {rule.rule} ({response.status_code})"
        assert response.status_code < 500, where
        headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
        assert EVIL.encode() not in body, f"{where}: the Host header came back in the body"
        assert EVIL not in headers, f"{where}: the Host header came back in the headers"
        content_type = response.headers.get("Content-Type", "")
        assert content_type.count("charset=") <= 1, f"{where}: {content_type}"
        if persona != "anonymous" and rule.endpoint not in STATIC:
            assert response.headers.get("Cache-Control") == "no-store", (
                f"{where}: Cache-Control {response.headers.get('Cache-Control')!r}"
            )


def test_the_crawl_reaches_files_and_exports(setting):
    """The class test is only as good as what it calls: certificate files, evidence
    files, PDFs and CSV exports are among the routes, and answer 200 to admin."""
    app, world = setting
    for endpoint in (
        "registry.evidence_file",
        "certificates.decision_pdf",
        "registry.initiatives_export",
        "api.initiatives",
    ):
        rule = next(r for r in RULES if r.endpoint == endpoint)
        response, _body = _get(app, world, rule, "admin")
        assert response.status_code == 200, endpoint
