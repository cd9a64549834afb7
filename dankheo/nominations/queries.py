"""Reads for nominations: scoped lists, a dossier with its history, choices for the
forms, request letters, the screening list and the officer's inbox."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, load_only, selectinload

from dankheo import vietnamese, workflow
from dankheo.extensions import db
from dankheo.models.audit import AuditEvent
from dankheo.models.campaigns import AwardType, Campaign
from dankheo.models.nominations import Nomination, NominationBatch, NominationState
from dankheo.models.registry import Exemplar, Initiative
from dankheo.models.units import Unit
from dankheo.permissions import organising_unit_ids, scope_paths
from dankheo.review import cached
from dankheo.tree import within_prefixes
from dankheo.vietnamese import fold
from dankheo.web.params import parse_id

# How many initiatives/exemplars a nomination form offers at most (newest years first).
SUBJECT_CHOICES_LIMIT = 500


def _scope(user, walk: bool = False) -> sa.ColumnElement[bool]:
    """Nominations a user may list: those of units in their readable subtrees, plus
    every nomination of the campaigns their unit organises (secretaries). ``walk``:
    the terms are written so that SQLite cannot look them up by index (``+ 0``) and
    walks the list's order index instead, testing each entry."""
    paths = scope_paths(user, "nomination.list")
    if paths is None:
        return sa.true()
    organised = sorted(organising_unit_ids(user))
    unit_id = Nomination.unit_id + 0 if walk else Nomination.unit_id
    campaign_id = Nomination.campaign_id + 0 if walk else Nomination.campaign_id
    in_subtree = unit_id.in_(sa.select(Unit.id).where(within_prefixes(Unit.path, paths)))
    if not organised:
        return in_subtree
    return sa.or_(
        in_subtree,
        campaign_id.in_(sa.select(Campaign.id).where(Campaign.organising_unit_id.in_(organised))),
    )


# What a list of nominations shows of each (its recipient, form, unit, state and last
# change): the long texts stay in the database. The nominations list and the
# committee page (review.queries) load these.
LIST_COLUMNS = (
    Nomination.id,
    Nomination.campaign_id,
    Nomination.award_type_id,
    Nomination.unit_id,
    Nomination.recipient_name,
    Nomination.state,
    Nomination.updated_at,
)


# On SQLite a scope with at least this many nominations is listed by walking the
# (updated_at, id, unit_id, campaign_id) index newest first, testing the scope on each
# entry, which stops after a page; a smaller one is looked up by unit and sorted.
WALK_FROM = 500
# What a count of nominations in a scope reads.
COUNT_DATASETS = ("nominations", "units", "campaigns")


def nominations_page(user, *, campaign_id=None, state=None, q="", page=1, per_page=25):
    """A page of ``nominations_select``: counted first, then read the way the count
    says is cheaper (two statements either way)."""
    stmt = nominations_select(user, campaign_id=campaign_id, state=state, q=q)
    count = sa.select(sa.func.count()).select_from(
        stmt.with_only_columns(Nomination.id).order_by(None).subquery()
    )
    # The count (every nomination of a province's scope) is kept in the shared cache
    # until nominations, units or campaigns change; the statement and its parameters
    # (scope, filters) are the key.
    compiled = count.compile(db.session.get_bind())
    total = cached.cached(
        ("nominations-count", str(compiled), repr(sorted(compiled.params.items()))),
        lambda: db.session.scalar(count),
        datasets=COUNT_DATASETS,
    )
    if total >= WALK_FROM and db.session.get_bind().dialect.name == "sqlite":
        stmt = nominations_select(user, campaign_id=campaign_id, state=state, q=q, walk=True)
    pagination = db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=False)
    pagination.total = total
    return pagination


