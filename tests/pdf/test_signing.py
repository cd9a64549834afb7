"""pdf.keys and pdf.signing: a key loaded once, the signature space reserved exactly, the
CMS container from the per-key template validating like pyHanko's own, only the signature
appended, and PINs sealed on their way to the worker."""

import io
from datetime import timedelta

import pytest
from asn1crypto import parser
from pyhanko.pdf_utils.reader import PdfFileReader
from pypdf import PdfWriter

from dankheo.pdf.keys import KeySpec, KeyUnavailable, load_key, open_secret, seal_secret
from dankheo.pdf.signing import generate_demo_key, load_certificate, sign_pdf, signature_status


@pytest.fixture(scope="module")
def key_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("keys") / "k.p12"
    return generate_demo_key(path, "pw", "Nguyễn Thanh Ngọc", title="Trưởng ban")


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=600, height=400)
    writer.add_metadata({"/Producer": "WeasyPrint"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_key_is_loaded_once_and_a_wrong_passphrase_is_refused(key_file):
    spec = KeySpec("pkcs12", path=str(key_file))
    assert load_key(spec, "pw") is load_key(spec, "pw")
    with pytest.raises(KeyUnavailable) as refused:
        load_key(spec, "sai")
    assert refused.value.reason == "secret"
    with pytest.raises(KeyUnavailable) as missing:
        load_key(KeySpec("pkcs12", path=str(key_file) + ".none"), "pw")
    assert missing.value.reason == "missing"


def test_signatures_validate_cover_the_whole_file_and_name_the_holder(key_file):
    key = load_key(KeySpec("pkcs12", path=str(key_file)), "pw")
    data = _pdf()
    for _ in range(2):  # the template serves every signature after the first
        signed = sign_pdf(data, key, reason="Cấp DVK-2024-000001", name="Nguyễn Thanh Ngọc")
        status = signature_status(signed, [load_certificate(str(key_file), "pw")])
        assert status["intact"] and status["valid"] and status["whole_file"]
        assert status["certificate"]["common_name"] == "Nguyễn Thanh Ngọc"
    # Broken on purpose: a byte changed in the signed range no longer validates.
    tampered = signed.replace(b"/MediaBox", b"/MediaBoX", 1)
    assert not signature_status(tampered, [load_certificate(str(key_file), "pw")])["intact"]


def test_the_reserved_space_is_the_container_exactly_and_only_the_signature_is_appended(
    key_file,
):
    key = load_key(KeySpec("pkcs12", path=str(key_file)), "pw")
    data = _pdf()
    signed = sign_pdf(data, key)
    contents = bytes(
        PdfFileReader(io.BytesIO(signed)).embedded_signatures[0].sig_object["/Contents"]
    )
    _c, _m, _t, header, body, _trailer = parser.parse(contents)
    assert len(contents) == len(header) + len(body) == key.reserved // 2
    appended = signed[len(data) :]
    assert b"/Producer" not in appended and b"/Type /Metadata" not in appended


def test_a_sealed_pin_opens_only_with_the_same_secret_key_and_in_time():
    sealed = seal_secret("1234", "app-secret")
    assert "1234" not in sealed
    assert open_secret(sealed, "app-secret", timedelta(hours=1)) == "1234"
    with pytest.raises(KeyUnavailable):
        open_secret(sealed, "another-secret", timedelta(hours=1))
    with pytest.raises(KeyUnavailable):
        open_secret(sealed, "app-secret", timedelta(seconds=-1))
