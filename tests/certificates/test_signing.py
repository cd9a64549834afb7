"""PAdES signing of the stored copy with the (demo) PKCS#12 key."""

import hashlib
from io import BytesIO

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from dankheo.certificates import storage
from dankheo.extensions import db
from dankheo.models import Certificate
from tests.conftest import make_test_config
from tests.pdf.pdfa import pdfa_problems


@pytest.fixture
def demo_key(tmp_path):
    from dankheo.pdf.signing import generate_demo_key

    return generate_demo_key(tmp_path / "key.p12", "bi-mat", "Ban Dân vận Tỉnh ủy (demo)")


@pytest.fixture
def app_config(tmp_path):
    return make_test_config(
        tmp_path,
        SIGNING_PKCS12_PATH=str(tmp_path / "key.p12"),
        SIGNING_PKCS12_PASSPHRASE="bi-mat",
    )


def test_signed_copy_validates_as_intact_with_the_demo_key(demo_key, signed):
    from dankheo.pdf.signing import load_certificate, signature_status

    cert = db.session.scalars(sa.select(Certificate)).first()
    data = storage.certificate_file(cert).read_bytes()
    status = signature_status(data, [load_certificate(str(demo_key), "bi-mat")])
    assert status["intact"] and status["valid"]
    assert hashlib.sha256(data).hexdigest() == cert.sha256
    # The signature is an incremental update: the PDF/A part (XMP identification, output
    # intent, embedded fonts) must still hold in the signed file.
    assert pdfa_problems(data) == []
    reader = PdfReader(BytesIO(data))
    assert "/AcroForm" in reader.trailer["/Root"]  # the signature field was added
