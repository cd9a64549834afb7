"""Every list page exports what it shows: XLSX and CSV with the page's rows in the page's
order (same filters, same sort, every page), numbers as numbers, CSV in UTF-8 with a
BOM, formulas neutralised; each export is guarded like its page."""

import csv
import io

import pytest
import sqlalchemy as sa
from markupsafe import escape
from openpyxl import load_workbook

from dankheo import exports
from dankheo.extensions import db
from dankheo.models import Exemplar
from tests.factories import DEFAULT_PASSWORD, make_exemplar
from tests.security.world import build_world


@pytest.fixture
def world(app):
    return build_world()


def _login(client, world, persona):
    if persona != "anonymous":
        client.post(
            "/auth/login",
            data={"username": world.users[persona].username, "password": DEFAULT_PASSWORD},
        )


def _xlsx_rows(response) -> list[tuple]:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == exports.XLSX_MIME
    return list(load_workbook(io.BytesIO(response.data)).worksheets[0].iter_rows(values_only=True))


def _csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def _assert_in_page_order(html: str, keys) -> None:
    """Each key is on the page, in the order of the export."""
    positions, start = [], 0
    for key in keys:
        index = html.find(str(escape(str(key))), start)
        assert index >= 0, f"{key!r} not on the page (after position {start})"
        positions.append(index)
        start = index + 1


# persona, page URL, export URL (without ".xlsx"/".csv"), column shown on the page
CASES = {
    "registry.exemplars": (
        "officer",
        lambda w: "/registry/exemplars",
        lambda w: "/registry/exemplars/export",
        1,
    ),
    "campaigns.campaigns": (
        "officer",
        lambda w: "/registry/campaigns?year=2024",
        lambda w: "/registry/campaigns/export",
        1,
    ),
    "nominations.index": ("officer", lambda w: "/nominations/", lambda w: "/nominations/export", 1),
    "nominations.batches": (
        "officer",
        lambda w: "/nominations/batches",
        lambda w: "/nominations/batches/export",
        1,
    ),
    "nominations.screening": (
        "secretary",
        lambda w: f"/nominations/screening/{w.campaign.id}?state=in_review",
        lambda w: f"/nominations/screening/{w.campaign.id}/export",
        1,
    ),
    "review.queue": ("reviewer", lambda w: "/review/?status=all", lambda w: "/review/export", 0),
    "review.ranking": (
        "secretary",
        lambda w: f"/review/campaigns/{w.campaign.id}/ranking",
        lambda w: f"/review/campaigns/{w.campaign.id}/ranking/export",
        2,
    ),
    "certificates.decisions": (
        "secretary",
        lambda w: "/certificates/decisions",
        lambda w: "/certificates/decisions/export",
        0,
    ),
    "certificates.decision": (
        "secretary",
        lambda w: f"/certificates/decisions/{w.decision.id}",
        lambda w: f"/certificates/decisions/{w.decision.id}/export",
        1,
    ),
    "admin.units": (
        "admin",
        lambda w: "/admin/units?status=all",
        lambda w: "/admin/units/export",
        0,
    ),
    "admin.users": ("admin", lambda w: "/admin/users", lambda w: "/admin/users/export", 0),
    "public.gallery": ("anonymous", lambda w: "/public/", lambda w: "/public/export", 1),
}


def _query(url: str) -> str:
    return url[url.index("?") :] if "?" in url else ""


@pytest.mark.parametrize("case", sorted(CASES))
def test_export_has_the_rows_of_the_page_in_its_order(client, world, case):
    persona, page_url, export_url, column = CASES[case]
    _login(client, world, persona)
    page = client.get(page_url(world))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    query = _query(page_url(world))
    rows = _xlsx_rows(client.get(f"{export_url(world)}.xlsx{query}"))
    assert len(rows) >= 2, "the world has at least one row on every list"
    keys = [r[column] for r in rows[1:]]
    _assert_in_page_order(html, keys)
    # The page offers both buttons, keeping its query string.
    assert f"{export_url(world)}.xlsx" in html and f"{export_url(world)}.csv" in html
    text_rows = _csv_rows(client.get(f"{export_url(world)}.csv{query}"))
    assert text_rows[0] == [str(h) for h in rows[0]]
    assert [r[column] for r in text_rows[1:]] == [str(k) for k in keys]


