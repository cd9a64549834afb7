"""Emitting events: the one call a service makes where something happens,

    events.emit(NotificationKind.REVIEW_ASSIGNED, campaign, actor=actor, assignments=rows)

writes, in the caller's transaction, one notification per person concerned (never the
person who acted, never twice for the same event: ``dedupe_key`` is unique per person)
and, for those who want it now and have an address, the e-mail in the outbox. Nomination
moves arrive through the workflow's observer hook (registered below), so the rules layer
never imports this feature."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for
from sqlalchemy.orm import selectinload

from dankheo import workflow
from dankheo.extensions import db
from dankheo.models.accounts import User
from dankheo.models.certificates import Certificate, Decision
from dankheo.models.nominations import Nomination
from dankheo.models.notifications import (
    MailMode,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from dankheo.notifications import mail, recipients
from dankheo.vietnamese import format_date

K = NotificationKind

# E-mail by default for each kind (a person changes it on the preferences page): the
# daily digest for notices to many (windows), at once for what asks for action.
DEFAULT_MODES = {kind: MailMode.IMMEDIATE for kind in NotificationKind} | {
    K.REGISTRATION_OPENS: MailMode.DIGEST,
    K.REGISTRATION_CLOSING: MailMode.DIGEST,
    K.NOMINATION_ACCEPTED: MailMode.DIGEST,
}

# How many subject names a grouped notification lists before "…".
LISTED = 5


@dataclass
class Delivery:
    """What one person is told of one event."""

    user: User
    key: str
    link: str
    params: dict = field(default_factory=dict)


def path(endpoint: str, **values) -> str:
    """A local path to a page, in a request or in a worker (no request there)."""
    if has_request_context():
        return url_for(endpoint, **values)
    return current_app.url_map.bind("localhost").build(endpoint, values)


def emit(kind: NotificationKind, subject, *, actor=None, **context) -> int:
    """Tell the people concerned that ``kind`` happened to ``subject``; flush, never
    commit. Returns how many notifications were written."""
    deliveries = [d for d in _BUILDERS[kind](subject, **context) if d.user.id != _id(actor)]
    return write(kind, deliveries)


def write(kind: NotificationKind, deliveries: Iterable[Delivery]) -> int:
    """Notifications (and immediate e-mail) for ``deliveries``, skipping an event a
    person was already told of. A bounded number of queries whatever the count."""
    wanted: dict[tuple[int, str], Delivery] = {}
    for d in deliveries:
        wanted.setdefault((d.user.id, d.key), d)
    if not wanted:
        return 0
    pending = db.session.info.setdefault("dankheo_notification_keys", set())
    user_ids = {uid for uid, _ in wanted}
    keys = {key for _, key in wanted}
    known = {
        tuple(row)
        for row in db.session.execute(
            sa.select(Notification.user_id, Notification.dedupe_key).where(
                Notification.user_id.in_(user_ids), Notification.dedupe_key.in_(keys)
            )
        )
    }
    modes = dict(
        db.session.execute(
            sa.select(NotificationPreference.user_id, NotificationPreference.mode).where(
                NotificationPreference.user_id.in_(user_ids), NotificationPreference.kind == kind
            )
        ).all()
    )
    sending = mail.mail_enabled()
    written = 0
    for (user_id, key), d in wanted.items():
        if (user_id, key) in known or (user_id, key) in pending:
            continue
        mode = modes.get(user_id, DEFAULT_MODES[kind])
        if not (sending and d.user.email):
            mode = MailMode.NEVER
        note = Notification(
            user_id=user_id, kind=kind, params=d.params, link=d.link, dedupe_key=key, mail_mode=mode
        )
        db.session.add(note)
        if mode == MailMode.IMMEDIATE:
            row = mail.outbox_row(d.user, [note], digest=False)
            db.session.add(row)
            db.session.flush()
            note.outbox_id = row.id
        pending.add((user_id, key))
        written += 1
    db.session.flush()
    return written


def _id(user) -> int | None:
    return getattr(user, "id", None)


def _subject_name(n: Nomination) -> str:
    return n.subject_name or n.recipient_name


def _names(items: list[str]) -> list[str]:
    return items[:LISTED]


# --- builders: who is told what, per kind ------------------------------------------------


def _nomination_params(n: Nomination, **extra) -> dict:
    campaign = n.campaign
    return {
        "subject": _subject_name(n),
        "recipient": n.recipient_name,
        "unit": n.unit.name if n.unit else "",
        "campaign": campaign.name,
        **extra,
    }


def _to_officers(n: Nomination, key: str, params: dict) -> list[Delivery]:
    link = path("nominations.detail", nomination_id=n.id)
    officers = recipients.nomination_officers([n])[n.id]
    return [Delivery(u, key, link, params) for u in officers]


def _submitted(n: Nomination, *, note: str = "", event_id: int | None = None) -> list[Delivery]:
    deadline = n.campaign.review_closes
    params = _nomination_params(n, deadline=format_date(deadline))
    link = path("nominations.screening", campaign_id=n.campaign_id)
    key = f"nomination:{n.id}:submitted:{event_id}"
    return [Delivery(u, key, link, params) for u in recipients.campaign_secretaries(n.campaign)]


def _returned(n: Nomination, *, note: str = "", event_id: int | None = None) -> list[Delivery]:
    params = _nomination_params(n, note=note, deadline=format_date(n.campaign.nomination_closes))
    return _to_officers(n, f"nomination:{n.id}:returned:{event_id}", params)


def _accepted(n: Nomination, *, note: str = "", event_id: int | None = None) -> list[Delivery]:
    params = _nomination_params(n, deadline=format_date(n.campaign.review_closes))
    return _to_officers(n, f"nomination:{n.id}:accepted:{event_id}", params)


def _rejected(n: Nomination, *, note: str = "", event_id: int | None = None) -> list[Delivery]:
    return _to_officers(
        n, f"nomination:{n.id}:rejected:{event_id}", _nomination_params(n, note=note)
    )


def _review_assigned(campaign, *, assignments) -> list[Delivery]:
    """One notification per reviewer for a batch of assignments (auto-assignment gives
    a reviewer many at once)."""
    by_user: dict[int, list] = {}
    users: dict[int, User] = {}
    for a in assignments:
        user = a.reviewer.user
        users[user.id] = user
        by_user.setdefault(user.id, []).append(a)
    link = path("review.queue")
    out = []
    for user_id, items in by_user.items():
        items.sort(key=lambda a: a.id)
        params = {
            "campaign": campaign.name,
            "count": len(items),
            "subjects": _names([_subject_name(a.nomination) for a in items]),
            "deadline": format_date(campaign.review_closes),
        }
        out.append(Delivery(users[user_id], f"review_assigned:{items[0].id}", link, params))
    return out


def _review_deadline(campaign, *, reviewers, days: int, step: int) -> list[Delivery]:
    link = path("review.queue")
    key = f"review_deadline:{campaign.id}:{campaign.review_closes.isoformat()}:{step}"
    return [
        Delivery(
            user,
            key,
            link,
            {
                "campaign": campaign.name,
                "count": count,
                "days": days,
                "deadline": format_date(campaign.review_closes),
            },
        )
        for user, count in reviewers
    ]


def _decision_signed(decision: Decision) -> list[Delivery]:
    """The officers of every unit the decision awards: one notification each, listing
    their dossiers in it."""
    nominations = [item.nomination for item in decision.items]
    officers = recipients.nomination_officers(nominations)
    per_user: dict[int, tuple[User, list[str]]] = {}
    for n in nominations:
        for user in officers.get(n.id, []):
            per_user.setdefault(user.id, (user, []))[1].append(_subject_name(n))
    link = path("nominations.index", state="awarded", campaign=decision.campaign_id)
    key = f"decision_signed:{decision.id}"
    return [
        Delivery(
            user,
            key,
            link,
            {
                "number": decision.number_text,
                "campaign": decision.campaign.name,
                "award": decision.award_type.label,
                "count": len(names),
                "subjects": _names(names),
            },
        )
        for user, names in per_user.values()
    ]


def _certificate_params(cert: Certificate, **extra) -> dict:
    return {
        "recipient": cert.recipient_name,
        "serial": cert.serial,
        "number": cert.decision.number_text,
        **extra,
    }


def _certificates_issued(certificate_ids: list[int]) -> list[Delivery]:
    certificates = list(
        db.session.scalars(
            sa.select(Certificate)
            .where(Certificate.id.in_(certificate_ids))
            .options(selectinload(Certificate.nomination), selectinload(Certificate.decision))
        )
    )
    officers = recipients.nomination_officers([c.nomination for c in certificates])
    out = []
    for cert in certificates:
        link = path("verify.show", serial=cert.serial)
        params = _certificate_params(cert)
        for user in officers.get(cert.nomination_id, []):
            out.append(Delivery(user, f"certificate_issued:{cert.id}", link, params))
    return out


def _certificate_revoked(cert: Certificate, *, note: str = "") -> list[Delivery]:
    link = path("verify.show", serial=cert.serial)
    params = _certificate_params(cert, note=note)
    officers = recipients.nomination_officers([cert.nomination])[cert.nomination_id]
    return [Delivery(u, f"certificate_revoked:{cert.id}", link, params) for u in officers]


def _certificate_corrected(new: Certificate, *, note: str = "") -> list[Delivery]:
    link = path("verify.show", serial=new.serial)
    old = new.replaces
    params = _certificate_params(new, note=note, old_serial=old.serial if old else "")
    officers = recipients.nomination_officers([new.nomination])[new.nomination_id]
    return [Delivery(u, f"certificate_corrected:{new.id}", link, params) for u in officers]


def _registration(kind: str):
    def build(campaign, *, days: int | None = None) -> list[Delivery]:
        link = path("campaigns.campaign", campaign_id=campaign.id)
        params = {
            "campaign": campaign.name,
            "opens": format_date(campaign.registration_opens),
            "closes": format_date(campaign.registration_closes),
            "days": days,
        }
        bound = campaign.registration_opens if kind == "opens" else campaign.registration_closes
        key = f"registration_{kind}:{campaign.id}:{bound.isoformat() if bound else ''}"
        return [Delivery(u, key, link, params) for u in recipients.officers_reached(campaign)]

    return build


_BUILDERS: dict[NotificationKind, Callable[..., list[Delivery]]] = {
    K.NOMINATION_SUBMITTED: _submitted,
    K.NOMINATION_RETURNED: _returned,
    K.NOMINATION_ACCEPTED: _accepted,
    K.NOMINATION_REJECTED: _rejected,
    K.REVIEW_ASSIGNED: _review_assigned,
    K.REVIEW_DEADLINE: _review_deadline,
    K.DECISION_SIGNED: _decision_signed,
    K.CERTIFICATE_ISSUED: _certificates_issued,
    K.CERTIFICATE_REVOKED: _certificate_revoked,
    K.CERTIFICATE_CORRECTED: _certificate_corrected,
    K.REGISTRATION_OPENS: _registration("opens"),
    K.REGISTRATION_CLOSING: _registration("closing"),
}

# The workflow's moves that tell someone (submitting again after a return is a new
# submission for the secretary).
TRANSITION_KINDS = {
    "submit": K.NOMINATION_SUBMITTED,
    "resubmit": K.NOMINATION_SUBMITTED,
    "return": K.NOMINATION_RETURNED,
    "accept": K.NOMINATION_ACCEPTED,
    "reject": K.NOMINATION_REJECTED,
}


@workflow.on_transition
def _on_transition(nomination, arrow, actor, *, note: str = "", event=None) -> None:
    kind = TRANSITION_KINDS.get(arrow.action)
    if kind is not None:
        emit(kind, nomination, actor=actor, note=note, event_id=getattr(event, "id", None))
