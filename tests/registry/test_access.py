"""Every registry page: anonymous visitors go to sign-in, wrong roles get 403, the
right user gets the page with its content."""

import pytest

from dankheo.extensions import db
from tests.factories import make_campaign, make_exemplar, make_initiative, make_nomination


@pytest.fixture
def records(units):
    initiative = make_initiative(units["c11"], "Mô hình “Hũ gạo tình thương”")
    exemplar = make_exemplar(units["c11"], "Võ Thị Sáu Demo")
    campaign = make_campaign(units["agency"], year=2024)
    make_nomination(campaign, units["c11"], initiative=initiative)
    db.session.commit()
    return {"i": initiative.id, "e": exemplar.id, "c": campaign.id}


PAGES = [
    "/registry/initiatives",
    "/registry/initiatives/new",
    "/registry/initiatives/{i}",
    "/registry/initiatives/{i}/edit",
    "/registry/initiatives/export.xlsx",
    "/registry/initiatives/import",
    "/registry/exemplars",
    "/registry/exemplars/new",
    "/registry/exemplars/{e}",
    "/registry/exemplars/{e}/edit",
    "/registry/campaigns",
    "/registry/campaigns/new",
    "/registry/campaigns/{c}",
    "/registry/campaigns/{c}/edit",
    "/registry/fields",
    "/registry/fields/new",
]


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_goes_to_sign_in(client, records, page):
    response = client.get(page.format(**records))
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "page",
    [p for p in PAGES if "campaigns" not in p and p != "/registry/fields"],
)
def test_reviewer_is_refused_registry_pages(client, auth, users, records, page):
    auth.login("hoidong")
    assert client.get(page.format(**records)).status_code == 403


@pytest.mark.parametrize(
    ("page", "text"),
    [
        ("/registry/initiatives", "Hũ gạo tình thương"),
        ("/registry/initiatives/{i}", "Đợt thi đua “Dân vận khéo” năm 2024"),
        ("/registry/initiatives/{i}/edit", "Lực lượng thực hiện, phối hợp"),
        ("/registry/exemplars", "Võ Thị Sáu Demo"),
        ("/registry/exemplars/{e}", "Võ Thị Sáu Demo"),
        ("/registry/campaigns", "Đợt thi đua “Dân vận khéo” năm 2024"),
        ("/registry/campaigns/{c}", "Tiêu chí 1"),
        ("/registry/fields", "Quốc phòng – an ninh"),
    ],
)
def test_officer_sees_its_pages(client, auth, users, records, page, text):
    auth.login("canbo.c11")
    response = client.get(page.format(**records))
    assert response.status_code == 200
    assert text in response.get_data(as_text=True)


def test_leader_reads_but_cannot_edit(client, auth, users, records):
    auth.login("lanhdao")
    html = client.get(f"/registry/initiatives/{records['i']}").get_data(as_text=True)
    assert "Hũ gạo tình thương" in html
    assert "Chuyển sang năm" not in html and "Tải lên" not in html
    assert client.get(f"/registry/initiatives/{records['i']}/edit").status_code == 403
    assert client.get("/registry/initiatives/new").status_code == 403


def test_campaign_configuration_links_follow_permissions(client, auth, users, records):
    url = f"/registry/campaigns/{records['c']}"
    auth.login("canbo.c11")
    assert "Sửa cấu hình" not in client.get(url).get_data(as_text=True)
    auth.logout()
    auth.login("thuky.bdv")
    html = client.get(url).get_data(as_text=True)
    assert "Sửa cấu hình" in html and "Thêm hình thức" in html
