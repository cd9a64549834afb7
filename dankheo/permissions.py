"""Who may do what: the role × action matrix and unit scoping, as pure predicates.

Scoping rides on the units' materialised paths, so ``unit_within(a, b)`` needs no query:
an officer acts on its unit and every unit below it; a leader reads its subtree; a
secretary runs the campaigns its unit organises (and reads its subtree); a reviewer
scores what it is assigned; an admin does everything. Views, services and templates all
ask ``can(user, action, obj)``; list queries ask ``scope_paths(user, action)``.

Roles follow time (the 2025 reorganisation):

* a role at a unit also reaches the records of every unit that became a unit of its
  subtree (its predecessors, through merges, splits and renames): the officer of a
  commune of today reads and carries on (yearly reports, carrying over, evidence,
  nominations) the records of the communes it was formed from; a secretary of today's
  board runs the campaigns of the boards it succeeds;
* a role at a unit that has closed (``valid_to`` before today) keeps read access to that
  unit's own history only: it writes nothing;
* editing a record's registration form stays with the officers of the record's own unit
  (a predecessor's registration is history; its yearly life goes on under the successor).

The predecessors are read from the database once per set of units and request
(``tree.lineage_prefixes``), and forgotten when a unit or succession is written.
"""

from collections.abc import Callable
from datetime import date

import sqlalchemy as sa
from flask import g, has_app_context, has_request_context, request
from sqlalchemy.orm import object_session

from dankheo import vietnamese
from dankheo.errors import PermissionDenied
from dankheo.extensions import db
from dankheo.models.accounts import Role, User
from dankheo.models.review import is_assigned
from dankheo.models.signers import signers_for
from dankheo.models.units import Unit, UnitKind, UnitSuccession
from dankheo.models.versions import per_version
from dankheo.tree import lineage_prefixes, minimal_prefixes, predecessor_ids

# Re-exported for templates (``roles.ADMIN``).
__all__ = [
    "Role",
    "can",
    "organising_unit_ids",
    "reach_prefixes",
    "require",
    "scope_paths",
    "unit_within",
    "units_with_role",
]


def unit_within(unit: Unit | None, root: Unit | None) -> bool:
    """True when ``unit`` is ``root`` or lies below it (as the tree stands in the data)."""
    if unit is None or root is None or not root.path:
        return False
    return unit.path.startswith(root.path)


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def is_admin(user) -> bool:
    return _authenticated(user) and user.has_role(Role.ADMIN)


def units_with_role(user, *roles: Role) -> list[Unit]:
    if not _authenticated(user):
        return []
    return [m.unit for m in user.memberships if m.role in roles]


def is_closed(unit: Unit, today: date) -> bool:
    """A unit that no longer exists on ``today`` (merged, split, dissolved)."""
    return unit.valid_to is not None and unit.valid_to < today


def reach_roots(user, *roles: Role, writing: bool = False) -> list[Unit]:
    """The roots of the subtrees a user's ``roles`` reach. A secretary of an agency (the
    provincial Ban Dân vận, a district's Ban Dân vận) works for the territory the agency
    serves, so its reach is the agency's parent; every other membership reaches its own
    unit's subtree. ``writing``: only memberships at units that still exist."""
    if not _authenticated(user):
        return []
    today = vietnamese.today()
    roots = []
    for m in user.memberships:
        if m.role not in roles:
            continue
        unit = m.unit
        if writing and is_closed(unit, today):
            continue  # a closed unit's roles keep read access to its history only
        if m.role == Role.SECRETARY and unit.kind == UnitKind.AGENCY and unit.parent is not None:
            unit = unit.parent
        roots.append(unit)
    return roots


# --- reach through successions, cached per request ---------------------------------------

_CACHE = "_permissions_lineage"


def _holder():
    """Where the cache lives: the request (one per HTTP request, even when a test keeps
    one application context across requests), else the application context (a command)."""
    if has_request_context():
        return request
    if has_app_context():
        return g
    return None


def _cache() -> dict:
    holder = _holder()
    if holder is None:
        return {}
    if not hasattr(holder, _CACHE):
        setattr(holder, _CACHE, {})
    return getattr(holder, _CACHE)


