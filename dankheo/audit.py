"""Writes audit rows: the only way an audit event is created (never updated or deleted)."""

import re

from dankheo.extensions import db
from dankheo.models.audit import AuditEvent


def record(
    actor,
    action: str,
    obj,
    *,
    unit_id: int | None = None,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    details: dict | None = None,
) -> AuditEvent:
    """Add one audit row for ``action`` on ``obj`` (a model instance, flushed)."""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=object_type(obj),
        object_id=getattr(obj, "id", None),
        unit_id=unit_id if unit_id is not None else getattr(obj, "unit_id", None),
        from_state=str(from_state or ""),
        to_state=str(to_state or ""),
        note=note or "",
        details=details or {},
    )
    db.session.add(event)
    return event


def object_type(obj) -> str:
    """ "ConflictOfInterest" → "conflict_of_interest": the record kind audit rows name."""
    if obj is None:
        return ""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(obj).__name__).lower()
