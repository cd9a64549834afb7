"""Numbers from outside, over the whole URL map: no value of any parameter is a 500.

Every rule of ``app.url_map`` is called, GET and POST, with hostile values in each of
its URL parameters and in each query-string and form parameter its view reads: numbers
beyond 64 bits and beyond a 32-bit id, negative numbers, digits that ``str.isdigit()``
or ``int()`` accept but the database cannot take (superscripts, Arabic-Indic and
full-width digits), and text that is no number at all. Which parameters a view reads
is not listed by hand: a first pass calls every route once with a request class that
records every name looked up in ``request.args``, ``request.form`` and
``request.values`` (WTForms included), so a new route or a new parameter is covered
without touching this file.

The deterministic pass sends every hostile class to every parameter; hypothesis then
explores further values (``DANKHEO_HYPOTHESIS_EXAMPLES`` per route, 5 by default).
"""

import contextlib
import os
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Request, g
from flask import request as current_request
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing.converters import AnyConverter

from dankheo import create_app
from tests.conftest import _empty_tables, _prepare_schema, make_test_config
from tests.security.world import build_world, sign_in_session

# One value of each class that broke a page at least once (issue 14, finding 4).
HOSTILE = (
    "9" * 25,  # beyond 64 bits: SQLite's driver overflows
    str(2**31),  # beyond a 32-bit id: PostgreSQL's integer overflows
    "-7",
    "²",  # str.isdigit() says yes, int() says no
    "١٢",  # Arabic-Indic digits: int() and \d say yes
    "１２",  # full-width digits
    "12abc",
)
# Expensive routes (a PDF rendered per request): the classes most likely to pass the
# first check and reach the database.
HEAVY = {
    "reports.report_pdf",
    "certificates.decision_pdf",
    "certificates.preview",
    "certificates.decision_print",
}
HEAVY_VALUES = ("9" * 25, "²", "١٢")
# Query names every list page may be sent, whether or not the first pass saw them read.
ALWAYS = ("page",)
SKIP = {"static", "bootstrap.static"}  # files: no number anywhere

