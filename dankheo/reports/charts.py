"""Charts drawn on the server as SVG (no JavaScript): horizontal bars, stacked by status
where a chart has several series. Each SVG carries ``role="img"``, a ``<title>`` and a
``<desc>`` holding the numbers; pages also show the same numbers in a table beside it.

The SVG uses presentation attributes only (no ``style``), so it is inlined in HTML
pages under the Content-Security-Policy and embedded as is in the PDF reports."""

from dataclasses import dataclass

from markupsafe import Markup, escape

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
    """The chart as an ``<svg>`` element, written here rather than by a template (a
    province's unit chart has ~800 elements; the template's per-value work was most of
    the cost of drawing it). Every text is escaped; the numbers are ours."""
    box = layout(chart)
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" class="dk-chart" '
        f'viewBox="0 0 {box["width"]} {box["height"]}" width="{box["width"]}" '
        f'height="{box["height"]}" role="img" '
        f'aria-labelledby="{escape(chart.id)}-title {escape(chart.id)}-desc" '
        'font-family="DK Serif, Liberation Serif, Tinos, Times New Roman, serif" '
        'font-size="14">\n'
        f'<title id="{escape(chart.id)}-title">{escape(chart.title)}</title>\n'
        f'<desc id="{escape(chart.id)}-desc">{escape(chart.description)}</desc>'
    ]
    for item in box["legend"]:
        out.append(
            f'\n<rect x="{item["x"]}" y="4" width="12" height="12" '
            f'fill="{escape(item["colour"])}"/>\n'
            f'<text x="{item["x"] + 16}" y="14" fill="#212529">{escape(item["name"])}</text>'
        )
    label_width, bar_height = box["label_width"], box["bar_height"]
    out.append(
        f'\n<line x1="{label_width}" y1="{box["top"] - 2}" x2="{label_width}" '
        f'y2="{box["height"] - 6}" stroke="#6c757d" stroke-width="1"/>'
    )
    for row in box["rows"]:
        full_label = escape(row.full_label)
        text_y = row.y + bar_height - 3
        out.append(
            f"\n<g>\n<title>{full_label}: {row.total}</title>\n"
            f'<text x="{label_width - 6}" y="{text_y}" text-anchor="end" fill="#212529">'
            f"{escape(row.label)}</text>"
        )
        for seg in row.segments:
            out.append(
                f'\n<rect x="{seg.x}" y="{row.y}" width="{seg.width}" height="{bar_height}" '
                f'fill="{escape(seg.colour)}"><title>{full_label} – {escape(seg.name)}: '
                f"{seg.value}</title></rect>"
            )
        end = (row.segments[-1].x + row.segments[-1].width) if row.segments else label_width
        out.append(f'\n<text x="{end}" dx="6" y="{text_y}" fill="#212529">{row.total}</text>\n</g>')
    out.append("\n</svg>")
    return Markup("".join(out))  # noqa: S704 (every text above is escaped)


def svg_document(chart: Chart) -> str:
    """The chart as a standalone SVG file (for download)."""
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + str(render_svg(chart))
