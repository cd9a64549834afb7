"""WSGI entry point: `gunicorn wsgi:app`."""

from dankheo import create_app

app = create_app()