def nominations_select(
    user, *, campaign_id=None, state=None, q="", walk: bool = False
) -> sa.Select:
    """The nominations list in ``user``'s scope, filtered, newest change first."""
    stmt = (
        sa.select(Nomination)
        .options(
            # The list (and its export) shows the recipient, unit, campaign, form, state
            # and date: the long texts stay in the database, not in the sort's rows.
            load_only(*LIST_COLUMNS),
            joinedload(Nomination.unit).load_only(Unit.id, Unit.name),
            joinedload(Nomination.campaign),
            joinedload(Nomination.award_type),
        )
        .where(_scope(user, walk))
    )
    if campaign_id:
        stmt = stmt.where(Nomination.campaign_id == campaign_id)
    if state:
        stmt = stmt.where(Nomination.state == state)
    if q:
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(Nomination.recipient_name).contains(q.lower()),
                Nomination.initiative_id.in_(
                    sa.select(Initiative.id).where(Initiative.search_text.contains(fold(q)))
                ),
                Nomination.exemplar_id.in_(
                    sa.select(Exemplar.id).where(Exemplar.search_text.contains(fold(q)))
                ),
            )
        )
    return stmt.order_by(Nomination.updated_at.desc(), Nomination.id.desc())


def campaigns_for_filter(user) -> list[Campaign]:
    return list(db.session.scalars(sa.select(Campaign).order_by(Campaign.year.desc())))


def nomination_for_page(nomination_id: int) -> Nomination | None:
    return db.session.scalar(
        sa.select(Nomination)
        .options(
            joinedload(Nomination.unit),
            joinedload(Nomination.campaign),
            joinedload(Nomination.award_type),
            joinedload(Nomination.batch),
            joinedload(Nomination.report_evidence),
            selectinload(Nomination.initiative),
            selectinload(Nomination.exemplar),
        )
        .where(Nomination.id == nomination_id)
    )


def history(nomination: Nomination) -> list[AuditEvent]:
    """The nomination's audit trail, oldest first (the actor is eager-loaded)."""
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.object_type == "nomination", AuditEvent.object_id == nomination.id)
            .order_by(AuditEvent.at, AuditEvent.id)
        )
    )


def _officer_paths(user) -> list[str] | None:
    """Where the user may nominate from: officer units that still exist, with the units
    they succeed (permissions.scope_paths)."""
    return scope_paths(user, "registry.edit")


def subject_choices(user) -> list[tuple[str, str]]:
    """("i:<id>" | "e:<id>", label) for the initiatives and exemplars the user may
    nominate (units of their officer subtrees), newest first."""
    paths = _officer_paths(user)
    initiatives = db.session.execute(
        sa.select(Initiative.id, Initiative.name, Unit.name)
        .join(Unit, Unit.id == Initiative.unit_id)
        .where(within_prefixes(Unit.path, paths))
        .order_by(Initiative.first_year.desc(), Initiative.sort_key)
        .limit(SUBJECT_CHOICES_LIMIT)
    ).all()
    exemplars = db.session.execute(
        sa.select(Exemplar.id, Exemplar.name, Unit.name)
        .join(Unit, Unit.id == Exemplar.unit_id)
        .where(within_prefixes(Unit.path, paths))
        .order_by(Exemplar.year.desc(), Exemplar.sort_key)
        .limit(SUBJECT_CHOICES_LIMIT)
    ).all()
    return [(f"i:{i}", f"Mô hình: {name} – {unit}") for i, name, unit in initiatives] + [
        (f"e:{i}", f"Điển hình: {name} – {unit}") for i, name, unit in exemplars
    ]


def subject_from_choice(value: str | None):
    if not value or ":" not in value:
        return None
    kind, _, raw = value.partition(":")
    subject_id = parse_id(raw)
    if subject_id is None:
        return None
    model = {"i": Initiative, "e": Exemplar}.get(kind)
    return db.session.get(model, subject_id) if model else None


def open_award_types(today: date | None = None) -> list[AwardType]:
    """Award types of campaigns whose nomination window is open today."""
    today = today or vietnamese.today()
    rows = db.session.scalars(
        sa.select(AwardType)
        .join(Campaign, Campaign.id == AwardType.campaign_id)
        .options(joinedload(AwardType.campaign))
        .order_by(Campaign.year.desc(), AwardType.id)
    ).all()
    return [a for a in rows if workflow.window_is_open(a.campaign, "nomination", today)]