def _forget_lineage(session, _context) -> None:
    """A unit or a succession written: recompute reaches next time."""
    holder = _holder()
    if holder is None or not hasattr(holder, _CACHE):
        return
    touched = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(obj, Unit | UnitSuccession) for obj in touched):
        delattr(holder, _CACHE)


sa.event.listen(sa.orm.Session, "after_flush", _forget_lineage)


def _lineage(paths: list[str]) -> list[str]:
    key = ("paths", tuple(sorted(paths)))
    cache = _cache()
    if key not in cache:
        # The same for every request until a unit or succession changes: kept per
        # process and structure version (15 ms for a province's 2,000 successions).
        cache[key] = list(
            per_version(
                db.session, ["units"], ("lineage", key), lambda: tuple(lineage_prefixes(paths))
            )
        )
    return cache[key]


def reach_prefixes(user, *roles: Role, writing: bool = False, lineage: bool = True) -> list[str]:
    """Path prefixes of the units whose records ``roles`` of ``user`` reach: the subtrees
    of ``reach_roots`` and, with ``lineage``, of every unit that became a unit in them."""
    paths = minimal_prefixes(u.path for u in reach_roots(user, *roles, writing=writing))
    if not lineage or not paths:
        return paths
    return _lineage(paths)


def organising_unit_ids(user) -> set[int]:
    """Units whose campaigns ``user`` runs as secretary: its secretary units that still
    exist and every unit they succeed (today's board runs its predecessors' campaigns)."""
    if not _authenticated(user):
        return set()
    today = vietnamese.today()
    own = sorted(
        m.unit.id
        for m in user.memberships
        if m.role == Role.SECRETARY and not is_closed(m.unit, today)
    )
    if not own:
        return set()
    key = ("organisers", tuple(own))
    cache = _cache()
    if key not in cache:
        cache[key] = predecessor_ids(own)
    return cache[key]


def _has_role_over(
    user, unit: Unit | None, *roles: Role, writing: bool = False, lineage: bool = True
) -> bool:
    if unit is None or not unit.path:
        return False
    prefixes = reach_prefixes(user, *roles, writing=writing, lineage=lineage)
    return any(unit.path.startswith(p) for p in prefixes)


def _organises(user, campaign) -> bool:
    """A secretary of the unit that organises ``campaign`` (or of its successor)."""
    return campaign is not None and campaign.organising_unit_id in organising_unit_ids(user)


def _unit_of(obj) -> Unit | None:
    if obj is None:
        return None
    if isinstance(obj, Unit):
        return obj
    return getattr(obj, "unit", None)


# Roles that may read the records of a unit's subtree.
READERS = (Role.OFFICER, Role.SECRETARY, Role.LEADER)

Rule = Callable[[User, object], bool]
_RULES: dict[str, Rule] = {}


def rule(*actions: str):
    def register(fn: Rule) -> Rule:
        for action in actions:
            _RULES[action] = fn
        return fn

    return register


def can(user, action: str, obj=None) -> bool:
    """Whether ``user`` may do ``action`` (to ``obj`` where the action takes one).

    Unknown actions are refused, so a typo can never open a door."""
    fn = _RULES.get(action)
    if fn is None:
        raise KeyError(f"unknown action {action!r}")
    if not _authenticated(user):
        return False
    if is_admin(user):
        return True
    return bool(fn(user, obj))


def require(user, action: str, obj=None) -> None:
    """Raise PermissionDenied unless ``can(user, action, obj)``: the check services make
    on their ``actor`` (views check first; a service never trusts that they did)."""
    if not can(user, action, obj):
        raise PermissionDenied("permission_denied")


# --- administration -------------------------------------------------------------------


@rule("admin.units", "admin.users", "admin.settings", "admin.mail")
def _admin_only(user, obj) -> bool:
    return False  # admins pass in can()


@rule("audit.view")
def _audit_view(user, obj) -> bool:
    return bool(units_with_role(user, Role.SECRETARY))


# --- registry -------------------------------------------------------------------------


