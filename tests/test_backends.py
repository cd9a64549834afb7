"""Vietnamese ordering and accent-insensitive search give the same answers in the
database as in Python, on SQLite and on PostgreSQL (CI runs this file on both)."""

import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models import Unit
from dankheo.vietnamese import search_pattern, sort_key
from tests.factories import make_unit

NAMES = [
    "Đông Hòa",
    "Dung Thạnh",
    "Ân Phú",
    "Ăn Lộc",
    "An Bình",
    "an bình 2",
    "Bé Tư",
    "Be Ba",
    "Bè Năm",
    "Zô Zô",
    "Ơn Nghĩa",
    "Ôn Lương",
    "On Tân",
    "Xã 10",
    "Xã 9",
    "Ấp Tân Hòa",
    "Phường Long Hoa",
    "Trường Đông",
]


def _load():
    for name in NAMES:
        make_unit(name)
    db.session.commit()


def test_database_order_by_sort_key_is_vietnamese_dictionary_order(app):
    _load()
    in_db = db.session.scalars(sa.select(Unit.name).order_by(Unit.sort_key, Unit.id)).all()
    assert in_db == sorted(NAMES, key=lambda n: (sort_key(n), NAMES.index(n)))
    # and backwards, as "sort=name&dir=desc" lists do
    in_db_desc = db.session.scalars(sa.select(Unit.name).order_by(Unit.sort_key.desc())).all()
    assert in_db_desc[0] == "Zô Zô" and in_db_desc[-1] in ("An Bình", "an bình 2")


def test_range_comparisons_on_sort_keys_are_bytewise(app):
    _load()
    # Keyset pagination compares keys with < and >: "after Bè Năm" must mean the same.
    after = db.session.scalars(
        sa.select(Unit.name).where(Unit.sort_key > sort_key("Bè Năm")).order_by(Unit.sort_key)
    ).all()
    assert after == [n for n in sorted(NAMES, key=sort_key) if sort_key(n) > sort_key("Bè Năm")]


def _search(query: str) -> set[str]:
    return set(
        db.session.scalars(
            sa.select(Unit.name).where(Unit.search_text.like(search_pattern(query), escape="\\"))
        )
    )


def test_search_ignores_accents_and_case_in_the_database(app):
    _load()
    assert _search("hoa") == {"Đông Hòa", "Ấp Tân Hòa", "Phường Long Hoa"}
    assert _search("HÒA") == _search("hoa")
    assert _search("duong") == set()  # "Dung" is not "Dương"
    assert _search("dong") == {"Đông Hòa", "Trường Đông"}
    assert _search("tan hoa") == {"Ấp Tân Hòa"}


def test_search_treats_like_wildcards_as_text(app):
    _load()
    make_unit("Tổ 50% hộ khá")
    make_unit("Ấp_Mới")
    db.session.commit()
    assert _search("50%") == {"Tổ 50% hộ khá"}
    assert _search("p_m") == {"Ấp_Mới"}
    assert _search("%") == {"Tổ 50% hộ khá"}
