"""PAdES signatures of stored PDFs (pyHanko) with a key of ``pdf.keys``, and their
validation.

The signature is an incremental update appended after WeasyPrint's PDF/A output, so
the PDF/A part stays as rendered and the signature covers it whole. Each signature
reserves exactly the space its key's container needs (measured once when the key is
loaded): pyHanko signs once, never a dry run first, and pads nothing.

pyHanko is imported inside the functions (see ``pdf.keys``)."""

from io import BytesIO

from dankheo.pdf.keys import (
    KeySpec,
    KeyUnavailable,
    LoadedKey,
    certificate_info,
    generate_demo_key,
    load_certificate,
    load_key,
    signature_metadata,
)

__all__ = [
    "KeySpec",
    "KeyUnavailable",
    "LoadedKey",
    "generate_demo_key",
    "load_certificate",
    "load_key",
    "sign_pdf",
    "sign_pdf_with_file",
    "signature_status",
]


def _writer_class():
    """pyHanko's incremental writer, minus its metadata refresh: by default it rewrites
    the document's XMP stream and /Info (Producer, ModDate) in the update, ~1 KB a
    file that says nothing the signature does not (its /M is the signing time). Both stay
    as WeasyPrint wrote them, so PDF/A's Info–XMP agreement holds. tests/pdf/
    test_signing.py fails if a pyHanko release stops honouring the override."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    class SignatureOnlyWriter(IncrementalPdfFileWriter):
        def _update_meta(self):
            return None

    return SignatureOnlyWriter


def sign_pdf(data: bytes, key: LoadedKey, *, reason: str = "", name: str = "") -> bytes:
    """``data`` with an invisible PAdES baseline signature of ``key`` appended.
    ``name`` is the signer's name as the signature dictionary records it (/Name)."""
    from pyhanko.sign import signers

    writer = _writer_class()(BytesIO(data))
    out = signers.sign_pdf(
        writer,
        signature_metadata(reason, name),
        signer=key.signer,
        bytes_reserved=key.reserved,
    )
    return out.getvalue()


def sign_pdf_with_file(
    data: bytes, pkcs12_path: str, passphrase: str = "", *, reason: str = ""
) -> bytes:
    """``data`` signed with a PKCS#12 file (the organisation's seal, the demo)."""
    key = load_key(KeySpec("pkcs12", path=str(pkcs12_path)), passphrase)
    return sign_pdf(data, key, reason=reason)


def signature_status(data: bytes, trust_roots: list | None = None) -> dict:
    """Validate the first embedded signature: {"intact", "valid", "signer", "coverage",
    "whole_file", "certificate"} — ``whole_file`` when the signature covers every byte
    of the file (nothing was appended after signing)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(BytesIO(data))
    if not reader.embedded_signatures:
        return {"intact": False, "valid": False, "signer": "", "whole_file": False}
    sig = reader.embedded_signatures[0]
    context = ValidationContext(trust_roots=trust_roots or [], allow_fetching=False)
    status = validate_pdf_signature(sig, context)
    return {
        "intact": bool(status.intact),
        "valid": bool(status.valid),
        "signer": status.signing_cert.subject.human_friendly,
        "certificate": certificate_info(status.signing_cert),
        "coverage": str(status.coverage),
        "whole_file": status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
    }
