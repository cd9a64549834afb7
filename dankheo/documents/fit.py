"""Text fitting with the bundled font's own metrics (fontTools): the width of a line
at a size, greedy wrapping, and the largest size within bounds at which a text fits a
box. Certificates use it to shrink long names and achievements, and to refuse a text
that cannot fit at the smallest size before anything is signed."""

import functools
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont

from dankheo.vietnamese import nfc

PT_PER_MM = 72 / 25.4
# Advance widths ignore kerning and shaping, which only ever narrow Latin text a little;
# the margin keeps WeasyPrint's shaped line inside the width we measured.
SAFETY = 0.97


@functools.lru_cache(maxsize=8)
def _metrics(path: str) -> tuple[dict[int, int], int, int]:
    font = TTFont(path, lazy=True)
    cmap = font.getBestCmap()
    hmtx = font["hmtx"].metrics
    units = font["head"].unitsPerEm
    widths = {code: hmtx[glyph][0] for code, glyph in cmap.items()}
    fallback = hmtx[".notdef"][0] if ".notdef" in hmtx else units // 2
    font.close()
    return widths, units, fallback


class FontMetrics:
    """Advance widths of one font file (cached per process)."""

    def __init__(self, path: Path | str):
        self.widths, self.units, self.fallback = _metrics(str(path))

    def width(self, text: str, size_pt: float) -> float:
        """Width in points of ``text`` (NFC) set at ``size_pt`` on one line."""
        total = sum(self.widths.get(ord(ch), self.fallback) for ch in nfc(text))
        return total * size_pt / self.units

    def _units(self, text: str) -> int:
        widths, fallback = self.widths, self.fallback
        return sum(widths.get(ord(ch), fallback) for ch in text)

    def wrap(self, text: str, width_pt: float, size_pt: float) -> list[str] | None:
        """Greedy word wrap into lines no wider than ``width_pt``; None when one word
        alone is wider than the line. Each word is measured once (a line's width is the
        sum of its characters' advances), so wrapping is linear in the text."""
        limit = width_pt * SAFETY
        space = self._units(" ")
        lines: list[str] = []
        for paragraph in nfc(text).split("\n"):
            current, current_units = "", 0
            for word in paragraph.split():
                units = self._units(word)
                if units * size_pt / self.units > limit:
                    return None
                candidate = current_units + space + units if current else units
                if candidate * size_pt / self.units <= limit:
                    current = f"{current} {word}" if current else word
                    current_units = candidate
                else:
                    lines.append(current)
                    current, current_units = word, units
            if current:
                lines.append(current)
        return lines


@dataclass(frozen=True)
class Box:
    """Where a text may go: width and height in millimetres, the size bounds in points,
    the line height as a multiple of the size, and at most ``max_lines`` lines."""

    width_mm: float
    height_mm: float
    max_pt: float
    min_pt: float
    line_height: float = 1.25
    max_lines: int = 0  # 0: as many as the height allows


@dataclass(frozen=True)
class Fitted:
    size_pt: float
    lines: tuple[str, ...]
    line_height: float

    @property
    def height_mm(self) -> float:
        return len(self.lines) * self.size_pt * self.line_height / PT_PER_MM


STEP_PT = 0.5


def fit(metrics: FontMetrics, text: str, box: Box) -> Fitted | None:
    """The largest size from ``box.max_pt`` down to ``box.min_pt`` (by half points) at
    which ``text`` wraps into the box; None when it does not fit even at the minimum."""
    text = nfc(text)
    if not text:
        return Fitted(box.max_pt, (), box.line_height)
    width_pt = box.width_mm * PT_PER_MM
    height_pt = box.height_mm * PT_PER_MM
    size = box.max_pt
    while size >= box.min_pt - 1e-9:
        wrapped = metrics.wrap(text, width_pt, size)
        if wrapped is not None:
            too_many = box.max_lines and len(wrapped) > box.max_lines
            if not too_many and len(wrapped) * size * box.line_height <= height_pt + 1e-6:
                return Fitted(
                    size, tuple(_balance(metrics, text, wrapped, width_pt, size)), box.line_height
                )
        size = round(size - STEP_PT, 2)
    return None


def _balance(metrics: FontMetrics, text: str, wrapped, width_pt: float, size: float):
    """The same number of lines, as even as they go: narrow the measure while the line
    count holds (so a two-line name never leaves one word alone on the second line)."""
    if len(wrapped) < 2 or "\n" in text:
        return wrapped
    best = wrapped
    narrower = width_pt
    for _ in range(40):
        narrower *= 0.97
        attempt = metrics.wrap(text, narrower, size)
        if attempt is None or len(attempt) != len(wrapped):
            break
        best = attempt
    return best
