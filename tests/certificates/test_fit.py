"""Fitting measures each word once (issue 15, phase 2): the lines are exactly those of the
former character-by-character measure of every candidate line, for any text."""

import functools
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from dankheo.documents.fit import SAFETY, FontMetrics
from dankheo.vietnamese import nfc

FONTS = Path(__file__).resolve().parents[2] / "static" / "fonts"


@functools.cache
def _metrics(face: str) -> FontMetrics:
    return FontMetrics(FONTS / face)


def former_wrap(metrics: FontMetrics, text: str, width_pt: float, size_pt: float):
    """The wrapping before phase 2, kept here as the reference."""
    limit = width_pt * SAFETY
    lines: list[str] = []
    for paragraph in nfc(text).split("\n"):
        current = ""
        for word in paragraph.split():
            if metrics.width(word, size_pt) > limit:
                return None
            candidate = f"{current} {word}" if current else word
            if metrics.width(candidate, size_pt) <= limit:
                current = candidate
            else:
                lines.append(current)
                current = word
        if current:
            lines.append(current)
    return lines


WORDS = st.lists(
    st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạầẩẫấậỳỷỹýỵ“”-.,0123ĐỨ", min_size=1),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(
    words=WORDS,
    separators=st.lists(st.sampled_from([" ", "  ", " ", "\n"]), min_size=40, max_size=40),
    width=st.floats(min_value=20, max_value=700),
    size=st.sampled_from([9.0, 11.5, 13.0, 16.0, 24.0, 33.5]),
    face=st.sampled_from(
        ["LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf", "LiberationSerif-Italic.ttf"]
    ),
)
def test_wrapping_gives_the_former_lines(words, separators, width, size, face):
    text = "".join(word + sep for word, sep in zip(words, separators, strict=False))
    metrics = _metrics(face)
    assert metrics.wrap(text, width, size) == former_wrap(metrics, text, width, size)
