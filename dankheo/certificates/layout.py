"""Where a certificate's text goes and at what size: the geometry of the full design
(A4 landscape; A3 is the same drawing scaled by √2), the boxes of the variable text,
and text fitting with the bundled font's metrics (``documents.fit``): long names and
achievements shrink within bounds and wrap; a text that cannot fit at the minimum size
is refused before anything is signed, naming the recipient."""

from dataclasses import dataclass, replace
from pathlib import Path

from flask import current_app

from dankheo.documents.fit import PT_PER_MM, Box, Fitted, FontMetrics, fit
from dankheo.errors import DomainError
from dankheo.models import PaperSize

# Paper sizes in millimetres (landscape) and the scale of each against A4.
PAPER_MM = {PaperSize.A4: (297.0, 210.0), PaperSize.A3: (420.0, 297.0)}
SCALE = {PaperSize.A4: 1.0, PaperSize.A3: 420.0 / 297.0}


@dataclass(frozen=True)
class Slot:
    """A text slot on the A4 drawing: centre x (or left x when ``align`` is "left"),
    top y, box width and height in mm; font bounds in pt; the face."""

    x: float
    y: float
    width: float
    height: float
    max_pt: float
    min_pt: float
    face: str = "regular"  # regular, bold, italic
    align: str = "center"
    line_height: float = 1.25
    max_lines: int = 0


# The variable text of the full design on A4 (A3 multiplies every figure by SCALE).
# The frame's inner edge is 12.6 mm from the paper's edge; every slot keeps clear of it.
SLOTS = {
    "recipient": Slot(148.5, 87, 236, 19, 24, 14, "bold", max_lines=2),
    "recipient_line": Slot(148.5, 106.5, 236, 11.5, 14, 11, "italic", max_lines=2),
    "achievement": Slot(148.5, 119, 226, 21.5, 16, 11, "regular", line_height=1.3),
    "decision_line": Slot(24, 148, 108, 10, 11.5, 9, "regular", "left", max_lines=2),
    "register_number": Slot(24, 158, 108, 5, 11.5, 9, "bold", "left", max_lines=1),
    "date_line": Slot(218, 141, 110, 6, 13, 10, "italic", max_lines=1),
    "signer_authority": Slot(218, 147.5, 110, 6, 13, 10, "bold", max_lines=1),
    "signer_title": Slot(218, 153.5, 110, 6, 13, 10, "bold", max_lines=1),
    "signer_name": Slot(218, 181, 110, 6.5, 14, 11, "bold", max_lines=1),
}
# The frame's issuer line (static per design, fitted like the rest).
FRAME_SLOTS = {"issuer": Slot(148.5, 50, 240, 12, 15, 11, "bold", max_lines=2)}
# The QR code and serial, bottom left.
SERIAL = {"x": 24, "y": 164, "qr": 20}

# Fields the secretary types per recipient: what a refusal names.
CHECKED = ("recipient", "recipient_line", "achievement")

FACES = {
    "regular": "LiberationSerif-Regular.ttf",
    "bold": "LiberationSerif-Bold.ttf",
    "italic": "LiberationSerif-Italic.ttf",
}


def metrics(face: str) -> FontMetrics:
    return FontMetrics(Path(current_app.static_folder) / "fonts" / FACES[face])


@dataclass(frozen=True)
class Placed:
    """A fitted text at its place on the paper, in mm and pt (for the template)."""

    name: str
    left: float  # left edge of the box
    top: float
    width: float
    height: float
    size_pt: float
    line_height: float
    lines: tuple[str, ...]
    align: str

    @property
    def style(self) -> str:
        return (
            f"left: {self.left:.2f}mm; top: {self.top:.2f}mm; width: {self.width:.2f}mm; "
            f"font-size: {self.size_pt:.1f}pt; line-height: {self.line_height:.2f};"
        )


