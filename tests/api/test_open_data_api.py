"""The open-data API beyond the initiatives list: detail routes, commended exemplars,
campaigns, awards, statistics, bulk downloads; keyset (cursor) pages; capped counts;
the same number of statements whatever the page holds; conditional GET (ETag,
Last-Modified, 304) from the data versions; per-address rate limits."""

import csv
import fcntl
import io
import json

import pytest
import sqlalchemy as sa

from dankheo.api import bulk_files, common
from dankheo.extensions import db
from dankheo.models import (
    Certificate,
    CertificateStatus,
    Nomination,
    NominationState,
    YearStatus,
)
from tests.conftest import make_test_config
from tests.factories import make_exemplar, make_initiative
from tests.security.world import build_world


@pytest.fixture
def app_config(tmp_path):
    return make_test_config(tmp_path, RATELIMIT_API="1000 per minute", PER_PAGE=3)


@pytest.fixture
def world(app):
    world = build_world()
    # A commended exemplar: a nomination of it with a valid certificate.
    hero = make_exemplar(world.units["c12"], "Lê Văn Khen")
    nomination = Nomination(
        campaign=world.campaign,
        award_type=world.award_type,
        unit=world.units["c12"],
        exemplar=hero,
        recipient_name=hero.name,
        achievement_text="Thành tích xuất sắc",
        state=NominationState.AWARDED,
    )
    db.session.add(nomination)
    db.session.flush()
    db.session.add(
        Certificate(
            serial="DVK-2024-000002",
            decision=world.decision,
            nomination=nomination,
            recipient_name=hero.name,
            reason="Thành tích xuất sắc",
            status=CertificateStatus.VALID,
        )
    )
    db.session.commit()
    world.hero = hero
    return world


def _add_public(world, n: int, prefix="Mô hình thêm") -> None:
    for i in range(n):
        make_initiative(world.units["c21"], f"{prefix} {i:03d}", status=YearStatus.RECOGNISED)
    db.session.commit()


def _statements(client, url, **kw) -> tuple[int, object]:
    seen: list[str] = []

    def count(*args):
        seen.append(args[2])

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(url, **kw)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(seen), response


# --- resources --------------------------------------------------------------------------


def test_an_initiative_is_found_when_public_and_404_otherwise(client, world):
    body = client.get(f"/api/v1/initiatives/{world.initiative.id}").get_json()
    assert body["name"] == world.initiative.name and body["url"].startswith("http")
    hidden = make_initiative(world.units["c11"], "Nháp", status=YearStatus.REGISTERED)
    db.session.commit()
    response = client.get(f"/api/v1/initiatives/{hidden.id}")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == 404


def test_only_commended_exemplars_are_public(client, world):
    body = client.get("/api/v1/exemplars").get_json()
    assert [e["name"] for e in body["items"]] == ["Lê Văn Khen"]
    assert body["items"][0]["awards"] == ["DVK-2024-000002"]
    assert client.get(f"/api/v1/exemplars/{world.hero.id}").status_code == 200
    assert client.get(f"/api/v1/exemplars/{world.exemplar.id}").status_code == 404


def test_campaigns_list_their_award_types(client, world):
    body = client.get("/api/v1/campaigns").get_json()
    campaign = next(c for c in body["items"] if c["id"] == world.campaign.id)
    assert campaign["award_types"][0]["id"] == world.award_type.id
    assert client.get(f"/api/v1/campaigns/{world.campaign.id}").get_json()["name"] == (
        world.campaign.name
    )


def test_awards_show_valid_and_revoked_never_pending(client, world):
    world.certificate.status = CertificateStatus.REVOKED
    world.certificate.revoked_reason = "Cấp nhầm"
    db.session.add(
        Certificate(
            serial="DVK-2024-000003",
            decision=world.decision,
            nomination=world.approved_nomination,
            recipient_name="Chưa in",
            reason="x",
            status=CertificateStatus.PENDING,
        )
    )
    db.session.commit()
    body = client.get("/api/v1/awards").get_json()
    assert [a["serial"] for a in body["items"]] == ["DVK-2024-000001", "DVK-2024-000002"]
    assert body["items"][0]["status"] == "revoked"
    assert body["items"][0]["revoked_reason"] == "Cấp nhầm"
    assert client.get("/api/v1/awards/DVK-2024-000003").status_code == 404


