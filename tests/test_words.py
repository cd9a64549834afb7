"""One set of words in what users read: one quotation style (“ ”, as official documents
and the provincial directive write it), Bằng khen / Giấy khen rather than "giấy chứng
nhận"."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    *sorted((ROOT / "dankheo").rglob("*.py")),
    *sorted((ROOT / "templates").rglob("*.html")),
    *sorted((ROOT / "static" / "js").rglob("*.js")),
]


@pytest.mark.parametrize("mark", ["«", "»"])
def test_one_quotation_style(mark):
    found = [str(p.relative_to(ROOT)) for p in SOURCES if mark in p.read_text(encoding="utf-8")]
    assert found == [], f"use “ ” instead of « » in: {', '.join(found)}"


def test_no_certificate_of_recognition_wording():
    found = [
        str(p.relative_to(ROOT))
        for p in SOURCES
        if "giấy chứng nhận" in p.read_text(encoding="utf-8").lower()
    ]
    assert found == []
