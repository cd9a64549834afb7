"""Sign-in throttling: growing delays by account, by client address and by the pair,
computed from the sign-in log in the database (so every process and every app server
sees the same counts), never a lock that someone else can set on an account.

After a few free failures each further failure doubles the wait before the next attempt
(1 s, 2 s, 4 s, … up to a cap). Three counters, over the last
LOGIN_FAILURE_WINDOW_MINUTES:

- the account from this address: LOGIN_FREE_FAILURES_PAIR free, then up to
  LOGIN_MAX_DELAY_SECONDS: guessing one account from one place is slow;
- this address, whatever the username: LOGIN_FREE_FAILURES_ADDRESS free, then up to
  LOGIN_MAX_DELAY_SECONDS: trying many accounts from one place is slow;
- the account, whatever the address: LOGIN_FREE_FAILURES_ACCOUNT free, then up to only
  LOGIN_MAX_ACCOUNT_DELAY_SECONDS: guessing from many places is slow too, yet nobody can
  keep the real user out for longer than that cap.

A success of the account resets its two account counters (the address counter stays,
or an attacker would reset it with their own account). Refused-by-delay attempts are
not counted (else waiting would never end) and are not written (else a flood would
fill the table); they are logged.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from dankheo.extensions import db
from dankheo.models.accounts import LoginAttempt


@dataclass(frozen=True)
class Counts:
    pair: int
    account: int
    address: int
    last_pair: datetime | None
    last_account: datetime | None
    last_address: datetime | None


def delay(failures: int, free: int, cap: int) -> int:
    """Seconds to wait after ``failures`` failures when ``free`` of them cost nothing."""
    if failures < free:
        return 0
    return min(cap, 2 ** min(failures - free, 30))


def counts(username: str, address: str, now: datetime) -> Counts:
    """The failures of the window, in one query on the sign-in log's two indexes."""
    cfg = current_app.config
    since = now - timedelta(minutes=cfg["LOGIN_FAILURE_WINDOW_MINUTES"])
    last_success = (
        sa.select(sa.func.max(LoginAttempt.at))
        .where(LoginAttempt.username == username, LoginAttempt.succeeded.is_(True))
        .scalar_subquery()
    )
    after_success = sa.or_(last_success.is_(None), LoginAttempt.at > last_success)
    is_account = sa.and_(LoginAttempt.username == username, after_success)
    is_pair = sa.and_(is_account, LoginAttempt.remote_addr == address)
    is_address = LoginAttempt.remote_addr == address

    def count(condition):
        return sa.func.count().filter(condition)

    def last(condition):
        return sa.func.max(LoginAttempt.at).filter(condition)

    row = db.session.execute(
        sa.select(
            count(is_pair),
            count(is_account),
            count(is_address),
            last(is_pair),
            last(is_account),
            last(is_address),
        ).where(
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.at >= since,
            sa.or_(LoginAttempt.username == username, is_address),
        )
    ).one()
    return Counts(*row)


def seconds_to_wait(username: str, address: str, now: datetime) -> int:
    """How long this username from this address must still wait (0: go ahead)."""
    cfg = current_app.config
    c = counts(username, address, now)
    cap = int(cfg["LOGIN_MAX_DELAY_SECONDS"])
    waits = [
        (delay(c.pair, cfg["LOGIN_FREE_FAILURES_PAIR"], cap), c.last_pair),
        (delay(c.address, cfg["LOGIN_FREE_FAILURES_ADDRESS"], cap), c.last_address),
        (
            delay(
                c.account,
                cfg["LOGIN_FREE_FAILURES_ACCOUNT"],
                int(cfg["LOGIN_MAX_ACCOUNT_DELAY_SECONDS"]),
            ),
            c.last_account,
        ),
    ]
    remaining = [
        seconds - (now - last).total_seconds() for seconds, last in waits if seconds and last
    ]
    return max(0, int(max(remaining, default=0) + 0.999))
