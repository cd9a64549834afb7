"""A small, complete world for the security tests: a province, one user per persona,
and one record of every kind the routes take as URL parameters.

Personas (names used by the authorization matrix):

- ``anonymous``: nobody signed in.
- ``admin``: administrator at the province.
- ``officer``: officer of commune C11, which owns the records; ``officer_other``: officer
  of commune C21 (right role, wrong unit).
- ``secretary``: secretary of the agency that organises the campaign; ``secretary_other``:
  secretary of district D2, which organises nothing here.
- ``reviewer``: committee member assigned to the nomination; ``reviewer_other``: member
  of the same committee with no assignment on it.
- ``leader``: leader of district D1 (C11 lies below); ``leader_other``: leader of D2.
"""

from dataclasses import dataclass, field
from datetime import date

from dankheo.extensions import db
from dankheo.models import Role
from tests.factories import (
    make_campaign,
    make_exemplar,
    make_initiative,
    make_nomination,
    make_province,
    make_user,
)

PERSONAS = (
    "anonymous",
    "admin",
    "officer",
    "officer_other",
    "secretary",
    "secretary_other",
    "reviewer",
    "reviewer_other",
    "leader",
    "leader_other",
)
SIGNED_IN = PERSONAS[1:]


@dataclass
class World:
    units: dict
    users: dict
    records: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.records[name]
        except KeyError:
            raise AttributeError(name) from None


def build_world() -> World:
    from dankheo.models import (
        Assignment,
        CampaignIndicator,
        Certificate,
        CertificateStatus,
        Committee,
        ConflictOfInterest,
        Decision,
        DecisionItem,
        DecisionStatus,
        Issuer,
        IssuerName,
        IssuerProfile,
        MailOutbox,
        NominationBatch,
        NominationState,
        Notification,
        NotificationKind,
        OutboxStatus,
        PriorityArea,
        Reviewer,
        Scorecard,
    )

    units = make_province()
    users = {
        "admin": make_user("quantri", (Role.ADMIN, units["province"])),
        "officer": make_user("canbo", (Role.OFFICER, units["c11"])),
        "officer_other": make_user("canbo.khac", (Role.OFFICER, units["c21"])),
        "secretary": make_user("thuky", (Role.SECRETARY, units["agency"])),
        "secretary_other": make_user("thuky.khac", (Role.SECRETARY, units["d2"])),
        "reviewer": make_user("hoidong", (Role.REVIEWER, units["d2"])),
        "reviewer_other": make_user("hoidong.khac", (Role.REVIEWER, units["c22"])),
        "leader": make_user("lanhdao", (Role.LEADER, units["d1"])),
        "leader_other": make_user("lanhdao.khac", (Role.LEADER, units["d2"])),
    }
    world = World(units=units, users=users)
    r = world.records

    campaign = make_campaign(units["agency"], year=2024)
    r["campaign"] = campaign
    r["criterion"] = campaign.criteria[0]
    r["award_type"] = campaign.award_types[0]
    r["initiative"] = make_initiative(units["c11"], "Mô hình “Tuyến đường hoa”")
    r["exemplar"] = make_exemplar(units["c11"], "Nguyễn Thị Mai")
    r["nomination"] = make_nomination(
        campaign, units["c11"], initiative=r["initiative"], state=NominationState.IN_REVIEW
    )
    r["draft_nomination"] = make_nomination(campaign, units["c11"])
    r["free_initiative"] = make_initiative(units["c11"], "Mô hình “Sân chơi cho thiếu nhi”")
    r["approved_nomination"] = make_nomination(
        campaign, units["c12"], state=NominationState.APPROVED
    )
    # An issuer kept by the provincial agency (its secretary reaches the province).
    issuer = Issuer(unit=units["agency"], profile=IssuerProfile.PARTY, place="Tây Ninh")
    issuer.names.append(
        IssuerName(
            valid_from=date(2021, 1, 1),
            name="Ban Dân vận Tỉnh ủy",
            header_name="BAN DÂN VẬN",
            code="BDVTU",
            certificate_line="BAN DÂN VẬN TỈNH ỦY TÂY NINH",
            authority_line="BAN DÂN VẬN TỈNH ỦY",
        )
    )
    db.session.add(issuer)
    r["issuer"] = issuer
    committee = Committee(campaign=campaign, name="Hội đồng thi đua")
    db.session.add(committee)
    reviewer = Reviewer(committee=committee, user=users["reviewer"], unit=units["d2"])
    reviewer_other = Reviewer(committee=committee, user=users["reviewer_other"], unit=units["c22"])
    db.session.add_all([reviewer, reviewer_other])
    db.session.flush()
    assignment = Assignment(nomination=r["nomination"], reviewer=reviewer)
    db.session.add(assignment)
    db.session.flush()
    scorecard = Scorecard(assignment=assignment)
    db.session.add(scorecard)
    conflict = ConflictOfInterest(
        reviewer=reviewer_other,
        nomination=r["nomination"],
        source="declared",
        reason="Người thân công tác tại đơn vị",
    )
    db.session.add(conflict)
    r.update(
        committee=committee,
        reviewer=reviewer,
        reviewer_other=reviewer_other,
        assignment=assignment,
        scorecard=scorecard,
        conflict=conflict,
    )

    # An awarded nomination with a signed decision and a valid certificate.
    awarded = make_nomination(campaign, units["c11"], state=NominationState.AWARDED)
    decision = Decision(
        campaign=campaign,
        award_type=r["award_type"],
        number=123,
        number_text="123/QĐ-UBND",
        signed_on=date(2024, 12, 15),
        place="Tây Ninh",
        signer_name="Nguyễn Văn Chủ",
        signer_title="Chủ tịch",
        status=DecisionStatus.SIGNED,
    )
    db.session.add(decision)
    db.session.flush()
    db.session.add(DecisionItem(decision=decision, nomination=awarded, position=1))
    certificate = Certificate(
        serial="DVK-2024-000001",
        decision=decision,
        nomination=awarded,
        recipient_name=awarded.recipient_name,
        reason=awarded.achievement_text,
        status=CertificateStatus.VALID,
    )
    db.session.add(certificate)
    db.session.flush()
    item = db.session.scalar(db.select(DecisionItem).where(DecisionItem.decision_id == decision.id))
    r.update(
        awarded_nomination=awarded, decision=decision, decision_item=item, certificate=certificate
    )
    _signing_records(world)
    r["batch"] = NominationBatch(
        campaign=campaign, unit=units["c11"], title="Tờ trình đề nghị khen thưởng"
    )
    db.session.add(r["batch"])
    r["evidence"] = _evidence(r["initiative"], users["officer"])
    # The officer's notification (a dossier returned) and a failed e-mail in the outbox.
    r["notification"] = Notification(
        user_id=users["officer"].id,
        kind=NotificationKind.NOMINATION_RETURNED,
        params={"subject": "Mô hình “Tuyến đường hoa”", "note": "Thiếu ảnh"},
        link=f"/nominations/{r['nomination'].id}",
        dedupe_key="world:returned",
    )
    r["outbox"] = MailOutbox(
        user_id=users["officer"].id,
        to_address="canbo@example.vn",
        subject="[Dân vận khéo] Hồ sơ bị trả lại",
        body_text="Lý do: thiếu ảnh",
        body_html="<p>Lý do: thiếu ảnh</p>",
        status=OutboxStatus.FAILED,
        attempts=12,
        last_error="ConnectionRefusedError",
    )
    db.session.add_all([r["notification"], r["outbox"]])
    r["field"] = r["initiative"].field
    # The second classification and the campaign's own indicators (issue 13).
    r["priority_area"] = PriorityArea(name="Dự án có thu hồi đất", position=1)
    r["indicator"] = CampaignIndicator(
        campaign=campaign, name="Tuyến đường hoa", unit_label="tuyến"
    )
    db.session.add_all([r["priority_area"], r["indicator"]])
    db.session.commit()
    return world


