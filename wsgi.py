"""WSGI entry point: `gunicorn wsgi:app`. A production entry: start-up refuses the demo's
secret key and public URL (dankheo.config.check_production) with a message and exit
status 1.
No CLI commands here: a worker loads neither Flask-Migrate nor Alembic."""

from dankheo import create_app

app = create_app(production=True, commands=False)  # a web worker runs no command
