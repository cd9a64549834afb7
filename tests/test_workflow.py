"""The nomination workflow table, walked exhaustively: every (state, arrow, role)."""

from datetime import date

import pytest
import sqlalchemy as sa

from dankheo import workflow
from dankheo.errors import DomainError, StaleVersion
from dankheo.extensions import db
from dankheo.models import AuditEvent, NominationState, Role
from tests.factories import make_campaign, make_nomination, make_province, make_user

ROLES = ("officer", "secretary", "reviewer", "leader", "admin", "other_officer")
ALLOWED = {Role.OFFICER: {"officer", "admin"}, Role.SECRETARY: {"secretary", "admin"}}


@pytest.fixture
def world(app):
    units = make_province()
    users = {
        "officer": make_user("canbo", (Role.OFFICER, units["c11"])),
        "secretary": make_user("thuky", (Role.SECRETARY, units["agency"])),
        "reviewer": make_user("hoidong", (Role.REVIEWER, units["d2"])),
        "leader": make_user("lanhdao", (Role.LEADER, units["province"])),
        "admin": make_user("quantri", (Role.ADMIN, units["province"])),
        "other_officer": make_user("canbokhac", (Role.OFFICER, units["c21"])),
    }
    campaign = make_campaign(units["agency"])
    db.session.commit()
    return units, users, campaign


def _audit_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))


def test_every_state_arrow_role_triple(world):
    units, users, campaign = world
    failures = []
    checked = 0
    for state in NominationState:
        for arrow in workflow.ARROWS:
            for role in ROLES:
                savepoint = db.session.begin_nested()
                nomination = make_nomination(campaign, units["c11"], state=state)
                before = _audit_count()
                allowed = state in arrow.sources and role in ALLOWED[arrow.role]
                try:
                    workflow.transition(nomination, arrow.action, users[role], note="Lý do")
                except DomainError:
                    refused = True
                else:
                    refused = False
                after_state, after_audit = nomination.state, _audit_count()
                if allowed and (
                    refused or after_state != arrow.target or after_audit != before + 1
                ):
                    failures.append(f"{state}/{arrow.action}/{role}: should pass")
                if not allowed and (not refused or after_state != state or after_audit != before):
                    failures.append(f"{state}/{arrow.action}/{role}: should be refused")
                savepoint.rollback()
                checked += 1
    assert checked == len(NominationState) * len(workflow.ARROWS) * len(ROLES)
    assert failures == []


def test_audit_row_names_the_move_and_note(world):
    units, users, campaign = world
    nomination = make_nomination(campaign, units["c11"], state=NominationState.SUBMITTED)
    workflow.transition(nomination, "return", users["secretary"], note="Thiếu minh chứng")
    event = db.session.scalar(
        sa.select(AuditEvent).where(
            AuditEvent.object_type == "nomination", AuditEvent.object_id == nomination.id
        )
    )
    assert (event.object_type, event.action) == ("nomination", "nomination.return")
    assert (event.from_state, event.to_state, event.note) == (
        "submitted",
        "returned",
        "Thiếu minh chứng",
    )


def test_note_required_for_return_and_reject(world):
    units, users, campaign = world
    nomination = make_nomination(campaign, units["c11"], state=NominationState.SUBMITTED)
    for action in ("return", "reject"):
        with pytest.raises(DomainError) as err:
            workflow.transition(nomination, action, users["secretary"], note="  ")
        assert err.value.message == "Vui lòng ghi rõ lý do."
    assert nomination.state == NominationState.SUBMITTED


def test_closed_window_refuses_submit(world):
    units, users, campaign = world
    campaign.nomination_opens, campaign.nomination_closes = date(2024, 3, 1), date(2024, 9, 30)
    nomination = make_nomination(campaign, units["c11"])
    with pytest.raises(DomainError) as err:
        workflow.transition(nomination, "submit", users["officer"], today=date(2024, 10, 1))
    assert "nộp hồ sơ" in err.value.message
    workflow.transition(nomination, "submit", users["officer"], today=date(2024, 9, 30))
    assert nomination.state == NominationState.SUBMITTED


def test_second_identical_move_is_a_no_op(world):
    units, users, campaign = world
    nomination = make_nomination(campaign, units["c11"])
    db.session.commit()
    version = nomination.version
    workflow.transition(nomination, "submit", users["officer"], expected_version=version)
    db.session.commit()
    before = _audit_count()
    with pytest.raises(workflow.AlreadyDone):
        workflow.transition(nomination, "submit", users["officer"], expected_version=version)
    assert _audit_count() == before


def test_stale_version_is_refused(world):
    units, users, campaign = world
    nomination = make_nomination(campaign, units["c11"], state=NominationState.SUBMITTED)
    db.session.commit()
    with pytest.raises(StaleVersion):
        workflow.transition(
            nomination, "accept", users["secretary"], expected_version=nomination.version - 1
        )
    assert nomination.state == NominationState.SUBMITTED
