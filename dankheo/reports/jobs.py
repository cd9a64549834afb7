"""Background jobs of the reports, registered with ``dankheo.jobs``: the PDF of a report
(its HTML is rendered in the request, the PDF in a worker under a time limit)."""

from dankheo import jobs
from dankheo.extensions import db
from dankheo.reports import pdf, summary


@jobs.job("render_report")
def render_report(html: str) -> bytes:
    return pdf.pdf_from_html(html)


@jobs.job("rebuild_report_counts")
def rebuild_report_counts() -> int:
    """Recompute the dashboard's kept counts (reports.summary) and commit."""
    written = summary.rebuild()
    db.session.commit()
    return written
