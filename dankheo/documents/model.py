"""The structure of an official document, as Decree 30/2020 (State) and Guideline
36-HD/VPTW (Party) lay it out: header (parent body, issuing body, number; national motto
or "ĐẢNG CỘNG SẢN VIỆT NAM", place and date), kind and summary, competence line, legal
basis, body (paragraphs and tables), Nơi nhận, signature block, annexes.

Every string is plain text (renderers escape it); the two renderers (``html`` for the
PDF, ``docx``) walk the same structure, so the PDF and the Word copy say the same."""

import re
from dataclasses import dataclass, field
from datetime import date

from dankheo.vietnamese import document_date, nfc

STATE = "state"
PARTY = "party"
NBSP = "\u00a0"

# Words that start a place name in a body's name: the place after them is never split
# across lines ("ỦY BAN NHÂN DÂN TỈNH TÂY / NINH" is wrong).
_PLACE_WORDS = r"(TỈNH ỦY|THÀNH ỦY|HUYỆN ỦY|ĐẢNG ỦY|TỈNH|THÀNH PHỐ|HUYỆN|THỊ XÃ|XÃ|PHƯỜNG)"
_PLACE = re.compile(_PLACE_WORDS + r" ((?:[^\s,]+ ?)+)$")


def keep_place(text: str) -> str:
    """Join the place at the end of a capitalised body name with non-breaking spaces:
    "ỦY BAN NHÂN DÂN TỈNH TÂY NINH" wraps before "TỈNH", never inside "TÂY NINH"."""
    text = nfc(text)
    match = _PLACE.search(text)
    if not match:
        return text
    place = match.group(0).strip().replace(" ", NBSP)
    return text[: match.start()] + place


_UPPER = "A-ZĐÀ-Ỹ"
_PLACE_IN_TEXT = re.compile(
    r"\b(tỉnh|thành phố|huyện|thị xã|xã|phường|Tỉnh ủy|Thành ủy)"
    r"((?:\s+[A-ZĐÂĂÊÔƠƯÁÀẢÃẠẮẰẲẴẶẤẦẨẪẬÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ][^\s,;.()]*)+)"
)


def keep_places(text: str) -> str:
    """Join "tỉnh Tây Ninh", "xã Long Hòa" … in running text with non-breaking spaces,
    so a line never ends inside a place name."""
    return _PLACE_IN_TEXT.sub(lambda m: m.group(0).replace(" ", NBSP), nfc(text))


def number_text(profile: str, number: int | None, kind: str, code: str) -> str:
    """ "Số: 12/QĐ-UBND" (State) or "Số 12-QĐ/BTGDVTU" (Party); an unnumbered draft
    keeps the blank the office fills in by hand."""
    shown = str(number) if number else NBSP * 6
    if profile == PARTY:
        return f"Số {shown}-{kind}/{code}"
    return f"Số: {shown}/{kind}-{code}"


def authority_prefix(profile: str, authority: str) -> str:
    """Authority words as each profile writes them: State "TM.", "KT.", "Q.", "TL.",
    "TUQ."; Party "T/M", "K/T", "Q/", "T/L", "T/U/Q"."""
    text = nfc(authority).upper()
    state = {"T/M": "TM.", "K/T": "KT.", "T/L": "TL.", "T/U/Q": "TUQ.", "Q/": "Q."}
    party = {v: k for k, v in state.items()}
    table = party if profile == PARTY else state
    for old, new in table.items():
        if text.startswith(old + " ") or text == old:
            return new + text[len(old) :]
    return text


def lines(text: str | None) -> list[str]:
    """Non-empty lines of a settings text area, NFC, without list dashes."""
    out = []
    for line in nfc(text or "").splitlines():
        line = line.strip().lstrip("-–•").strip()
        if line:
            out.append(line)
    return out


@dataclass
class Signature:
    authority: str  # "TM. ỦY BAN NHÂN DÂN" / "KT. CHỦ TỊCH" / "T/M BAN THƯỜNG VỤ" / ""
    title: str  # "PHÓ CHỦ TỊCH"
    name: str


@dataclass
class Paragraph:
    text: str
    # body (justified, first-line indent), basis (italic), centre (bold, centred),
    # heading (bold section heading), note (small, italic)
    style: str = "body"
    lead: str = ""  # bold words opening the paragraph ("Điều 1.")


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    # Relative column widths (any unit); numeric columns align right.
    widths: list[float]
    numeric: list[bool] = field(default_factory=list)
    centred: list[bool] = field(default_factory=list)
    total: list[str] | None = None
    # Row cells rendered as "name\nline": the first line bold.
    bold_first_line: int | None = None
    small: bool = False

    def __post_init__(self):
        if not self.numeric:
            self.numeric = [False] * len(self.headers)
        if not self.centred:
            self.centred = [False] * len(self.headers)


Block = Paragraph | Table


@dataclass
class Annex:
    title: str  # "DANH SÁCH"
    subtitle: list[str]  # bold lines under it
    reference: str  # "(Kèm theo Quyết định số … ngày … của …)"
    blocks: list[Block]
    landscape: bool = False


@dataclass
class Document:
    profile: str  # STATE or PARTY
    parent: str  # "" or "TỈNH ỦY TÂY NINH"
    body: str  # "ỦY BAN NHÂN DÂN TỈNH TÂY NINH", "BAN TUYÊN GIÁO VÀ DÂN VẬN"
    number: str  # as printed, number_text()
    place: str
    day: date
    kind: str  # "QUYẾT ĐỊNH", "BÁO CÁO"
    summary: list[str]  # "Về việc …" (bold, under the kind)
    authority: str = ""  # competence line under the summary (decisions)
    basis: list[Paragraph] = field(default_factory=list)
    enacting: str = ""  # "QUYẾT ĐỊNH:" between the basis and the articles
    blocks: list[Block] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signature: Signature = field(default_factory=lambda: Signature("", "", ""))
    annexes: list[Annex] = field(default_factory=list)
    title: str = ""  # the file's metadata title

    @property
    def place_date(self) -> str:
        return f"{self.place}, {document_date(self.day)}"

    @property
    def is_party(self) -> bool:
        return self.profile == PARTY

    @property
    def parent_line(self) -> str:
        return keep_place(self.parent.upper()) if self.parent else ""

    @property
    def body_lines(self) -> list[str]:
        """The issuing body's name as printed, one entry per line it was given in."""
        return [keep_place(line.upper()) for line in lines(self.body.replace("\\n", "\n"))]

    @property
    def signature_authority(self) -> str:
        return authority_prefix(self.profile, self.signature.authority)

    @property
    def recipient_lines(self) -> list[str]:
        """ "- Như Điều 3;" … "- Lưu: VT." — a semicolon after each but the last."""
        items = [item.rstrip(";.,") for item in self.recipients]
        return [f"- {item}{'.' if i == len(items) - 1 else ';'}" for i, item in enumerate(items)]
