"""The cold dashboard's fast paths give what the slow ones gave: the link encoder is
``urlencode``'s text, the unit index's children are those of a scan, the map's table is
sorted by count then Vietnamese name, the kept tables are rebuilt in key order."""

from urllib.parse import urlencode as library_urlencode

import pytest
import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models import ReportCount
from dankheo.reports import html, summary
from dankheo.reports.map import Dot, DotMap
from dankheo.reports.rollup import UnitIndex, UnitRow
from dankheo.tree import Successions


@pytest.mark.parametrize(
    "params",
    [
        {"year": 2024, "unit": 12901, "status": "recognised"},
        {"field": 7, "year": 2025},
        {"q": "Dương hòa & <x>", "a b": "~/?=#", "c": "-_.", "d": ""},
        {},
    ],
)
def test_links_encode_like_urlencode(params):
    assert html.urlencode(params) == library_urlencode(params)


def _row(uid, parent, name):
    path = f"/{parent:07d}/{uid:07d}/" if parent else f"/{uid:07d}/"
    return UnitRow(uid, name, path, 1 if parent else 0, parent, None, None, name.lower())


def test_children_come_from_the_map_in_name_order_and_a_fresh_list():
    rows = [_row(1, None, "Tỉnh"), _row(4, 1, "c"), _row(2, 1, "b"), _row(3, 1, "a")]
    index = UnitIndex(rows, Successions({}, {}))
    scan = sorted((u for u in rows if u.parent_id == 1), key=lambda u: u.sort_key)
    assert index.children(rows[0]) == scan
    index.children(rows[0]).append(rows[0])  # callers extend their copy
    assert index.children(rows[0]) == scan
    assert index.has_children(rows[0]) and not index.has_children(rows[1])


def test_map_rows_by_count_then_vietnamese_name():
    dots = [Dot(1, "Xã Đông", 5), Dot(2, "Xã Dương", 5), Dot(3, "Xã Ấp", 9)]
    dot_map = DotMap("m", "t", "lượt", dots, [], [Dot(4, "Cơ quan", 5)])
    assert [d.unit_id for d in dot_map.rows] == [3, 4, 2, 1]  # D < Đ
    assert dot_map.rows is dot_map.rows  # sorted once


def test_a_rebuild_writes_the_counts_in_key_order(data):
    summary.rebuild()
    db.session.commit()
    t = ReportCount.__table__.c
    key = (t.mode, t.root_id, t.year, t.bucket_id, t.field_id, t.status)
    place = "ctid" if db.engine.dialect.name == "postgresql" else "rowid"
    physical = db.session.execute(sa.select(*key).order_by(sa.literal_column(place))).all()
    assert len(physical) > 1 and physical == sorted(physical)
