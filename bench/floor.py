"""The application with one more page, for bench/pages.py: the floor page.

``/_bench/floor`` is what any page of this application costs at least: the signed-in
user loaded from the session, one indexed query of 50 rows (units by id), rendered into
the base layout (navigation, flashes, footer). Every page is measured against it in the
same run. The route exists only in this module (gunicorn is started with
``bench.floor:app``), never in the application itself.
"""

import sys
from pathlib import Path

import sqlalchemy as sa
from flask import render_template_string
from flask_login import login_required

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dankheo import create_app
from dankheo.extensions import db
from dankheo.models import Unit

FLOOR_TEMPLATE = """{% extends "base.html" %}
{% block title %}Trang sàn{% endblock %}
{% block content %}
<h1 class="h3">Trang sàn</h1>
<table class="table table-sm"><tbody>
{% for unit in units %}<tr><td>{{ unit.code }}</td><td>{{ unit.name }}</td></tr>{% endfor %}
</tbody></table>
{% endblock %}"""

app = create_app(commands=False)  # as wsgi.py: a web worker runs no command


@app.route("/_bench/floor")
@login_required
def floor():
    units = db.session.execute(sa.select(Unit.code, Unit.name).order_by(Unit.id).limit(50)).all()
    return render_template_string(FLOOR_TEMPLATE, units=units)
