"""PDF rendering with WeasyPrint (the only module that imports it).

One ``Renderer`` per worker thread keeps the parsed stylesheets and the font
configuration (reusing them is what keeps rendering fast and memory flat, see
docs/performance.md). Every ``HTML`` and ``CSS`` gets the same allow-list fetcher:
``data:`` URLs and regular files under static/ or the upload folder, nothing else;
a refused URL aborts the render (``fail_on_errors``) and is logged. Rendering runs in
worker processes under ``dankheo.jobs.time_limit``, never in a request.

WeasyPrint is imported the first time something is rendered, not with this module:
with certificates composed from a cached frame (``pdf.compose``), a certificate worker
that finds its designs' frames on disk never loads it (~27 MB of a process's memory
and ~0.5 s of its start; docs/performance.md).
"""

import functools
import logging
import threading
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from flask import current_app
from PIL import ImageFile

log = logging.getLogger(__name__)

# The page stylesheets documents are rendered with, under static/css/print/ (parsed once
# a renderer): certificates, overlay pages for pre-printed blanks, official documents
# (decisions and reports, dankheo.documents).
STYLESHEETS = ("certificate", "overlay", "document")


@functools.cache
def weasyprint():
    """The weasyprint module, imported once. Importing it switches Pillow to accept
    truncated images process-wide; Pillow's default is put back so upload checks
    elsewhere still refuse truncated files (our own images are re-encoded)."""
    import weasyprint as module
    import weasyprint.text.fonts
    import weasyprint.urls

    ImageFile.LOAD_TRUNCATED_IMAGES = False
    return module


class RefusedURL(ValueError):
    """The fetcher refused a URL (not data:, or a file outside the allowed folders)."""


@functools.cache
def _fetcher_class():
    class SafeFetcher(weasyprint().urls.URLFetcher):
        """WeasyPrint's fetcher restricted to ``data:`` URLs and files under ``roots``.

        Files are compared after ``resolve()``, so ``..`` and symlinks cannot leave the
        allowed folders. ``requested`` records every URL asked for (tests read it)."""

        def __init__(self, roots: list[Path]):
            super().__init__(
                allowed_protocols=("data", "file"),
                allow_redirects=False,
                fail_on_errors=True,
                timeout=5,
            )
            self.roots = [Path(r).resolve() for r in roots]
            self.requested: list[str] = []

        def allowed_path(self, url: str) -> Path:
            """The resolved file ``url`` names, or RefusedURL."""
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                raise RefusedURL(url)
            try:
                path = Path(url2pathname(parts.path)).resolve(strict=True)
            except (OSError, RuntimeError) as err:
                raise RefusedURL(url) from err
            if not path.is_file() or not any(path.is_relative_to(root) for root in self.roots):
                raise RefusedURL(url)
            return path

        def fetch(self, url, headers=None):
            self.requested.append(url)
            scheme = url.split(":", 1)[0].lower() if ":" in url else ""
            try:
                if scheme == "data":
                    return super().fetch(url, headers)
                path = self.allowed_path(url)
            except RefusedURL:
                log.warning("PDF fetcher refused %r", url[:200])
                raise
            return super().fetch(path.as_uri(), headers)

    return SafeFetcher


def SafeFetcher(roots: list[Path]):  # the class is made on first use (imports WeasyPrint)
    """A fetcher that allows ``data:`` URLs and files under ``roots`` only."""
    return _fetcher_class()(roots)


class Renderer:
    """Parsed stylesheets and fonts, reused for every document a worker renders."""

    def __init__(self, static_dir: Path, upload_dir: Path):
        self.static_dir = Path(static_dir).resolve()
        self.upload_dir = Path(upload_dir)
        self.upload_dir.mkdir(parents=True, exist_ok=True)
        wp = weasyprint()
        self.font_config = wp.text.fonts.FontConfiguration()
        self.fetcher = SafeFetcher([self.static_dir, self.upload_dir])
        self.stylesheets = {
            name: wp.CSS(
                filename=str(self.static_dir / "css" / "print" / f"{name}.css"),
                url_fetcher=self.fetcher,
                font_config=self.font_config,
            )
            for name in STYLESHEETS
        }
        self.base_url = self.static_dir.as_uri() + "/"

    def use_upload_dir(self, upload_dir: Path) -> None:
        self.upload_dir = upload_dir
        upload_dir.mkdir(parents=True, exist_ok=True)
        self.fetcher.roots = [self.static_dir, upload_dir.resolve()]

    def render(
        self,
        html: str,
        stylesheet: str,
        *,
        extra_css: str = "",
        archival: bool = False,
    ) -> bytes:
        """``html`` (from a repository template, user text escaped) as PDF bytes.
        ``archival`` produces PDF/A-3b, the stored copy."""
        sheets = [self.stylesheets[stylesheet]]
        if extra_css:
            # Only numbers computed by services (overlay offsets) ever reach here.
            sheets.append(
                weasyprint().CSS(
                    string=extra_css, url_fetcher=self.fetcher, font_config=self.font_config
                )
            )
        document = weasyprint().HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher)
        options = {"optimize_images": True, "uncompressed_pdf": False}
        if archival:
            options["pdf_variant"] = "pdf/a-3b"
        return document.write_pdf(
            stylesheets=sheets,
            font_config=self.font_config,
            presentational_hints=False,
            **options,
        )


_local = threading.local()


def renderer(static_dir: Path, upload_dir: Path) -> Renderer:
    """The renderer of this thread (built once: parsing stylesheets and fonts costs
    ~0.5 s). Its fetcher follows the current upload folder (one per app under test)."""
    key = str(static_dir)
    cached = getattr(_local, "renderers", None)
    if cached is None:
        cached = _local.renderers = {}
    if key not in cached:
        cached[key] = Renderer(static_dir, upload_dir)
    found = cached[key]
    if Path(upload_dir) != found.upload_dir:
        found.use_upload_dir(Path(upload_dir))
    return found


def app_renderer() -> Renderer:
    """The renderer of this thread for the current application: its static folder and
    its upload folder (UPLOAD_DIR) are the only places files may come from."""
    return renderer(Path(current_app.static_folder), Path(current_app.config["UPLOAD_DIR"]))


def render_naive(html: str, stylesheet_path: Path, static_dir: Path) -> bytes:
    """The naive baseline of bench/certificates.py: stylesheet and fonts parsed anew for
    every document, in one process. Same safe fetcher; not used by the application."""
    wp = weasyprint()
    fetcher = SafeFetcher([Path(static_dir)])
    font_config = wp.text.fonts.FontConfiguration()
    css = wp.CSS(filename=str(stylesheet_path), url_fetcher=fetcher, font_config=font_config)
    return wp.HTML(
        string=html, base_url=Path(static_dir).resolve().as_uri() + "/", url_fetcher=fetcher
    ).write_pdf(stylesheets=[css], font_config=font_config, pdf_variant="pdf/a-3b")
