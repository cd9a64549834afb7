"""Issuers: the bodies that sign decisions and certificates, with a dated history of
names (after 2025 "Ban Tuyên giáo và Dân vận Tỉnh ủy" replaces "Ban Dân vận Tỉnh ủy"),
and the settings their documents print: parent body, document profile, number code,
legal basis, default recipients (Nơi nhận), signer's authority and title, place."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dankheo.models.base import Base, enum_type, utcnow
from dankheo.models.campaigns import IssuerProfile
from dankheo.models.units import Unit


class Issuer(Base):
    """A body that issues decisions (Ủy ban nhân dân tỉnh, Ban … Tỉnh ủy). What its
    documents print that does not depend on the date lives here; what changed with a
    rename lives in :class:`IssuerName`."""

    __tablename__ = "issuers"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The unit whose secretaries and admins maintain these settings.
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    profile: Mapped[IssuerProfile] = mapped_column(enum_type(IssuerProfile, "issuer_profile"))
    # The line above the body in the header: "TỈNH ỦY TÂY NINH" (Party); "" when the
    # body has no parent printed (a provincial People's Committee).
    parent_name: Mapped[str] = mapped_column(sa.String(200), default="")
    place: Mapped[str] = mapped_column(sa.String(120))
    # One "Căn cứ …" line per text line, printed in order before "Xét đề nghị …".
    legal_basis: Mapped[str] = mapped_column(sa.Text, default="")
    # Default "Nơi nhận" list, one per line (without the leading "- ").
    recipients: Mapped[str] = mapped_column(sa.Text, default="")
    # Signature block defaults (a decision copies them into its own fields).
    signer_authority: Mapped[str] = mapped_column(sa.String(200), default="")
    signer_title: Mapped[str] = mapped_column(sa.String(200), default="")
    signer_name: Mapped[str] = mapped_column(sa.String(200), default="")
    # The body that proposes its awards: "Xét đề nghị của {proposer}".
    proposer: Mapped[str] = mapped_column(sa.String(300), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    unit: Mapped[Unit] = relationship()
    names: Mapped[list["IssuerName"]] = relationship(
        back_populates="issuer",
        order_by="IssuerName.valid_from",
        cascade="all, delete-orphan",
    )

    __mapper_args__ = {"version_id_col": version}

    def name_on(self, day: date) -> "IssuerName | None":
        """The name valid on ``day``: the latest one that started on or before it (or
        the earliest, for a day before the first)."""
        valid = [n for n in self.names if n.valid_from <= day]
        if valid:
            return valid[-1]
        return self.names[0] if self.names else None

    @property
    def current_name(self) -> "IssuerName | None":
        return self.names[-1] if self.names else None

    @property
    def label(self) -> str:
        name = self.current_name
        return name.name if name else f"Cơ quan ban hành #{self.id}"


class IssuerName(Base):
    """One period of an issuer's name, with what the rename changed: the body's line in
    the header, its number code, the red line of its certificates and the competence
    line of its decisions."""

    __tablename__ = "issuer_names"

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("issuers.id", ondelete="CASCADE"), index=True
    )
    valid_from: Mapped[date]
    # "Ban Tuyên giáo và Dân vận Tỉnh ủy", "Ủy ban nhân dân tỉnh Tây Ninh": how pages name it.
    name: Mapped[str] = mapped_column(sa.String(300))
    # The header line(s) of the body, as printed (capitals): "BAN TUYÊN GIÁO VÀ DÂN VẬN".
    header_name: Mapped[str] = mapped_column(sa.String(300))
    # The code after the kind in a number: "UBND" → "Số: 12/QĐ-UBND"; "BTGDVTU" →
    # "Số 12-QĐ/BTGDVTU".
    code: Mapped[str] = mapped_column(sa.String(40))
    # The red issuer line of a certificate: "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH TÂY NINH",
    # "BAN TUYÊN GIÁO VÀ DÂN VẬN TỈNH ỦY TÂY NINH".
    certificate_line: Mapped[str] = mapped_column(sa.String(300))
    # The competence line under a decision's title: "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH TÂY NINH",
    # "BAN THƯỜNG VỤ TỈNH ỦY" / "TRƯỞNG BAN TUYÊN GIÁO VÀ DÂN VẬN TỈNH ỦY".
    authority_line: Mapped[str] = mapped_column(sa.String(300))

    issuer: Mapped[Issuer] = relationship(back_populates="names")

    __table_args__ = (sa.UniqueConstraint("issuer_id", "valid_from"),)
