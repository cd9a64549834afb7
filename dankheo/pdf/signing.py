"""PAdES signatures of stored PDFs with the issuing body's PKCS#12 key (pyHanko),
and the self-signed demo key.

The signature is an incremental update appended after WeasyPrint's PDF/A output, so
the PDF/A part stays as rendered and the signature covers it whole.

pyHanko and the key handling of ``cryptography`` are imported inside the functions: they
cost ~0.5 s and ~20 MB to import, and only worker processes (and the demo) sign."""

import threading
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

_local = threading.local()


def _signer(pkcs12_path: str, passphrase: str):
    from pyhanko.sign import signers

    key = (pkcs12_path, passphrase)
    cached = getattr(_local, "signer", None)
    if cached is None or cached[0] != key:
        loaded = signers.SimpleSigner.load_pkcs12(
            pfx_file=pkcs12_path, passphrase=passphrase.encode() if passphrase else None
        )
        if loaded is None:
            raise ValueError(f"cannot load the PKCS#12 key at {pkcs12_path}")
        signer = _signer_class()(
            signing_key=loaded.signing_key,
            signing_cert=loaded.signing_cert,
            cert_registry=loaded.cert_registry,
            signature_mechanism=loaded.signature_mechanism,
        )
        _local.signer = cached = (key, signer)
    return cached[1]


def _signer_class():
    """SimpleSigner that parses its private key once: pyHanko re-reads it for every
    raw signature (twice a PDF, ~30 ms each for RSA-2048)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from pyhanko.sign import signers
    from pyhanko.sign.general import get_pyca_cryptography_hash

    class CachedKeySigner(signers.SimpleSigner):
        _pyca_key = None

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
            if self._pyca_key is None:
                self._pyca_key = serialization.load_der_private_key(
                    self.signing_key.dump(), password=None
                )
            if mechanism.signature_algo == "rsassa_pkcs1v15" and isinstance(
                self._pyca_key, RSAPrivateKey
            ):
                hash_algo = get_pyca_cryptography_hash(digest_algorithm)
                return self._pyca_key.sign(data, PKCS1v15(), hash_algo)
            return super().sign_raw(data, digest_algorithm)

    return CachedKeySigner


def sign_pdf(data: bytes, pkcs12_path: str, passphrase: str = "", *, reason: str = "") -> bytes:
    """``data`` with an invisible PAdES baseline signature appended."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(BytesIO(data))
    # pyHanko appends its name to the Info dictionary's /Producer but writes only its own
    # into the XMP; PDF/A wants the two to agree, so the Info entry goes (the XMP keeps
    # pdf:Producer). tests/pdf/pdfa.py checks the signed file.
    info_ref = writer.trailer_view.raw_get("/Info") if "/Info" in writer.trailer_view else None
    if info_ref is not None and "/Producer" in info_ref.get_object():
        del info_ref.get_object()["/Producer"]
        writer.mark_update(info_ref)
    meta = signers.PdfSignatureMetadata(
        field_name="ChuKySo",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
    )
    out = signers.sign_pdf(writer, meta, signer=_signer(pkcs12_path, passphrase))
    return out.getvalue()


def signature_status(data: bytes, trust_roots: list | None = None) -> dict:
    """Validate the first embedded signature: {"intact", "valid", "signer"}."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(BytesIO(data))
    if not reader.embedded_signatures:
        return {"intact": False, "valid": False, "signer": ""}
    sig = reader.embedded_signatures[0]
    context = ValidationContext(trust_roots=trust_roots or [], allow_fetching=False)
    status = validate_pdf_signature(sig, context)
    return {
        "intact": bool(status.intact),
        "valid": bool(status.valid),
        "signer": status.signing_cert.subject.human_friendly,
        "coverage": str(status.coverage),
    }


def generate_demo_key(path: Path, passphrase: str, common_name: str) -> Path:
    """A self-signed RSA key and certificate in PKCS#12, for the demo only."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Dân vận khéo (demo)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
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
