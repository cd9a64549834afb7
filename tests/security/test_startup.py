"""Start-up in production refuses the demo's secrets (issue 14, finding 1).

The demo's SECRET_KEY is in this repository: with it anyone can sign a session or
remember-me cookie. The default PUBLIC_BASE_URL (127.0.0.1) printed in a QR code points
nowhere. A production start (wsgi.py, gunicorn.conf.py, anything with PRODUCTION set:
scripts/serve.sh sets it for the certificate workers) ends with a message saying what
to set, and a non-zero status; the demo, `make run` and the tests keep their defaults.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from dankheo import create_app
from dankheo.config import (
    DEMO_PUBLIC_BASE_URL,
    DEMO_SECRET_KEY,
    EXAMPLE_SECRET_KEY,
    UnsafeConfiguration,
    production_problems,
)
from tests.conftest import make_test_config

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = secrets.token_hex(16)
GOOD_URL = "https://dankheo.tayninh.gov.vn"


def _config(tmp_path, **overrides):
    return make_test_config(
        tmp_path, **{"SECRET_KEY": GOOD_KEY, "PUBLIC_BASE_URL": GOOD_URL, **overrides}
    )


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"SECRET_KEY": DEMO_SECRET_KEY}, "SECRET_KEY is the public demo value"),
        ({"SECRET_KEY": EXAMPLE_SECRET_KEY}, "SECRET_KEY is the public demo value"),
        ({"SECRET_KEY": "short-but-not-the-demo"}, "at least 32"),
        ({"SECRET_KEY": ""}, "at least 32"),
        ({"PUBLIC_BASE_URL": DEMO_PUBLIC_BASE_URL}, "PUBLIC_BASE_URL is the default"),
        ({"PUBLIC_BASE_URL": "http://localhost:8000"}, "not a public http(s) address"),
        ({"PUBLIC_BASE_URL": "dankheo.tayninh.gov.vn"}, "not a public http(s) address"),
    ],
    ids=["demo key", "example key", "short key", "empty key", "demo url", "localhost", "bare"],
)
def test_production_start_refuses_the_demo_defaults(tmp_path, overrides, named):
    with pytest.raises(UnsafeConfiguration) as refused:
        create_app(_config(tmp_path, **overrides), production=True)
    assert named in str(refused.value.code)
    assert refused.value.code != 0


def test_the_production_setting_alone_is_enough(tmp_path):
    with pytest.raises(UnsafeConfiguration):
        create_app(make_test_config(tmp_path, SECRET_KEY=DEMO_SECRET_KEY, PRODUCTION=True))


def test_a_production_configuration_of_its_own_starts(tmp_path):
    app = create_app(_config(tmp_path), production=True)
    assert app.config["PRODUCTION"] is True
    assert production_problems(app.config) == []


def test_the_demo_and_the_tests_start_with_the_defaults(tmp_path):
    app = create_app(make_test_config(tmp_path, SECRET_KEY=DEMO_SECRET_KEY))
    assert app.config["PRODUCTION"] is False
    assert app.config["PUBLIC_BASE_URL"]


def _run(args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DANKHEO_")}
    clean["DANKHEO_INSTANCE_PATH"] = str(ROOT / "instance")
    return subprocess.run(  # noqa: S603 (our own entry points)
        args, cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    "entry",
    [
        [sys.executable, "-c", "import wsgi"],  # any WSGI server: gunicorn's workers, uWSGI
        [sys.executable, "-c", "import runpy; runpy.run_path('gunicorn.conf.py')"],  # master
    ],
    ids=["wsgi.py", "gunicorn.conf.py"],
)
def test_production_entry_points_exit_non_zero_saying_why(entry):
    refused = _run(entry)
    assert refused.returncode != 0
    assert "refusing to start in production" in refused.stderr
    assert "SECRET_KEY" in refused.stderr and "PUBLIC_BASE_URL" in refused.stderr
    started = _run(entry, DANKHEO_SECRET_KEY=GOOD_KEY, DANKHEO_PUBLIC_BASE_URL=GOOD_URL)
    assert started.returncode == 0, started.stderr


def test_the_gunicorn_master_loads_no_native_rendering_library_before_forking():
    """Workers forked from a master that had loaded WeasyPrint (Pango, fontconfig, GLib)
    would run those libraries' state copied across fork() in several threads."""
    probe = (
        "import runpy, sys; runpy.run_path('gunicorn.conf.py'); "
        "print(sorted(m for m in ('weasyprint', 'sqlalchemy', 'pyhanko') if m in sys.modules))"
    )
    master = _run(
        [sys.executable, "-c", probe],
        DANKHEO_SECRET_KEY=GOOD_KEY,
        DANKHEO_PUBLIC_BASE_URL=GOOD_URL,
    )
    assert master.returncode == 0, master.stderr
    assert master.stdout.strip() == "[]"
    app = _run(
        [sys.executable, "-c", probe.replace("runpy.run_path('gunicorn.conf.py')", "import wsgi")],
        DANKHEO_SECRET_KEY=GOOD_KEY,
        DANKHEO_PUBLIC_BASE_URL=GOOD_URL,
    )
    # The probe can see the libraries: a worker builds the app (SQLAlchemy loaded; WeasyPrint
    # only on its first render, tests/pdf/test_render.py).
    assert "sqlalchemy" in app.stdout


def test_the_certificate_worker_refuses_when_serve_marks_production():
    """scripts/serve.sh exports DANKHEO_PRODUCTION for `flask … certificates worker`."""
    assert "DANKHEO_PRODUCTION" in (ROOT / "scripts" / "serve.sh").read_text()
    refused = _run(
        [str(Path(sys.executable).with_name("flask")), "--app", "dankheo", "routes"],
        DANKHEO_PRODUCTION="true",
    )
    assert refused.returncode != 0
    assert "refusing to start in production" in refused.stderr
