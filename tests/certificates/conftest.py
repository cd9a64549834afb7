"""Fixtures of the certificates tests: a campaign run by the provincial agency, its
secretary, and approved nominations ready for a decision."""

from datetime import date

import pytest

from dankheo.certificates import decisions
from dankheo.certificates.jobs import enqueue_issue
from dankheo.extensions import db
from dankheo.models import NominationState, Role
from tests.factories import make_campaign, make_nomination, make_province, make_user


@pytest.fixture
def units(app):
    return make_province()


@pytest.fixture
def campaign(units):
    campaign = make_campaign(units["agency"])
    db.session.commit()
    return campaign


@pytest.fixture
def secretary(units):
    return make_user("thuky", (Role.SECRETARY, units["agency"]))


@pytest.fixture
def approved(campaign, units):
    nominations = [
        make_nomination(
            campaign,
            units["c11"],
            state=NominationState.APPROVED,
            recipient_name=name,
            recipient_line=line,
        )
        for name, line in (
            ("Ông Nguyễn Văn Thành", "Bí thư Chi bộ ấp Bình Hòa"),
            ("Bà Trần Thị Ngọc Ánh", "Chủ tịch Hội LHPN xã Long Hòa"),
            ("Mô hình “Tuyến đường hoa nông thôn mới” ấp Bình Hòa", ""),
        )
    ]
    db.session.commit()
    return nominations


def make_decision(secretary, campaign, nominations, number=123):
    decision = decisions.create_decision(
        secretary,
        campaign.award_types[0],
        number=number,
        signed_on=date(2024, 12, 15),
        place="Tây Ninh",
        signer_name="Nguyễn Thanh Ngọc",
        signer_title="Chủ tịch",
        nomination_ids=[n.id for n in nominations],
    )
    db.session.commit()
    return decision


@pytest.fixture
def signed(secretary, campaign, approved):
    """A signed decision whose certificates were issued (immediate huey)."""
    decision = make_decision(secretary, campaign, approved)
    certificates = decisions.sign_decision(secretary, decision)
    db.session.commit()
    enqueue_issue(decision.id, [c.id for c in certificates])
    db.session.expire_all()
    return decision


# --- personal signers (issue 15) ----------------------------------------------------------


@pytest.fixture(scope="session")
def softhsm_tokens(tmp_path_factory):
    """SoftHSM2 started in a temporary token directory for the whole run, with two
    tokens: the chairman's and the deputy's, each holding their own RSA key and a
    certificate naming them (skipped where softhsm2 is not installed: `make install-dev`
    installs it)."""
    from tests.pdf import softhsm

    if not softhsm.available():
        pytest.skip("softhsm2 is not installed (make sysdeps-test installs it)")
    softhsm.start(tmp_path_factory.mktemp("softhsm"))
    chairman, deputy = softhsm.make_tokens(
        ("CHUTICH", "1111", "Trần Văn Bình", "Chủ tịch"),
        ("PHOCHUTICH", "2222", "Lê Thị Hoa", "Phó Chủ tịch"),
    )
    return {"chairman": chairman, "deputy": deputy}


def signer_config(tmp_path, tokens=None, **overrides) -> dict:
    from tests.conftest import make_test_config

    modules = {"softhsm": tokens["chairman"].module} if tokens else {}
    return make_test_config(
        tmp_path,
        SIGNING_KEY_DIR=str(tmp_path / "keys"),
        SIGNING_PKCS11_MODULES=modules,
        **overrides,
    )
