"""Long selects are search fields that never drop a stored value (issue 14, finding 9):
the "replicated from" select listed only the first 2,000 initiatives, so opening and
saving an initiative whose source lay beyond them erased the link; the exemplars'
initiatives had the same cap. These tests open the edit page as a browser would, submit
what it shows, and check the link is still there."""

import sqlalchemy as sa

from dankheo.extensions import db
from dankheo.models import Exemplar, Initiative, YearStatus
from dankheo.vietnamese import fold, sort_key
from tests.factories import make_exemplar, make_field, make_initiative
from tests.security.forms import form_data

# More than the old cap, so the stored source sorts beyond it.
FILLERS = 2001


def _fillers(unit, field):
    """FILLERS initiatives named "Mô hình 0001"…, inserted in one statement."""
    rows = [
        {
            "unit_id": unit.id,
            "field_id": field.id,
            "name": f"Mô hình {i:04d}",
            "first_year": 2024,
            "search_text": fold(f"Mô hình {i:04d} {unit.name}"),
            "sort_key": sort_key(f"Mô hình {i:04d}"),
        }
        for i in range(1, FILLERS + 1)
    ]
    db.session.execute(sa.insert(Initiative), rows)
    db.session.commit()


def _world(units):
    field = make_field()
    _fillers(units["c11"], field)
    # "Xây dựng…" sorts after every "Mô hình …": beyond the first 2,000.
    source = make_initiative(units["c11"], "Xây dựng tuyến đường hoa nông thôn mới", field=field)
    target = make_initiative(
        units["c11"], "Mô hình nhân rộng ở ấp Bình Hòa", field=field, replicated_from=source
    )
    db.session.commit()
    return source, target


def test_saving_an_initiative_whose_source_is_beyond_the_cap_keeps_the_link(
    client, auth, users, units
):
    source, target = _world(units)
    auth.login("canbo.c11")
    page = client.get(f"/registry/initiatives/{target.id}/edit")
    assert page.status_code == 200
    data = form_data(page.get_data(as_text=True), "replicated_from_id")
    assert data["replicated_from_id"] == str(source.id)  # the stored value is on the form
    saved = client.post(f"/registry/initiatives/{target.id}/edit", data=data)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert db.session.get(Initiative, target.id).replicated_from_id == source.id


def test_saving_an_exemplar_keeps_initiatives_beyond_the_cap(client, auth, users, units):
    source, _target = _world(units)
    exemplar = make_exemplar(units["c11"], "Nguyễn Thị Mai")
    exemplar.initiatives.append(source)
    db.session.commit()
    auth.login("canbo.c11")
    page = client.get(f"/registry/exemplars/{exemplar.id}/edit").get_data(as_text=True)
    data = form_data(page, "initiative_ids")
    assert data["initiative_ids"] == [str(source.id)]
    assert client.post(f"/registry/exemplars/{exemplar.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert [i.id for i in db.session.get(Exemplar, exemplar.id).initiatives] == [source.id]


def test_without_javascript_the_search_button_shows_matches_and_saves_nothing(
    client, auth, users, units
):
    source, target = _world(units)
    # Another commune's initiative that is not public: not offered to this officer.
    other = make_initiative(
        units["c12"], "Xây dựng khu dân cư văn minh", status=YearStatus.REGISTERED
    )
    db.session.commit()
    auth.login("canbo.c11")
    html = client.get(f"/registry/initiatives/{target.id}/edit").get_data(as_text=True)
    assert 'name="replicated_from_id-q"' in html and 'name="lookup"' in html
    # Before searching, the list is short: the stored source and the first matches only.
    assert html.count("<option") < 200
    data = form_data(html, "replicated_from_id")
    data.update({"replicated_from_id": "", "replicated_from_id-q": "xay dung", "name": "Đổi"})
    data["lookup"] = "replicated_from_id"
    page = client.post(f"/registry/initiatives/{target.id}/edit", data=data)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'<option value="{source.id}">Xây dựng tuyến đường hoa' in html
    assert "kết quả cho “xay dung”" in html
    assert str(other.id) not in html.split('name="replicated_from_id"')[1].split("</select>")[0]
    db.session.expire_all()
    saved = db.session.get(Initiative, target.id)
    assert saved.name == "Mô hình nhân rộng ở ấp Bình Hòa"  # nothing was saved
    assert saved.replicated_from_id == source.id


def test_a_source_the_officer_may_not_see_is_refused_and_nothing_is_saved(
    client, auth, users, units
):
    hidden = make_initiative(units["c21"], "Mô hình của xã khác", status=YearStatus.REGISTERED)
    target = make_initiative(units["c11"], "Mô hình ở ấp Bình Hòa")
    db.session.commit()
    auth.login("canbo.c11")
    html = client.get(f"/registry/initiatives/{target.id}/edit").get_data(as_text=True)
    data = form_data(html, "replicated_from_id")
    data["replicated_from_id"] = str(hidden.id)
    page = client.post(f"/registry/initiatives/{target.id}/edit", data=data)
    assert page.status_code == 200
    assert "Giá trị đã chọn không hợp lệ." in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Initiative, target.id).replicated_from_id is None


def test_the_lookup_endpoint_searches_in_the_persons_scope(client, auth, users, units):
    mine = make_initiative(units["c11"], "Xây dựng chợ quê")
    make_initiative(units["c21"], "Xây dựng đường làng", status=YearStatus.REGISTERED)
    db.session.commit()
    assert client.get("/lookup/initiatives?q=xay").status_code == 302  # signed out
    auth.login("canbo.c11")
    found = client.get("/lookup/initiatives?q=xây dựng").get_json()
    values = [item["value"] for item in found["items"]]
    assert values == [str(mine.id)]
    assert found["items"][0]["label"] == f"Xây dựng chợ quê – {units['c11'].name}"
    assert client.get("/lookup/khong-co?q=x").status_code == 404
    units_found = client.get("/lookup/units?q=mot mot").get_json()["items"]
    assert [u["value"] for u in units_found] == [str(units["c11"].id)]


def test_a_long_unit_filter_becomes_a_search(client, auth, users, units):
    from dankheo.models import UnitKind
    from tests.factories import make_unit

    for i in range(60):
        make_unit(f"Phường Thử Nghiệm {i:02d}", units["province"], UnitKind.WARD)
    special = make_unit("Đặc khu Côn Sơn", units["province"], UnitKind.WARD)
    db.session.commit()
    auth.login("quantri")
    html = client.get("/registry/initiatives").get_data(as_text=True)
    unit_select = html.split('id="loc-unit"')[1].split("</select>")[0]
    assert unit_select.count("<option") <= 51  # "Tất cả" and the first 50
    assert 'name="unit-q"' in html
    html = client.get("/registry/initiatives?unit-q=con son").get_data(as_text=True)
    unit_select = html.split('id="loc-unit"')[1].split("</select>")[0]
    assert f'value="{special.id}"' in unit_select and "Phường Thử Nghiệm" not in unit_select
    assert "1 đơn vị khớp “con son”" in html
    # The chosen unit stays offered whatever the search.
    html = client.get(f"/registry/initiatives?unit={special.id}").get_data(as_text=True)
    assert f'value="{special.id}" selected' in html
