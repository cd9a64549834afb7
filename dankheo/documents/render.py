"""A :class:`~dankheo.documents.model.Document` as HTML (rendered by the caller's worker
to PDF/A through ``dankheo.pdf``) and as PDF bytes."""

import re

from flask import render_template
from markupsafe import Markup, escape

from dankheo.documents.model import Document
from dankheo.pdf.render import app_renderer

STYLESHEET = "document"


# A range of years or numbers ("2021–2025", "10–15"): kept on one line, as a typed
# document would keep it (a line may otherwise break after the en dash). The DOCX needs
# nothing: Word does not break there.
_RANGE = re.compile(r"\d+–\d+")


def keep_ranges(text) -> Markup:
    """``text`` escaped, with each number range in a span that does not wrap."""
    escaped = str(escape(text or ""))
    return Markup(_RANGE.sub(lambda m: f'<span class="nowrap">{m.group(0)}</span>', escaped))  # noqa: S704 (escaped)


def to_html(doc: Document) -> str:
    return render_template("documents/document.html", doc=doc, keep=keep_ranges)


def html_to_pdf(html: str, *, archival: bool = True) -> bytes:
    """PDF/A-3b bytes (``archival``) of a document's HTML, in this process: callers run
    it in a worker job, never in a request."""
    return app_renderer().render(html, STYLESHEET, archival=archival)


def to_pdf(doc: Document, *, archival: bool = True) -> bytes:
    return html_to_pdf(to_html(doc), archival=archival)
