"""Background jobs of the reports, registered with ``dankheo.jobs``: the PDF of a report
(its HTML is rendered in the request, the PDF in a worker under a time limit)."""

from dankheo import jobs
from dankheo.reports import pdf


@jobs.job("render_report")
def render_report(html: str) -> bytes:
    return pdf.pdf_from_html(html)