@rule("registry.list", "exemplar.list")
def _registry_list(user, obj) -> bool:
    return bool(units_with_role(user, *READERS))


@rule("initiative.create", "exemplar.create")
def _create_in_unit(user, unit) -> bool:
    """Officers register for their unit and the units below (and the units these
    succeed, for their history); without a unit: any officer of a unit that exists."""
    if unit is None:
        return bool(reach_roots(user, Role.OFFICER, writing=True))
    return _has_role_over(user, _unit_of(unit), Role.OFFICER, writing=True)


@rule("initiative.view", "exemplar.view", "evidence.view")
def _read_record(user, record) -> bool:
    return _has_role_over(user, _unit_of(record), *READERS)


@rule("initiative.edit", "exemplar.edit")
def _edit_record(user, record) -> bool:
    """The registration form: officers of the record's own unit (or above it)."""
    return _has_role_over(user, _unit_of(record), Role.OFFICER, writing=True, lineage=False)


@rule("evidence.upload", "initiative.carry_over", "initiative.report")
def _carry_on_record(user, record) -> bool:
    """The yearly life of a record (carrying it over, reporting a year, evidence):
    officers of its unit or of a unit that succeeded it."""
    return _has_role_over(user, _unit_of(record), Role.OFFICER, writing=True)


@rule("initiative.evaluate")
def _evaluate(user, record) -> bool:
    """Setting a year's status (recognised, outstanding, dropped) is the organising
    body's call: a secretary whose unit is above the initiative's unit (or above a unit
    that succeeded it)."""
    return _has_role_over(user, _unit_of(record), Role.SECRETARY, writing=True)


@rule("registry.import")
def _registry_import(user, obj) -> bool:
    return bool(reach_roots(user, Role.OFFICER, writing=True))


# --- campaigns ------------------------------------------------------------------------


@rule("campaign.list")
def _campaign_list(user, obj) -> bool:
    return _authenticated(user)


@rule("campaign.create")
def _campaign_create(user, unit) -> bool:
    today = vietnamese.today()
    units = [u for u in units_with_role(user, Role.SECRETARY) if not is_closed(u, today)]
    if unit is None:
        return bool(units)
    return any(u.id == _unit_of(unit).id for u in units)


@rule(
    "campaign.manage",
    "committee.manage",
    "assignment.manage",
    "screening.act",
    "ranking.view",
    "ranking.decide",
    "decision.manage",
    "certificate.issue",
    "certificate.revoke",
    "conflict.decide",
    "scorecard.reopen",
)
def _campaign_secretary(user, campaign) -> bool:
    campaign = getattr(campaign, "campaign", campaign)  # a nomination or decision works too
    return _organises(user, campaign)


@rule("fields.manage")
def _fields_manage(user, obj) -> bool:
    return False  # admins only


# --- nominations ----------------------------------------------------------------------


@rule("nomination.create")
def _nomination_create(user, unit) -> bool:
    if unit is None:
        return bool(reach_roots(user, Role.OFFICER, writing=True))
    return _has_role_over(user, _unit_of(unit), Role.OFFICER, writing=True)


@rule("nomination.edit", "nomination.submit", "nomination.withdraw")
def _nomination_own_unit(user, nomination) -> bool:
    return _has_role_over(user, _unit_of(nomination), Role.OFFICER, writing=True)


@rule("nomination.view", "certificate.view")
def _nomination_view(user, nomination) -> bool:
    nomination = getattr(nomination, "nomination", nomination)  # a certificate works too
    return (
        _has_role_over(user, _unit_of(nomination), *READERS)
        or _organises(user, getattr(nomination, "campaign", None))
        or (nomination is not None and is_assigned(user, nomination))
    )


@rule("batch.view")
def _batch_view(user, batch) -> bool:
    """A request letter (tờ trình): readers of its unit and the campaign's secretary."""
    return _has_role_over(user, _unit_of(batch), *READERS) or _organises(
        user, getattr(batch, "campaign", None)
    )


# --- review ---------------------------------------------------------------------------


