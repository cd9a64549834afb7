"""A campaign in review: organiser, officer, secretary, a committee of reviewers."""

import pytest

from dankheo.extensions import db
from dankheo.models import NominationState, Role
from dankheo.review import services
from tests.factories import make_campaign, make_nomination, make_province, make_user


@pytest.fixture
def review_world(app):
    units = make_province()
    secretary = make_user("thuky", (Role.SECRETARY, units["agency"]))
    officer = make_user("canbo", (Role.OFFICER, units["c11"]))
    reviewers_users = [
        make_user(f"hoidong{i}", (Role.REVIEWER, units[u]))
        for i, u in enumerate(("d2", "c22", "agency", "c12"), start=1)
    ]
    campaign = make_campaign(units["agency"], quota=2)
    committee = services.ensure_committee(secretary, campaign)
    reviewers = [services.add_reviewer(secretary, committee, u) for u in reviewers_users]
    db.session.commit()
    return {
        "units": units,
        "secretary": secretary,
        "officer": officer,
        "campaign": campaign,
        "committee": committee,
        "reviewers": reviewers,
        "reviewer_users": reviewers_users,
    }


def in_review(world, unit_key="c11", n=1):
    return [
        make_nomination(
            world["campaign"], world["units"][unit_key], state=NominationState.IN_REVIEW
        )
        for _ in range(n)
    ]
