"""The authorization matrix: every endpoint of the URL map, called as every persona.

The table ``MATRIX`` says, for each endpoint, who is allowed and what everybody else
gets. The test is generated from ``app.url_map``: a route without an entry fails
("new route without an entry"), so nobody can add a page without deciding who may see
it. URL parameters are filled from the world of tests/security/world.py.

Expected answers:

- anonymous: a redirect to /auth/login (``anon=LOGIN``), or the page itself for
  public pages (``anon=OK``), or a status code;
- personas in ``allow``: GET → 200 (or a redirect that is not to the sign-in page), with
  ``content`` in the page when given; POST → anything but 401/403/404/5xx (an empty form
  may be refused with a field error, that is fine: it is not a refusal of the person);
- every other signed-in persona: ``deny`` (403 by default; 404 where the route hides
  what it will not show), per-persona exceptions in ``other``.

Denied personas are called before allowed ones so that no allowed POST has changed the
world before a refusal is checked, and every refusal is checked to leave the database
unchanged.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa
from flask import g
from werkzeug.routing.converters import AnyConverter

from dankheo import create_app
from dankheo.extensions import db
from tests.conftest import make_test_config
from tests.security.world import PERSONAS, SIGNED_IN, build_world, sign_in_session

LOGIN = "login"
OK = "ok"

ALL = frozenset(SIGNED_IN)
ADMIN = frozenset({"admin"})
SECRETARY = frozenset({"admin", "secretary"})
ANY_SECRETARY = frozenset({"admin", "secretary", "secretary_other"})
REVIEWERS = frozenset({"admin", "reviewer", "reviewer_other"})
READERS = frozenset(
    {"admin", "officer", "officer_other", "secretary", "secretary_other", "leader", "leader_other"}
)
OFFICERS = frozenset({"admin", "officer", "officer_other"})
# The records live in commune C11: its officer edits them; readers of its subtree read them.
OWN_OFFICER = frozenset({"admin", "officer"})
# The secretary's unit is an agency of the province: it reaches the province's subtree.
RECORD_READERS = frozenset({"admin", "officer", "leader", "secretary"})
# A nomination of C11 in review: its readers, the organising secretary, its reviewer.
NOMINATION_READERS = frozenset({"admin", "officer", "leader", "secretary", "reviewer"})
# The world's officer confirms signatures for its signer under a recorded delegation.
DELEGATE = frozenset({"admin", "officer"})


@dataclass(frozen=True)
class Expect:
    allow: frozenset = ALL
    anon: str | int = LOGIN
    deny: tuple[int, ...] = (403,)
    content: str | Callable | None = None
    other: dict = field(default_factory=dict)  # persona → expected status
    # Who may POST, when it differs from who may GET (e.g. a secretary reads a scorecard
    # but only its reviewer fills it in).
    allow_post: frozenset | None = None
    # Extra answers that count as access for an allowed persona (e.g. 404 when an empty
    # form names no record to act on).
    ok_codes: tuple[int, ...] = ()
    # Signing out ends on the sign-in page.
    may_redirect_to_login: bool = False
    # Expensive pages (PDF renders): call only the least powerful allowed persona and
    # admin; every refusal is still checked.
    sample_allowed: bool = False
    # Methods to exercise (default: every method of the rule but HEAD/OPTIONS).
    methods: tuple[str, ...] = ()


PUBLIC = Expect(allow=ALL, anon=OK)

# endpoint → expectation. Keep in the order of the blueprints.
MATRIX: dict[str, Expect] = {
    # --- main, static, auth ------------------------------------------------------------
    "static": PUBLIC,
    "bootstrap.static": PUBLIC,
    "main.home": Expect(anon=OK, content="Xin chào,"),
    "main.healthz": PUBLIC,
    "auth.login": Expect(anon=OK),  # signed-in users are sent home
    "auth.logout": Expect(may_redirect_to_login=True),
    "auth.sign_out_everywhere": Expect(may_redirect_to_login=True),
    "auth.change_password": Expect(content="Mật khẩu mới"),
    "main.inbox": Expect(),
    "main.lookup_search": Expect(),  # every source searches in the person's own scope
    "main.guide": PUBLIC,
    "main.guide_role": Expect(anon=OK, content="Hướng dẫn sử dụng"),
    "api.openapi_json": PUBLIC,
    "api.initiatives": PUBLIC,
    "api.certificate": PUBLIC,
    "api.units": PUBLIC,
    "api.unit": Expect(anon=OK, content=lambda w: f'"code":"{w.units["c11"].code}"'),
    # --- open-data API (issue 16): anonymous, rate-limited per address ------------------
    "api.initiative": PUBLIC,
    "api.exemplars": PUBLIC,
    # Only commended exemplars (a valid certificate) are public; the world's is not.
    "api.exemplar": Expect(allow=ALL, anon=404, ok_codes=(404,)),
    "api.campaigns": PUBLIC,
    "api.campaign": PUBLIC,
    "api.awards": PUBLIC,
    "api.award": Expect(anon=OK, content=lambda w: w.certificate.serial),
    "api.statistics": PUBLIC,
    "api.bulk_index": PUBLIC,
    "api.bulk_file": PUBLIC,
    # --- public gallery and verification -------------------------------------------------
    "public.gallery": Expect(anon=OK, content=lambda w: w.initiative.name),
    "public.gallery_export": PUBLIC,
    "public.initiative": Expect(anon=OK, content=lambda w: w.initiative.name),
    "public.evidence_file": PUBLIC,
    "public.evidence_thumb": PUBLIC,
    "verify.lookup": PUBLIC,
    "verify.show": Expect(anon=OK, content="Có hiệu lực"),
    # --- registry ----------------------------------------------------------------------
    "registry.index": Expect(),
    "registry.initiatives": Expect(allow=READERS),
    "registry.initiatives_export": Expect(allow=READERS),
    "registry.initiatives_import": Expect(allow=OFFICERS),
    "registry.import_template": Expect(allow=OFFICERS),
    "registry.initiative_new": Expect(allow=OFFICERS),
    "registry.initiative": Expect(allow=RECORD_READERS, content=lambda w: w.initiative.name),
    "registry.initiative_edit": Expect(allow=OWN_OFFICER, content=lambda w: w.initiative.name),
    "registry.initiative_carry_over": Expect(allow=OWN_OFFICER),
    "registry.initiative_evaluate": Expect(allow=SECRETARY),  # a secretary above C11
    "registry.initiative_evidence": Expect(allow=OWN_OFFICER),
    # A year of C11's initiative: its readers read it, its officer reports it.
    "registry.initiative_year": Expect(
        allow=RECORD_READERS, allow_post=OWN_OFFICER, content=lambda w: w.initiative.name
    ),
    "registry.initiative_year_evidence": Expect(allow=OWN_OFFICER),
    "registry.exemplars": Expect(allow=READERS),
    "registry.exemplars_export": Expect(allow=READERS),
    "registry.exemplar_new": Expect(allow=OFFICERS),
    "registry.exemplar": Expect(allow=RECORD_READERS, content=lambda w: w.exemplar.name),
    "registry.exemplar_edit": Expect(allow=OWN_OFFICER, content=lambda w: w.exemplar.name),
    "registry.exemplar_evidence": Expect(allow=OWN_OFFICER),
    "registry.evidence_file": Expect(allow=RECORD_READERS),
    "registry.evidence_thumb": Expect(allow=RECORD_READERS),
    "registry.evidence_public": Expect(allow=OWN_OFFICER),
    "registry.evidence_delete": Expect(allow=OWN_OFFICER),
    "campaigns.fields": Expect(),
    "campaigns.field_form": Expect(allow=ADMIN),
    "campaigns.priority_areas": Expect(content=lambda w: w.priority_area.name),
    "campaigns.priority_area_form": Expect(allow=ADMIN),
    "campaigns.indicator_add": Expect(allow=SECRETARY),
    "campaigns.indicator_delete": Expect(allow=SECRETARY),
    "campaigns.campaigns": Expect(content=lambda w: w.campaign.name),
    "campaigns.campaigns_export": Expect(),
    "campaigns.campaign": Expect(content=lambda w: w.campaign.name),
    "campaigns.campaign_new": Expect(allow=ANY_SECRETARY),
    "campaigns.campaign_edit": Expect(allow=SECRETARY),
    "campaigns.criterion_form": Expect(allow=SECRETARY),
    "campaigns.criterion_delete": Expect(allow=SECRETARY),
    "campaigns.award_type_form": Expect(allow=SECRETARY),
    # --- nominations -------------------------------------------------------------------
    "nominations.index": Expect(),
    "nominations.export": Expect(),
    "nominations.new": Expect(allow=OFFICERS),
    "nominations.detail": Expect(
        allow=NOMINATION_READERS, content=lambda w: w.nomination.recipient_name
    ),
    "nominations.edit": Expect(allow=OWN_OFFICER),
    "nominations.report": Expect(allow=NOMINATION_READERS, ok_codes=(404,)),  # no report yet
    "nominations.move": Expect(allow=OWN_OFFICER, other={"leader": 403, "secretary": 403}),
    "nominations.screening": Expect(allow=SECRETARY),
    "nominations.screening_export": Expect(allow=SECRETARY),
    "nominations.screening_act": Expect(allow=SECRETARY),
    "nominations.batches": Expect(),
    "nominations.batches_export": Expect(),
    "nominations.batch_new": Expect(allow=OFFICERS),
    "nominations.batch": Expect(allow=frozenset({"admin", "officer", "leader", "secretary"})),
    "nominations.batch_submit": Expect(allow=OWN_OFFICER),
    # --- decisions and certificates ----------------------------------------------------
    "certificates.decisions": Expect(),
    "certificates.decisions_export": Expect(),
    "certificates.decision_create": Expect(allow=SECRETARY),
    "certificates.decision": Expect(allow=SECRETARY, content=lambda w: w.decision.number_text),
    "certificates.decision_edit": Expect(allow=SECRETARY),
    "certificates.decision_move": Expect(allow=SECRETARY),
    "certificates.decision_reorder": Expect(allow=SECRETARY),
    "certificates.decision_sign": Expect(allow=SECRETARY),
    "certificates.decision_print": Expect(allow=SECRETARY),
    "certificates.decision_resume": Expect(allow=SECRETARY),
    "certificates.decision_progress": Expect(allow=SECRETARY),
    "certificates.decision_export": Expect(allow=SECRETARY),
    "certificates.decision_pdf": Expect(allow=SECRETARY, sample_allowed=True),
    "certificates.download": Expect(
        # certificate.view follows nomination.view; the world's file was never rendered.
        allow=frozenset({"admin", "officer", "leader", "secretary"}),
        ok_codes=(404,),
    ),
    "certificates.revoke": Expect(allow=SECRETARY),
    "certificates.correct": Expect(allow=SECRETARY),
    # issue 15: sending to the signer; the signer's side, where the world's officer holds
    # the signer's delegation (admins read those pages but never sign in another person's
    # name: tests/certificates/test_signers.py); signers and their keys; batch prints.
    "certificates.decision_submit": Expect(allow=SECRETARY),
    "certificates.signing": Expect(allow=DELEGATE),
    "certificates.signing_confirm": Expect(
        allow=DELEGATE,
        allow_post=frozenset({"officer"}),
        content=lambda w: w.signing_decision.number_text,
    ),
    "certificates.signing_preview": Expect(allow=DELEGATE, sample_allowed=True),
    "certificates.signing_progress": Expect(allow=DELEGATE),
    "certificates.signing_return": Expect(allow=frozenset({"officer"})),
    "certificates.signing_resume": Expect(allow=frozenset({"officer"})),
    "certificates.signers_list": Expect(allow=ADMIN, content=lambda w: w.signer.full_name),
    "certificates.signer_new": Expect(allow=ADMIN),
    "certificates.signer_edit": Expect(allow=ADMIN, content=lambda w: w.signer.full_name),
    "certificates.signer": Expect(allow=ADMIN, content=lambda w: w.signer.full_name),
    "certificates.delegation_revoke": Expect(allow=ADMIN),
    "certificates.print_job": Expect(allow=SECRETARY, content="In hàng loạt"),
    "certificates.print_progress": Expect(allow=SECRETARY),
    "certificates.print_file": Expect(allow=SECRETARY, ok_codes=(404,)),  # no file built
    "certificates.design": Expect(allow=SECRETARY),
    "certificates.overlay": Expect(allow=SECRETARY),
    "certificates.preview": Expect(allow=SECRETARY, ok_codes=(404,)),  # no blank uploaded
    "certificates.upload_image": Expect(allow=SECRETARY),
    # issue 12: decision DOCX, issuers, report narratives and DOCX
    "certificates.decision_docx": Expect(allow=SECRETARY),
    "certificates.issuers": Expect(allow=ANY_SECRETARY),
    "certificates.issuer_new": Expect(allow=ANY_SECRETARY),
    "certificates.issuer_edit": Expect(allow=SECRETARY, content=lambda w: w.issuer.label),
    "certificates.issuer_name": Expect(allow=SECRETARY),
    "certificates.award_type_issuer": Expect(allow=SECRETARY),
    # --- administration ----------------------------------------------------------------
    "admin.index": Expect(allow=ANY_SECRETARY),  # secretaries reach the audit from it
    "admin.units": Expect(allow=ADMIN),
    "admin.units_export": Expect(allow=ADMIN),
    "admin.unit_new": Expect(allow=ADMIN),
    "admin.unit_detail": Expect(allow=ADMIN, content=lambda w: w.units["c11"].name),
    "admin.unit_edit": Expect(allow=ADMIN, content=lambda w: w.units["c11"].name),
    "admin.unit_close": Expect(allow=ADMIN),
    "admin.unit_succession": Expect(allow=ADMIN),
    "admin.units_import": Expect(allow=ADMIN),
    "admin.units_template": Expect(allow=ADMIN),
    "admin.users": Expect(allow=ADMIN),
    "admin.users_export": Expect(allow=ADMIN),
    "admin.user_new": Expect(allow=ADMIN),
    "admin.user_edit": Expect(allow=ADMIN, content=lambda w: w.users["officer"].full_name),
    "admin.user_reset_password": Expect(allow=ADMIN),
    "admin.membership_add": Expect(allow=ADMIN),
    "admin.membership_remove": Expect(allow=ADMIN),
    "admin.audit": Expect(allow=ANY_SECRETARY),
    "admin.audit_export": Expect(allow=ANY_SECRETARY),
    # --- notifications: a person's own; the outbox is the admin's ------------------------
    "notifications.index": Expect(content="Thông báo"),
    "notifications.settings": Expect(content="Cài đặt nhận thông báo"),
    "notifications.mark_all_read": Expect(),
    # The world's notification is the officer's: anyone else (admins too) gets 404.
    "notifications.open_notification": Expect(allow=frozenset({"officer"}), deny=(404,)),
    "notifications.mark_read": Expect(allow=frozenset({"officer"}), deny=(404,)),
    "notifications.outbox": Expect(allow=ADMIN),
    "notifications.outbox_retry": Expect(allow=ADMIN),
    # --- review ------------------------------------------------------------------------
    "review.queue": Expect(allow=REVIEWERS),
    "review.queue_export": Expect(allow=REVIEWERS),
    "review.scorecard": Expect(
        allow=frozenset({"admin", "reviewer", "secretary"}),
        allow_post=frozenset({"admin", "reviewer"}),
        content=lambda w: w.nomination.recipient_name,
    ),
    "review.declare_conflict": Expect(allow=frozenset({"admin", "reviewer"})),
    "review.campaigns": Expect(allow=ANY_SECRETARY),
    "review.committee": Expect(allow=SECRETARY, content="Hội đồng thi đua"),
    "review.create_committee": Expect(allow=SECRETARY),
    "review.extend_review_window": Expect(allow=SECRETARY),
    "review.add_member": Expect(allow=SECRETARY),
    "review.remove_member": Expect(allow=SECRETARY),
    "review.auto_assign": Expect(allow=SECRETARY),
    "review.add_assignment": Expect(allow=SECRETARY, ok_codes=(404,)),  # no nomination named
    "review.remove_assignment": Expect(allow=SECRETARY),
    "review.ranking": Expect(allow=SECRETARY, content=lambda w: w.nomination.recipient_name),
    "review.ranking_export": Expect(allow=SECRETARY),
    "review.decide": Expect(allow=SECRETARY),
    "review.decide_conflict": Expect(allow=SECRETARY),
    "review.reopen": Expect(allow=SECRETARY),
    # --- reports -----------------------------------------------------------------------
    "reports.dashboard": Expect(allow=READERS),
    "reports.report_pdf": Expect(allow=READERS, sample_allowed=True),
    "reports.report_xlsx": Expect(allow=READERS),
    "reports.chart_svg": Expect(allow=READERS, ok_codes=(404,)),  # a chart the data lacks
    "reports.report_docx": Expect(allow=READERS),
    "reports.narrative": Expect(allow=ANY_SECRETARY),  # each for the territory they reach
}

# URL parameter → value taken from the world (add one when a route needs a new name).
PARAMS: dict[str, Callable] = {
    "filename": lambda w, endpoint: (
        "css/bootstrap.min.css" if endpoint == "bootstrap.static" else "js/app.js"
    ),
    "unit_id": lambda w, e: w.units["c11"].id,
    "user_id": lambda w, e: w.users["officer"].id,
    "membership_id": lambda w, e: w.users["officer"].memberships[0].id,
    "campaign_id": lambda w, e: w.campaign.id,
    "criterion_id": lambda w, e: w.criterion.id,
    "award_type_id": lambda w, e: w.award_type.id,
    "initiative_id": lambda w, e: w.initiative.id,
    "exemplar_id": lambda w, e: w.exemplar.id,
    "nomination_id": lambda w, e: (
        w.draft_nomination.id if e == "nominations.move" else w.nomination.id
    ),
    "action": lambda w, e: "submit",
    "batch_id": lambda w, e: w.batch.id,
    "item_id": lambda w, e: w.decision_item.id,
    "evidence_id": lambda w, e: w.evidence.id,
    "field_id": lambda w, e: w.field.id,
    "area_id": lambda w, e: w.priority_area.id,
    "indicator_id": lambda w, e: w.indicator.id,
    "code": lambda w, e: w.units["c11"].code,
    "kind": lambda w, e: "blank" if e == "certificates.preview" else "emblem",
    "assignment_id": lambda w, e: w.assignment.id,
    "reviewer_id": lambda w, e: w.reviewer_other.id,
    "scorecard_id": lambda w, e: w.scorecard.id,
    "conflict_id": lambda w, e: w.conflict.id,
    "issuer_id": lambda w, e: w.issuer.id,
    "decision_id": lambda w, e: (
        w.signing_decision.id if e.startswith("certificates.signing") else w.decision.id
    ),
    "signer_id": lambda w, e: w.signer.id,
    "delegation_id": lambda w, e: w.delegation.id,
    "print_id": lambda w, e: w.print_job.id,
    "certificate_id": lambda w, e: w.certificate.id,
    "serial": lambda w, e: w.certificate.serial,
    "year": lambda w, e: 2024,
    "fmt": lambda w, e: "csv",
    "name": lambda w, e: "campaigns",  # a bulk dataset (api.bulk_file)
    "key": lambda w, e: "tinh-trang",
    "source": lambda w, e: "initiatives",
    "slug": lambda w, e: "thu-ky",
    "notification_id": lambda w, e: w.notification.id,
    "outbox_id": lambda w, e: w.outbox.id,
}


def _rules():
    app = create_app(make_test_config(_NoPath()))
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule))


class _NoPath:
    """Stands in for tmp_path when only the URL map is wanted (nothing is written)."""

    def __truediv__(self, other):
        return f"/nonexistent/{other}"


RULES = _rules()


def test_every_route_has_an_entry():
    missing = sorted({r.endpoint for r in RULES} - MATRIX.keys())
    assert not missing, "new route without an entry in MATRIX: " + ", ".join(missing)


def test_no_stale_entries():
    stale = sorted(MATRIX.keys() - {r.endpoint for r in RULES})
    assert not stale, "MATRIX entries for routes that no longer exist: " + ", ".join(stale)


def _url(rule, world) -> str:
    values = {}
    for name in rule.arguments:
        converter = rule._converters.get(name)
        if isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
            continue
        if name not in PARAMS:
            pytest.fail(f"URL parameter {name!r} of {rule.endpoint}: add it to PARAMS")
        values[name] = PARAMS[name](world, rule.endpoint)
    return rule.build(values, append_unknown=False)[1]


def _sign_in(client, world, persona):
    # The app fixture keeps one application context for the whole test, so Flask-Login's
    # per-request cache of the user (g._login_user) must be dropped between personas.
    g.pop("_login_user", None)
    with client.session_transaction() as session:
        session.clear()
        if persona != "anonymous":
            sign_in_session(session, world.users[persona])


def _row_counts() -> tuple:
    """Row counts of every table but the sign-in log, in one statement."""
    counts = [
        sa.select(sa.func.count()).select_from(table).scalar_subquery()
        for table in db.metadata.sorted_tables
        if table.name != "login_attempts"
    ]
    return tuple(db.session.execute(sa.select(*counts)).one())


def _check(response, expected, persona, method, entry, content_text) -> str | None:
    status = response.status_code
    location = response.headers.get("Location", "")
    if expected == LOGIN:
        if status in (301, 302, 303) and "/auth/login" in location:
            return None
        return f"{persona} {method}: expected redirect to /auth/login, got {status} {location}"
    if expected == OK:
        if status >= 500:
            return f"{persona} {method}: server error {status}"
        if status in entry.ok_codes:
            return None
        to_login = "/auth/login" in location and not entry.may_redirect_to_login
        if status in (401, 403, 404, 405) or to_login:
            return f"{persona} {method}: expected access, got {status} {location}"
        if method == "GET":
            if status not in (200, 302, 303):
                return f"{persona} GET: expected 200 or a redirect, got {status}"
            if status == 200 and content_text and persona != "anonymous":
                body = response.get_data(as_text=True)
                if content_text not in body:
                    return f"{persona} GET: page lacks {content_text!r}"
        return None
    if status not in expected:
        return f"{persona} {method}: expected {expected}, got {status} {location}"
    return None


def _expected(entry: Expect, persona: str, method: str):
    if persona == "anonymous":
        expected = entry.anon
    elif persona in (entry.allow_post if method == "POST" and entry.allow_post else entry.allow):
        return OK
    else:
        expected = entry.other.get(persona, entry.deny)
    return (expected,) if isinstance(expected, int) else expected


def _run(app, rule, world, only: str | None = None) -> list[str]:
    entry = MATRIX[rule.endpoint]
    url = _url(rule, world)
    methods = entry.methods or tuple(sorted(rule.methods - {"HEAD", "OPTIONS"}))
    if only is not None:
        methods = tuple(m for m in methods if m == only)
    content = entry.content(world) if callable(entry.content) else entry.content
    client = app.test_client()
    problems = []
    for method in methods:
        # Refusals first, then the allowed personas, the least powerful first; once one
        # allowed POST went through, the world may have changed (a removed row gives a
        # 404 to the next one), so later allowed POSTs must only not fail (5xx).
        allowed = [p for p in reversed(PERSONAS) if _expected(entry, p, method) == OK]
        if entry.sample_allowed:
            allowed = list(dict.fromkeys([allowed[0], "admin"]))
        refused = [p for p in PERSONAS if _expected(entry, p, method) != OK]
        order = refused + allowed
        changed = False
        # Refusals must write nothing: counted before the first and after the last one.
        before = _row_counts() if method != "GET" else None
        for persona in order:
            expected = _expected(entry, persona, method)
            if before is not None and expected == OK:
                db.session.expire_all()
                if _row_counts() != before:
                    problems.append(f"{method}: refused, yet the database changed")
                before = None
            _sign_in(client, world, persona)
            response = client.open(url, method=method, data={})
            response.close()
            if expected == OK and changed:
                problem = (
                    f"{persona} {method}: server error {response.status_code}"
                    if response.status_code >= 500
                    else None
                )
            else:
                problem = _check(response, expected, persona, method, entry, content)
            if problem:
                problems.append(problem)
            changed = changed or (expected == OK and method != "GET")
        if before is not None:  # nobody was allowed: check after the last refusal
            db.session.expire_all()
            if _row_counts() != before:
                problems.append(f"{method}: refused, yet the database changed")
    return problems


# Every GET runs in one shared world (GETs must not change it), which keeps the matrix
# fast; every POST gets a fresh world.
READING = [r for r in RULES if "GET" in r.methods]
WRITING = [r for r in RULES if "POST" in r.methods]


def _ids(rules):
    return [f"{r.endpoint}:{r.rule}" for r in rules]


@pytest.fixture(scope="class")
def shared(tmp_path_factory):
    """One app and world for the GETs of a class."""
    from tests.conftest import _empty_tables, _prepare_schema

    app = create_app(make_test_config(tmp_path_factory.mktemp("matrix")))
    with app.app_context():
        _prepare_schema()
        world = build_world()
        yield app, world
        _empty_tables()


class TestReading:
    """GET on every route, in one world shared by the class."""

    @pytest.mark.parametrize("rule", READING, ids=_ids(READING))
    def test_authorization(self, shared, rule):
        if rule.endpoint not in MATRIX:
            pytest.fail(f"new route without an entry in MATRIX: {rule.endpoint}")
        app, world = shared
        problems = _run(app, rule, world, only="GET")
        assert not problems, f"{rule.endpoint}:\n  " + "\n  ".join(problems)


@pytest.fixture(scope="class")
def writing_app(tmp_path_factory):
    """One app for the POSTs of a class (its templates compiled once); the database is
    emptied and the world rebuilt for every test (see ``fresh_world``)."""
    from tests.conftest import _empty_tables, _prepare_schema

    app = create_app(make_test_config(tmp_path_factory.mktemp("matrix-post")))
    with app.app_context():
        _prepare_schema()
        yield app
        _empty_tables()


@pytest.fixture
def fresh_world(writing_app):
    from tests.conftest import _empty_tables, _prepare_schema

    _empty_tables()
    _prepare_schema()
    return build_world()


class TestWriting:
    """POST on every route that takes one, each in a fresh world."""

    @pytest.mark.parametrize("rule", WRITING, ids=_ids(WRITING))
    def test_authorization(self, writing_app, fresh_world, rule):
        if rule.endpoint not in MATRIX:
            pytest.fail(f"new route without an entry in MATRIX: {rule.endpoint}")
        problems = _run(writing_app, rule, fresh_world, only="POST")
        assert not problems, f"{rule.endpoint}:\n  " + "\n  ".join(problems)