def test_statistics_count_by_year_field_and_unit(client, world):
    body = client.get(f"/api/v1/statistics?unit={world.units['province'].id}&year=2024").get_json()
    total = db.session.scalar(sa.text("SELECT count(*) FROM initiative_years WHERE year = 2024"))
    assert body["initiatives"]["total"] == total
    assert sum(row["total"] for row in body["by_unit"]) == total
    assert sum(row["total"] for row in body["by_field"]) == total
    assert client.get("/api/v1/statistics?mode=current&year=phase").status_code == 200
    assert client.get("/api/v1/statistics?mode=later").status_code == 400
    assert client.get("/api/v1/statistics?unit=999999").status_code == 404


# --- paging -----------------------------------------------------------------------------


def test_the_cursor_walks_the_whole_list_in_the_pages_order(client, world):
    _add_public(world, 7)
    by_page, page = [], 1
    while True:
        body = client.get(f"/api/v1/initiatives?page={page}").get_json()
        if not body["items"]:
            break
        by_page += [i["id"] for i in body["items"]]
        page += 1
    by_cursor, cursor = [], ""
    while cursor is not None:
        body = client.get("/api/v1/initiatives", query_string={"cursor": cursor}).get_json()
        assert body["total"] is None and body["page"] is None
        by_cursor += [i["id"] for i in body["items"]]
        cursor = body["next_cursor"]
    assert by_cursor == by_page and len(set(by_page)) == len(by_page) >= 8


def test_page_and_cursor_together_or_a_forged_cursor_are_refused(client, world):
    assert client.get("/api/v1/initiatives?page=1&cursor=").status_code == 400
    response = client.get("/api/v1/initiatives?cursor=bm9wZQ")
    assert response.status_code == 400 and "cursor" in response.get_json()["error"]["message"]


def test_counts_stop_at_the_cap(client, world, monkeypatch):
    _add_public(world, 5)
    monkeypatch.setattr(common, "COUNT_CAP", 4)
    body = client.get("/api/v1/initiatives").get_json()
    assert body["total"] == 4 and body["total_capped"] is True
    body = client.get("/api/v1/initiatives?q=khong+co+gi").get_json()
    assert body["total"] == 0 and body["total_capped"] is False


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/initiatives",
        "/api/v1/initiatives?cursor=",
        "/api/v1/initiatives?year=2024&q=mo+hinh",
        "/api/v1/exemplars",
        "/api/v1/awards",
        "/api/v1/awards?cursor=",
        "/api/v1/campaigns",
    ],
)
def test_a_page_costs_the_same_statements_with_few_or_many_rows(client, world, url):
    few, response = _statements(client, url)
    assert response.status_code == 200
    _add_public(world, 12, "Mô hình nhiều")
    for i in range(12):
        make_exemplar(world.units["c11"], f"Người {i}")
    db.session.commit()
    many, response = _statements(client, url)
    assert response.status_code == 200
    assert many == few, (url, few, many)


# --- conditional GET --------------------------------------------------------------------


