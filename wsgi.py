"""WSGI entry point: `gunicorn wsgi:app`. A production entry: start-up refuses the demo's
secret key and public URL (dankheo.config.check_production) with a message and exit
status 1."""

from dankheo import create_app

app = create_app(production=True)
