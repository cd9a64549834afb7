"""Campaign configuration: fields (admins), campaigns with windows, the rubric (locked
once review opens) and award types (secretaries of the organising unit)."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from dankheo.campaigns import services
from dankheo.extensions import db
from dankheo.models import AwardForm, AwardType, Campaign, Criterion, Field, IssuerProfile
from tests.factories import make_campaign


def campaign_form(unit, **overrides):
    data = {
        "name": "Phong trào thi đua “Dân vận khéo” năm 2026",
        "organising_unit_id": unit.id,
        "year": 2026,
        "kind": "yearly",
        "level": "province",
        "registration_opens": "2026-01-15",
        "registration_closes": "2026-09-30",
        "nomination_opens": "2026-10-01",
        "nomination_closes": "2026-10-31",
        "review_opens": "2026-11-01",
        "review_closes": "2026-11-30",
        "reviewers_per_nomination": "3",
        "spread_threshold": "20",
        "pass_threshold": "50",
    }
    data.update(overrides)
    return data


def test_default_fields_are_seeded_once(app):
    services.ensure_default_fields()
    services.ensure_default_fields()
    names = db.session.scalars(sa.select(Field.name).order_by(Field.position)).all()
    assert names == list(services.DEFAULT_FIELDS)


def test_only_admins_manage_fields(client, auth, users):
    auth.login("thuky")
    assert client.get("/registry/fields/new").status_code == 403
    auth.logout()
    auth.login("quantri")
    response = client.post(
        "/registry/fields/new",
        data={"name": "Xây dựng nông thôn mới", "position": "5", "active": "y"},
    )
    assert response.status_code == 302
    html = client.get("/registry/fields").get_data(as_text=True)
    assert "Xây dựng nông thôn mới" in html


def test_duplicate_field_name_is_refused(client, auth, users):
    auth.login("quantri")
    html = client.post("/registry/fields/new", data={"name": "Kinh tế", "position": "1"}).get_data(
        as_text=True
    )
    assert "Lĩnh vực “Kinh tế” đã có." in html


def test_anonymous_and_officers_cannot_create_campaigns(client, auth, users):
    assert client.get("/registry/campaigns/new").status_code == 302
    auth.login("canbo.c11")
    assert client.get("/registry/campaigns/new").status_code == 403


def test_secretary_creates_a_campaign_for_its_unit(client, auth, users, units):
    auth.login("thuky.bdv")
    response = client.post("/registry/campaigns/new", data=campaign_form(units["agency"]))
    assert response.status_code == 302
    campaign = db.session.scalar(sa.select(Campaign))
    assert campaign.organising_unit_id == units["agency"].id
    assert campaign.review_opens == date(2026, 11, 1)
    # 2026 opens the movement's next five-year phase.
    assert (campaign.phase.start_year, campaign.phase.end_year) == (2026, 2030)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Phong trào thi đua “Dân vận khéo” năm 2026" in html and "01/11/2026" in html


def test_secretary_cannot_create_for_another_unit(client, auth, users, units):
    auth.login("thuky.bdv")
    response = client.post("/registry/campaigns/new", data=campaign_form(units["d1"]))
    assert response.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count(Campaign.id))) == 0


def test_window_closing_before_opening_is_refused(client, auth, users, units):
    auth.login("thuky.bdv")
    html = client.post(
        "/registry/campaigns/new",
        data=campaign_form(units["agency"], review_closes="2026-10-01"),
    ).get_data(as_text=True)
    assert "Ngày đóng phải sau ngày mở." in html
    assert db.session.scalar(sa.select(sa.func.count(Campaign.id))) == 0


def test_other_secretary_cannot_edit_the_campaign(client, auth, users, units):
    campaign = make_campaign(units["agency"])
    db.session.commit()
    auth.login("thuky")  # secretary of the province, not of the organising agency
    assert client.get(f"/registry/campaigns/{campaign.id}/edit").status_code == 403


def test_rubric_is_editable_until_review_opens(client, auth, users, units):
    campaign = make_campaign(units["agency"], review_opens=date.today() + timedelta(days=3))
    db.session.commit()
    auth.login("thuky.bdv")
    url = f"/registry/campaigns/{campaign.id}/criteria/new"
    data = {
        "title": "Nhân dân tự nguyện tham gia",
        "max_points": "20",
        "weight": "1",
        "position": "4",
    }
    assert client.post(url, data=data).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Criterion.id))) == 4


def test_rubric_is_locked_once_review_opens(client, auth, users, units):
    campaign = make_campaign(units["agency"], review_opens=date.today() - timedelta(days=1))
    db.session.commit()
    auth.login("thuky.bdv")
    url = f"/registry/campaigns/{campaign.id}/criteria/new"
    response = client.post(
        url, data={"title": "Mới", "max_points": "10", "weight": "1"}, follow_redirects=True
    )
    assert "không thể sửa tiêu chí chấm điểm" in response.get_data(as_text=True)
    criterion = campaign.criteria[0]
    client.post(f"/registry/campaigns/{campaign.id}/criteria/{criterion.id}/delete")
    assert db.session.scalar(sa.select(sa.func.count(Criterion.id))) == 3


def test_bad_criterion_points_are_refused(client, auth, users, units):
    campaign = make_campaign(units["agency"])
    db.session.commit()
    auth.login("thuky.bdv")
    html = client.post(
        f"/registry/campaigns/{campaign.id}/criteria/new",
        data={"title": "Tiêu chí", "max_points": "0", "weight": "1", "position": "1"},
    ).get_data(as_text=True)
    assert "Giá trị phải từ 0.5 đến 1000." in html
    assert db.session.scalar(sa.select(sa.func.count(Criterion.id))) == 3


@pytest.mark.parametrize(
    ("form", "profile", "suffix"),
    [("giay_khen", "party", "QĐ/BDVTU"), ("bang_khen", "state", "QĐ-UBND")],
)
def test_award_type_form(client, auth, users, units, form, profile, suffix):
    campaign = make_campaign(units["agency"])
    db.session.commit()
    auth.login("thuky.bdv")
    response = client.post(
        f"/registry/campaigns/{campaign.id}/award-types/new",
        data={
            "form": form,
            "issuer_title": "Ban Dân vận Tỉnh ủy",
            "issuer_name": "Tỉnh ủy Tây Ninh",
            "issuer_profile": profile,
            "decision_suffix": suffix,
            "quota": "40",
            "paper": "A4",
        },
    )
    assert response.status_code == 302
    award = db.session.scalars(sa.select(AwardType).order_by(AwardType.id.desc())).first()
    assert award.form == AwardForm(form) and award.issuer_profile == IssuerProfile(profile)
    assert award.decision_suffix == suffix and award.quota == 40


def test_negative_quota_is_refused(client, auth, users, units):
    campaign = make_campaign(units["agency"])
    db.session.commit()
    auth.login("thuky.bdv")
    html = client.post(
        f"/registry/campaigns/{campaign.id}/award-types/new",
        data={
            "form": "giay_khen",
            "issuer_title": "Ban Dân vận",
            "issuer_profile": "party",
            "decision_suffix": "QĐ/BDVTU",
            "quota": "-1",
            "paper": "A4",
        },
    ).get_data(as_text=True)
    assert "Giá trị phải từ 0 đến 100000." in html
    assert db.session.scalar(sa.select(sa.func.count(AwardType.id))) == 1


def test_campaign_list_shows_campaigns(client, auth, users, units):
    make_campaign(units["agency"], year=2024)
    db.session.commit()
    auth.login("canbo.c11")
    html = client.get("/registry/campaigns").get_data(as_text=True)
    assert "Đợt thi đua “Dân vận khéo” năm 2024" in html