DENIED = [
    # export URL, persona refused (403)
    ("registry.exemplars", "reviewer"),
    ("nominations.screening", "secretary_other"),
    ("review.queue", "officer"),
    ("review.ranking", "reviewer"),
    ("certificates.decision", "officer"),
    ("admin.units", "secretary"),
    ("admin.users", "leader"),
]


@pytest.mark.parametrize("case", sorted({c for c, _ in DENIED} | {"nominations.index"}))
def test_anonymous_export_is_sent_to_sign_in(client, world, case):
    response = client.get(f"{CASES[case][2](world)}.xlsx")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize(("case", "persona"), DENIED)
def test_wrong_role_gets_403(client, world, case, persona):
    _login(client, world, persona)
    assert client.get(f"{CASES[case][2](world)}.csv").status_code == 403


def test_unknown_format_is_404(client, world):
    _login(client, world, "officer")
    assert client.get("/registry/exemplars/export.pdf").status_code == 404


def test_exemplar_export_follows_filter_and_sort_across_pages(app, client, world):
    app.config["PER_PAGE"] = 2
    c11 = world.units["c11"]
    for name, year in (("Lê Văn An", 2021), ("Trần Văn Bình", 2023), ("Phạm Văn Cường", 2022)):
        make_exemplar(c11, name, year=year)
    make_exemplar(c11, "Hoàng Thị Cúc", year=2024)
    db.session.commit()
    _login(client, world, "officer")
    rows = _xlsx_rows(client.get("/registry/exemplars/export.xlsx?q=van&sort=year&dir=desc&page=2"))
    names = [r[1] for r in rows[1:]]
    # Every page (not just page 2), the filter (q=van), the sort (year, newest first).
    assert names == ["Trần Văn Bình", "Phạm Văn Cường", "Lê Văn An"]
    years = [r[5] for r in rows[1:]]
    assert years == [2023, 2022, 2021] and all(isinstance(y, int) for y in years)
    first = client.get("/registry/exemplars?q=van&sort=year&dir=desc").get_data(as_text=True)
    second = client.get("/registry/exemplars?q=van&sort=year&dir=desc&page=2").get_data(
        as_text=True
    )
    _assert_in_page_order(first, names[:2])
    _assert_in_page_order(second, names[2:])


def test_numbers_are_numeric_cells(client, world):
    _login(client, world, "secretary")
    rows = _xlsx_rows(client.get("/certificates/decisions/export.xlsx"))
    assert rows[0][4] == "Số người được khen"
    assert rows[1][4] == 1 and isinstance(rows[1][4], int)
    sheet = load_workbook(
        io.BytesIO(client.get("/certificates/decisions/export.xlsx").data)
    ).worksheets[0]
    assert sheet["B2"].is_date  # signed on


def test_formulas_are_neutralised_in_both_formats(client, world):
    exemplar = db.session.scalar(sa.select(Exemplar))
    exemplar.name = '=HYPERLINK("http://x")'
    db.session.commit()
    _login(client, world, "officer")
    rows = _xlsx_rows(client.get("/registry/exemplars/export.xlsx"))
    assert rows[1][1] == '\'=HYPERLINK("http://x")'
    text_rows = _csv_rows(client.get("/registry/exemplars/export.csv"))
    assert text_rows[1][1] == '\'=HYPERLINK("http://x")'


def test_secretary_gets_only_the_decisions_of_the_campaigns_they_organise(client, world):
    _login(client, world, "secretary_other")
    rows = _xlsx_rows(client.get("/certificates/decisions/export.xlsx"))
    assert rows[1:] == []


def test_row_cap_is_said_in_the_file(app, world):
    stmt = sa.select(Exemplar).order_by(Exemplar.id)
    make_exemplar(world.units["c11"], "Người thứ hai")
    db.session.commit()
    items, truncated = exports.fetch(stmt, limit=1)
    assert len(items) == 1 and truncated
    with app.test_request_context():
        response = exports.list_export(
            "xlsx",
            title="Điển hình",
            filename="x",
            headers=["Tên"],
            rows=[["a"]],
            truncated=True,
            limit=1,
        )
        book = load_workbook(io.BytesIO(response.data))
        assert response.headers["X-Export-Truncated"] == "1"
        assert "1 dòng đầu tiên" in book["Ghi chú"]["A2"].value
        response = exports.list_export(
            "csv",
            title="Điển hình",
            filename="x",
            headers=["Tên"],
            rows=[["a"]],
            truncated=True,
            limit=1,
        )
        assert "1 dòng đầu tiên" in response.data.decode("utf-8-sig").splitlines()[-1]
