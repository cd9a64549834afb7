"""Every "only one" rule holds under parallel requests (issue 14, finding 3).

Two identical "create nomination" POSTs at the same moment made two nominations of one
initiative: the rule was a SELECT with nothing behind it. Each rule now has a database
constraint (or, for the quota, a row lock taken before counting), and these tests fire
parallel requests at a database with real connections: a SQLite file here, the
PostgreSQL server under `make test-postgres` (DANKHEO_TEST_DATABASE_URI).

To make the race certain rather than likely, every request thread waits at its first
flush (its first write) until all have arrived: each has passed the service's own checks
before any has written. A request that never writes goes on after a short timeout.
"""

import contextlib
import threading
from datetime import date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dankheo import create_app
from dankheo.extensions import db
from dankheo.models import (
    Assignment,
    AuditEvent,
    Certificate,
    CertificateStatus,
    ConflictOfInterest,
    ConflictStatus,
    Decision,
    DecisionItem,
    Nomination,
    NominationState,
    Scorecard,
)
from tests.conftest import TEST_DB_URI, _empty_tables, _prepare_schema, make_test_config
from tests.factories import make_initiative, make_nomination
from tests.security.world import build_world

POSTGRES = not TEST_DB_URI.startswith("sqlite")
# Shorter than SQLite's busy timeout (5 s): a thread blocked on another's lock never
# reaches the barrier, and the one holding the lock must go on before the other gives up.
BARRIER_TIMEOUT = 2


@pytest.fixture
def app(tmp_path):
    """An application on a database with real, separate connections per thread."""
    uri = TEST_DB_URI if POSTGRES else f"sqlite:///{tmp_path / 'race.sqlite3'}"
    app = create_app(make_test_config(tmp_path, SQLALCHEMY_DATABASE_URI=uri))
    with app.app_context():
        if POSTGRES:
            _prepare_schema()
        else:
            db.create_all()
        yield app
        if POSTGRES:
            _empty_tables()
        else:
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def world(app):
    return build_world()


def race(app, calls) -> list[tuple[int, str]]:
    """Run ``calls`` (each ``(session id, callable(client) -> response)``) in parallel
    threads that all pass the services' checks before any writes; (status, body) each."""
    barrier = threading.Barrier(len(calls))
    local = threading.local()
    main = threading.current_thread()

    def first_write(session, flush_context, instances):
        if threading.current_thread() is main or getattr(local, "waited", False):
            return
        local.waited = True
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=BARRIER_TIMEOUT)

    results: list = [None] * len(calls)

    def run(i, session_id, call):
        client = app.test_client()
        with client.session_transaction() as cookie:
            cookie["_user_id"], cookie["_fresh"] = session_id, True
        try:
            response = call(client)
            results[i] = (response.status_code, response.get_data(as_text=True))
            response.close()
        except Exception as err:
            results[i] = (599, repr(err))

    sa.event.listen(Session, "before_flush", first_write)
    try:
        threads = [
            threading.Thread(target=run, args=(i, sid, call)) for i, (sid, call) in enumerate(calls)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        sa.event.remove(Session, "before_flush", first_write)
    db.session.expire_all()
    assert all(r is not None for r in results), "a request thread did not finish"
    errors = [(s, body[:300]) for s, body in results if s >= 500]
    assert not errors, f"server errors: {errors}"
    return results


def _session_id(world, persona) -> str:
    return world.users[persona].get_id()


def _count(stmt) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))


# --- one open nomination per subject and campaign --------------------------------------


def test_double_submitted_nomination_creates_one(app, world):
    subject = world.free_initiative
    data = {
        "subject": f"i:{subject.id}",
        "award_type_id": str(world.award_type.id),
        "recipient_name": subject.name,
        "achievement_text": "Đã có thành tích xuất sắc trong phong trào năm 2024",
        "report_text": "Báo cáo thành tích: huy động 120 ngày công của Nhân dân.",
    }
    officer = _session_id(world, "officer")
    results = race(app, [(officer, lambda c: c.post("/nominations/new", data=data))] * 4)
    created = _count(sa.select(Nomination.id).where(Nomination.initiative_id == subject.id))
    assert created == 1
    assert sorted(s for s, _ in results).count(302) == 1
    assert all(s in (302, 409, 200) for s, _ in results)


