"""Signing keys: a PKCS#12 file with its passphrase, or a key on a PKCS#11 token (USB
token or HSM), loaded once per worker process and kept ready for pyHanko.

A ``KeySpec`` says where a key lives, never the key itself: the database holds specs
(a file name, a module name, token and key labels); the passphrase or PIN comes from the
instance configuration or is typed by the signer at confirmation and reaches the worker
sealed (``seal_secret``). ``load_key`` parses the key (PKCS#12) or opens one logged-in
session (PKCS#11) and measures the exact size of the signature container once, so every
signature afterwards reserves exactly that space and pyHanko never does its dry run.

pyHanko and ``cryptography``'s key handling are imported inside functions: they cost
~0.5 s and ~20 MB to import, and only worker processes (and the demo) sign."""

import base64
import contextlib
import hashlib
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

from dankheo.pdf.cms import templated

# ECDSA signatures are DER integers whose length varies by a byte or two between
# signatures; RSA signatures have the modulus's length exactly. Hex digits reserved on
# top of the measured container for an EC key (4 bytes); none for RSA.
EC_SLACK_HEX = 8


class KeyUnavailable(Exception):
    """A key could not be loaded. ``reason``: "missing" (no file or no token),
    "secret" (wrong or absent passphrase / PIN), "invalid" (not a usable key)."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class KeySpec:
    """Where a key lives. ``kind`` "pkcs12": ``path`` is the file. ``kind`` "pkcs11":
    ``module`` is the PKCS#11 library, ``token_label`` the token, ``key_label`` the label
    of the private key and of its certificate on the token."""

    kind: str
    path: str = ""
    module: str = ""
    token_label: str = ""
    key_label: str = ""


@dataclass
class LoadedKey:
    """A ready pyHanko signer with the exact size of its signature container."""

    spec: KeySpec
    signer: object  # pyhanko.sign.signers.Signer
    reserved: int  # hex digits of the /Contents placeholder
    info: dict = field(default_factory=dict)  # certificate_info of the signing certificate
    session: object = None  # the open PKCS#11 session, kept for the worker's life


_local = threading.local()


def _cache() -> dict:
    cache = getattr(_local, "keys", None)
    if cache is None:
        cache = _local.keys = {}
    return cache


def load_key(spec: KeySpec, secret: str = "") -> LoadedKey:
    """The key of ``spec`` opened with ``secret``, parsed once per worker thread.

    The cache is keyed by the spec and a hash of the secret: a job without the right
    PIN never reaches a key another job opened with it."""
    cache_key = (spec, hashlib.sha256(secret.encode()).hexdigest())
    found = _cache().get(cache_key)
    if found is not None:
        return found
    if spec.kind == "pkcs12":
        signer = _load_pkcs12(spec, secret)
        session = None
    elif spec.kind == "pkcs11":
        signer, session = _load_pkcs11(spec, secret)
    else:
        raise KeyUnavailable("invalid", f"unknown key kind {spec.kind!r}")
    loaded = LoadedKey(spec, templated(signer), 0, certificate_info(signer.signing_cert), session)
    loaded.reserved = _measure(loaded)
    _cache()[cache_key] = loaded
    return loaded


def forget_keys() -> None:
    """Drop the keys this thread holds (closing PKCS#11 sessions)."""
    for loaded in _cache().values():
        if loaded.session is not None:
            # A token pulled out has nothing left to close.
            with contextlib.suppress(Exception):
                loaded.session.close()
    _cache().clear()


def _load_pkcs12(spec: KeySpec, secret: str):
    from cryptography.hazmat.primitives.serialization import pkcs12

    path = Path(spec.path)
    if not path.is_file():
        raise KeyUnavailable("missing", spec.path)
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(
            path.read_bytes(), secret.encode() if secret else None
        )
    except ValueError as err:
        # cryptography says "Invalid password or PKCS12 data" for both.
        raise KeyUnavailable("secret", str(err)) from err
    if key is None or cert is None:
        raise KeyUnavailable("invalid", "no private key or certificate in the file")
    return _pyca_signer(key, cert, extra or [])


def _pyca_signer(key, cert, extra):
    """A pyHanko SimpleSigner over an already parsed ``cryptography`` key: pyHanko's own
    re-parses the key for every raw signature (~30 ms for RSA-2048)."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
    )
    from pyhanko.sign import signers
    from pyhanko.sign.general import get_pyca_cryptography_hash
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    class ParsedKeySigner(signers.SimpleSigner):
        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
            hash_algo = get_pyca_cryptography_hash(digest_algorithm)
            if mechanism.signature_algo == "rsassa_pkcs1v15" and isinstance(key, RSAPrivateKey):
                return key.sign(data, PKCS1v15(), hash_algo)
            if mechanism.signature_algo == "ecdsa" and isinstance(key, EllipticCurvePrivateKey):
                return key.sign(data, ECDSA(hash_algo))
            return super().sign_raw(data, digest_algorithm)

    der_key = key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
    registry = SimpleCertificateStore()
    chain = [asn1_x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in extra]
    registry.register_multiple(chain)
    return ParsedKeySigner(
        signing_key=asn1_keys.PrivateKeyInfo.load(der_key),
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER)),
        cert_registry=registry,
    )


def _load_pkcs11(spec: KeySpec, secret: str):
    from pkcs11 import exceptions as p11_errors
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign import pkcs11 as p11

    if not spec.module or not Path(spec.module).is_file():
        raise KeyUnavailable("missing", f"PKCS#11 module {spec.module!r}")
    # PKCS#11 logs a token in for the whole process: once a key of this token is open
    # here, a new session is logged in already and cannot test a PIN. The PIN that opened
    # it is known (by its hash): the same one opens another session, any other is wrong.
    pin_hash = hashlib.sha256(secret.encode()).hexdigest()
    opened = {
        h
        for (other, h) in _cache()
        if (other.module, other.token_label) == (spec.module, spec.token_label)
    }
    if opened and pin_hash not in opened:
        raise KeyUnavailable("secret", "not the PIN this token was opened with")
    try:
        session = p11.open_pkcs11_session(
            spec.module,
            token_criteria=TokenCriteria(label=spec.token_label or None),
            user_pin=None if opened else (secret or None),
        )
    except p11_errors.PinIncorrect as err:
        raise KeyUnavailable("secret", "wrong PIN") from err
    except (p11_errors.PinLenRange, p11_errors.PinInvalid) as err:
        raise KeyUnavailable("secret", "PIN length") from err
    except (p11_errors.PKCS11Error, p11.PKCS11Error) as err:
        raise KeyUnavailable("missing", f"token {spec.token_label!r}: {err!r}") from err
    try:
        signer = p11.PKCS11Signer(session, key_label=spec.key_label, cert_label=spec.key_label)
        signer.signing_cert  # noqa: B018 (loads the certificate and the key handle now)
    except Exception as err:
        session.close()
        # Without a PIN a token shows no private key at all.
        reason = "invalid" if secret else "secret"
        raise KeyUnavailable(reason, f"key {spec.key_label!r}: {err!r}") from err
    return signer, session


def _measure(loaded: LoadedKey) -> int:
    """Hex digits the signature container of this key needs, measured once by signing
    a one-page PDF the way every document is signed (the container's size does not
    depend on the document: a digest, fixed attributes, the certificates)."""
    from asn1crypto import parser as asn1_parser
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import signers
    from pypdf import PdfWriter

    blank = BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(10, 10)
    writer.write(blank)
    meta = signature_metadata("")
    out = signers.sign_pdf(
        IncrementalPdfFileWriter(BytesIO(blank.getvalue())), meta, signer=loaded.signer
    )
    contents = bytes(PdfFileReader(out).embedded_signatures[0].sig_object["/Contents"])
    # The placeholder is zero-padded: the container's own DER header says its length.
    _class, _method, _tag, header, body, _trailer = asn1_parser.parse(contents)
    needed = 2 * (len(header) + len(body))
    slack = EC_SLACK_HEX if loaded.info.get("algorithm") == "ec" else 0
    return needed + slack


def signature_metadata(reason: str, name: str = ""):
    """pyHanko's signature metadata for every signature of the application."""
    from pyhanko.sign import fields, signers

    return signers.PdfSignatureMetadata(
        field_name="ChuKySo",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        name=name or None,
    )


def certificate_info(cert) -> dict:
    """What the application records about a signing certificate (asn1crypto): the holder's
    common name, the full subject, issuer, serial, SHA-256 fingerprint, validity."""
    subject = cert.subject.native
    return {
        "common_name": subject.get("common_name", ""),
        "subject": cert.subject.human_friendly,
        "issuer": cert.issuer.human_friendly,
        "serial": format(cert.serial_number, "x"),
        "fingerprint": hashlib.sha256(cert.dump()).hexdigest(),
        "not_before": cert.not_valid_before,
        "not_after": cert.not_valid_after,
        "algorithm": cert.public_key.algorithm,  # "rsa", "ec", …
    }


# --- the secret on its way from the confirmation to the worker ---------------------------


def _fernet(app_secret: str):
    from cryptography.fernet import Fernet

    digest = hashlib.sha256(b"dankheo-signing-secret\0" + app_secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal_secret(secret: str, app_secret: str) -> str:
    """A PIN typed at confirmation, encrypted for the job queue (which stores job
    arguments on disk): only a process holding the application's SECRET_KEY opens it."""
    return _fernet(app_secret).encrypt(secret.encode()).decode()


def open_secret(sealed: str, app_secret: str, max_age: timedelta) -> str:
    """The secret of ``seal_secret``; KeyUnavailable("secret") when it is older than
    ``max_age`` or was not sealed with this SECRET_KEY."""
    from cryptography.fernet import InvalidToken

    try:
        return (
            _fernet(app_secret).decrypt(sealed.encode(), ttl=int(max_age.total_seconds())).decode()
        )
    except InvalidToken as err:
        raise KeyUnavailable("secret", "sealed secret expired or invalid") from err


# --- demo keys --------------------------------------------------------------------------


def self_signed_key(common_name: str, *, title: str = "", organisation: str = ""):
    """(private key, certificate): a self-signed RSA-2048 signing certificate naming the
    holder (CN) and, when given, their title and body — for the demo and for tests'
    tokens, never for production signers (who bring their own)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation or "Dân vận khéo (demo)"),
    ]
    if title:
        attributes.append(x509.NameAttribute(NameOID.TITLE, title))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    name = x509.Name(attributes)
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    return key, cert


def generate_demo_key(
    path: Path, passphrase: str, common_name: str, *, title: str = "", organisation: str = ""
) -> Path:
    """A self-signed key and certificate (``self_signed_key``) in PKCS#12, for the demo
    and tests."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    key, cert = self_signed_key(common_name, title=title, organisation=organisation)
    blob = pkcs12.serialize_key_and_certificates(
        b"dankheo-demo",
        key,
        cert,
        None,
        serialization.BestAvailableEncryption(passphrase.encode())
        if passphrase
        else serialization.NoEncryption(),
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(blob)
    path.chmod(0o600)
    return path


def load_certificate(pkcs12_path: str, passphrase: str = ""):
    """The X.509 certificate of a PKCS#12 file, as asn1crypto (pyHanko's trust roots)."""
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

    _key, cert, _extra = pkcs12.load_key_and_certificates(
        Path(pkcs12_path).read_bytes(), passphrase.encode() if passphrase else None
    )
    return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))