def box_for(slot: Slot, paper: PaperSize) -> Box:
    k = SCALE[paper]
    return Box(
        slot.width * k,
        slot.height * k,
        round(slot.max_pt * k * 2) / 2,
        round(slot.min_pt * k * 2) / 2,
        slot.line_height,
        slot.max_lines,
    )


def _slot(name: str) -> Slot:
    return SLOTS.get(name) or FRAME_SLOTS[name]


def fit_slot(name: str, text: str, paper: PaperSize) -> Fitted | None:
    slot = _slot(name)
    return fit(metrics(slot.face), text, box_for(slot, paper))


def place(name: str, text: str, paper: PaperSize, at: tuple[float, float] | None = None):
    """The fitted text of slot ``name`` on ``paper``; ``at`` (mm, already on that paper)
    moves it (overlay calibration): x is the centre, or the left edge for left slots.
    Raises DomainError when the text does not fit."""
    slot = _slot(name)
    fitted = fit_slot(name, text, paper)
    if fitted is None:
        raise DomainError(
            "certificate.text_does_not_fit", name=text[:120], part=PART_LABELS.get(name, name)
        )
    k = SCALE[paper]
    width = slot.width * k
    x, y = at if at is not None else (slot.x * k, slot.y * k)
    left = x if slot.align == "left" else x - width / 2
    return Placed(
        name,
        left,
        y,
        width,
        slot.height * k,
        fitted.size_pt,
        fitted.line_height,
        fitted.lines,
        slot.align,
    )


# The recipient block of the full design: name, position line and achievement share one
# region and are stacked and centred in it (a short name leaves no hole above the text).
STACK = ("recipient", "recipient_line", "achievement")
STACK_GAP_MM = {"recipient_line": 1.0, "achievement": 3.0}


def stack_centre(slots: dict, paper: PaperSize) -> dict:
    """The stacked slots moved so that, with their used heights and small gaps, they sit
    centred in the region their boxes reserve (never beyond it: used ≤ reserved)."""
    k = SCALE[paper]
    present = [name for name in STACK if name in slots]
    if not present:
        return {}
    region_top = SLOTS[STACK[0]].y * k
    region_bottom = (SLOTS[STACK[-1]].y + SLOTS[STACK[-1]].height) * k
    used = {name: _used_height(slots[name]) for name in present}
    gaps = {name: STACK_GAP_MM.get(name, 0) * k for name in present[1:]}
    total = sum(used.values()) + sum(gaps.values())
    top = region_top + max(region_bottom - region_top - total, 0) / 2
    moved = {}
    for name in present:
        top += gaps.get(name, 0)
        moved[name] = replace(slots[name], top=top, height=used[name])
        top += used[name]
    return moved


def _used_height(placed: "Placed") -> float:
    return len(placed.lines) * placed.size_pt * placed.line_height / PT_PER_MM


def check_fits(recipient_name: str, recipient_line: str, achievement: str, paper) -> None:
    """Refuse (DomainError naming the recipient) a certificate whose name, position line
    or achievement cannot fit its box at the minimum size: the same boxes serve the full
    design and the overlay, so one check covers both modes."""
    texts = {
        "recipient": recipient_name,
        "recipient_line": recipient_line,
        "achievement": achievement,
    }
    for name in CHECKED:
        if fit_slot(name, texts[name], paper) is None:
            raise DomainError(
                "certificate.text_does_not_fit", name=recipient_name[:120], part=PART_LABELS[name]
            )


PART_LABELS = {
    "recipient": "tên tập thể, cá nhân",
    "recipient_line": "dòng chức vụ, đơn vị",
    "achievement": "nội dung thành tích",
    "decision_line": "dòng số quyết định",
    "register_number": "số vào sổ",
    "date_line": "dòng địa danh, ngày tháng",
    "signer_authority": "dòng thẩm quyền ký",
    "signer_title": "chức vụ người ký",
    "signer_name": "họ tên người ký",
}
