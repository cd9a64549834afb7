"""/api/v1/bulk: each public dataset whole, as CSV or JSON, for those who want everything
rather than pages: the datasets' records here, their files built and kept by
api.bulk_files (named by the data versions they read; the next request after a change
builds the new file while others get the last complete one). ETag / Last-Modified / 304
like every route."""

import os
from collections.abc import Iterator

import sqlalchemy as sa
from flask import abort, jsonify

from dankheo import exports
from dankheo.api import bulk_files, common, schema
from dankheo.api.blueprint import bp
from dankheo.api.bulk_files import Dataset
from dankheo.extensions import db
from dankheo.models import (
    PUBLIC_STATUSES,
    AwardType,
    Campaign,
    Certificate,
    CertificateStatus,
    Decision,
    Exemplar,
    Field,
    Initiative,
    InitiativeYear,
    Nomination,
    Unit,
)

CHUNK = 2000
# A client told to come back while a file is being built: in this many seconds.
RETRY_SECONDS = 30
FORMATS = ("csv", "json")


def _chunks(stmt: sa.Select) -> Iterator[list]:
    """The rows of ``stmt``, CHUNK at a time (a server-side cursor on PostgreSQL), run on
    the session's connection: plain rows, without the ORM's result processing."""
    result = db.session.connection().execute(
        stmt, execution_options={"yield_per": CHUNK, "stream_results": True}
    )
    try:
        yield from result.partitions(CHUNK)
    finally:
        result.close()


# The public years of a chunk of initiatives: compiled once (the ids an expanding
# parameter), the status read as its stored text (the enum's value, what the file says).
_STATUS_TEXT = sa.type_coerce(InitiativeYear.status, sa.String)
_PUBLIC_YEARS = (
    sa.select(InitiativeYear.initiative_id, InitiativeYear.year, _STATUS_TEXT)
    .where(
        InitiativeYear.initiative_id.in_(sa.bindparam("ids", expanding=True)),
        _STATUS_TEXT.in_([s.value for s in PUBLIC_STATUSES]),
    )
    .order_by(InitiativeYear.year)
)


def _initiatives() -> Iterator[dict]:
    public = sa.exists().where(
        InitiativeYear.initiative_id == Initiative.id,
        InitiativeYear.status.in_(PUBLIC_STATUSES),
    )
    stmt = (
        sa.select(
            Initiative.id,
            Initiative.name,
            Unit.id.label("unit_id"),
            Unit.code.label("unit_code"),
            Unit.name.label("unit_name"),
            Field.id.label("field_id"),
            Field.name.label("field_name"),
            Initiative.first_year,
            Initiative.replicated_from_id,
        )
        .join(Unit, Unit.id == Initiative.unit_id)
        .join(Field, Field.id == Initiative.field_id)
        .where(public)
        .order_by(Initiative.id)
    )
    keys = [column.name for column in stmt.selected_columns]
    for chunk in _chunks(stmt):
        ids = [r[0] for r in chunk]
        years: dict[int, list] = {i: [] for i in ids}
        for initiative_id, year, status in (
            db.session.connection().execute(_PUBLIC_YEARS, {"ids": ids}).all()
        ):
            years[initiative_id].append({"year": year, "status": status})
        for r in chunk:
            record = dict(zip(keys, r, strict=True))
            record["years"] = years[r[0]]
            yield record


def _exemplars() -> Iterator[dict]:
    awarded = (
        sa.select(Nomination.exemplar_id, Certificate.serial)
        .join(Certificate, Certificate.nomination_id == Nomination.id)
        .where(Nomination.exemplar_id.is_not(None), Certificate.status == CertificateStatus.VALID)
    )
    stmt = (
        sa.select(
            Exemplar.id,
            Exemplar.name,
            Exemplar.kind,
            Exemplar.position,
            Unit.id.label("unit_id"),
            Unit.code.label("unit_code"),
            Unit.name.label("unit_name"),
            Field.id.label("field_id"),
            Field.name.label("field_name"),
            Exemplar.year,
        )
        .join(Unit, Unit.id == Exemplar.unit_id)
        .outerjoin(Field, Field.id == Exemplar.field_id)
        .where(Exemplar.id.in_(awarded.with_only_columns(Nomination.exemplar_id)))
        .order_by(Exemplar.id)
    )
    for chunk in _chunks(stmt):
        ids = [r.id for r in chunk]
        serials: dict[int, list[str]] = {i: [] for i in ids}
        for exemplar_id, serial in db.session.execute(
            awarded.where(Nomination.exemplar_id.in_(ids)).order_by(Certificate.serial)
        ):
            serials[exemplar_id].append(serial)
        for r in chunk:
            row = r._asdict()
            row["kind"] = r.kind.value
            yield {**row, "awards": serials[r.id]}


