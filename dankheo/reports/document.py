"""The report (báo cáo sơ kết, tổng kết) as an official document: the issuer's header,
number "Số …-BC/…" or "Số: …/BC-…", the period, the narrative sections the secretary
writes (reports.narratives), the figures and tables inserted from the statistics, Nơi
nhận and the signer with their name. Rendered to PDF/A and DOCX by dankheo.documents."""

from datetime import date

from dankheo.certificates.issuers import IssuerSettings
from dankheo.documents.model import Document, Paragraph, Signature, Table, keep_places, lines
from dankheo.models import ReportNarrative
from dankheo.reports.queries import Statistics
from dankheo.reports.rollup import ROLLUP_EXPLANATIONS, ROLLUP_LABELS
from dankheo.reports.tables import Table as StatTable
from dankheo.vietnamese import format_number, in_sentence, nfc

MOVEMENT = "phong trào thi đua “Dân vận khéo”"
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")

# Narrative sections with their headings, in the order a report prints them. The
# results section always prints: it carries the figures and tables.
SECTIONS = (
    ("situation", "ĐẶC ĐIỂM TÌNH HÌNH, CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO"),
    ("results", "KẾT QUẢ THỰC HIỆN"),
    ("shortcomings", "HẠN CHẾ, NGUYÊN NHÂN"),
    ("lessons", "BÀI HỌC KINH NGHIỆM"),
    ("direction", "PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI"),
    ("proposals", "ĐỀ XUẤT, KIẾN NGHỊ"),
)


def summary_lines(stats: Statistics) -> list[str]:
    period = stats.period
    if period.half is not None:
        return [
            f"Sơ kết 6 tháng {'đầu' if period.half == 1 else 'cuối'} năm {period.year}",
            MOVEMENT,
        ]
    if period.dated:
        return [f"Kết quả {MOVEMENT}", period.label]
    if period.year is not None:
        return [f"Kết quả {MOVEMENT} năm {period.year}"]
    return [f"Tổng kết {MOVEMENT}", f"giai đoạn {period.start_year}–{period.end_year}"]


def _paragraphs(text: str) -> list[Paragraph]:
    return [Paragraph(line) for line in nfc(text).splitlines() if line.strip()]


def _figures(stats: Statistics) -> list[Paragraph]:
    n = format_number
    scope = keep_places(f"{in_sentence(stats.root.name)} và các đơn vị trực thuộc")
    out = [
        Paragraph(
            f"Trong {stats.period.label}, toàn địa bàn {scope} có {n(stats.total)} lượt mô hình "
            f"“Dân vận khéo” được đăng ký, đánh giá; {n(stats.exemplars_total)} điển hình; "
            f"{n(stats.nominations_total)} hồ sơ đề nghị khen thưởng; "
            f"{n(stats.awards_total)} bằng khen, giấy khen còn hiệu lực; "
            f"{n(stats.replicated)} mô hình được nhân rộng."
        ),
        Paragraph(
            f"Cách tổng hợp: {ROLLUP_LABELS[stats.rollup]}. {ROLLUP_EXPLANATIONS[stats.rollup]}",
            "note",
        ),
    ]
    if stats.period.dated:
        out.append(
            Paragraph(
                "Số liệu mô hình, điển hình và hồ sơ tính theo các năm của kỳ báo cáo; "
                "số khen thưởng tính theo ngày ký quyết định trong kỳ.",
                "note",
            )
        )
    return out


def _table(table: StatTable) -> Table:
    def text(cell) -> str:
        return format_number(cell.value) if cell.is_number else str(cell.value)

    wide = len(table.headers) > 6
    numeric = [c.is_number for c in (table.rows[0] if table.rows else table.total or [])]
    numeric = numeric or [False] * len(table.headers)
    widths = [3.2 if wide else 4.0] + [1.0] * (len(table.headers) - 1)
    rows = [[text(c) for c in row] for row in table.rows]
    if not rows:
        rows = [["Chưa có số liệu."] + [""] * (len(table.headers) - 1)]
    return Table(
        headers=list(table.headers),
        rows=rows,
        widths=widths,
        numeric=numeric,
        total=[text(c) for c in table.total] if table.total and table.rows else None,
        small=wide,
    )


def _code_of(narrative: ReportNarrative) -> str:
    name = narrative.issuer.current_name if narrative.issuer else None
    return name.code if name else ""


def build(
    stats: Statistics,
    tables: list[StatTable],
    narrative: ReportNarrative | None,
    settings: IssuerSettings,
    day: date,
) -> Document:
    texts = {key: getattr(narrative, key, "") or "" for key, _ in SECTIONS}
    blocks: list = [
        Paragraph(
            keep_places(
                f"{settings.name} báo cáo kết quả {MOVEMENT} {stats.period.label} "
                f"trên địa bàn {in_sentence(stats.root.name)} như sau:"
            )
        )
    ]
    numbered = 0
    for key, heading in SECTIONS:
        if key != "results" and not texts[key].strip():
            continue
        blocks.append(Paragraph(f"{ROMAN[numbered]}. {heading}", "heading"))
        numbered += 1
        blocks += _paragraphs(texts[key])
        if key == "results":
            blocks += _figures(stats)
            for i, table in enumerate(tables, start=1):
                blocks.append(Paragraph(f"{i}. {table.title}", "heading"))
                blocks.append(_table(table))
    # The number belongs to the issuer the narrative chose; another profile's header
    # leaves the blank the office fills in.
    # Number, signer and Nơi nhận belong to the issuer the narrative chose; a header of
    # another profile takes that issuer's defaults and leaves the number blank.
    own = narrative is not None and (
        narrative.issuer_id is None or settings.code == _code_of(narrative)
    )
    number = narrative.number if own and narrative.issuer_id is not None else None
    signer = Signature(
        (narrative.signer_authority if own else "") or settings.signer_authority,
        (narrative.signer_title if own else "") or settings.signer_title,
        (narrative.signer_name if own else "") or settings.signer_name,
    )
    recipients = lines(narrative.recipients) if own and narrative.recipients else []
    # An issuer's default list is written for decisions: "Như Điều …" has no place here.
    defaults = [r for r in settings.recipients if not r.lower().startswith("như điều")]
    return Document(
        profile=settings.profile,
        parent=settings.parent,
        body=settings.header_name,
        number=settings.number(number, "BC"),
        place=settings.place,
        day=day,
        kind="BÁO CÁO",
        summary=summary_lines(stats),
        blocks=blocks,
        recipients=recipients or defaults,
        signature=signer,
        title=f"Báo cáo {MOVEMENT} {stats.period.label} – {stats.root.name}",
    )
