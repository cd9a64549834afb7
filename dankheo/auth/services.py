"""Account writes: sign-in (throttled, constant work), passwords (policy, Argon2id),
users and memberships; sessions are revoked through auth.sessions."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from dankheo import audit
from dankheo.auth import passwords, sessions, throttle
from dankheo.errors import DomainError
from dankheo.extensions import db
from dankheo.models.accounts import LoginAttempt, Membership, Role, User
from dankheo.models.base import utcnow
from dankheo.models.units import Unit
from dankheo.vietnamese import fold, person_sort_key

hash_password = passwords.hash_password


def verify_password(user: User, password: str) -> bool:
    ok = passwords.verify(user.password_hash, password)
    if ok and passwords.needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return ok


def user_search_text(username: str, full_name: str, email: str) -> str:
    """What the user search matches: user name, full name and e-mail, accent-folded."""
    return fold(f"{username} {full_name} {email}")


def user_sort_key(full_name: str) -> str:
    """Where a user stands in lists: Vietnamese order of people (given name first)."""
    return person_sort_key(full_name)


def index_user_text(user: User) -> None:
    """Keep the accent-folded search column and the Vietnamese sort key (given name
    first) in step with what they are computed from."""
    user.search_text = user_search_text(user.username, user.full_name, user.email)
    user.sort_key = user_sort_key(user.full_name)


def authenticate(username: str, password: str, remote_addr: str = "") -> User:
    """Return the user for these credentials, or raise DomainError.

    Throttled first (auth.throttle: growing delays by account, address and both; a
    refused-by-delay attempt checks no password and is not written). Otherwise one
    Argon2id verification whether or not the user exists, and the attempt is written."""
    username = (username or "").strip().lower()[:64]
    remote_addr = (remote_addr or "")[:64]
    wait = throttle.seconds_to_wait(username, remote_addr, utcnow())
    if wait > 0:
        current_app.logger.warning(
            "sign-in throttled: %r from %s, %d s to wait", username, remote_addr, wait
        )
        if wait < 120:
            raise DomainError("login.throttled", seconds=wait)
        raise DomainError("login.throttled_minutes", minutes=-(-wait // 60))
    user = db.session.scalar(sa.select(User).where(User.username == username))
    ok = verify_password(user, password) if user is not None else passwords.verify_unknown(password)
    db.session.add(
        LoginAttempt(username=username, succeeded=ok and user.active, remote_addr=remote_addr)
    )
    if not ok:
        raise DomainError("login.invalid")
    if not user.active:
        raise DomainError("login.disabled")
    user.last_login_at = utcnow()
    sessions.start_session(user)
    return user


@dataclass
class SignIn:
    """The outcome of a sign-in attempt: the user, or the refusal to show."""

    user: User | None = None
    refusal: DomainError | None = None


def attempt_sign_in(username: str, password: str, remote_addr: str = "") -> SignIn:
    """``authenticate()`` with its refusal returned instead of raised: a refused attempt
    is written too (it is what throttling counts), so the caller commits either way."""
    try:
        return SignIn(user=authenticate(username, password, remote_addr))
    except DomainError as err:
        return SignIn(refusal=err)


def check_password(password: str, *, username: str = "", full_name: str = "") -> None:
    """The password policy (auth.passwords.check): DomainError saying what is wrong."""
    passwords.check(password, username=username, full_name=full_name)


def change_password(user: User, current: str, new: str) -> None:
    """The user's own change: every other session and remember-me cookie of theirs ends
    (the caller signs the current one in again with the new token)."""
    if not verify_password(user, current):
        raise DomainError("password.wrong_current")
    check_password(new, username=user.username, full_name=user.full_name)
    user.password_hash = hash_password(new)
    sessions.revoke_sessions(user)
    audit.record(user, "user.change_password", user)


def sign_out(user: User) -> None:
    """Signing out ends every session and remember-me cookie of the user."""
    sessions.revoke_sessions(user)


def sign_out_everywhere(user: User, *, actor) -> None:
    sessions.revoke_sessions(user, actor=actor, reason="sign_out_everywhere")


def create_user(
    username: str,
    full_name: str,
    password: str,
    *,
    actor=None,
    email: str = "",
    active: bool = True,
) -> User:
    username = username.strip().lower()
    if db.session.scalar(sa.select(User.id).where(User.username == username)):
        raise DomainError("user.username_taken", username=username)
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        password_hash=hash_password(password),
        active=active,
    )
    index_user_text(user)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.create", user)
    return user


def add_membership(user: User, unit: Unit, role: Role, *, actor=None) -> Membership:
    exists = db.session.scalar(
        sa.select(Membership.id).where(
            Membership.user_id == user.id, Membership.unit_id == unit.id, Membership.role == role
        )
    )
    if exists:
        raise DomainError("membership.duplicate")
    membership = Membership(user=user, unit=unit, role=role)
    db.session.add(membership)
    db.session.flush()
    audit.record(
        actor,
        "membership.add",
        membership,
        unit_id=unit.id,
        details={"user": user.username, "role": role.value},
    )
    return membership


# --- administration of accounts (admin pages) -----------------------------------------


def update_user(user: User, *, full_name: str, email: str, active: bool, actor) -> User:
    """Edit a user's name, e-mail and whether it may sign in (an admin cannot lock
    itself out)."""
    before = {"full_name": user.full_name, "email": user.email, "active": user.active}
    if not active and actor is not None and actor.id == user.id:
        raise DomainError("user.self_disable")
    user.full_name, user.email = full_name, email
    index_user_text(user)
    if user.active != active:
        set_active(user, active, actor=actor)
    audit.record(actor, "user.update", user, details={"before": before})
    return user


def set_active(user: User, active: bool, *, actor) -> None:
    if not active and actor is not None and actor.id == user.id:
        raise DomainError("user.self_disable")
    was = user.active
    user.active = active
    if was and not active:
        sessions.revoke_sessions(user)  # a disabled account is signed out everywhere
    audit.record(
        actor,
        "user.enable" if active else "user.disable",
        user,
        from_state="active" if was else "disabled",
        to_state="active" if active else "disabled",
    )


def reset_password(user: User, new_password: str, *, actor) -> None:
    """Set a new password chosen by an admin (the user should change it on first use);
    every session of the user ends."""
    check_password(new_password, username=user.username, full_name=user.full_name)
    user.password_hash = hash_password(new_password)
    sessions.revoke_sessions(user)
    audit.record(actor, "user.reset_password", user)


def remove_membership(membership: Membership, *, actor) -> None:
    """Remove one role of one user at one unit; the last admin role cannot go."""
    if membership.role == Role.ADMIN:
        admins = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Membership)
            .join(User, User.id == Membership.user_id)
            .where(Membership.role == Role.ADMIN, User.active.is_(True))
        )
        if admins <= 1:
            raise DomainError("membership.last_admin")
    audit.record(
        actor,
        "membership.remove",
        membership,
        unit_id=membership.unit_id,
        details={"user": membership.user.username, "role": membership.role.value},
    )
    user = membership.user
    user.memberships.remove(membership)
    db.session.flush()