def _signing_records(world: World) -> None:
    """Issue 15: a signer (no account: only admins reach their pages among the personas),
    a delegation, a draft sent to that signer, and a print job of the signed decision."""
    from datetime import datetime

    from dankheo.models import (
        Decision,
        KeyKind,
        PrintJob,
        PrintJobStatus,
        Signer,
        SignerDelegation,
    )

    r = world.records
    signer = Signer(
        unit=world.units["province"],
        full_name="Trần Văn Ký",
        title="Chủ tịch",
        key_kind=KeyKind.PKCS12,
        key_file="signer-world.p12",
    )
    db.session.add(signer)
    db.session.flush()
    delegation = SignerDelegation(
        signer=signer,
        user=world.users["officer"],
        reference="Giấy ủy quyền số 1/GUQ",
        valid_from=date(2024, 1, 1),
    )
    submitted = Decision(
        campaign=r["campaign"],
        award_type=r["award_type"],
        # A number and a date that other tests of the world do not use or sort before.
        number=900,
        number_text="900/QĐ-UBND",
        signed_on=date(2024, 12, 1),
        place="Tây Ninh",
        signer_name=signer.full_name,
        signer_title=signer.title,
        signer=signer,
        submitted_at=datetime(2024, 12, 14, 8, 0),
    )
    print_job = PrintJob(
        decision=r["decision"],
        mode="full",
        certificate_ids=[r["certificate"].id],
        total=1,
        status=PrintJobStatus.READY,
    )
    db.session.add_all([delegation, submitted, print_job])
    db.session.flush()
    r.update(signer=signer, delegation=delegation, signing_decision=submitted, print_job=print_job)


def sign_in_session(session, user) -> None:
    """Make a test client's session that of ``user`` signed in, as Flask-Login's
    login_user does (the id carries the user's session token: see auth.sessions)."""
    session["_user_id"] = user.get_id()
    session["_fresh"] = True


def row_counts() -> tuple:
    """Row counts of every table but the sign-in log, in one statement."""
    import sqlalchemy as sa

    counts = [
        sa.select(sa.func.count()).select_from(table).scalar_subquery()
        for table in db.metadata.sorted_tables
        if table.name != "login_attempts"
    ]
    return tuple(db.session.execute(sa.select(*counts)).one())


def tiny_png(width: int = 8, height: int = 8, color=(200, 16, 46)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


def _evidence(initiative, uploader):
    """A public PNG on the initiative, stored where the registry keeps evidence."""
    from dankheo.models import Evidence
    from dankheo.registry import evidence as evidence_files

    checked = evidence_files.check(tiny_png())
    evidence_files.store(checked)
    row = Evidence(
        initiative_id=initiative.id,
        filename="anh-minh-chung.png",
        mime=checked.mime,
        size=checked.size,
        sha256=checked.sha256,
        title="Ảnh minh chứng",
        is_public=True,
        uploaded_by_id=uploader.id,
    )
    db.session.add(row)
    db.session.flush()
    return row
