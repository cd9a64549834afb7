"""The navigation bar marks exactly the current area."""

import re

import pytest

from dankheo.models import Role
from tests.factories import make_campaign, make_province, make_user


@pytest.fixture
def admin_client(app, client, auth):
    units = make_province()
    make_user("quantri", (Role.ADMIN, units["province"]))
    auth.login("quantri")
    return client


def _active_links(html: str) -> list[str]:
    return re.findall(r'class="nav-link active" aria-current="page" href="[^"]*">([^<]+)<', html)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", []),
        ("/inbox", ["Việc cần làm"]),
        ("/registry/initiatives", ["Mô hình"]),
        ("/registry/exemplars", ["Điển hình"]),
        ("/registry/campaigns", ["Đợt thi đua"]),
    ],
)
def test_only_the_current_area_is_marked(admin_client, path, expected):
    html = admin_client.get(path).get_data(as_text=True)
    assert _active_links(html) == expected


def test_administration_links_are_in_the_account_menu(admin_client):
    html = admin_client.get("/").get_data(as_text=True)
    assert 'class="dropdown-item" href="/admin/audit">Nhật ký hoạt động<' in html
    assert 'class="nav-link" href="/admin/' not in html


def test_the_secretary_reaches_the_three_newest_campaigns_from_the_bar(app, client, auth):
    units = make_province()
    make_user("thukyNav", (Role.SECRETARY, units["province"]))
    campaigns = [
        make_campaign(units["province"], year=year, name=f"Đợt thi đua {year}")
        for year in (2021, 2022, 2023, 2024)
    ]
    auth.login("thukyNav")
    html = client.get("/").get_data(as_text=True)
    for campaign in campaigns[1:]:
        assert f'href="/review/campaigns/{campaign.id}/committee"' in html
    assert f'href="/review/campaigns/{campaigns[0].id}/committee"' not in html  # the oldest
    assert html.index("Đợt thi đua 2024") < html.index("Đợt thi đua 2022")  # newest first
