"""Signers and their keys: registering a person who signs (with the key they sign with),
recording and revoking delegations, and resolving a signer's key for the worker.

Keys are opened only in worker processes: the web process asks the worker to check a
key (``check_key``: the ``check_signing_key`` job) and never holds one. A PIN typed at
confirmation travels to the worker sealed with SECRET_KEY (``pdf.keys.seal_secret``).

Services take ``actor``, check permissions, raise DomainError, ``flush()`` and never
commit (the view's transaction does)."""

import os
import secrets
from datetime import date, timedelta
from pathlib import Path

from flask import current_app

from dankheo import audit, jobs
from dankheo.errors import DomainError, PermissionDenied
from dankheo.extensions import db
from dankheo.models import (
    KeyKind,
    SecretSource,
    Signer,
    SignerAuthority,
    SignerDelegation,
    Unit,
    User,
    utcnow,
)
from dankheo.pdf.keys import KeySpec, KeyUnavailable, load_key, open_secret, seal_secret
from dankheo.permissions import may_sign_as, require
from dankheo.vietnamese import nfc

PKCS12_MAGIC = b"\x30"  # a DER SEQUENCE: every PKCS#12 file starts with one
MAX_KEY_FILE = 64 * 1024
KEY_ERRORS = {"missing": "signer.key_missing", "secret": "signer.key_secret"}


# --- where a key lives ----------------------------------------------------------------


