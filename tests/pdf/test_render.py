"""The PDF fetcher: data: URLs and files under static/ or the upload folder only."""

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dankheo.pdf.render import RefusedURL, SafeFetcher


@pytest.fixture
def roots(tmp_path):
    static = tmp_path / "static"
    uploads = tmp_path / "uploads"
    (static / "img").mkdir(parents=True)
    uploads.mkdir()
    (static / "img" / "a.png").write_bytes(b"\x89PNG\r\n\x1a\nstatic")
    (uploads / "emblem.jpg").write_bytes(b"\xff\xd8\xffupload")
    (tmp_path / "secret.txt").write_text("secret")
    return static, uploads


@pytest.fixture
def fetcher(roots):
    return SafeFetcher(list(roots))


def test_allows_static_and_upload_files(fetcher, roots):
    static, uploads = roots
    assert fetcher.fetch((static / "img" / "a.png").as_uri()).read().endswith(b"static")
    assert fetcher.fetch((uploads / "emblem.jpg").as_uri()).read().endswith(b"upload")


def test_allows_data_urls(fetcher):
    url = "data:text/plain;base64," + base64.b64encode(b"xin chao").decode()
    assert fetcher.fetch(url).read() == b"xin chao"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.css",
        "https://example.com/logo.png",
        "ftp://example.com/x",
        "file://evil.example/etc/passwd",
    ],
)
def test_refuses_other_urls(fetcher, url):
    with pytest.raises((RefusedURL, ValueError)):
        fetcher.fetch(url)


def test_refuses_dot_dot_traversal(fetcher, roots):
    static, _ = roots
    with pytest.raises(RefusedURL):
        fetcher.fetch(static.as_uri() + "/img/../../secret.txt")


def test_refuses_symlink_leaving_the_allowed_folder(fetcher, roots, tmp_path):
    static, _ = roots
    link = static / "img" / "link.txt"
    os.symlink(tmp_path / "secret.txt", link)
    with pytest.raises(RefusedURL):
        fetcher.fetch(link.as_uri())


def test_refuses_a_folder(fetcher, roots):
    static, _ = roots
    with pytest.raises(RefusedURL):
        fetcher.fetch(static.as_uri())


def test_a_refused_url_aborts_the_render(app, caplog):
    """fail_on_errors: a stylesheet pointing outside static/ stops the PDF."""
    from pathlib import Path

    from weasyprint.urls import FatalURLFetchingError

    from dankheo.pdf.render import Renderer

    renderer = Renderer(Path(app.static_folder), Path(app.config["UPLOAD_DIR"]))
    html = '<p>x</p><img src="file:///etc/passwd">'
    with pytest.raises(FatalURLFetchingError):
        renderer.render(html, "certificate")
    assert "file:///etc/passwd" in renderer.fetcher.requested
    assert any("refused" in r.getMessage() for r in caplog.records)


def test_loading_weasyprint_leaves_pillow_refusing_truncated_images():
    from PIL import ImageFile

    from dankheo.pdf.render import weasyprint

    weasyprint()
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


# Loaded on first use only (each costs a web or worker process 8–28 MB it rarely needs):
# WeasyPrint when rendering, openpyxl (with numpy) when building or reading a workbook,
# zxcvbn when a password is chosen, pypdf when reading or merging a PDF, python-docx
# (with lxml) when writing a Word file. tests/test_worker_imports.py: a web worker also
# goes without Flask-Migrate and Alembic.
LAZY_LIBRARIES = ("weasyprint", "openpyxl", "numpy", "zxcvbn", "pypdf", "docx", "lxml")


def test_the_application_starts_without_loading_weasyprint(tmp_path):
    """A process (web or worker) loads WeasyPrint only when it renders with it, and
    the other heavy libraries only when it uses them."""
    code = (
        "import sys; from dankheo import create_app; "
        "from tests.conftest import make_test_config; from pathlib import Path; "
        f"create_app(make_test_config(Path({str(tmp_path)!r}))); "
        f"print(any(m in sys.modules for m in {LAZY_LIBRARIES!r}))"
    )
    root = Path(__file__).resolve().parents[2]
    command = [sys.executable, "-c", code]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=120)  # noqa: S603
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "False"
