"""Charts drawn on the server as SVG (no JavaScript): horizontal bars, stacked by status
where a chart has several series. Each SVG carries ``role="img"``, a ``<title>`` and a
``<desc>`` holding the numbers; pages also show the same numbers in a table beside it.

The SVG uses presentation attributes only (no ``style``), so it is inlined in HTML
pages under the Content-Security-Policy and embedded as is in the PDF reports."""

from dataclasses import dataclass

from flask import render_template
from markupsafe import Markup

from dankheo.reports.tables import Chart

WIDTH = 720
LABEL_WIDTH = 250
VALUE_WIDTH = 60
ROW_HEIGHT = 28
BAR_HEIGHT = 18
LEGEND_HEIGHT = 26
LABEL_CHARS = 38


@dataclass
class Segment:
    x: float
    width: float
    colour: str
    name: str
    value: int


@dataclass
class Row:
    y: float
    label: str
    full_label: str
    total: int
    segments: list[Segment]


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def layout(chart: Chart) -> dict:
    """Coordinates of every bar, label and legend entry of ``chart``."""
    totals = chart.totals()
    top = LEGEND_HEIGHT if chart.stacked else 6
    scale_max = max(totals, default=0) or 1
    bar_area = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    rows = []
    for i, category in enumerate(chart.categories):
        x = float(LABEL_WIDTH)
        segments = []
        for s in chart.series:
            value = s.values[i]
            width = bar_area * value / scale_max
            if value:
                segments.append(Segment(round(x, 2), round(width, 2), s.colour, s.name, value))
            x += width
        rows.append(Row(top + i * ROW_HEIGHT, _short(category), category, totals[i], segments))
    legend = []
    if chart.stacked:
        x = LABEL_WIDTH
        for s in chart.series:
            legend.append({"x": x, "colour": s.colour, "name": s.name})
            x += 16 + 8 * len(s.name) + 20
    height = top + max(len(rows), 1) * ROW_HEIGHT + 8
    return {
        "width": WIDTH,
        "height": height,
        "label_width": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
        "row_height": ROW_HEIGHT,
        "rows": rows,
        "legend": legend,
        "top": top,
    }


def render_svg(chart: Chart) -> Markup:
    """The chart as an ``<svg>`` element (our template, autoescaped)."""
    svg = render_template("reports/chart.svg", chart=chart, box=layout(chart))
    return Markup(svg)  # noqa: S704 (our own template's autoescaped output)


def svg_document(chart: Chart) -> str:
    """The chart as a standalone SVG file (for download)."""
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + str(render_svg(chart))