NUMBERISH = st.one_of(
    st.integers(-(10**40), 10**40).map(str),
    st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=1, max_size=24),
    st.text(max_size=24),
    st.sampled_from(HOSTILE),
)
SETTINGS = settings(
    max_examples=int(os.environ.get("DANKHEO_HYPOTHESIS_EXAMPLES", "5")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

_READ: dict[tuple[str, str], set[str]] = defaultdict(set)


class _RecordingDict(ImmutableMultiDict):
    """A request's args/form that notes every name the view looks up."""

    def _note(self, key):
        if isinstance(key, str):
            with contextlib.suppress(RuntimeError):  # outside a request
                _READ[(current_request.endpoint or "", current_request.method)].add(key)

    def get(self, key, default=None, type=None):
        self._note(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        self._note(key)
        return super().getlist(key, type)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)


class _RecordingRequest(Request):
    parameter_storage_class = _RecordingDict


def _rules():
    app = create_app(make_test_config(_NoPath()))
    return sorted(
        (r for r in app.url_map.iter_rules() if r.endpoint not in SKIP),
        key=lambda r: (r.endpoint, r.rule),
    )


class _NoPath:
    def __truediv__(self, other):
        return f"/nonexistent/{other}"


RULES = _rules()
CALLS = [(r, m) for r in RULES for m in sorted(r.methods - {"HEAD", "OPTIONS"})]


def _ids(calls):
    return [f"{m} {r.endpoint}:{r.rule}" for r, m in calls]


def _values(rule, world) -> dict:
    """Real values for the rule's URL parameters, taken once (an accepted POST may
    remove the record a later call would have read them from)."""
    from tests.security.test_authorization_matrix import PARAMS

    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        if isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = PARAMS[name](world, rule.endpoint)
    return values


def _path(rule, values: dict, override: tuple[str, str] | None = None) -> str:
    """The rule's path with ``values``, one of them replaced (percent-encoded, as a
    browser sends it: a "?" or "/" in a value is part of the value)."""
    path = rule.rule
    for name in rule.arguments:
        value = override[1] if override and override[0] == name else values[name]
        value = quote(str(value), safe="")
        start = path.index("<")
        end = path.index(">", start)
        path = path[:start] + str(value) + path[end + 1 :]
    return path


def _as_admin(client, world):
    g.pop("_login_user", None)
    with client.session_transaction() as session:
        session.clear()
        sign_in_session(session, world.users["admin"])


def _call(client, world, values, rule, method, where, name, value) -> int:
    _as_admin(client, world)
    if where == "path":
        path, data = _path(rule, values, (name, value)), {}
    else:
        path, data = _path(rule, values), {name: value}
    if method == "GET":
        response = client.get(path, query_string=data)
    else:
        response = client.open(path, method=method, data=data)
    response.close()
    return response.status_code


def _record(client, world, rule, method) -> None:
    """Call the route once, plainly, noting which names its view reads."""
    _as_admin(client, world)
    client.open(_path(rule, _values(rule, world)), method=method, data={}).close()


def _targets(rule, method) -> list[tuple[str, str]]:
    names = sorted(_READ[(rule.endpoint, method)] | set(ALWAYS) - {"csrf_token"})
    path_args = [
        a for a in sorted(rule.arguments) if not isinstance(rule._converters[a], AnyConverter)
    ]
    return [("path", a) for a in path_args] + [("query", n) for n in names]


def _attack(client, world, rule, method) -> None:
    targets = _targets(rule, method)
    url_values = _values(rule, world)
    hostile = HEAVY_VALUES if rule.endpoint in HEAVY else HOSTILE
    failures = [
        f"{where} {name}={value!r} → {status}"
        for where, name in targets
        for value in hostile
        if (status := _call(client, world, url_values, rule, method, where, name, value)) >= 500
    ]
    assert not failures, f"{method} {rule.rule}:\n  " + "\n  ".join(failures)
    if rule.endpoint in HEAVY or not targets:
        return

    @SETTINGS
    @given(st.data())
    def explore(data):
        where, name = data.draw(st.sampled_from(targets), label="parameter")
        value = data.draw(NUMBERISH, label=name)
        status = _call(client, world, url_values, rule, method, where, name, value)
        assert status < 500, f"{method} {rule.rule} {where} {name}={value!r} → {status}"

    explore()


READING = [(r, m) for r, m in CALLS if m == "GET"]
WRITING = [(r, m) for r, m in CALLS if m != "GET"]


@pytest.fixture(scope="module")
def reading(tmp_path_factory):
    """One app and world for every GET (GETs change nothing), each route recorded first."""
    app = create_app(make_test_config(tmp_path_factory.mktemp("numbers-get")))
    app.request_class = _RecordingRequest
    with app.app_context():
        _prepare_schema()
        world = build_world()
        client = app.test_client()
        for rule, method in READING:
            _record(client, world, rule, method)
        yield world, client
        _empty_tables()


@pytest.mark.parametrize(("rule", "method"), READING, ids=_ids(READING))
def test_no_query_or_path_value_is_a_server_error(reading, rule, method):
    world, client = reading
    _attack(client, world, rule, method)


@pytest.fixture(scope="module")
def writing_app(tmp_path_factory):
    app = create_app(make_test_config(tmp_path_factory.mktemp("numbers-post")))
    app.request_class = _RecordingRequest
    with app.app_context():
        _prepare_schema()
        yield app
        _empty_tables()


def _fresh_world():
    _empty_tables()
    _prepare_schema()
    return build_world()


@pytest.mark.parametrize(("rule", "method"), WRITING, ids=_ids(WRITING))
def test_no_form_or_path_value_is_a_server_error(writing_app, rule, method):
    """A fresh world to record what the POST reads (a plain POST may act), another to
    attack it in."""
    client = writing_app.test_client()
    _record(client, _fresh_world(), rule, method)
    _attack(client, _fresh_world(), rule, method)


def test_the_first_pass_saw_the_parameters_that_broke_pages(reading):
    """The recording works: the names of issue 14's findings were seen being read."""
    assert "page" in _READ[("nominations.index", "GET")]
    assert "root" in _READ[("admin.units", "GET")]
    assert "campaign" in _READ[("nominations.index", "GET")]
    assert {"unit", "year"} <= _READ[("reports.dashboard", "GET")]


# Modules allowed to read digits themselves: the one parser, and the loader of the
# official dataset (trusted files, not requests).
OWN_PARSERS = {"web/params.py", "units/dataset.py"}


def test_numbers_from_requests_go_through_the_one_parser():
    """No view or API module reads a number with ``str.isdigit()`` or ``type=int``: both
    let through what the database refuses (the statistics API's year, the units API's
    page and five more did until they used web.params)."""
    package = Path(__file__).resolve().parents[2] / "dankheo"
    found = [
        f"{path.relative_to(package)}:{number}"
        for path in sorted(package.rglob("*.py"))
        if str(path.relative_to(package)) not in OWN_PARSERS
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ".isdigit()" in line or "type=int" in line
    ]
    assert found == []