def test_an_unchanged_answer_is_304_and_a_change_makes_a_new_one(client, world):
    first = client.get("/api/v1/initiatives?year=2024")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.headers["Cache-Control"] == "public, no-cache"
    cost, again = _statements(
        client, "/api/v1/initiatives?year=2024", headers={"If-None-Match": etag}
    )
    # At most the versions are read (none when this transaction read them already).
    assert again.status_code == 304 and not again.data and cost <= 1
    since = client.get("/api/v1/initiatives?year=2024", headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    _add_public(world, 1, "Mô hình vừa thêm")
    changed = client.get("/api/v1/initiatives?year=2024", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    # Another query is another answer.
    assert client.get("/api/v1/initiatives?year=2023").headers["ETag"] != etag


# --- bulk downloads ---------------------------------------------------------------------


def test_bulk_files_hold_every_public_record_and_follow_changes(client, world, app, tmp_path):
    index = client.get("/api/v1/bulk").get_json()
    assert {d["name"] for d in index["items"]} == {
        "initiatives",
        "exemplars",
        "campaigns",
        "awards",
    }
    first = client.get("/api/v1/bulk/initiatives.json")
    records = json.loads(first.data)
    assert world.initiative.id in {r["id"] for r in records}
    assert all(y["status"] in ("recognised", "outstanding") for r in records for y in r["years"])
    assert (
        client.get(
            "/api/v1/bulk/initiatives.json", headers={"If-None-Match": first.headers["ETag"]}
        ).status_code
        == 304
    )
    _add_public(world, 1, "Mô hình tải về")
    rows = list(
        csv.reader(io.StringIO(client.get("/api/v1/bulk/initiatives.csv").data.decode("utf-8-sig")))
    )
    assert rows[0][:2] == ["id", "name"] and "Mô hình tải về 000" in {r[1] for r in rows}
    again = json.loads(client.get("/api/v1/bulk/initiatives.json").data)
    assert len(again) == len(records) + 1
    folder = tmp_path / "downloads" / "opendata"
    assert len(list(folder.glob("initiatives-*.json"))) == 1  # the stale file is gone
    assert client.get("/api/v1/bulk/secrets.json").status_code == 404


def test_while_a_bulk_file_is_built_others_get_the_last_one_without_waiting(
    client, world, tmp_path
):
    """A national file takes half a minute to build: one request builds it, the others
    get the last complete file at once with that file's own validators (never the data's
    current ETag), or 503 + Retry-After when there is none yet — nobody waits."""
    folder = tmp_path / "downloads" / "opendata"
    folder.mkdir(parents=True)
    with open(folder / "initiatives.json.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another request is building
        first = client.get("/api/v1/bulk/initiatives.json")
        assert first.status_code == 503 and int(first.headers["Retry-After"]) > 0
        assert "ETag" not in first.headers and not list(folder.glob("initiatives-*"))
    built = client.get("/api/v1/bulk/initiatives.json")
    assert built.status_code == 200 and not built.headers["ETag"].startswith('"older-')
    records = json.loads(built.data)

    _add_public(world, 1, "Mô hình mới hơn")
    with open(folder / "initiatives.json.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        older = client.get("/api/v1/bulk/initiatives.json")
        assert older.status_code == 200
        assert json.loads(older.data) == records  # the last complete file, whole
        assert older.headers["ETag"] not in (built.headers["ETag"], "")
        assert older.headers["ETag"].startswith('"older-')
        # The older file never answers a conditional request for the current data.
        again = client.get(
            "/api/v1/bulk/initiatives.json", headers={"If-None-Match": older.headers["ETag"]}
        )
        assert again.status_code == 200
    current = client.get("/api/v1/bulk/initiatives.json")
    assert current.status_code == 200
    assert len(json.loads(current.data)) == len(records) + 1
    assert current.headers["ETag"] not in (built.headers["ETag"], older.headers["ETag"])
    assert len(list(folder.glob("initiatives-*.json"))) == 1


def test_an_older_bulk_file_removed_as_it_is_chosen_gives_the_new_one(client, world, monkeypatch):
    """The builder removes older files once the new one is in place: a request that chose
    an older file just then sends the new one (no 500)."""
    current = client.get("/api/v1/bulk/initiatives.json")
    chosen = []
    real = bulk_files.built_file

    def racing(dataset, fmt):
        if not chosen:  # first call: an older file that is gone by the time it is opened
            chosen.append(True)
            return bulk_files.BuiltFile("/nonexistent/initiatives-old.json", False, 0.0)
        return real(dataset, fmt)

    monkeypatch.setattr(bulk_files, "built_file", racing)
    again = client.get("/api/v1/bulk/initiatives.json")
    assert again.status_code == 200 and chosen
    assert again.headers["ETag"] == current.headers["ETag"]
    assert json.loads(again.data) == json.loads(current.data)


# --- rate limits ------------------------------------------------------------------------


def test_the_api_is_limited_per_address(app, client, world):
    app.config["RATELIMIT_API"] = "2 per minute"
    statuses = [client.get("/api/v1/campaigns").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    refused = client.get("/api/v1/awards")
    assert refused.status_code == 429 and refused.get_json()["error"]["code"] == 429
    assert int(refused.headers["Retry-After"]) > 0
    elsewhere = client.get("/api/v1/campaigns", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert elsewhere.status_code == 200


def test_signed_in_people_are_not_counted(app, client, auth, world):
    """An office's staff share one address: only anonymous requests are limited."""
    app.config["RATELIMIT_API"] = "2 per minute"
    auth.login("thuky")
    statuses = {client.get("/api/v1/campaigns").status_code for _ in range(4)}
    assert statuses == {200}
    auth.logout()
    statuses = [client.get("/api/v1/campaigns").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_verify_is_limited_per_address(app, client, world):
    app.config["RATELIMIT_VERIFY"] = "2 per minute"
    url = f"/verify/{world.certificate.serial}"
    statuses = [client.get(url).status_code for _ in range(2)]
    refused = client.get("/verify")
    assert statuses == [200, 200] and refused.status_code == 429
    assert "Quá nhiều yêu cầu" in refused.get_data(as_text=True)
