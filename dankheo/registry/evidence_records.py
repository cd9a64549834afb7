"""Registry writes of evidence: files attached to an initiative or exemplar (or to one
year of an initiative: the evidence of that year's report), checked by content and
stored by hash (registry/evidence.py), made public or withdrawn. Like registry.services:
the acting user first, ``flush()`` and never commit, DomainErrors with their text in
dankheo/messages.py."""

import sqlalchemy as sa

from dankheo import audit
from dankheo.errors import DomainError
from dankheo.extensions import db
from dankheo.models import Evidence, Exemplar, Initiative, InitiativeYear, Nomination
from dankheo.registry import evidence as evidence_files
from dankheo.vietnamese import nfc


def add_evidence_files(
    actor,
    owner: Initiative | Exemplar,
    files: list[tuple[str, bytes]],
    *,
    title: str,
    is_public,
    year_row: InitiativeYear | None = None,
) -> list[Evidence]:
    """Several files at once, all or nothing: a refused file names itself and nothing is
    kept. With several files a common title is numbered; without one each file's name is
    its title."""
    rows = []
    for number, (filename, data) in enumerate(files, start=1):
        own_title = f"{title} ({number})" if title and len(files) > 1 else title
        try:
            rows.append(
                add_evidence(
                    actor,
                    owner,
                    data=data,
                    filename=filename,
                    title=own_title,
                    is_public=is_public,
                    year_row=year_row,
                )
            )
        except DomainError as err:
            raise DomainError(
                "evidence.file_refused", filename=evidence_files.safe_filename(filename), reason=err
            ) from err
    return rows


def add_evidence(
    actor,
    owner: Initiative | Exemplar,
    *,
    data: bytes,
    filename: str,
    title: str,
    is_public,
    year_row: InitiativeYear | None = None,
) -> Evidence:
    """Check ``data`` by content, store it by hash and attach it to ``owner`` (to one of
    its years with ``year_row``: the evidence of that year's report)."""
    checked = evidence_files.check(data)
    evidence_files.store(checked)
    name = evidence_files.safe_filename(filename)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    row = Evidence(
        filename=f"{stem}.{evidence_files.EXTENSIONS[checked.mime]}",
        mime=checked.mime,
        size=checked.size,
        sha256=checked.sha256,
        title=nfc(title) or stem,
        is_public=bool(is_public),
        uploaded_by_id=getattr(actor, "id", None),
    )
    if isinstance(owner, Initiative):
        row.initiative_id = owner.id
        if year_row is not None:
            row.initiative_year_id = year_row.id
    else:
        row.exemplar_id = owner.id
    db.session.add(row)
    db.session.flush()
    audit.record(
        actor,
        "evidence.upload",
        row,
        unit_id=owner.unit_id,
        details={
            "sha256": checked.sha256,
            "mime": checked.mime,
            "size": checked.size,
            "year": year_row.year if year_row is not None else None,
        },
    )
    return row


def set_evidence_public(actor, row: Evidence, owner, is_public: bool) -> None:
    before = row.is_public
    row.is_public = is_public
    db.session.flush()
    audit.record(
        actor,
        "evidence.publish" if is_public else "evidence.unpublish",
        row,
        unit_id=owner.unit_id,
        from_state=str(before).lower(),
        to_state=str(is_public).lower(),
    )


def delete_evidence(actor, row: Evidence, owner) -> None:
    """Remove the record (the view then removes the stored file unless another record
    shares its hash). A nomination's achievement report stays while it is one."""
    used = db.session.scalar(
        sa.select(Nomination.id).where(Nomination.report_evidence_id == row.id).limit(1)
    )
    if used is not None:
        raise DomainError("evidence.is_a_report")
    audit.record(
        actor,
        "evidence.delete",
        row,
        unit_id=owner.unit_id,
        details={"sha256": row.sha256, "filename": row.filename},
    )
    db.session.delete(row)
    db.session.flush()


# --- import -----------------------------------------------------------------------------
