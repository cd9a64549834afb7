"""Invisible characters (issue 14, finding 8): bidi overrides and zero-width characters
(U+202E, U+200B, U+FEFF…) were stored in names that print on certificates and on the
public verify page, where "‮Anh" reads backwards. Every stored string is now NFC without
control or format characters, whichever path writes it, and Vietnamese stays whole."""

import unicodedata

import pytest
import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models import Base, Certificate, Exemplar, Nomination, Unit
from dankheo.vietnamese import clean_text, nfc
from tests.security.world import build_world, sign_in_session

HOSTILE_NAME = "\u202eNguyễn\u202c Thị\u200b Mai\ufeff\u2066\u2069\u200d"
CLEAN_NAME = "Nguyễn Thị Mai"
VIETNAMESE = "Mô hình «Tuyến đường hoa» ở ấp Bình Hòa – Đồng Khởi, Trảng Bàng"


def _format_chars(text: str) -> list[str]:
    return [f"U+{ord(ch):04X}" for ch in text if unicodedata.category(ch) == "Cf"]


@pytest.mark.parametrize(
    "ch",
    [
        "\u202a",
        "\u202b",
        "\u202d",
        "\u202e",
        "\u2066",
        "\u2067",
        "\u2068",
        "\u200b",
        "\u200c",
        "\u200d",
        "\u200e",
        "\u200f",
        "\ufeff",
        "\u2060",
        "\u00ad",
        "\u061c",
    ],
)
def test_every_bidi_control_and_zero_width_character_is_dropped(ch):
    assert nfc(f"Anh{ch}Tuấn") == "AnhTuấn"
    assert clean_text(f"{ch} x") == " x"


def test_vietnamese_is_kept_whole_and_composed():
    decomposed = unicodedata.normalize("NFD", VIETNAMESE)
    assert decomposed != VIETNAMESE
    assert nfc(decomposed) == VIETNAMESE
    assert clean_text("dòng một\ndòng\thai") == "dòng một\ndòng\thai"


def test_a_name_typed_in_a_form_is_stored_clean(app, client):
    world = build_world()
    with client.session_transaction() as session:
        sign_in_session(session, world.users["officer"])
    response = client.post(
        "/registry/exemplars/new",
        data={
            "kind": "individual",
            "name": HOSTILE_NAME,
            "unit_id": str(world.units["c11"].id),
            "year": "2024",
        },
    )
    assert response.status_code == 302
    stored = db.session.scalar(sa.select(Exemplar).order_by(Exemplar.id.desc()))
    assert stored.name == CLEAN_NAME


def test_any_path_through_the_models_stores_clean_text(app):
    """Not only forms: a service, an import or a command writing through the ORM."""
    world = build_world()
    nomination = world.nomination
    nomination.recipient_name = HOSTILE_NAME
    nomination.achievement_text = "Đã có thành tích\u202e xuất sắc\u200b"
    world.units["c11"].name = "Xã\u200b Một\ufeff Một"
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Nomination, nomination.id).recipient_name == CLEAN_NAME
    assert db.session.get(Nomination, nomination.id).achievement_text == (
        "Đã có thành tích xuất sắc"
    )
    assert db.session.get(Unit, world.units["c11"].id).name == "Xã Một Một"


def test_the_verify_page_shows_the_name_as_typed_in_order(app, client):
    world = build_world()
    cert = world.certificate
    cert.recipient_name = HOSTILE_NAME
    db.session.commit()
    html = client.get(f"/verify/{cert.serial}").get_data(as_text=True)
    assert CLEAN_NAME in html and not _format_chars(html)
    assert db.session.get(Certificate, cert.id).recipient_name == CLEAN_NAME


def test_every_string_column_of_every_model_is_stored_clean(app):
    """The class, not a list: for one row of every mapped model, every string column
    is written with invisible characters added, and reads back without them."""
    build_world()
    written = 0
    for mapper in Base.registry.mappers:
        obj = db.session.scalar(sa.select(mapper.class_).limit(1))
        if obj is None:
            continue
        for attr in mapper.column_attrs:
            column = attr.columns[0]
            if not isinstance(column.type, sa.String) or isinstance(column.type, sa.Enum):
                continue
            value = getattr(obj, attr.key)
            if isinstance(value, str) and value:
                setattr(obj, attr.key, f"\u202e{value}\u200b\ufeff")
                written += 1
    db.session.commit()
    db.session.expire_all()
    assert written >= 40  # the world fills most string columns of most models
    bad = []
    for table in Base.metadata.sorted_tables:
        columns = [
            c
            for c in table.columns
            if isinstance(c.type, sa.String) and not isinstance(c.type, sa.Enum)
        ]
        for row in db.session.execute(sa.select(*columns)) if columns else ():
            for column, value in zip(columns, row, strict=True):
                if isinstance(value, str) and _format_chars(value):
                    bad.append(f"{table.name}.{column.name}")
    assert not bad, sorted(set(bad))
