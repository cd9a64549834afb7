"""Domain model, one module per aggregate; importing this package registers every table."""

from dankheo.models.accounts import ROLE_LABELS, LoginAttempt, Membership, Role, User
from dankheo.models.audit import AuditEvent
from dankheo.models.base import Base, utcnow
from dankheo.models.campaigns import (
    AwardForm,
    AwardType,
    Campaign,
    CampaignKind,
    Criterion,
    Field,
    IssuerProfile,
    Level,
    PaperSize,
    Phase,
)
from dankheo.models.certificates import (
    Certificate,
    CertificateStatus,
    Decision,
    DecisionItem,
    DecisionStatus,
)
from dankheo.models.nominations import Nomination, NominationBatch, NominationState
from dankheo.models.registry import (
    PUBLIC_STATUSES,
    Evidence,
    Exemplar,
    ExemplarKind,
    Initiative,
    InitiativeYear,
    YearStatus,
)
from dankheo.models.reports import ReportCount, ReportCountsState
from dankheo.models.review import (
    Assignment,
    Committee,
    ConflictOfInterest,
    ConflictSource,
    ConflictStatus,
    Reviewer,
    Score,
    Scorecard,
)
from dankheo.models.units import SuccessionKind, Unit, UnitKind, UnitSuccession
from dankheo.models.versions import DataVersion

__all__ = [
    "PUBLIC_STATUSES",
    "ROLE_LABELS",
    "Assignment",
    "AuditEvent",
    "AwardForm",
    "AwardType",
    "Base",
    "Campaign",
    "CampaignKind",
    "Certificate",
    "CertificateStatus",
    "Committee",
    "ConflictOfInterest",
    "ConflictSource",
    "ConflictStatus",
    "Criterion",
    "DataVersion",
    "Decision",
    "DecisionItem",
    "DecisionStatus",
    "Evidence",
    "Exemplar",
    "ExemplarKind",
    "Field",
    "Initiative",
    "InitiativeYear",
    "IssuerProfile",
    "Level",
    "LoginAttempt",
    "Membership",
    "Nomination",
    "NominationBatch",
    "NominationState",
    "PaperSize",
    "Phase",
    "ReportCount",
    "ReportCountsState",
    "Reviewer",
    "Role",
    "Score",
    "Scorecard",
    "SuccessionKind",
    "Unit",
    "UnitKind",
    "UnitSuccession",
    "User",
    "YearStatus",
    "utcnow",
]
