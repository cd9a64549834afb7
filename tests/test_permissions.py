"""The role × action matrix and unit scoping of permissions.py."""

import pytest
from flask_login import AnonymousUserMixin

from dankheo import permissions
from dankheo.models import Role
from tests.factories import make_campaign, make_initiative, make_province, make_user


@pytest.fixture
def units(app):
    return make_province()


def test_unknown_action_raises(units):
    admin = make_user("admin", (Role.ADMIN, units["province"]))
    with pytest.raises(KeyError):
        permissions.can(admin, "initiative.destroy_everything")


def test_anonymous_may_do_nothing(units):
    assert not permissions.can(AnonymousUserMixin(), "registry.list")
    assert permissions.scope_paths(AnonymousUserMixin(), "registry.list") == []


def test_admin_may_do_everything(units):
    admin = make_user("admin", (Role.ADMIN, units["province"]))
    initiative = make_initiative(units["c21"])
    assert permissions.can(admin, "initiative.edit", initiative)
    assert permissions.can(admin, "admin.units")
    assert permissions.scope_paths(admin, "registry.list") is None


def test_officer_acts_on_its_unit_and_below(units):
    officer = make_user("canbo", (Role.OFFICER, units["d1"]))
    own = make_initiative(units["c11"])
    other = make_initiative(units["c21"])
    assert permissions.can(officer, "initiative.edit", own)
    assert not permissions.can(officer, "initiative.edit", other)
    assert not permissions.can(officer, "initiative.view", other)
    assert not permissions.can(officer, "admin.units")
    assert permissions.scope_paths(officer, "registry.list") == [units["d1"].path]


def test_officer_of_a_commune_cannot_act_on_its_district(units):
    officer = make_user("canbo", (Role.OFFICER, units["c11"]))
    assert not permissions.can(officer, "initiative.create", units["d1"])
    assert permissions.can(officer, "initiative.create", units["c11"])


def test_leader_reads_subtree_but_does_not_edit(units):
    leader = make_user("lanhdao", (Role.LEADER, units["d2"]))
    initiative = make_initiative(units["c22"])
    assert permissions.can(leader, "initiative.view", initiative)
    assert not permissions.can(leader, "initiative.edit", initiative)
    assert permissions.can(leader, "reports.view", units["d2"])
    assert not permissions.can(leader, "reports.view", units["d1"])


def test_secretary_runs_only_campaigns_its_unit_organises(units):
    secretary = make_user("thuky", (Role.SECRETARY, units["agency"]))
    own = make_campaign(units["agency"])
    other = make_campaign(units["d1"])
    assert permissions.can(secretary, "campaign.manage", own)
    assert not permissions.can(secretary, "campaign.manage", other)


def test_scope_paths_drop_nested_prefixes(units):
    user = make_user(
        "nhieu",
        (Role.OFFICER, units["d1"]),
        (Role.LEADER, units["c11"]),
        (Role.OFFICER, units["c21"]),
    )
    assert sorted(permissions.scope_paths(user, "registry.list")) == sorted(
        [units["d1"].path, units["c21"].path]
    )


def test_disabled_user_may_do_nothing(units):
    admin = make_user("cu", (Role.ADMIN, units["province"]), active=False)
    assert not permissions.can(admin, "admin.units")


def test_secretary_of_an_agency_reaches_the_territory_it_serves(units):
    secretary = make_user("thuky", (Role.SECRETARY, units["agency"]))
    commune_initiative = make_initiative(units["c21"])
    assert permissions.can(secretary, "initiative.evaluate", commune_initiative)
    assert permissions.can(secretary, "initiative.view", commune_initiative)
    assert not permissions.can(secretary, "initiative.edit", commune_initiative)
    assert permissions.scope_paths(secretary, "registry.list") == [units["province"].path]


def test_officer_of_an_agency_reaches_only_its_agency(units):
    officer = make_user("canbo", (Role.OFFICER, units["agency"]))
    assert not permissions.can(officer, "initiative.view", make_initiative(units["c21"]))
    assert permissions.scope_paths(officer, "registry.list") == [units["agency"].path]
