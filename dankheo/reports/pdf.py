"""The yearly report and the phase summary as PDF/A (A4 portrait, State or Party
document profile). Rendering goes through ``dankheo.certificates.pdf`` (the only module
importing WeasyPrint, with its allow-list fetcher), using the A4-portrait "decision"
stylesheet plus static/css/print/report.css for the tables and charts."""

from datetime import date
from pathlib import Path

from flask import current_app, render_template

from dankheo.extensions import db
from dankheo.models import Unit
from dankheo.reports.charts import render_svg
from dankheo.reports.queries import ROLLUP_EXPLANATIONS, ROLLUP_LABELS, Statistics
from dankheo.reports.tables import Table

_PLACE_PREFIXES = ("Thành phố ", "Tỉnh ")


def document_place(stats: Statistics) -> str:
    """The place of the date line: the top-level unit's name without "Tỉnh"."""
    top = db.session.get(Unit, stats.root.ids_on_path()[0])
    name = top.name if top is not None else stats.root.name
    for prefix in _PLACE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def report_html(stats: Statistics, tables: list[Table], *, profile: str) -> str:
    return render_template(
        "reports/report_pdf.html",
        stats=stats,
        tables=tables,
        profile=profile,
        place=document_place(stats),
        today=date.today(),
        rollup_label=ROLLUP_LABELS[stats.rollup],
        rollup_explanation=ROLLUP_EXPLANATIONS[stats.rollup],
        render_svg=render_svg,
    )


def render_report(stats: Statistics, tables: list[Table], *, profile: str = "party") -> bytes:
    """The report as PDF/A bytes."""
    from dankheo.certificates.pdf import renderer

    html = report_html(stats, tables, profile=profile)
    engine = renderer(Path(current_app.static_folder), Path(current_app.config["UPLOAD_DIR"]))
    return engine.render(html, "decision", archival=True)
