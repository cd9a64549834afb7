"""What a gunicorn worker's application (wsgi.py) loads at start: no CLI commands, so
neither Flask-Migrate nor Alembic (~11 MB a worker), and none of the libraries loaded on
first use (tests/pdf/test_render.py LAZY_LIBRARIES). The CLI's application keeps `flask
db`."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from dankheo import create_app
from tests.conftest import make_test_config
from tests.pdf.test_render import LAZY_LIBRARIES

ROOT = Path(__file__).resolve().parents[1]
COMMAND_ONLY = ("flask_migrate", "alembic")


def test_a_web_worker_loads_neither_the_commands_nor_the_libraries_used_on_first_use(tmp_path):
    env = dict(os.environ)
    env.pop("DANKHEO_SQLALCHEMY_DATABASE_URI", None)
    env.update(
        DANKHEO_INSTANCE_PATH=str(tmp_path),
        DANKHEO_SECRET_KEY=secrets.token_hex(32),
        DANKHEO_PUBLIC_BASE_URL="https://dankheo.example.vn",
    )
    watched = COMMAND_ONLY + LAZY_LIBRARIES
    code = (
        "import json, sys, wsgi; "
        f"print(json.dumps([m for m in {watched!r} if m in sys.modules])); "
        "print(json.dumps(sorted(wsgi.app.cli.commands)))"
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    loaded, commands = (json.loads(line) for line in done.stdout.strip().splitlines()[-2:])
    assert loaded == []
    assert "db" not in commands


def test_the_clis_application_has_the_migration_commands(tmp_path):
    app = create_app(make_test_config(tmp_path))
    assert "db" in app.cli.commands
    assert app.extensions["migrate"].directory == str(ROOT / "migrations")
    assert "db" not in create_app(make_test_config(tmp_path), commands=False).cli.commands


def test_gunicorn_freezes_what_a_worker_built_at_start(tmp_path):
    env = dict(os.environ)
    env.update(
        DANKHEO_INSTANCE_PATH=str(tmp_path),
        DANKHEO_SECRET_KEY=secrets.token_hex(32),
        DANKHEO_PUBLIC_BASE_URL="https://dankheo.example.vn",
    )
    code = (
        "import gc, runpy; conf = runpy.run_path('gunicorn.conf.py'); "
        "before = gc.get_freeze_count(); conf['post_worker_init'](None); "
        "print(before, gc.get_freeze_count())"
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    before, after = map(int, done.stdout.split())
    assert before == 0 and after > 10_000