@rule("review.queue")
def _review_queue(user, obj) -> bool:
    return bool(units_with_role(user, Role.REVIEWER))


@rule("scorecard.edit", "conflict.declare")
def _own_assignment(user, assignment) -> bool:
    """A reviewer scores (or declares a conflict on) only what is assigned to them."""
    reviewer = getattr(assignment, "reviewer", None)
    return reviewer is not None and reviewer.user_id == user.id


# --- notifications --------------------------------------------------------------------


@rule("notification.view")
def _own_notification(user, notification) -> bool:
    """A notification is its person's only (admins included: nobody reads another's)."""
    return notification is None or getattr(notification, "user_id", None) == user.id


# --- reports --------------------------------------------------------------------------


# --- issuers (the bodies that sign decisions and reports) ----------------------------


@rule("issuer.manage")
def _issuer_manage(user, issuer) -> bool:
    """A secretary whose reach covers the issuer's unit (admins: always); without an
    issuer, whether the user may keep any issuer's settings."""
    if issuer is None:
        return bool(units_with_role(user, Role.SECRETARY))
    return _has_role_over(user, _unit_of(issuer), Role.SECRETARY)


@rule("reports.write")
def _reports_write(user, unit) -> bool:
    """Writing a report's narrative: a secretary whose reach covers the unit."""
    if unit is None:
        return bool(units_with_role(user, Role.SECRETARY))
    return _has_role_over(user, _unit_of(unit), Role.SECRETARY)


@rule("reports.view")
def _reports_view(user, unit) -> bool:
    if unit is None:
        return bool(units_with_role(user, *READERS))
    return _has_role_over(user, _unit_of(unit), *READERS)


# --- signers (issue 15) --------------------------------------------------------------


@rule("signer.manage")
def _signer_manage(user, obj) -> bool:
    return False  # admins only: keys and who signs for a body are the system's trust


@rule("signer.delegate")
def _signer_delegate(user, signer) -> bool:
    """A signer records (and revokes) who in their office may confirm for them."""
    return signer is not None and signer.user_id is not None and signer.user_id == user.id


@rule("decision.sign")
def _decision_sign(user, decision) -> bool:
    """Reading a decision sent for signature: its signer and their delegates."""
    if decision is None:
        return may_sign_somewhere(user)
    signer = getattr(decision, "signer", None)
    return signer is not None and may_sign_as(user, signer, vietnamese.today())


def may_sign_as(user, signer, on: date) -> bool:
    """Whether ``user`` may confirm a signature of ``signer`` on day ``on``: the signer's
    own account, or a user holding a delegation in force. Not decided by ``can``: an
    admin passes every rule there, and nobody may sign in another person's name."""
    if not _authenticated(user) or signer is None or not signer.active:
        return False
    if signer.user_id is not None and signer.user_id == user.id:
        return True
    return any(d.user_id == user.id for d in signer.active_delegations(on))


def may_sign_somewhere(user) -> bool:
    """Whether ``user`` is a signer or a delegate of one (the signing pages): one query."""
    session = object_session(user) if _authenticated(user) else None
    if session is None:
        return False
    return session.scalar(signers_for(user, vietnamese.today()).limit(1)) is not None


# --- list scoping ---------------------------------------------------------------------

_LIST_ROLES: dict[str, tuple[Role, ...]] = {
    "registry.list": READERS,
    "exemplar.list": READERS,
    "nomination.list": READERS,
    "reports.view": READERS,
    "registry.edit": (Role.OFFICER,),
    "audit.view": (Role.SECRETARY,),  # a secretary reads the audit of its subtree
}


# Lists of what one may write: only roles at units that still exist.
_WRITING_LISTS = frozenset({"registry.edit"})


def scope_paths(user, action: str) -> list[str] | None:
    """Path prefixes of the units whose records ``user`` may list for ``action`` (with
    the units their units succeed); ``None`` means everything (admins), an empty list
    means nothing."""
    if not _authenticated(user):
        return []
    if is_admin(user):
        return None
    roles = _LIST_ROLES[action]
    return reach_prefixes(user, *roles, writing=action in _WRITING_LISTS)
