"""The ranking's export: its rows in the page's order, the aggregates as numbers and the
quota's cut line where the page draws it."""

import io

from openpyxl import load_workbook

from dankheo.extensions import db
from tests.review.conftest import in_review
from tests.review.test_ranking import _card


def _rows(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))


def test_ranking_export_has_aggregates_and_the_cut_line(review_world, client, auth):
    w = review_world
    noms = in_review(w, n=3)
    r1, r2 = w["reviewers"][:2]
    for nomination, (a, b) in zip(noms, ((30, 31), (20, 22), (10, 10)), strict=True):
        _card(nomination, r1, a)
        _card(nomination, r2, b)
    db.session.commit()
    auth.login("thuky")
    base = f"/review/campaigns/{w['campaign'].id}/ranking"
    rows = _rows(client, f"{base}/export.xlsx")
    header = rows[0]
    assert header[:3] == ("Hạng", "Mã hồ sơ", "Hồ sơ")
    body = rows[1:]
    assert [r[2] for r in body] == [n.recipient_name for n in noms]
    assert [r[0] for r in body] == [1, 2, 3]
    mean = header.index("Điểm trung bình")
    assert [r[mean] for r in body] == [30.5, 21.0, 10.0]
    assert all(isinstance(r[mean], int | float) for r in body)  # numeric cells
    assert [r[header.index("Đã chấm")] for r in body] == [2, 2, 2]
    cut = header.index("Vạch chỉ tiêu")
    assert [bool(r[cut]) for r in body] == [False, True, False]  # quota 2
    assert [r[header.index("Trong chỉ tiêu")] for r in body] == ["Có", "Có", None]

    # Sorted by name ascending, as the page would be: no cut line is drawn.
    html = client.get(f"{base}?sort=name&dir=asc").get_data(as_text=True)
    rows = _rows(client, f"{base}/export.xlsx?sort=name&dir=asc")
    names = [r[2] for r in rows[1:]]
    assert names == sorted(names)
    assert [html.index(n) for n in names] == sorted(html.index(n) for n in names)
    assert not any(r[cut] for r in rows[1:])


def test_ranking_export_refused_to_reviewers(review_world, client, auth):
    auth.login("hoidong1")
    url = f"/review/campaigns/{review_world['campaign'].id}/ranking/export.csv"
    assert client.get(url).status_code == 403
