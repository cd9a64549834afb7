"""A dot map of the province, drawn on the server as SVG: one dot per unit of the rows
of a :class:`~dankheo.reports.queries.Statistics` (today's communes, or the structure of
the record's year), at the unit's centroid from the official dataset, its area
proportional to the count. No tiles, no script, nothing fetched: the page carries the
SVG (``role="img"``, a ``<title>`` and a ``<desc>``) and the same numbers in a table
beside it, so the map is a picture of the table, never the only place a number is."""

import functools
import math
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import render_template
from markupsafe import Markup

from dankheo.extensions import db
from dankheo.models import Unit
from dankheo.models.registry import PUBLIC_STATUSES
from dankheo.reports.queries import Breakdown, Statistics
from dankheo.vietnamese import format_number, sort_key

# Units' names recur on every dashboard: their sort keys are kept per process (a pure
# function of the name, so never stale); a province's 160 rows cost ~20 ms to key.
_name_key = functools.lru_cache(maxsize=65536)(sort_key)

WIDTH = 640
HEIGHT = 560
PADDING = 24
MAX_RADIUS = 20.0
MIN_RADIUS = 3.0
DOT_COLOUR = "#a50e22"
EMPTY_COLOUR = "#6c757d"


@dataclass
class Dot:
    unit_id: int
    name: str
    count: int
    x: float = 0.0
    y: float = 0.0
    r: float = 0.0


@dataclass
class DotMap:
    id: str
    title: str
    measure: str  # what the dots count ("lượt mô hình")
    dots: list[Dot]  # units with a count and a centroid, largest first (drawn under)
    empty: list[Dot]  # units without records, drawn as small grey points
    unplaced: list[Dot] = field(default_factory=list)  # counts of units without centroid
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def total(self) -> int:
        return sum(d.count for d in self.dots) + sum(d.count for d in self.unplaced)

    @functools.cached_property
    def rows(self) -> list[Dot]:
        """The table beside the map: every unit with a count, most first, then by name
        (sorted once: the template, the description and the caption all read it)."""
        return sorted(
            [*self.dots, *self.unplaced], key=lambda d: (-d.count, _name_key(d.name), d.unit_id)
        )

    @property
    def description(self) -> str:
        """The text alternative: what is drawn and the largest figures."""
        if not self.rows:
            return f"{self.title}: chưa có số liệu."
        top = "; ".join(f"{d.name}: {format_number(d.count)}" for d in self.rows[:5])
        return (
            f"{self.title}. Mỗi chấm là một đơn vị, đặt tại trung tâm địa lý của đơn vị, "
            f"diện tích chấm tỉ lệ với số {self.measure}. "
            f"{format_number(len(self.rows))} đơn vị có số liệu, tổng cộng "
            f"{format_number(self.total)} {self.measure}; nhiều nhất: {top}. "
            "Số liệu đầy đủ ở bảng bên cạnh bản đồ."
        )


def _centroids(ids: list[int]) -> dict[int, tuple[float, float]]:
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Unit.id, Unit.latitude, Unit.longitude).where(
            Unit.id.in_(ids), Unit.latitude.is_not(None), Unit.longitude.is_not(None)
        )
    )
    return {uid: (lat, lon) for uid, lat, lon in rows}


def _place(dots: list[Dot], centroids: dict[int, tuple[float, float]]) -> None:
    """Equirectangular projection scaled to fit, north up (a province is small enough
    for the distortion not to matter), with a longitude scale of cos(latitude)."""
    points = [centroids[d.unit_id] for d in dots]
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    squeeze = math.cos(math.radians(sum(lats) / len(lats)))
    span_x = max((max(lons) - min(lons)) * squeeze, 1e-6)
    span_y = max(max(lats) - min(lats), 1e-6)
    scale = min((WIDTH - 2 * PADDING) / span_x, (HEIGHT - 2 * PADDING) / span_y)
    # Centre the drawing in the box.
    offset_x = (WIDTH - span_x * scale) / 2
    offset_y = (HEIGHT - span_y * scale) / 2
    for dot, (lat, lon) in zip(dots, points, strict=True):
        dot.x = round(offset_x + (lon - min(lons)) * squeeze * scale, 1)
        dot.y = round(offset_y + (max(lats) - lat) * scale, 1)


def build_map(
    rows: list[Breakdown],
    counts: dict[int, int],
    *,
    map_id: str,
    title: str,
    measure: str,
) -> DotMap | None:
    """The map of ``rows`` (unit rows of a Statistics) with ``counts`` (unit id → count);
    None when fewer than two of them have a centroid (nothing to draw a map of)."""
    units = [(b.unit_id, b.label) for b in rows if b.unit_id is not None]
    centroids = _centroids([uid for uid, _ in units])
    located = [uid for uid, _ in units if uid in centroids]
    if len(located) < 2:
        return None
    dots, empty, unplaced = [], [], []
    for uid, name in units:
        dot = Dot(uid, name, counts.get(uid, 0))
        if uid not in centroids:
            if dot.count:
                unplaced.append(dot)
        elif dot.count:
            dots.append(dot)
        else:
            empty.append(dot)
    _place([*dots, *empty], centroids)
    largest = max((d.count for d in dots), default=1)
    for dot in dots:
        dot.r = round(max(MIN_RADIUS, MAX_RADIUS * math.sqrt(dot.count / largest)), 1)
    for dot in empty:
        dot.r = 1.5
    dots.sort(key=lambda d: (-d.count, d.unit_id))  # small dots are drawn over large ones
    return DotMap(map_id, title, measure, dots, empty, unplaced)


def statistics_map(stats: Statistics) -> DotMap | None:
    """The dashboard's map: the rows of the unit table and their totals, in the roll-up
    the page shows."""
    return build_map(
        stats.by_unit,
        {b.unit_id: b.total for b in stats.by_unit if b.unit_id is not None},
        map_id="ban-do-don-vi",
        title=f"Bản đồ số lượt mô hình theo đơn vị, {stats.period.label}",
        measure="lượt mô hình",
    )


def public_map(stats: Statistics) -> DotMap | None:
    """The gallery's map: only what the gallery shows (years recognised or outstanding)."""
    return build_map(
        stats.by_unit,
        {
            b.unit_id: sum(b.counts[s] for s in PUBLIC_STATUSES)
            for b in stats.by_unit
            if b.unit_id is not None
        },
        map_id="ban-do-mo-hinh",
        title=f"Bản đồ mô hình được công nhận, tiêu biểu, {stats.period.label}",
        measure="lượt mô hình được công nhận, tiêu biểu",
    )


def render_map(dot_map: DotMap) -> Markup:
    """The map as an ``<svg>`` element (our template, autoescaped)."""
    svg = render_template(
        "reports/map.svg", map=dot_map, dot_colour=DOT_COLOUR, empty_colour=EMPTY_COLOUR
    )
    return Markup(svg)  # noqa: S704 (our own template's autoescaped output)