def batch_choices(user) -> list[NominationBatch]:
    paths = _officer_paths(user)
    return list(
        db.session.scalars(
            sa.select(NominationBatch)
            .join(Unit, Unit.id == NominationBatch.unit_id)
            .options(joinedload(NominationBatch.campaign))
            .where(within_prefixes(Unit.path, paths))
            .order_by(NominationBatch.id.desc())
            .limit(200)
        )
    )


def batches_page(user, page: int, per_page: int = 25):
    return db.paginate(batches_select(user), page=page, per_page=per_page, error_out=False)


def batches_select(user) -> sa.Select:
    """Batches of the units in ``user``'s scope, newest first."""
    paths = scope_paths(user, "nomination.list")
    return (
        sa.select(NominationBatch)
        .join(Unit, Unit.id == NominationBatch.unit_id)
        .options(joinedload(NominationBatch.unit), joinedload(NominationBatch.campaign))
        .where(within_prefixes(Unit.path, paths))
        .order_by(NominationBatch.id.desc())
    )


def batch_for_page(batch_id: int) -> NominationBatch | None:
    return db.session.scalar(
        sa.select(NominationBatch)
        .options(
            joinedload(NominationBatch.unit),
            joinedload(NominationBatch.campaign),
            selectinload(NominationBatch.nominations).joinedload(Nomination.award_type),
        )
        .where(NominationBatch.id == batch_id)
    )


def screening_page(campaign: Campaign, state: str, page: int, per_page: int = 25):
    stmt = screening_select(campaign, state)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def screening_select(campaign: Campaign, state: str) -> sa.Select:
    """The campaign's nominations in ``state``, oldest change first."""
    return (
        sa.select(Nomination)
        .options(
            joinedload(Nomination.unit),
            joinedload(Nomination.award_type),
            joinedload(Nomination.batch),
            selectinload(Nomination.initiative),
            selectinload(Nomination.exemplar),
        )
        .where(Nomination.campaign_id == campaign.id, Nomination.state == state)
        .order_by(Nomination.updated_at, Nomination.id)
    )


def state_counts(campaign: Campaign) -> dict[str, int]:
    return {
        state.value: n
        for state, n in db.session.execute(
            sa.select(Nomination.state, sa.func.count(Nomination.id))
            .where(Nomination.campaign_id == campaign.id)
            .group_by(Nomination.state)
        )
    }


def officer_waiting(user, limit: int = 20) -> tuple[list[Nomination], list[Nomination]]:
    """(returned, drafts) of the units under the user's officer memberships."""
    paths = _officer_paths(user)
    if paths == []:
        return [], []

    def of_state(state):
        return list(
            db.session.scalars(
                sa.select(Nomination)
                .join(Unit, Unit.id == Nomination.unit_id)
                .options(
                    joinedload(Nomination.campaign),
                    joinedload(Nomination.unit),
                    joinedload(Nomination.initiative),
                    joinedload(Nomination.exemplar),
                )
                .where(within_prefixes(Unit.path, paths), Nomination.state == state)
                .order_by(Nomination.updated_at.desc())
                .limit(limit)
            )
        )

    return of_state(NominationState.RETURNED), of_state(NominationState.DRAFT)


def return_reasons(nomination_ids) -> dict[int, str]:
    """The note of the latest return of each nomination (the reason the officer must
    read first): one query over the audit trail."""
    ids = list(nomination_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(AuditEvent.object_id, AuditEvent.note)
        .where(
            AuditEvent.object_type == "nomination",
            AuditEvent.object_id.in_(ids),
            AuditEvent.action == "nomination.return",
        )
        .order_by(AuditEvent.id)
    )
    return {object_id: note for object_id, note in rows}  # the latest wins


def screening_targets(campaign: Campaign, ids: list[int]) -> list[Nomination]:
    """The campaign's nominations among ``ids``, in id order (a bulk screening move)."""
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Nomination)
            .options(joinedload(Nomination.campaign))
            .where(Nomination.campaign_id == campaign.id, Nomination.id.in_(ids))
            .order_by(Nomination.id)
        )
    )