def _campaigns() -> Iterator[dict]:
    stmt = (
        sa.select(
            Campaign.id,
            Campaign.name,
            Campaign.year,
            Campaign.kind,
            Campaign.level,
            Unit.code.label("organising_unit_code"),
            Unit.name.label("organising_unit_name"),
            AwardType.id.label("award_type_id"),
            AwardType.form,
            AwardType.issuer_title,
            AwardType.quota,
        )
        .join(Unit, Unit.id == Campaign.organising_unit_id)
        .outerjoin(AwardType, AwardType.campaign_id == Campaign.id)
        .order_by(Campaign.id, AwardType.id)
    )
    for chunk in _chunks(stmt):
        for r in chunk:
            row = r._asdict()
            row["kind"], row["level"] = r.kind.value, r.level.value
            row["form"] = r.form.value if r.form else None
            yield row


def _awards() -> Iterator[dict]:
    stmt = (
        sa.select(
            Certificate.serial,
            Certificate.status,
            Certificate.recipient_name,
            AwardType.form,
            AwardType.issuer_title,
            Decision.number_text.label("decision_number"),
            Decision.signed_on.label("decision_date"),
            Campaign.id.label("campaign_id"),
            Campaign.year.label("campaign_year"),
            Certificate.revoked_reason,
        )
        .join(Decision, Decision.id == Certificate.decision_id)
        .join(AwardType, AwardType.id == Decision.award_type_id)
        .join(Campaign, Campaign.id == Decision.campaign_id)
        .where(Certificate.status.in_((CertificateStatus.VALID, CertificateStatus.REVOKED)))
        .order_by(Certificate.serial)
    )
    for chunk in _chunks(stmt):
        for r in chunk:
            row = r._asdict()
            row["status"], row["form"] = r.status.value, r.form.value
            row["decision_date"] = r.decision_date.isoformat()
            row["revoked_reason"] = r.revoked_reason or None
            yield row


DATASETS = {
    d.name: d
    for d in (
        Dataset(
            "initiatives",
            "Mô hình được công nhận",
            ("initiatives", "units", "campaigns"),
            (
                "id",
                "name",
                "unit_id",
                "unit_code",
                "unit_name",
                "field_id",
                "field_name",
                "first_year",
                "replicated_from_id",
                "years",
            ),
            _initiatives,
        ),
        Dataset(
            "exemplars",
            "Điển hình đã được khen thưởng",
            ("exemplars", "awards", "units", "campaigns"),
            (
                "id",
                "name",
                "kind",
                "position",
                "unit_id",
                "unit_code",
                "unit_name",
                "field_id",
                "field_name",
                "year",
                "awards",
            ),
            _exemplars,
        ),
        Dataset(
            "campaigns",
            "Đợt thi đua và hình thức khen thưởng",
            ("campaigns", "units"),
            (
                "id",
                "name",
                "year",
                "kind",
                "level",
                "organising_unit_code",
                "organising_unit_name",
                "award_type_id",
                "form",
                "issuer_title",
                "quota",
            ),
            _campaigns,
        ),
        Dataset(
            "awards",
            "Giấy khen, bằng khen đã cấp",
            ("awards", "campaigns"),
            (
                "serial",
                "status",
                "recipient_name",
                "form",
                "issuer_title",
                "decision_number",
                "decision_date",
                "campaign_id",
                "campaign_year",
                "revoked_reason",
            ),
            _awards,
        ),
    )
}


