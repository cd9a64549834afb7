"""The decision (quyết định khen thưởng) as an official document: built from the decision,
its issuer's settings on the decision's date and its recipients, then rendered to PDF/A
and DOCX by ``dankheo.documents`` with the same text."""

from dankheo.certificates import queries
from dankheo.certificates.issuers import settings_for
from dankheo.documents import docx, render
from dankheo.documents.model import (
    Annex,
    Document,
    Paragraph,
    Signature,
    Table,
    keep_places,
    lines,
)
from dankheo.models import Decision, ExemplarKind
from dankheo.vietnamese import document_date, nfc

MOVEMENT = "phong trào thi đua “Dân vận khéo”"
# Above this average length of an achievement, the annex is set landscape.
LANDSCAPE_ABOVE = 320


def _recipients(decision: Decision) -> list[dict]:
    """The decision's recipients in order: the issued certificates' text once signed
    (corrections included), the nominations' before."""
    certificates = queries.original_certificates(decision)
    if certificates:
        return [
            {
                "name": c.recipient_name,
                "line": c.recipient_line,
                "reason": c.reason,
                "individual": _is_individual(c.nomination),
            }
            for c in certificates
        ]
    return [
        {
            "name": item.nomination.recipient_name,
            "line": item.nomination.recipient_line,
            "reason": item.nomination.achievement_text,
            "individual": _is_individual(item.nomination),
        }
        for item in decision.items
    ]


def _is_individual(nomination) -> bool:
    exemplar = nomination.exemplar
    return exemplar is not None and exemplar.kind == ExemplarKind.INDIVIDUAL


def _count_phrase(rows: list[dict]) -> str:
    people = sum(1 for r in rows if r["individual"])
    groups = len(rows) - people
    parts = []
    if groups:
        parts.append(f"{groups:02d} tập thể")
    if people:
        parts.append(f"{people:02d} cá nhân")
    return " và ".join(parts)


def _basis(decision: Decision, proposer: str) -> list[Paragraph]:
    out = [Paragraph(_ending(line, ";"), "basis") for line in lines(decision.legal_basis)]
    if proposer:
        out.append(Paragraph(_ending(f"Xét đề nghị của {proposer}", "."), "basis"))
    if out and out[-1].text.endswith(";"):
        out[-1].text = out[-1].text[:-1] + "."
    return out


def _ending(text: str, mark: str) -> str:
    text = nfc(text).rstrip(" ;.,")
    return text + mark


def _sentence(text: str) -> str:
    """ "Chủ tịch Ủy ban nhân dân tỉnh Tây Ninh" as it reads inside a sentence."""
    return nfc(text)


def build(decision: Decision) -> Document:
    award_type = decision.award_type
    day = decision.signed_on
    settings = settings_for(award_type, day)
    rows = _recipients(decision)
    year = decision.campaign.year
    form = award_type.form_label
    giver = _sentence(award_type.issuer_title)
    counted = _count_phrase(rows)
    summary = [f"Về việc tặng {form} cho các tập thể, cá nhân", f"trong {MOVEMENT} năm {year}"]
    giver = keep_places(giver)
    articles = [
        Paragraph(
            f"Tặng {form} của {giver} cho {counted} (có danh sách kèm theo) đã có thành tích "
            f"xuất sắc trong {MOVEMENT} năm {year} (khen thưởng theo chuyên đề).",
            lead="Điều 1.",
        ),
        Paragraph("Quyết định này có hiệu lực kể từ ngày ký.", lead="Điều 2."),
        Paragraph(
            (f"{decision.proposer}, c" if decision.proposer else "C")
            + "ác cơ quan, đơn vị có liên quan và các tập thể, cá nhân có tên tại Điều 1 "
            "chịu trách nhiệm thi hành Quyết định này.",
            lead="Điều 3.",
        ),
    ]
    number_only = decision.number_text.replace("Số:", "").replace("Số", "").strip()
    annex = Annex(
        title="DANH SÁCH",
        subtitle=[keep_places(f"tập thể, cá nhân được tặng {form} của {giver}")],
        reference=keep_places(
            f"(Kèm theo Quyết định số {number_only} {document_date(day)} của {giver})"
        ),
        blocks=_annex_blocks(rows),
        landscape=_needs_landscape(rows),
    )
    return Document(
        profile=settings.profile,
        parent=settings.parent,
        body=settings.header_name,
        number=decision.number_text,
        place=decision.place,
        day=day,
        kind="QUYẾT ĐỊNH",
        summary=summary,
        authority=settings.authority_line.upper(),
        basis=_basis(decision, decision.proposer),
        enacting="QUYẾT ĐỊNH:",
        blocks=articles,
        recipients=lines(decision.recipients),
        signature=Signature(decision.signer_authority, decision.signer_title, decision.signer_name),
        annexes=[annex],
        title=f"Quyết định {decision.number_text}",
    )


def _annex_blocks(rows: list[dict]) -> list:
    groups = [("Tập thể", [r for r in rows if not r["individual"]])]
    groups.append(("Cá nhân", [r for r in rows if r["individual"]]))
    present = [(label, members) for label, members in groups if members]
    blocks = []
    number = 0
    for index, (label, members) in enumerate(present):
        if len(present) > 1:
            roman = "I" * (index + 1)
            blocks.append(Paragraph(f"{roman}. {label.upper()} ({len(members):02d})", "heading"))
        table_rows = []
        for r in members:
            number += 1
            who = keep_places(r["name"]) + (f"\n{keep_places(r['line'])}" if r["line"] else "")
            table_rows.append([str(number), who, r["reason"]])
        blocks.append(
            Table(
                headers=["STT", "Tập thể, cá nhân", "Thành tích"],
                rows=table_rows,
                widths=[1.1, 6.2, 7.2],
                centred=[True, False, False],
                bold_first_line=1,
            )
        )
    return blocks


def _needs_landscape(rows: list[dict]) -> bool:
    if not rows:
        return False
    return sum(len(r["reason"]) for r in rows) / len(rows) > LANDSCAPE_ABOVE


def render_pdf(decision: Decision, *, archival: bool = True) -> bytes:
    return render.to_pdf(build(decision), archival=archival)


def render_docx(decision: Decision) -> bytes:
    return docx.to_docx(build(decision))