def test_the_database_refuses_a_second_open_nomination(app, world):
    """Even past every service: the partial unique index of models.nominations."""
    subject = world.free_initiative
    make_nomination(world.campaign, world.units["c11"], initiative=subject)
    db.session.commit()
    with pytest.raises(IntegrityError):
        make_nomination(world.campaign, world.units["c11"], initiative=subject)
    db.session.rollback()
    # A withdrawn one leaves room for a new dossier.
    first = db.session.scalar(sa.select(Nomination).where(Nomination.initiative_id == subject.id))
    first.state = NominationState.WITHDRAWN
    db.session.commit()
    make_nomination(world.campaign, world.units["c11"], initiative=subject)
    db.session.commit()


# --- one scorecard per assignment ------------------------------------------------------


def test_double_saved_first_scorecard_creates_one(app, world):
    nomination = make_nomination(
        world.campaign,
        world.units["c11"],
        initiative=make_initiative(world.units["c11"]),
        state=NominationState.IN_REVIEW,
    )
    assignment = Assignment(nomination=nomination, reviewer=world.reviewer)
    db.session.add(assignment)
    db.session.commit()
    data = {f"points_{c.id}": "7" for c in world.campaign.criteria}
    data.update(action="save", version="0", comment="Tốt")
    url = f"/review/assignments/{assignment.id}"
    reviewer = _session_id(world, "reviewer")
    race(app, [(reviewer, lambda c: c.post(url, data=data))] * 3)
    assert _count(sa.select(Scorecard.id).where(Scorecard.assignment_id == assignment.id)) == 1


# --- one valid certificate per nomination -----------------------------------------------


def test_double_signed_decision_issues_each_certificate_once(app, world):
    nomination = world.approved_nomination
    decision = Decision(
        campaign=world.campaign,
        award_type=world.award_type,
        number=200,
        number_text="200/QĐ-UBND",
        signed_on=date(2024, 12, 20),
        place="Tây Ninh",
        signer_name="Nguyễn Văn Chủ",
        signer_title="Chủ tịch",
    )
    decision.items.append(DecisionItem(nomination=nomination, position=1))
    db.session.add(decision)
    db.session.commit()
    url = f"/certificates/decisions/{decision.id}/sign"
    secretary = _session_id(world, "secretary")
    race(app, [(secretary, lambda c: c.post(url))] * 3)
    assert _count(sa.select(Certificate.id).where(Certificate.nomination_id == nomination.id)) == 1
    assert db.session.get(Nomination, nomination.id).state == NominationState.AWARDED


def test_double_corrected_certificate_leaves_one_standing(app, world):
    cert = world.certificate
    data = {
        "recipient_name": "Tên đã đính chính",
        "recipient_line": "",
        "reason": cert.reason,
        "note": "Sai chính tả tên",
    }
    url = f"/certificates/c/{cert.serial}/correct"
    secretary = _session_id(world, "secretary")
    race(app, [(secretary, lambda c: c.post(url, data=data))] * 2)
    live = sa.select(Certificate.id).where(
        Certificate.nomination_id == cert.nomination_id,
        Certificate.status != CertificateStatus.REVOKED,
    )
    assert _count(live) == 1


def test_the_database_refuses_a_second_live_certificate(app, world):
    cert = world.certificate
    twin = Certificate(
        serial="DVK-2024-009999",
        decision=cert.decision,
        nomination=cert.nomination,
        recipient_name=cert.recipient_name,
        reason=cert.reason,
    )
    db.session.add(twin)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


