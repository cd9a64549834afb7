"""A :class:`~dankheo.documents.model.Document` as HTML (rendered by the caller's worker
to PDF/A through ``dankheo.pdf``) and as PDF bytes."""

from flask import render_template

from dankheo.documents.model import Document
from dankheo.pdf.render import app_renderer

STYLESHEET = "document"


def to_html(doc: Document) -> str:
    return render_template("documents/document.html", doc=doc)


def html_to_pdf(html: str, *, archival: bool = True) -> bytes:
    """PDF/A-3b bytes (``archival``) of a document's HTML, in this process: callers run
    it in a worker job, never in a request."""
    return app_renderer().render(html, STYLESHEET, archival=archival)


def to_pdf(doc: Document, *, archival: bool = True) -> bytes:
    return html_to_pdf(to_html(doc), archival=archival)
