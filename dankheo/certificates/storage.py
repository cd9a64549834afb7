"""Stored files of the certificates area: where issued certificates and decisions live
(CERTIFICATE_DIR), written atomically, named and checked by SHA-256, and signed — with
the signer's own key (loaded by the worker, ``certificates.signers``), or with the
organisation's seal for a decision recorded without a personal signer."""

import hashlib
import os
import tempfile
from pathlib import Path

from flask import current_app

from dankheo.models import Certificate, Decision
from dankheo.pdf.signing import KeySpec, LoadedKey, load_key, sign_pdf


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def certificate_dir() -> Path:
    return Path(current_app.config["CERTIFICATE_DIR"])


def certificate_file(cert: Certificate) -> Path:
    return certificate_dir() / cert.file_path


def decision_file(decision: Decision) -> Path:
    return certificate_dir() / decision.file_path


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pdf")
    try:
        os.fchmod(fd, 0o644)  # mkstemp makes 0600; backups and the web server read these
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def signed(data: bytes, reason: str, key: LoadedKey | None = None, *, name: str = "") -> bytes:
    """The PDF/A bytes signed with ``key``; without one, with the organisation's seal
    when one is configured (SIGNING_PKCS12_PATH), else as rendered."""
    if key is None:
        path = current_app.config.get("SIGNING_PKCS12_PATH")
        if not path:
            return data
        key = load_key(
            KeySpec("pkcs12", path=path), current_app.config.get("SIGNING_PKCS12_PASSPHRASE", "")
        )
    return sign_pdf(data, key, reason=reason, name=name)