@bp.route("/bulk")
@common.conditional(*{name for d in DATASETS.values() for name in d.datasets})
def bulk_index():
    items = []
    for dataset in DATASETS.values():
        _signature_text, changed = bulk_files.signature(dataset)
        items.append(
            {
                "name": dataset.name,
                "title": dataset.title,
                "changed_at": changed.isoformat() + "Z" if changed else None,
                "files": {
                    fmt: common.public_url("api.bulk_file", name=dataset.name, fmt=fmt)
                    for fmt in FORMATS
                },
            }
        )
    return jsonify(items=items)


def _bulk_file(name: str, fmt: str):
    dataset = DATASETS.get(name)
    if dataset is None or fmt not in FORMATS:
        abort(404)
    # Flask adds "; charset=utf-8" to a text/* type itself.
    mimetype = "text/csv" if fmt == "csv" else "application/json"
    for _attempt in range(2):
        path, is_current, modified = bulk_files.built_file(dataset, fmt)
        if path is None:  # the first file is being built: come back shortly
            response, status = common.error("Tệp đang được tạo, vui lòng tải lại sau ít phút.", 503)
            response.status_code = status
            response.headers["Retry-After"] = str(RETRY_SECONDS)
            return response
        try:
            response = exports.send_path(
                path, filename=f"{dataset.name}.{fmt}", mimetype=mimetype, delete=False
            )
            break
        except FileNotFoundError:  # an older file removed as the new one came: send that
            continue
    else:
        abort(503)
    if not is_current:
        # The older file's own validators, never the data's current ones (which would
        # let a client keep it once the new file is there).
        response.set_etag("older-" + os.path.basename(path).rsplit(".", 1)[0])
        response.last_modified = modified
        response.headers["Cache-Control"] = "public, no-cache"
    return response


@bp.route("/bulk/<name>.<fmt>")
def bulk_file(name: str, fmt: str):
    dataset = DATASETS.get(name)
    if dataset is None or fmt not in FORMATS:
        return common.error("Không có tập dữ liệu này.", 404)
    return common.conditional(*dataset.datasets)(_bulk_file)(name, fmt)


_DATASET_NAMES = list(DATASETS)

OPENAPI_PATHS: dict = {
    "/bulk": {
        "get": {
            "operationId": "listBulkDownloads",
            "summary": "Các tập dữ liệu tải trọn bộ (CSV, JSON)",
            "responses": schema.responses(
                schema.json_response("Danh sách tập dữ liệu", schema.ref("BulkIndex")),
                bad_request=False,
            ),
        }
    },
    "/bulk/{name}.{fmt}": {
        "get": {
            "operationId": "getBulkDownload",
            "summary": "Tải trọn bộ một tập dữ liệu công khai",
            "description": (
                "Tệp được tạo lại khi dữ liệu thay đổi; dùng ETag/If-None-Match để chỉ tải "
                "khi có thay đổi. Trong lúc tệp mới đang được tạo, máy chủ gửi tệp hoàn "
                'chỉnh gần nhất (ETag bắt đầu bằng "older-"); khi chưa có tệp nào, trả '
                "503 kèm Retry-After."
            ),
            "parameters": [
                {
                    "name": "name",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "enum": _DATASET_NAMES},
                    "example": "campaigns",
                },
                {
                    "name": "fmt",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "enum": list(FORMATS)},
                    "example": "json",
                },
            ],
            "responses": {
                "200": {
                    "description": "Tệp dữ liệu",
                    "content": {
                        "text/csv": {"schema": {"type": "string"}},
                        "application/json": {"schema": {"type": "array", "items": {}}},
                    },
                },
                "304": schema.NOT_MODIFIED,
                "404": schema.NOT_FOUND,
                "429": schema.TOO_MANY,
                "503": schema.json_response(
                    "Tệp đang được tạo lần đầu; thử lại sau Retry-After giây", schema.ERROR
                ),
            },
        }
    },
}

OPENAPI_SCHEMAS: dict = {
    "BulkIndex": {
        "type": "object",
        "required": ["items"],
        "properties": {
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name", "title", "changed_at", "files"],
                    "properties": {
                        "name": {"type": "string"},
                        "title": {"type": "string"},
                        "changed_at": {"type": "string", "nullable": True},
                        "files": {
                            "type": "object",
                            "properties": {
                                "csv": {"type": "string", "format": "uri"},
                                "json": {"type": "string", "format": "uri"},
                            },
                        },
                    },
                },
            }
        },
    }
}
