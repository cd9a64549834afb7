"""The audit page speaks Vietnamese: every action code the services record, every record
kind and every state has a label, and the page shows no internal code
("certificate.correct", "pending → confirmed")."""

import ast
from pathlib import Path

import pytest

from dankheo import audit
from dankheo.admin import audit_log
from dankheo.extensions import db
from dankheo.models import (
    CertificateStatus,
    ConflictStatus,
    DecisionStatus,
    NominationState,
    SuccessionKind,
    YearStatus,
)
from dankheo.models.base import Base
from dankheo.workflow import ARROWS

PACKAGE = Path(__file__).resolve().parents[2] / "dankheo"
# What the f-string action codes expand to.
EXPANSIONS = {
    "award_type.": ["award_type.emblem", "award_type.blank"],
    "unit.": [f"unit.{k.value}" for k in SuccessionKind],
    "nomination.": [f"nomination.{a.action}" for a in ARROWS],
}


def recorded_actions() -> set[str]:
    """Every action code passed to audit.record in the package (read from the source)."""
    codes: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            owner = node.func.value
            if node.func.attr != "record" or getattr(owner, "id", "") != "audit":
                continue
            for part in ast.walk(node.args[1]):
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    codes.update(EXPANSIONS.get(part.value, [part.value]))
    return {c for c in codes if "." in c}


def test_the_scan_finds_the_actions_it_should():
    found = recorded_actions()
    assert {"decision.sign", "certificate.correct", "nomination.award", "issuer.rename"} <= found


def test_every_recorded_action_has_a_label():
    missing = sorted(a for a in recorded_actions() if a not in audit_log.ACTION_LABELS)
    assert missing == []


def test_every_record_kind_has_a_label():
    kinds = {audit.object_type(cls()) for cls in _mapped_classes()}
    audited = {"unit", "user", "nomination", "decision", "certificate", "issuer"}
    assert audited <= kinds
    missing = sorted(k for k in kinds if k in _audited_kinds() and k not in audit_log.OBJECT_LABELS)
    assert missing == []


def _mapped_classes():
    return [m.class_ for m in Base.registry.mappers]


def _audited_kinds() -> set[str]:
    return {
        "unit", "unit_succession", "user", "membership", "nomination", "nomination_batch",
        "initiative", "initiative_year", "exemplar", "evidence", "campaign", "committee",
        "reviewer", "assignment", "scorecard", "conflict_of_interest", "decision",
        "certificate", "award_type", "field", "criterion", "issuer", "report_narrative",
        "signer", "signer_delegation",
    }  # fmt: skip


@pytest.mark.parametrize(
    "enum_cls", [NominationState, YearStatus, CertificateStatus, DecisionStatus, ConflictStatus]
)
def test_every_state_has_a_label(enum_cls):
    assert all(audit_log.state_label(s.value) != "Khác" for s in enum_cls)


def test_a_code_means_what_its_record_says():
    assert audit_log.state_label("pending", "certificate") == "Đang phát hành"
    assert audit_log.state_label("pending", "conflict_of_interest") == "Chờ xác nhận"
    assert audit_log.state_label("true", "evidence") == "Công khai"


def test_the_audit_page_shows_no_internal_code(client, auth, admin, units):
    class Certificate:
        id = 7

    class ConflictOfInterest:
        id = 9

    audit.record(admin, "certificate.correct", Certificate(), unit_id=units["c11"].id)
    audit.record(
        admin,
        "conflict.confirm",
        ConflictOfInterest(),
        unit_id=units["c11"].id,
        from_state="pending",
        to_state="confirmed",
    )
    db.session.commit()
    auth.login("quantri")
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "Cấp lại do đính chính" in html and "Chờ xác nhận → Đã xác nhận" in html
    for code in ("certificate.correct", "conflict.confirm", "pending", "confirmed"):
        assert f">{code}<" not in html and f"{code} →" not in html and f"→ {code}" not in html
