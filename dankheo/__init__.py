"""Application factory: wiring only, no I/O."""

import json
import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask
from flask_login import current_user

from dankheo.config import Defaults, check_production

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIR = ROOT / "templates"
STATIC_DIR = ROOT / "static"
INSTANCE_DIR = ROOT / "instance"

# Settings whose values name a place under the instance folder.
_INSTANCE_PATHS = (
    "SQLALCHEMY_DATABASE_URI",
    "EVIDENCE_DIR",
    "CERTIFICATE_DIR",
    "UPLOAD_DIR",
    "HUEY_SQLITE_PATH",
    "SIGNING_KEY_DIR",
    "RATELIMIT_STORAGE_URI",
    "CACHE_DIR",
    "DOWNLOAD_DIR",
)


def create_app(
    test_config: dict | None = None, *, production: bool = False, commands: bool = True
) -> Flask:
    """The application. ``production`` (or the PRODUCTION setting) makes start-up refuse
    the demo's secret key and public URL: config.UnsafeConfiguration ends the process.
    ``commands=False`` (a web worker, wsgi.py): no CLI commands, so neither Flask-Migrate
    nor Alembic is loaded (~11 MB a worker)."""
    app = _configured_app(test_config, production=production)
    register_proxy_fix(app)
    register_extensions(app, commands=commands)
    register_jobs(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    if commands:
        register_commands(app)
    register_security_headers(app)
    return app


def settings(*, production: bool = False):
    """The configuration alone (defaults, instance/config.py, DANKHEO_* variables), checked
    for production like create_app's, without building the application: for a process
    that forks workers (gunicorn's master), which then must not have loaded WeasyPrint's
    native libraries (Pango, fontconfig, GLib) before forking."""
    return _configured_app(None, production=production).config


def _configured_app(test_config: dict | None, *, production: bool) -> Flask:
    """A bare Flask object with its configuration loaded (and checked for production)."""
    app = Flask(
        __name__,
        template_folder=str(TEMPLATE_DIR),
        static_folder=str(STATIC_DIR),
        instance_path=os.environ.get("DANKHEO_INSTANCE_PATH", str(INSTANCE_DIR)),
        instance_relative_config=True,
    )
    load_config(app, test_config)
    if production or app.config.get("PRODUCTION"):
        app.config["PRODUCTION"] = True
        check_production(app.config)
    return app


def load_config(app: Flask, test_config: dict | None) -> None:
    app.config.from_object(Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("DANKHEO", loads=_loads)
    else:
        app.config.from_prefixed_env("DANKHEO", loads=_loads)
        app.config.update(test_config)
    for key in _INSTANCE_PATHS:
        value = app.config.get(key)
        if isinstance(value, str):
            app.config[key] = value.replace("{instance}", app.instance_path)


def register_proxy_fix(app: Flask) -> None:
    hops = int(app.config.get("PROXY_FIX_HOPS") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def _loads(value: str):
    try:
        return json.loads(value)
    except ValueError:
        return value


def register_extensions(app: Flask, *, commands: bool = True) -> None:
    from dankheo import ratelimits
    from dankheo.extensions import bootstrap, cache, csrf, db, login_manager

    db.init_app(app)
    cache.init_app(app)
    ratelimits.init_app(app)
    if commands:
        # `flask db …` (and app.extensions["migrate"]); Alembic is loaded only here.
        from flask_migrate import Migrate

        Migrate(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    bootstrap.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    login_manager.login_message_category = "warning"

    from dankheo.auth.sessions import load_user

    login_manager.user_loader(load_user)


def register_jobs(app: Flask) -> None:
    """Import the features' job modules, so that their bodies are registered with
    dankheo.jobs before a request queues one or a worker starts (the queue itself is
    built on first use)."""
    import dankheo.certificates.jobs
    import dankheo.notifications.jobs
    import dankheo.reports.jobs  # noqa: F401


def register_blueprints(app: Flask) -> None:
    from dankheo.web.params import IntConverter

    # Before any rule is added: every <int:…> in a route is then ASCII digits, range-checked.
    app.url_map.converters["int"] = IntConverter

    from dankheo.admin.views import bp as admin_bp
    from dankheo.api.views import bp as api_bp
    from dankheo.auth.views import bp as auth_bp
    from dankheo.campaigns.views import bp as campaigns_bp
    from dankheo.certificates.verification import bp as verify_bp
    from dankheo.certificates.views import bp as certificates_bp
    from dankheo.main.views import bp as main_bp
    from dankheo.nominations.views import bp as nominations_bp
    from dankheo.notifications.views import bp as notifications_bp
    from dankheo.public.views import bp as public_bp
    from dankheo.registry.views import bp as registry_bp
    from dankheo.reports.views import bp as reports_bp
    from dankheo.review.views import bp as review_bp

    for blueprint in (
        main_bp,
        auth_bp,
        admin_bp,
        registry_bp,
        campaigns_bp,
        nominations_bp,
        review_bp,
        certificates_bp,
        reports_bp,
        public_bp,
        verify_bp,
        api_bp,
        notifications_bp,
    ):
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    from dankheo.main.errors import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from dankheo import permissions, vietnamese
    from dankheo.main.navigation import nav_items, review_shortcuts
    from dankheo.notifications.queries import unread_count

    app.jinja_env.globals.update(
        unread_notifications=lambda: unread_count(current_user),
        # Vietnam's calendar day (printed on list pages).
        vn_today=lambda: datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date(),
        can=permissions.can,
        roles=permissions.Role,
        nav_items=nav_items,
        review_shortcuts=review_shortcuts,
        has_endpoint=lambda name: name in app.view_functions,
    )
    app.jinja_env.filters.update(
        vn_date=vietnamese.format_date,
        vn_datetime=vietnamese.format_datetime,
        vn_number=vietnamese.format_number,
    )


def register_commands(app: Flask) -> None:
    from dankheo.cli import register

    register(app)


def register_security_headers(app: Flask) -> None:
    from dankheo.main.headers import add_security_headers, refuse_nul_bytes

    app.before_request(refuse_nul_bytes)
    app.after_request(add_security_headers)
