"""Statistics on the real Tây Ninh data: both roll-ups give the same provincial totals,
a divided commune's records count once (under its default successor, as the page says),
and the dot map shows the same numbers as its table and the unit table."""

import re
from html import unescape

import pytest
import sqlalchemy as sa

from dankheo.demo.units import CODES
from dankheo.extensions import db
from dankheo.models import InitiativeYear, UnitSuccession, YearStatus
from dankheo.reports.queries import Period, compute_statistics
from dankheo.reports.rollup import RollUp, UnitIndex
from tests.demo.conftest import unit
from tests.factories import make_initiative

PERIODS = [Period(2021, 2025), *(Period(2021, 2025, y) for y in range(2021, 2026))]


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: p.label)
def test_both_roll_ups_give_the_same_provincial_totals(demo, period):
    province = unit(CODES["province"])
    by_year = compute_statistics(province.id, period, RollUp.RECORD_YEAR)
    current = compute_statistics(province.id, period, RollUp.CURRENT)
    rows = db.session.scalar(
        sa.select(sa.func.count(InitiativeYear.id)).where(
            InitiativeYear.year.between(period.first, period.last)
        )
    )
    assert by_year.total == current.total == rows > 0  # every record of both old provinces
    assert by_year.statuses == current.statuses
    assert by_year.exemplars_by_kind == current.exemplars_by_kind
    assert by_year.nominations_by_state == current.nominations_by_state
    assert by_year.figures == current.figures
    assert sum(b.total for b in by_year.by_unit) == sum(b.total for b in current.by_unit)
    # By the structure of the year the rows are the old districts (2021–2024) and today's
    # communes (2025); by today's structure, only today's units.
    if period.year == 2024:
        labels = [b.label for b in by_year.by_unit if b.total]
        assert labels and all("(đến " in label for label in labels)
    current_units = {b.unit_id for b in current.by_unit if b.total and b.unit_id != province.id}
    assert all(unit_row.valid_to is None for unit_row in map(_unit, current_units))


def _unit(unit_id):
    from dankheo.models import Unit

    return db.session.get(Unit, unit_id)


def _split() -> tuple:
    """A commune divided among several new ones: (it, its default successor, another)."""
    default = db.session.scalar(
        sa.select(UnitSuccession).where(UnitSuccession.is_default.is_(True)).limit(1)
    )
    other = db.session.scalar(
        sa.select(UnitSuccession).where(
            UnitSuccession.predecessor_id == default.predecessor_id,
            UnitSuccession.is_default.is_(False),
        )
    )
    return default.predecessor, default.successor, other.successor


def test_a_divided_communes_records_count_once_under_its_default_successor(demo, signed_in):
    divided, default, other = _split()
    province = unit(CODES["province"])
    phase = Period(2021, 2025)
    before = {
        mode: compute_statistics(province.id, phase, mode)
        for mode in (RollUp.RECORD_YEAR, RollUp.CURRENT)
    }
    before_default = compute_statistics(default.id, phase, RollUp.CURRENT).total
    before_other = compute_statistics(other.id, phase, RollUp.CURRENT).total
    make_initiative(divided, "Mô hình của xã bị chia tách", year=2024, status=YearStatus.RECOGNISED)
    db.session.commit()
    for mode, stats in before.items():
        assert compute_statistics(province.id, phase, mode).total == stats.total + 1
    current = compute_statistics(province.id, phase, RollUp.CURRENT)
    rows = {b.unit_id: b.total for b in current.by_unit}
    old_rows = {b.unit_id: b.total for b in before[RollUp.CURRENT].by_unit}
    assert rows[default.id] == old_rows.get(default.id, 0) + 1
    assert rows.get(other.id, 0) == old_rows.get(other.id, 0)
    # Seen from each successor: the default counts it (in both modes), the other does not.
    for mode in (RollUp.RECORD_YEAR, RollUp.CURRENT):
        assert compute_statistics(default.id, phase, mode).total == before_default + 1
        assert compute_statistics(other.id, phase, mode).total == before_other
    # ...and the page says so.
    html = signed_in("lanhdao").get("/reports/?year=giai-doan&mode=current").get_data(as_text=True)
    assert "được tính một lần, cho đơn vị kế thừa mặc định" in html
    index = UnitIndex.load()
    splits = index.splits_within(index.units[province.id])
    assert divided.id in {s.unit.id for s in splits}
    assert f"Có {len(splits)} đơn vị như vậy: {splits[0].label} → {splits[0].default.name}" in (
        unescape(html)
    )


def _map_table(html: str, map_id: str) -> dict[str, int]:
    table = html[html.index(f'id="bang-{map_id}"') :]
    table = table[: table.index("</table>")]
    cells = re.findall(r'data-map-unit="(\d+)">([\d.]+)<', table)
    return {uid: int(value.replace(".", "")) for uid, value in cells}


def test_the_dashboard_map_is_accessible_svg_with_the_numbers_of_its_table(signed_in):
    html = signed_in("lanhdao").get("/reports/?year=giai-doan&mode=current").get_data(as_text=True)
    svg = html[html.index('<svg xmlns="http://www.w3.org/2000/svg" class="dk-map"') :]
    svg = svg[: svg.index("</svg>") + 6]
    assert 'role="img"' in svg and 'aria-labelledby="ban-do-don-vi-title ban-do-don-vi-desc"' in svg
    assert '<title id="ban-do-don-vi-title">Bản đồ số lượt mô hình theo đơn vị' in svg
    assert "Số liệu đầy đủ ở bảng bên cạnh bản đồ." in svg
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")  # nothing fetched
    numbers = _map_table(html, "ban-do-don-vi")
    province = unit(CODES["province"])
    stats = compute_statistics(province.id, Period(2021, 2025), RollUp.CURRENT)
    expected = {str(b.unit_id): b.total for b in stats.by_unit if b.unit_id and b.total}
    assert numbers == expected
    assert svg.count("<circle") > 90  # today's communes, with and without records
    total = re.search(r"data-map-total>([\d.]+)<", html).group(1)
    assert int(total.replace(".", "")) == stats.total


def test_the_gallery_shows_a_map_of_recognised_initiatives(signed_in):
    html = signed_in().get("/public/").get_data(as_text=True)
    assert 'aria-labelledby="ban-do-mo-hinh-title ban-do-mo-hinh-desc"' in html
    numbers = _map_table(html, "ban-do-mo-hinh")
    province = unit(CODES["province"])
    stats = compute_statistics(province.id, Period(2021, 2025), RollUp.CURRENT)
    public = {
        str(b.unit_id): b.counts[YearStatus.RECOGNISED] + b.counts[YearStatus.OUTSTANDING]
        for b in stats.by_unit
        if b.unit_id
    }
    assert numbers == {k: v for k, v in public.items() if v}
