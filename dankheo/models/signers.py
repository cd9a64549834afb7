"""Signers (người ký): the people who sign decisions, with their title, their authority
relative to the issuing body, where their own key lives, and the recorded delegations
that let their office confirm a signature on their behalf.

Key material never enters the database: a PKCS#12 signer names a file under
SIGNING_KEY_DIR, a PKCS#11 signer names a module from SIGNING_PKCS11_MODULES and the
labels of its token and key; the passphrase or PIN is typed at confirmation or read
from the instance configuration (docs/security.md)."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dankheo.models.accounts import User
from dankheo.models.base import Base, enum_type, utcnow
from dankheo.models.units import Unit


class SignerAuthority(enum.StrEnum):
    """How the signer signs relative to the issuer (Decree 30/2020, Art. 13; Party
    documents write the same with a slash: T/M, K/T, T/L, T/UQ)."""

    HEAD = "head"  # the head signs in their own right: no authority line
    TM = "tm"  # thay mặt: the head signs for a collective body ("TM. ỦY BAN NHÂN DÂN")
    KT = "kt"  # ký thay: a deputy signs for the head ("KT. CHỦ TỊCH")
    TL = "tl"  # thừa lệnh: the head of office signs by order ("TL. CHỦ TỊCH")
    TUQ = "tuq"  # thừa ủy quyền: by written authorisation ("TUQ. CHỦ TỊCH")


AUTHORITY_PREFIX = {
    "state": {"tm": "TM.", "kt": "KT.", "tl": "TL.", "tuq": "TUQ."},
    "party": {"tm": "T/M", "kt": "K/T", "tl": "T/L", "tuq": "T/UQ"},
}

AUTHORITY_LABELS = {
    SignerAuthority.HEAD: "Người đứng đầu ký trực tiếp",
    SignerAuthority.TM: "TM. – Thay mặt tập thể",
    SignerAuthority.KT: "KT. – Ký thay người đứng đầu",
    SignerAuthority.TL: "TL. – Thừa lệnh",
    SignerAuthority.TUQ: "TUQ. – Thừa ủy quyền",
}


class KeyKind(enum.StrEnum):
    PKCS12 = "pkcs12"  # a .p12/.pfx file with a passphrase
    PKCS11 = "pkcs11"  # a USB token or an HSM, through its PKCS#11 module


class SecretSource(enum.StrEnum):
    PROMPT = "prompt"  # typed by whoever confirms, every time
    CONFIG = "config"  # SIGNING_SECRETS[secret_ref] in the instance configuration


class Signer(Base):
    __tablename__ = "signers"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The body the person signs for (a People's Committee, a Party board).
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    # The person's own account, when they have one: they confirm their signatures.
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    title: Mapped[str] = mapped_column(sa.String(300))  # "Phó Chủ tịch"
    authority: Mapped[SignerAuthority] = mapped_column(
        enum_type(SignerAuthority, "signer_authority"), default=SignerAuthority.HEAD
    )
    # What the authority prefix applies to: "Chủ tịch" (KT. CHỦ TỊCH), "Ủy ban nhân dân".
    authority_of: Mapped[str] = mapped_column(sa.String(300), default="")
    key_kind: Mapped[KeyKind] = mapped_column(enum_type(KeyKind, "signer_key_kind"))
    key_file: Mapped[str] = mapped_column(sa.String(200), default="")  # under SIGNING_KEY_DIR
    pkcs11_module: Mapped[str] = mapped_column(sa.String(64), default="")  # a config name
    token_label: Mapped[str] = mapped_column(sa.String(64), default="")
    key_label: Mapped[str] = mapped_column(sa.String(64), default="")
    secret_source: Mapped[SecretSource] = mapped_column(
        enum_type(SecretSource, "signer_secret_source"), default=SecretSource.PROMPT
    )
    # The name of the passphrase/PIN in SIGNING_SECRETS (CONFIG); never the secret.
    secret_ref: Mapped[str] = mapped_column(sa.String(64), default="")
    # Read from the key's certificate when it was checked (public information).
    cert_subject: Mapped[str] = mapped_column(sa.String(500), default="")
    cert_fingerprint: Mapped[str] = mapped_column(sa.String(64), default="")
    cert_not_after: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    unit: Mapped[Unit] = relationship()
    user: Mapped[User | None] = relationship()
    delegations: Mapped[list["SignerDelegation"]] = relationship(
        back_populates="signer", order_by="SignerDelegation.id"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.CheckConstraint(
            "(key_kind = 'pkcs12' AND key_file <> '') OR "
            "(key_kind = 'pkcs11' AND pkcs11_module <> '' AND key_label <> '')",
            name="key_location",
        ),
        sa.CheckConstraint(
            "secret_source <> 'config' OR secret_ref <> ''", name="config_secret_named"
        ),
    )

    def authority_line(self, profile: str = "state") -> str:
        """ "KT. CHỦ TỊCH" (State) or "K/T CHỦ TỊCH" (Party); "" for the head."""
        if self.authority == SignerAuthority.HEAD or not self.authority_of:
            return ""
        prefix = AUTHORITY_PREFIX.get(profile, AUTHORITY_PREFIX["state"])[self.authority.value]
        return f"{prefix} {self.authority_of.upper()}"

    @property
    def authority_label(self) -> str:
        return AUTHORITY_LABELS[self.authority]

    def active_delegations(self, on: date) -> list["SignerDelegation"]:
        return [d for d in self.delegations if d.in_force(on)]


class SignerDelegation(Base):
    """A recorded delegation: ``user`` (the signer's office) may confirm signatures of
    ``signer`` from ``valid_from`` to ``valid_to`` under the written authorisation
    ``reference``. Revoked, never deleted."""

    __tablename__ = "signer_delegations"

    id: Mapped[int] = mapped_column(primary_key=True)
    signer_id: Mapped[int] = mapped_column(sa.ForeignKey("signers.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    reference: Mapped[str] = mapped_column(sa.String(300))  # "Giấy ủy quyền số 12/GUQ …"
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]
    granted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    signer: Mapped[Signer] = relationship(back_populates="delegations")
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    __table_args__ = (
        sa.CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="period"),
        sa.CheckConstraint("reference <> ''", name="has_reference"),
    )

    def in_force(self, on: date) -> bool:
        return (
            self.revoked_at is None
            and self.valid_from <= on
            and (self.valid_to is None or on <= self.valid_to)
        )


def signers_for(user, on: date) -> sa.Select:
    """The active signers ``user`` may confirm for on day ``on``: their own record and
    those whose delegation in force names them."""
    delegated = sa.select(SignerDelegation.signer_id).where(
        SignerDelegation.user_id == user.id,
        SignerDelegation.revoked_at.is_(None),
        SignerDelegation.valid_from <= on,
        sa.or_(SignerDelegation.valid_to.is_(None), SignerDelegation.valid_to >= on),
    )
    return sa.select(Signer).where(
        Signer.active.is_(True),
        sa.or_(Signer.user_id == user.id, Signer.id.in_(delegated)),
    )
