"""Statements per request do not grow with the data: the registry lists with their
filters, a deep page, the exemplars, an initiative's page and the gallery (rendered, not
from the page cache), counted warm (what the structure gives is kept per version)."""

import pytest

from dankheo.extensions import db
from dankheo.models import Initiative
from tests.factories import make_exemplar, make_initiative

PAGES = [
    ("thuky", "/registry/initiatives?year=2024"),
    ("thuky", "/registry/initiatives?unit={d1}&year=2024"),
    ("thuky", "/registry/initiatives?unit={d1}"),
    ("thuky", "/registry/initiatives?page=2"),
    ("thuky", "/registry/initiatives?sort=unit&dir=desc"),
    ("canbo.d1", "/registry/initiatives?q=mo+hinh"),
    ("thuky", "/registry/exemplars"),
    ("thuky", "/registry/exemplars?unit={d1}"),
    ("thuky", "/registry/exemplars?q=nguyen"),
    ("thuky", "/registry/initiatives/{first}"),
    (None, "/public/"),
    (None, "/public/?page=2"),
    (None, "/public/?unit={d1}&year=2024"),
]


def _add(units, count: int, start: int) -> None:
    for n in range(start, start + count):
        unit = units["c11"] if n % 2 else units["c12"]
        make_initiative(unit, f"Mô hình {n:04d}", year=2024)
        make_exemplar(unit, f"Nguyễn Văn {n:04d}")
    db.session.commit()


def _count(client, url, count_queries) -> int:
    assert client.get(url).status_code == 200  # warm
    with count_queries() as q:
        response = client.get(url)
    assert response.status_code == 200
    return q.count


@pytest.mark.parametrize(("username", "url"), PAGES)
def test_statements_do_not_grow_with_the_rows(
    app, client, auth, users, units, count_queries, username, url
):
    # The gallery rendered each time; pages of 2 rows: page 2 exists with 3 rows too.
    app.config.update(PAGE_CACHE_SECONDS=0, PER_PAGE=2)
    if username:
        auth.login(username)
    _add(units, 3, 0)
    first = db.session.scalar(db.select(Initiative.id).order_by(Initiative.id).limit(1))
    url = url.format(d1=units["d1"].id, first=first)
    few = _count(client, url, count_queries)
    _add(units, 120, 3)
    many = _count(client, url, count_queries)
    assert few == many, (url, few, many)
