"""The yearly report and the phase summary as PDF/A (A4 portrait, State or Party
document profile). Rendering goes through ``dankheo.pdf`` (the only code importing
WeasyPrint, with its allow-list fetcher), using the A4-portrait "decision" stylesheet
plus static/css/print/report.css for the tables and charts.

The HTML is rendered in the request; the PDF is made by the background worker
(``reports.jobs``' ``render_report`` job) under a time limit."""

from flask import render_template

from dankheo import jobs, vietnamese
from dankheo.extensions import db
from dankheo.models import Unit
from dankheo.pdf.render import app_renderer
from dankheo.reports.charts import render_svg
from dankheo.reports.queries import Statistics
from dankheo.reports.rollup import ROLLUP_EXPLANATIONS, ROLLUP_LABELS
from dankheo.reports.tables import Table
from dankheo.vietnamese import date_line

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
        date_line=date_line(document_place(stats), vietnamese.today()),
        rollup_label=ROLLUP_LABELS[stats.rollup],
        rollup_explanation=ROLLUP_EXPLANATIONS[stats.rollup],
        render_svg=render_svg,
    )


REPORT_TIME_LIMIT = 120  # seconds; a phase summary of a large province takes a few


def pdf_from_html(html: str) -> bytes:
    """PDF/A bytes of a report's HTML (what the worker's ``render_report`` job runs)."""
    engine = app_renderer()
    with jobs.time_limit(REPORT_TIME_LIMIT):
        return engine.render(html, "decision", archival=True)


def render_report(stats: Statistics, tables: list[Table], *, profile: str = "party") -> bytes:
    """The report as PDF/A bytes, made by the background worker (JobFailed when it
    fails or no worker answers in time)."""
    html = report_html(stats, tables, profile=profile)
    return jobs.wait_for("render_report", html, timeout=REPORT_TIME_LIMIT)
