"""A SoftHSM2 token in a temporary directory, for the PKCS#11 tests: initialised with
``softhsm2-util``, then given an RSA key and a certificate naming its holder through
python-pkcs11 (the way a CA's enrolment writes a USB token)."""

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from dankheo.pdf.keys import self_signed_key

MODULE_PATHS = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
)
SO_PIN = "12345678"


def module_path() -> str | None:
    return next((p for p in MODULE_PATHS if Path(p).is_file()), None)


def available() -> bool:
    return module_path() is not None and shutil.which("softhsm2-util") is not None


@dataclass
class Token:
    module: str
    label: str
    pin: str
    key_label: str
    holder: str
    certificate_der: bytes


def start(directory: Path) -> Path:
    """Point SoftHSM2 at a fresh token directory (SOFTHSM2_CONF, read when the module
    is first loaded in this process)."""
    tokens = directory / "tokens"
    tokens.mkdir(parents=True, exist_ok=True)
    conf = directory / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    return conf


def make_tokens(*specs: tuple[str, str, str, str]) -> list[Token]:
    """New tokens (label, PIN, holder, title), each holding an RSA-2048 key and a
    certificate for its holder. SoftHSM2 reads its slots once per process, when the module
    is first loaded: every token is initialised before any is opened."""
    for label, pin, _holder, _title in specs:
        init_token(label, pin)
    return [make_token(label, pin, holder, title=title) for label, pin, holder, title in specs]


def init_token(label: str, pin: str) -> None:
    subprocess.run(  # noqa: S603 (our own arguments)
        [
            shutil.which("softhsm2-util"),
            "--init-token",
            "--free",
            "--label",
            label,
            "--so-pin",
            SO_PIN,
            "--pin",
            pin,
        ],
        check=True,
        capture_output=True,
    )


def make_token(label: str, pin: str, holder: str, *, title: str = "") -> Token:
    """Put an RSA-2048 key and a certificate for ``holder`` on the initialised token."""
    from cryptography.hazmat.primitives import serialization
    from pkcs11 import Attribute, CertificateType, ObjectClass, lib
    from pkcs11.util.rsa import decode_rsa_private_key

    key, cert = self_signed_key(holder, title=title)
    der_cert = cert.public_bytes(serialization.Encoding.DER)
    der_key = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    key_label = "ky-so"
    token = lib(module_path()).get_token(token_label=label)
    with token.open(rw=True, user_pin=pin) as session:
        attrs = decode_rsa_private_key(der_key)
        attrs.update(
            {
                Attribute.TOKEN: True,
                Attribute.LABEL: key_label,
                Attribute.ID: b"\x01",
                Attribute.SIGN: True,
                Attribute.SENSITIVE: True,
                Attribute.EXTRACTABLE: False,
            }
        )
        session.create_object(attrs)
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: key_label,
                Attribute.ID: b"\x01",
                Attribute.VALUE: der_cert,
                Attribute.SUBJECT: cert.subject.public_bytes(),
            }
        )
    return Token(module_path(), label, pin, key_label, holder, der_cert)
