"""Passwords: Argon2id hashing, a verification that costs the same for unknown users,
and the policy every password chosen by a person must meet.

The policy: at least MIN_LENGTH characters; not built on the account's own words (user
name, full name, with or without diacritics), the product's name or the published demo
password; and not guessable by zxcvbn (Dropbox's estimator: its lists of common
passwords, names and words, keyboard walks, repeats, sequences and dates) below score
MIN_SCORE, which refuses "1111111111", "password123", "qwertyuiop" and the like.
"""

import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app

from dankheo.errors import DomainError
from dankheo.vietnamese import fold

MIN_LENGTH = 10
MAX_LENGTH = 200
# zxcvbn 3: "safely unguessable" (about 10^8 guesses and more).
MIN_SCORE = 3
# zxcvbn refuses longer input; the first characters decide whether it is guessable.
_ZXCVBN_MAX = 72
# Words of the product and its published demo password (dankheo.demo.accounts).
PRODUCT_WORDS = ("dankheo", "danvankheo", "dankheodemo", "dan van kheo")
# Account words shorter than this are too common a syllable to refuse inside a password.
_MIN_CONTEXT = 4

_dummy_hashes: dict[tuple[int, int], str] = {}


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(time_cost=cfg["ARGON2_TIME_COST"], memory_cost=cfg["ARGON2_MEMORY_COST"])


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def verify_unknown(password: str) -> bool:
    """Spend on an unknown user what a known one costs (one Argon2id verification under
    the same parameters), so the answer's time does not tell which usernames exist.
    Always False."""
    cfg = current_app.config
    key = (cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"])
    if key not in _dummy_hashes:
        _dummy_hashes[key] = hash_password(secrets.token_urlsafe(16))
    verify(_dummy_hashes[key], password)
    return False


def _compact(text: str) -> str:
    """Accent-folded, lowercase letters and digits only: "Nguyễn Văn A" → "nguyenvana"."""
    return re.sub(r"[^0-9a-z]", "", fold(text))


def context_words(username: str = "", full_name: str = "") -> list[str]:
    """The account's and the product's words a password must not be built on."""
    words = [*PRODUCT_WORDS, username, full_name]
    # The given name (last, in Vietnamese order) on its own: "Nguyễn Thị Ánh Tuyết" →
    # "tuyet"; the family name alone is too common a word to refuse.
    words += fold(full_name).split()[-1:]
    return [w for w in dict.fromkeys(words) if len(_compact(w)) >= _MIN_CONTEXT]


def check(password: str, *, username: str = "", full_name: str = "") -> None:
    """Raise DomainError when ``password`` breaks the policy (the message says why)."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        raise DomainError("password.too_short", length=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise DomainError("password.too_long", length=MAX_LENGTH)
    compact = _compact(password)
    words = context_words(username, full_name)
    if any(_compact(word) in compact for word in words):
        raise DomainError("password.personal")
    # zxcvbn's word lists (~13 MB) are loaded on the first password chosen, not by every
    # process at start (docs/performance.md, memory).
    from zxcvbn import zxcvbn

    estimate = zxcvbn(password[:_ZXCVBN_MAX], user_inputs=[_compact(w) for w in words])
    if estimate["score"] < MIN_SCORE:
        raise DomainError("password.guessable")
