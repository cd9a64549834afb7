"""Certificate designs of an award type: paper, issuer profile and titles, the overlay
layout for pre-printed blanks (millimetre positions the secretary calibrates), and the
uploaded images (emblem, scan of a blank), checked and re-encoded before storing.

Services take ``actor``, check ``permissions.require``, raise DomainError, ``flush()``
and never commit."""

import io
from pathlib import Path

from flask import current_app
from PIL import Image

from dankheo import audit
from dankheo.certificates import layout
from dankheo.certificates.storage import sha256
from dankheo.errors import DomainError
from dankheo.extensions import db
from dankheo.models import AwardType, IssuerProfile, PaperSize
from dankheo.permissions import require
from dankheo.private_files import write_private
from dankheo.vietnamese import nfc

# Overlay fields (the variable text of certificates.layout, plus the QR code) and their
# default positions: x = centre (or left edge of a left-aligned field), y = top, in mm on
# the award type's paper, the same places as the full design; the secretary calibrates
# them per award type. The signer's authority and title have positions of their own.
OVERLAY_FIELDS = {
    "recipient": "Tên tập thể, cá nhân",
    "recipient_line": "Chức vụ, đơn vị",
    "achievement": "Thành tích",
    "decision_line": "Dòng quyết định",
    "register_number": "Số vào sổ",
    "date_line": "Địa danh, ngày tháng",
    "signer_authority": "Thẩm quyền ký (TM., KT.)",
    "signer_title": "Chức vụ người ký",
    "signer_name": "Họ tên người ký",
    "serial": "Số hiệu và mã QR",
}


def _defaults(paper: PaperSize) -> dict:
    k = layout.SCALE[paper]
    out = {name: [round(s.x * k, 1), round(s.y * k, 1)] for name, s in layout.SLOTS.items()}
    out["serial"] = [round(layout.SERIAL["x"] * k, 1), round(layout.SERIAL["y"] * k, 1)]
    return out


DEFAULT_OVERLAY = {paper: _defaults(paper) for paper in PaperSize}
PAPER_MM = {PaperSize.A4: (297, 210), PaperSize.A3: (420, 297)}


def overlay_layout(award_type: AwardType) -> dict:
    """The award type's overlay layout with defaults filled in:
    {"offset": [dx, dy], "fields": {name: [x, y]}} in millimetres."""
    stored = award_type.overlay_layout or {}
    defaults = DEFAULT_OVERLAY[award_type.paper]
    fields = {}
    for name in OVERLAY_FIELDS:
        value = (stored.get("fields") or {}).get(name)
        fields[name] = [float(v) for v in value] if _is_pair(value) else list(defaults[name])
    offset = stored.get("offset")
    return {
        "offset": [float(v) for v in offset] if _is_pair(offset) else [0.0, 0.0],
        "fields": fields,
    }


def _is_pair(value) -> bool:
    return (
        isinstance(value, list | tuple)
        and len(value) == 2
        and all(isinstance(v, int | float) and -500 <= v <= 500 for v in value)
    )


def save_overlay_layout(actor, award_type: AwardType, offset, fields: dict) -> None:
    require(actor, "campaign.manage", award_type.campaign)
    layout = {
        "offset": [round(float(v), 1) for v in offset],
        "fields": {name: [round(float(v), 1) for v in fields[name]] for name in OVERLAY_FIELDS},
    }
    width, height = PAPER_MM[award_type.paper]
    for x, y in layout["fields"].values():
        if not (0 <= x <= width and 0 <= y <= height):
            raise DomainError("award_type.overlay_out_of_page", width=width, height=height)
    award_type.overlay_layout = layout
    db.session.flush()
    audit.record(
        actor,
        "award_type.overlay",
        award_type,
        unit_id=award_type.campaign.organising_unit_id,
        details=layout,
    )


def save_design(
    actor,
    award_type: AwardType,
    *,
    paper: PaperSize,
    issuer_profile: IssuerProfile,
    issuer_title: str,
    issuer_name: str,
    decision_suffix: str,
) -> None:
    require(actor, "campaign.manage", award_type.campaign)
    award_type.paper = paper
    award_type.issuer_profile = issuer_profile
    award_type.issuer_title = nfc(issuer_title)
    award_type.issuer_name = nfc(issuer_name)
    award_type.decision_suffix = nfc(decision_suffix)
    db.session.flush()
    audit.record(
        actor,
        "award_type.design",
        award_type,
        unit_id=award_type.campaign.organising_unit_id,
        details={"paper": paper.value, "profile": issuer_profile.value},
    )


IMAGE_LIMITS = {"emblem": 600, "blank": 3600}


def store_image(actor, award_type: AwardType, kind: str, data: bytes) -> str:
    """Check an uploaded PNG/JPEG by its magic bytes, re-encode it with Pillow (which
    drops anything but pixels), store it under UPLOAD_DIR, and point the award type at it.
    ``kind`` is "emblem" or "blank" (scan of a pre-printed blank)."""
    require(actor, "campaign.manage", award_type.campaign)
    if not (data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff")):
        raise DomainError("upload.not_an_image")
    limit = current_app.config["MAX_IMAGE_PIXELS"]
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format not in ("PNG", "JPEG"):
                raise DomainError("upload.not_an_image")
            if img.width * img.height > limit:
                raise DomainError("upload.image_too_large")
            # verify() reads every chunk and checks it, whatever Pillow's global
            # LOAD_TRUNCATED_IMAGES says: a truncated or corrupt file stops here.
            img.verify()
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            if img.mode in ("RGBA", "LA", "P"):
                rgba = img.convert("RGBA")
                flat = Image.new("RGB", rgba.size, "white")
                flat.paste(rgba, mask=rgba.split()[-1])
            else:
                flat = img.convert("RGB")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        raise DomainError("upload.image_too_large") from err
    except (OSError, SyntaxError, ValueError) as err:
        raise DomainError("upload.not_an_image") from err
    flat.thumbnail((IMAGE_LIMITS[kind], IMAGE_LIMITS[kind]))
    out = io.BytesIO()
    flat.save(out, "JPEG", quality=88, optimize=True)
    encoded = out.getvalue()
    relative = f"award-types/{award_type.id}/{kind}-{sha256(encoded)[:12]}.jpg"
    root = Path(current_app.config["UPLOAD_DIR"])
    write_private(root / relative, encoded, root=root)
    if kind == "emblem":
        award_type.emblem_path = relative
    else:
        award_type.blank_scan_path = relative
    db.session.flush()
    audit.record(
        actor,
        f"award_type.{kind}",
        award_type,
        unit_id=award_type.campaign.organising_unit_id,
        details={"path": relative, "size": len(encoded)},
    )
    return relative
