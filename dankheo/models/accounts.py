"""Accounts: users, their memberships (user × unit × role) and sign-in attempts."""

import enum
import secrets
import time
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dankheo.models.base import Base, binary_string, enum_type, utcnow
from dankheo.models.units import Unit


class Role(enum.StrEnum):
    ADMIN = "admin"
    OFFICER = "officer"
    SECRETARY = "secretary"
    REVIEWER = "reviewer"
    LEADER = "leader"


ROLE_LABELS = {
    Role.ADMIN: "Quản trị hệ thống",
    Role.OFFICER: "Cán bộ đơn vị",
    Role.SECRETARY: "Thư ký thi đua",
    Role.REVIEWER: "Thành viên hội đồng",
    Role.LEADER: "Lãnh đạo",
}


def new_session_token() -> str:
    """A fresh random session token (43 URL-safe characters, 256 bits)."""
    return secrets.token_urlsafe(32)


class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(200), default="")
    # Accent-folded username, name and e-mail (vietnamese.fold), for the users search.
    search_text: Mapped[str] = mapped_column(sa.String(600), default="", server_default="")
    # Vietnamese order of people: given name, middle name, surname (vietnamese.person_sort_key).
    sort_key: Mapped[str] = mapped_column(
        binary_string(800), default="", server_default="", index=True
    )
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    # Part of every session and remember-me cookie of this user (see get_id); replacing
    # it (auth.sessions.revoke_sessions: sign-out, password change, disabling, "sign out
    # everywhere") ends every one of them at their next request. Random, never shown.
    session_token: Mapped[str] = mapped_column(sa.String(64), default=new_session_token)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    # When the session being served was signed in (epoch seconds): set at sign-in and
    # when a session is loaded (auth.sessions.load_user). Not a column.
    signed_in_at = None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        """What Flask-Login stores in the session and signs into the remember-me cookie:
        "<id>:<session token>:<signed in at>". The token makes every cookie of the user
        revocable on the server; the time makes each sign-in's cookie different and lets
        the server refuse one older than SESSION_MAX_AGE whatever the cookie claims."""
        stamp = self.signed_in_at if self.signed_in_at is not None else int(time.time())
        return f"{self.id}:{self.session_token}:{stamp}"

    def roles_in(self) -> set[Role]:
        return {m.role for m in self.memberships}

    def has_role(self, role: Role) -> bool:
        return any(m.role == role for m in self.memberships)

    def units_for(self, role: Role) -> list[Unit]:
        return [m.unit for m in self.memberships if m.role == role]

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class Membership(Base):
    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"))

    user: Mapped[User] = relationship(back_populates="memberships")
    unit: Mapped[Unit] = relationship(lazy="joined")

    __table_args__ = (sa.UniqueConstraint("user_id", "unit_id", "role"),)

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


class LoginAttempt(Base):
    """Every sign-in attempt, kept for throttling and for the audit of access."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64))
    succeeded: Mapped[bool]
    remote_addr: Mapped[str] = mapped_column(sa.String(64), default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.Index("ix_login_attempts_username_at", "username", "at"),
        # Throttling by client address counts failures from one address across usernames.
        sa.Index("ix_login_attempts_remote_addr_at", "remote_addr", "at"),
    )
