"""The volume generator builds a consistent province (tiny counts; speed is a bench/ matter)."""

import sqlalchemy as sa

from dankheo.admin.units import update_unit
from dankheo.auth.services import update_user
from dankheo.demo.volume import PROVINCE_CODE, VolumeCounts, seed_volume
from dankheo.extensions import db
from dankheo.models import (
    Assignment,
    Campaign,
    Certificate,
    CertificateStatus,
    Decision,
    Exemplar,
    Initiative,
    InitiativeYear,
    Nomination,
    NominationState,
    Reviewer,
    Score,
    Scorecard,
    Unit,
    UnitKind,
    UnitSuccession,
    User,
)
from dankheo.registry.services import save_exemplar, update_initiative
from dankheo.tree import related_by_line
from dankheo.vietnamese import fold, sort_key

TINY = VolumeCounts(
    units=300, initiatives=400, exemplars=120, nominations=40, reviewers=6, certificates=32
)


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _load(counts=TINY):
    lines = list(seed_volume(counts, seed=7))
    db.session.commit()
    return lines


def test_volume_creates_the_requested_counts(app):
    _load()
    assert _count(Unit) >= TINY.units
    assert _count(Initiative) == TINY.initiatives
    assert _count(Exemplar) == TINY.exemplars
    assert _count(Certificate) == TINY.certificates
    current = db.session.scalar(sa.select(Campaign).order_by(Campaign.year.desc()))
    nominations = db.session.scalars(
        sa.select(Nomination).where(Nomination.campaign_id == current.id)
    ).all()
    assert len(nominations) == TINY.nominations
    assert {n.state for n in nominations} == {NominationState.IN_REVIEW}
    assert _count(Reviewer) == TINY.reviewers


def test_unit_tree_paths_and_successions_are_consistent(app):
    _load()
    units = {u.id: u for u in db.session.scalars(sa.select(Unit))}
    for unit in units.values():
        parent = units.get(unit.parent_id)
        assert unit.path == (parent.path if parent else "/") + f"{unit.id:07d}/"
        assert unit.depth == (parent.depth + 1 if parent else 0)
        assert unit.search_text == fold(f"{unit.code} {unit.name}")
        assert unit.sort_key == sort_key(unit.name)
    successions = db.session.scalars(sa.select(UnitSuccession)).all()
    assert successions
    for s in successions:
        # A closed unit hands over to a unit that starts the next day.
        assert units[s.predecessor_id].valid_to is not None
        assert units[s.successor_id].valid_from == s.effective_on
    assert any(u.kind == UnitKind.DISTRICT and u.valid_to for u in units.values())
    merged = [u for u in units.values() if u.kind == UnitKind.COMMUNE and u.valid_to is None]
    assert merged and all(u.parent_id == units_root(units).id for u in merged)


def units_root(units):
    return next(u for u in units.values() if u.code == PROVINCE_CODE)


def test_initiatives_have_year_rows_from_their_first_year(app):
    _load()
    for initiative in db.session.scalars(sa.select(Initiative)).all():
        years = [y.year for y in initiative.years]
        assert years[0] == initiative.first_year
        assert years == list(range(initiative.first_year, initiative.first_year + len(years)))
        assert all(y.unit_id == initiative.unit_id for y in initiative.years)
        assert initiative.search_text == fold(f"{initiative.name} {initiative.unit.name}")
        assert initiative.sort_key == sort_key(initiative.name)
        assert initiative.name.startswith("Mô hình “")
        # Registered by a unit that existed in its first year.
        assert initiative.unit.valid_from is None or initiative.unit.valid_from.year <= (
            initiative.first_year
        )
    assert _count(InitiativeYear) >= TINY.initiatives


def _keys(row) -> tuple[str, str | None]:
    return row.search_text, getattr(row, "sort_key", None)


