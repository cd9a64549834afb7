"""Official documents (decisions, reports): one structured model rendered to PDF/A
through ``dankheo.pdf`` and to DOCX with python-docx, with the same text; and text
measurement with the bundled font's metrics (``documents.fit``). Imports no feature."""