# --- one pending declaration of a conflict ---------------------------------------------


def test_double_declared_conflict_is_one(app, world):
    url = f"/review/assignments/{world.assignment.id}/conflict"
    reviewer = _session_id(world, "reviewer")
    race(app, [(reviewer, lambda c: c.post(url, data={"reason": "Người thân"}))] * 3)
    pending = sa.select(ConflictOfInterest.id).where(
        ConflictOfInterest.reviewer_id == world.reviewer.id,
        ConflictOfInterest.nomination_id == world.nomination.id,
        ConflictOfInterest.status == ConflictStatus.PENDING,
    )
    assert _count(pending) == 1


# --- the quota: approvals counted one after the other ----------------------------------


def test_parallel_approvals_never_pass_the_quota_without_a_note(app, world):
    award_type = world.award_type
    approved = _count(
        sa.select(Nomination.id).where(
            Nomination.award_type_id == award_type.id,
            Nomination.state.in_((NominationState.APPROVED, NominationState.AWARDED)),
        )
    )
    award_type.quota = approved + 1  # room for exactly one more
    nominations = []
    for _ in range(3):
        nomination = make_nomination(
            world.campaign,
            world.units["c12"],
            initiative=make_initiative(world.units["c12"]),
            state=NominationState.IN_REVIEW,
        )
        assignment = Assignment(nomination=nomination, reviewer=world.reviewer_other)
        db.session.add(assignment)
        db.session.add(
            Scorecard(assignment=assignment, total=Decimal(30), submitted_at=datetime(2024, 11, 5))
        )
        nominations.append(nomination)
    db.session.commit()
    url = f"/review/campaigns/{world.campaign.id}/ranking/decide"

    def approve(nomination_id):
        return lambda c: c.post(url, data={"ids": [str(nomination_id)], "decision": "approve"})

    secretary = _session_id(world, "secretary")
    race(app, [(secretary, approve(n.id)) for n in nominations])
    now_approved = _count(
        sa.select(Nomination.id).where(
            Nomination.award_type_id == award_type.id,
            Nomination.state.in_((NominationState.APPROVED, NominationState.AWARDED)),
        )
    )
    assert now_approved == award_type.quota


# --- one move per workflow arrow --------------------------------------------------------


def test_double_submitted_move_is_taken_once(app, world):
    nomination = world.draft_nomination
    url = f"/nominations/{nomination.id}/move/submit"
    data = {"version": str(nomination.version), "note": ""}
    officer = _session_id(world, "officer")
    race(app, [(officer, lambda c: c.post(url, data=data))] * 3)
    moves = sa.select(AuditEvent.id).where(
        AuditEvent.action == "nomination.submit", AuditEvent.object_id == nomination.id
    )
    assert _count(moves) == 1
    assert db.session.get(Nomination, nomination.id).state == NominationState.SUBMITTED


def test_the_race_harness_really_races(app, world):
    """Without the constraint the harness would let every request write: checked by
    dropping the index for a moment (SQLite only; PostgreSQL runs the same tests)."""
    if POSTGRES:
        pytest.skip("the schema is shared by the PostgreSQL session; SQLite proves it")
    db.session.execute(sa.text("DROP INDEX uq_nominations_open_initiative"))
    db.session.commit()
    subject = world.free_initiative
    data = {
        "subject": f"i:{subject.id}",
        "award_type_id": str(world.award_type.id),
        "recipient_name": subject.name,
        "achievement_text": "Đã có thành tích xuất sắc trong phong trào năm 2024",
        "report_text": "Báo cáo thành tích: huy động 120 ngày công của Nhân dân.",
    }
    officer = _session_id(world, "officer")
    race(app, [(officer, lambda c: c.post("/nominations/new", data=data))] * 3)
    created = _count(sa.select(Nomination.id).where(Nomination.initiative_id == subject.id))
    assert created == 3, "the harness did not make the requests pass their checks together"