def test_search_and_sort_keys_are_what_the_services_would_store(app):
    """The generator fills search_text and sort_key with the services' own formulas:
    saving a generated row again through its service leaves both as they were."""
    _load()
    for unit in db.session.scalars(sa.select(Unit).order_by(Unit.id)).all()[::3]:
        generated = _keys(unit)
        update_unit(
            unit,
            code=unit.code,
            name=unit.name,
            kind=unit.kind,
            parent=unit.parent,
            valid_from=unit.valid_from,
            valid_to=unit.valid_to,
        )
        assert _keys(unit) == generated, unit.name
    for user in db.session.scalars(sa.select(User).order_by(User.id)):
        generated = _keys(user)
        update_user(user, full_name=user.full_name, email=user.email, active=True, actor=None)
        assert _keys(user) == generated, user.username
    for initiative in db.session.scalars(sa.select(Initiative).order_by(Initiative.id)).all()[::4]:
        generated = _keys(initiative)
        update_initiative(
            None,
            initiative,
            expected_version=initiative.version,
            unit=initiative.unit,
            field=initiative.field,
            values={"name": initiative.name},
            replicated_from=initiative.replicated_from,
        )
        assert _keys(initiative) == generated, initiative.name
    for exemplar in db.session.scalars(sa.select(Exemplar).order_by(Exemplar.id)).all()[::2]:
        generated = _keys(exemplar)
        save_exemplar(
            None,
            values={
                "kind": exemplar.kind,
                "name": exemplar.name,
                "position": exemplar.position,
                "year": exemplar.year,
                "achievements": exemplar.achievements,
            },
            unit=exemplar.unit,
            field=exemplar.field,
            initiatives=exemplar.initiatives,
            exemplar=exemplar,
            expected_version=exemplar.version,
        )
        assert _keys(exemplar) == generated, exemplar.name


def test_every_nomination_has_three_submitted_scorecards_without_conflicts(app):
    _load()
    current = db.session.scalar(sa.select(Campaign).order_by(Campaign.year.desc()))
    assignments = db.session.scalars(
        sa.select(Assignment).join(Nomination).where(Nomination.campaign_id == current.id)
    ).all()
    assert len(assignments) == 3 * TINY.nominations
    per_nomination: dict[int, set[int]] = {}
    for a in assignments:
        per_nomination.setdefault(a.nomination_id, set()).add(a.reviewer_id)
        assert a.scorecard is not None and a.scorecard.submitted_at is not None
        assert len(a.scorecard.scores) == len(current.criteria)
        assert a.scorecard.total == sum(s.points * s.criterion.weight for s in a.scorecard.scores)
        assert not related_by_line(a.reviewer.unit, a.nomination.unit)
    assert all(len(r) == 3 for r in per_nomination.values())
    assert _count(Scorecard) == 3 * TINY.nominations
    assert _count(Score) == 3 * TINY.nominations * len(current.criteria)


def test_certificates_are_valid_records_of_awarded_nominations(app):
    _load()
    certificates = db.session.scalars(sa.select(Certificate)).all()
    assert len({c.serial for c in certificates}) == len(certificates)
    for c in certificates:
        assert c.status == CertificateStatus.VALID
        assert len(c.sha256) == 64 and c.file_path == ""
        assert c.nomination.state == NominationState.AWARDED
        assert c.decision.campaign_id == c.nomination.campaign_id
    assert _count(Decision) >= 1


def test_volume_accounts_can_sign_in(client):
    _load()
    assert db.session.scalar(sa.select(User).where(User.username == "vol.hoidong01"))
    response = client.post(
        "/auth/login", data={"username": "vol.thuky", "password": "dankheo-demo"}
    )
    assert response.status_code == 302


def test_second_run_changes_nothing(app):
    _load()
    before = _count(Initiative)
    lines = _load()
    assert "already loaded" in lines[0]
    assert _count(Initiative) == before


def test_new_rows_get_fresh_ids_after_the_bulk_load(app):
    # PostgreSQL sequences must have moved past the explicit ids.
    _load()
    from tests.factories import make_unit

    unit = make_unit("Xã Sau Khi Nạp")
    db.session.commit()
    assert unit.id > max(db.session.scalars(sa.select(Unit.id).where(Unit.id != unit.id)))
