"""The report as an official document (reports.document) in PDF/A and DOCX, State or
Party profile, under the issuer's header. Rendering goes through ``dankheo.documents``
(and so ``dankheo.pdf``, the only code importing WeasyPrint, with its allow-list
fetcher).

The HTML is rendered in the request; the PDF is made by the background worker
(``reports.jobs``' ``render_report`` job) under a time limit. The DOCX is made in the
request (python-docx, a few milliseconds)."""

from dankheo import jobs, vietnamese
from dankheo.certificates.issuers import province_place
from dankheo.documents import docx, render
from dankheo.documents.model import Document
from dankheo.extensions import db
from dankheo.models import Unit
from dankheo.reports import document, narratives
from dankheo.reports.queries import Statistics
from dankheo.reports.tables import Table


def report_document(user, stats: Statistics, tables: list[Table], *, profile: str) -> Document:
    """The report of ``stats`` as ``user`` would print it today (Vietnam's date)."""
    narrative = narratives.narrative_for(stats.root.id, stats.period)
    issuer = narratives.report_issuer(user, narrative, profile)
    day = vietnamese.today()
    unit = db.session.get(Unit, stats.root.id)
    settings = narratives.report_settings(
        issuer, profile, stats.root.name, province_place(unit), day
    )
    return document.build(stats, tables, narrative, settings, day)


REPORT_TIME_LIMIT = 120  # seconds; a phase summary of a large province takes a few


def pdf_from_html(html: str) -> bytes:
    """PDF/A bytes of a report's HTML (what the worker's ``render_report`` job runs)."""
    with jobs.time_limit(REPORT_TIME_LIMIT):
        return render.html_to_pdf(html, archival=True)


def render_report(doc: Document) -> bytes:
    """The report as PDF/A bytes, made by the background worker (JobFailed when it
    fails or no worker answers in time)."""
    return jobs.wait_for("render_report", render.to_html(doc), timeout=REPORT_TIME_LIMIT)


def report_docx(doc: Document) -> bytes:
    return docx.to_docx(doc)
