"""The nominations list: a broad scope on SQLite walks the (updated_at, id, …) index and
a narrow one is looked up by unit — both give the same pages; its count is kept in the
shared cache until nominations change (a new one counts at once); statements per page
do not grow with the data."""

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models import Nomination, NominationState, Role
from dankheo.nominations import queries
from tests.factories import make_campaign, make_nomination, make_province, make_user


@pytest.fixture
def world(app):
    units = make_province()
    secretary = make_user("thuky", (Role.SECRETARY, units["agency"]))
    officer = make_user("canbo", (Role.OFFICER, units["d1"]))
    campaign = make_campaign(units["agency"])
    base = datetime(2024, 10, 1)
    for i in range(30):
        unit = units["c11"] if i % 3 else units["c21"]
        nomination = make_nomination(campaign, unit, state=NominationState.SUBMITTED)
        nomination.updated_at = base + timedelta(hours=i % 7)  # ties: the id decides
    db.session.commit()
    return {"units": units, "secretary": secretary, "officer": officer, "campaign": campaign}


def _pages(user, per_page=7) -> list[list[int]]:
    first = queries.nominations_page(user, page=1, per_page=per_page)
    return [
        [n.id for n in queries.nominations_page(user, page=p, per_page=per_page).items]
        for p in range(1, first.pages + 1)
    ], first.total


@pytest.mark.parametrize("who", ["secretary", "officer"])
def test_walk_and_lookup_give_the_same_pages(world, monkeypatch, who):
    user = world[who]
    monkeypatch.setattr(queries, "WALK_FROM", 10**9)
    looked_up, total = _pages(user)
    monkeypatch.setattr(queries, "WALK_FROM", 0)
    walked, walked_total = _pages(user)
    assert walked == looked_up and walked_total == total
    every = [i for page in walked for i in page]
    expected = db.session.scalars(
        queries.nominations_select(user).with_only_columns(Nomination.id)
    ).all()
    assert every == list(expected) and len(every) == total
    assert total == (30 if who == "secretary" else 20)  # the officer's district: c11


def test_the_cached_count_moves_with_a_new_nomination(world, client, auth):
    auth.login("thuky")
    assert queries.nominations_page(world["secretary"]).total == 30
    client.get("/nominations/")  # the count is now in the shared cache
    make_nomination(world["campaign"], world["units"]["c11"], state=NominationState.SUBMITTED)
    db.session.commit()
    assert queries.nominations_page(world["secretary"]).total == 31
    html = client.get("/nominations/").get_data(as_text=True)
    assert "31 dòng" in html


def test_statements_per_page_do_not_grow(world, client, auth, count_queries):
    auth.login("thuky")
    # Warm up: what the structure gives (the reach through successions) is kept per
    # structure version after the first request (models.versions.per_version).
    assert client.get("/nominations/").status_code == 200
    counts = []
    for _ in range(2):
        # Each counted request is the first after a commit: the scope's count, kept by
        # data versions, is computed afresh both times.
        for _ in range(30):
            make_nomination(
                world["campaign"], world["units"]["c21"], state=NominationState.SUBMITTED
            )
        db.session.commit()
        db.session.expire_all()
        with count_queries() as q:
            assert client.get("/nominations/").status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1]
    assert db.session.scalar(sa.select(sa.func.count(Nomination.id))) == 90