def key_dir() -> Path:
    path = Path(current_app.config["SIGNING_KEY_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def key_spec(fields: dict) -> KeySpec:
    """The KeySpec of a signer's key fields (a dict, so the worker can check a key
    before its record is committed). Only configured PKCS#11 modules and files inside
    SIGNING_KEY_DIR can be named."""
    if fields["key_kind"] == KeyKind.PKCS12:
        root = key_dir().resolve()
        path = (root / fields["key_file"]).resolve()
        if not path.is_relative_to(root) or path.parent != root:
            raise DomainError("signer.key_file_bad")
        return KeySpec("pkcs12", path=str(path))
    modules = current_app.config.get("SIGNING_PKCS11_MODULES") or {}
    module = modules.get(fields["pkcs11_module"])
    if not module:
        raise DomainError("signer.module_unknown", name=fields["pkcs11_module"])
    return KeySpec(
        "pkcs11",
        module=module,
        token_label=fields["token_label"],
        key_label=fields["key_label"],
    )


def key_fields(signer: Signer) -> dict:
    return {
        "key_kind": signer.key_kind.value,
        "key_file": signer.key_file,
        "pkcs11_module": signer.pkcs11_module,
        "token_label": signer.token_label,
        "key_label": signer.key_label,
        "secret_source": signer.secret_source.value,
        "secret_ref": signer.secret_ref,
        "name": signer.full_name,
    }


def seal(typed: str) -> str:
    """A typed PIN sealed for the queue ("" stays "")."""
    return seal_secret(typed, current_app.config["SECRET_KEY"]) if typed else ""


def secret_of(fields: dict, sealed: str) -> str:
    """The passphrase / PIN of a key: from the configuration, or the sealed one typed at
    confirmation. Raises KeyUnavailable("secret") when there is none."""
    if fields["secret_source"] == SecretSource.CONFIG:
        known = current_app.config.get("SIGNING_SECRETS") or {}
        if fields["secret_ref"] not in known:
            raise KeyUnavailable("secret", f"no SIGNING_SECRETS[{fields['secret_ref']!r}]")
        return str(known[fields["secret_ref"]])
    if not sealed:
        raise KeyUnavailable("secret", "no PIN was typed for this job")
    hours = current_app.config.get("SIGNING_SECRET_MAX_AGE_HOURS", 24)
    return open_secret(sealed, current_app.config["SECRET_KEY"], timedelta(hours=hours))


def open_key(fields: dict, sealed: str):
    """The loaded key (worker side); KeyUnavailable when it cannot be opened."""
    try:
        spec = key_spec(fields)
    except DomainError as err:
        raise KeyUnavailable("missing", err.code) from err
    return load_key(spec, secret_of(fields, sealed))


def check_key(fields: dict, typed: str = "") -> dict:
    """Ask the worker to open a key (with ``typed``, or the configured secret) and
    return its certificate's information; DomainError with the reason otherwise."""
    if fields["secret_source"] == SecretSource.PROMPT and not typed:
        raise DomainError("signer.pin_required")
    if fields["secret_source"] == SecretSource.CONFIG:
        known = current_app.config.get("SIGNING_SECRETS") or {}
        if fields["secret_ref"] not in known:
            raise DomainError("signer.secret_unknown", name=fields["secret_ref"])
    key_spec(fields)  # refuse unknown modules and stray paths before queueing anything
    try:
        result = jobs.wait_for("check_signing_key", fields, seal(typed))
    except jobs.JobFailed as err:
        raise DomainError("signer.key_missing", name=fields.get("name", "")) from err
    if "error" in result:
        code = KEY_ERRORS.get(result["error"], "signer.key_invalid")
        raise DomainError(code, name=fields.get("name", ""))
    return result


# --- signers --------------------------------------------------------------------------


def store_key_file(data: bytes) -> str:
    """Write an uploaded PKCS#12 file into SIGNING_KEY_DIR (0600) under a random name."""
    if not data or len(data) > MAX_KEY_FILE or not data.startswith(PKCS12_MAGIC):
        raise DomainError("signer.key_file_bad")
    name = f"signer-{secrets.token_hex(8)}.p12"
    path = key_dir() / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return name


def save_signer(
    actor,
    signer: Signer | None,
    *,
    unit: Unit,
    user: User | None,
    full_name: str,
    title: str,
    authority: SignerAuthority,
    authority_of: str,
    key_kind: KeyKind,
    key_upload: bytes | None,
    pkcs11_module: str,
    token_label: str,
    key_label: str,
    secret_source: SecretSource,
    secret_ref: str,
    typed_secret: str,
    active: bool = True,
) -> Signer:
    """Create or update a signer; the key (new file, new token labels, or the same key)
    is checked by the worker and its certificate recorded. Admins only."""
    require(actor, "signer.manage")
    key_file = signer.key_file if signer is not None else ""
    if key_kind == KeyKind.PKCS12 and key_upload:
        key_file = store_key_file(key_upload)
    elif key_kind == KeyKind.PKCS12 and not key_file:
        raise DomainError("signer.key_file_bad")
    fields = {
        "key_kind": key_kind.value,
        "key_file": key_file if key_kind == KeyKind.PKCS12 else "",
        "pkcs11_module": pkcs11_module if key_kind == KeyKind.PKCS11 else "",
        "token_label": token_label if key_kind == KeyKind.PKCS11 else "",
        "key_label": key_label if key_kind == KeyKind.PKCS11 else "",
        "secret_source": secret_source.value,
        "secret_ref": secret_ref if secret_source == SecretSource.CONFIG else "",
        "name": full_name,
    }
    try:
        info = check_key(fields, typed_secret)
    except DomainError:
        if key_upload and key_file:
            (key_dir() / key_file).unlink(missing_ok=True)
        raise
    created = signer is None
    if created:
        signer = Signer()
        db.session.add(signer)
    signer.unit = unit
    signer.user = user
    signer.full_name = nfc(full_name)
    signer.title = nfc(title)
    signer.authority = authority
    signer.authority_of = nfc(authority_of) if authority != SignerAuthority.HEAD else ""
    signer.key_kind = key_kind
    signer.key_file = fields["key_file"]
    signer.pkcs11_module = fields["pkcs11_module"]
    signer.token_label = fields["token_label"]
    signer.key_label = fields["key_label"]
    signer.secret_source = secret_source
    signer.secret_ref = fields["secret_ref"]
    signer.cert_subject = info["subject"][:500]
    signer.cert_fingerprint = info["fingerprint"]
    signer.cert_not_after = info["not_after"].replace(tzinfo=None)
    signer.active = active
    db.session.flush()
    audit.record(
        actor,
        "signer.create" if created else "signer.update",
        signer,
        unit_id=unit.id,
        details={
            "name": signer.full_name,
            "key": signer.key_kind.value,
            "certificate": signer.cert_fingerprint,
        },
    )
    return signer


# --- delegations ----------------------------------------------------------------------


def grant_delegation(
    actor, signer: Signer, *, user: User, reference: str, valid_from: date, valid_to: date | None
) -> SignerDelegation:
    """Record that ``user`` (the signer's office) may confirm the signer's signatures.
    The signer themselves or an admin records it, citing the written authorisation."""
    require(actor, "signer.delegate", signer)
    if signer.user_id is not None and user.id == signer.user_id:
        raise DomainError("delegation.self")
    delegation = SignerDelegation(
        signer=signer,
        user=user,
        reference=nfc(reference),
        valid_from=valid_from,
        valid_to=valid_to,
        granted_by_id=actor.id,
    )
    db.session.add(delegation)
    db.session.flush()
    audit.record(
        actor,
        "signer.delegate",
        signer,
        unit_id=signer.unit_id,
        details={"delegation": delegation.id, "user": user.username, "reference": reference},
    )
    return delegation


def revoke_delegation(actor, delegation: SignerDelegation) -> None:
    require(actor, "signer.delegate", delegation.signer)
    if delegation.revoked_at is not None:
        raise DomainError("delegation.not_in_force")
    delegation.revoked_at = utcnow()
    delegation.revoked_by_id = actor.id
    db.session.flush()
    audit.record(
        actor,
        "signer.delegation_revoke",
        delegation.signer,
        unit_id=delegation.signer.unit_id,
        details={"delegation": delegation.id, "user": delegation.user.username},
    )


def acting_delegation(actor, signer: Signer, on: date) -> SignerDelegation | None:
    """The delegation under which ``actor`` confirms for ``signer`` (None: the signer
    themselves); PermissionDenied when neither — an admin included: nobody signs in
    another person's name."""
    if not signer.active:
        raise DomainError("signer.inactive", name=signer.full_name)
    if not may_sign_as(actor, signer, on):
        raise PermissionDenied("signer.not_yours", name=signer.full_name)
    if signer.user_id == actor.id:
        return None
    return next(d for d in signer.active_delegations(on) if d.user_id == actor.id)
