"""Routes of the nominations blueprint: dossiers, request letters, screening."""

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from dankheo import exports, vietnamese, workflow
from dankheo.extensions import db
from dankheo.forms import EmptyForm
from dankheo.models.accounts import Role
from dankheo.models.campaigns import AwardType, Campaign
from dankheo.models.nominations import STATE_LABELS, NominationBatch, NominationState
from dankheo.models.units import Unit
from dankheo.nominations import queries, services
from dankheo.nominations.forms import BatchForm, NominationForm, TransitionForm
from dankheo.permissions import can, units_with_role
from dankheo.registry import evidence as evidence_files
from dankheo.review import inbox as review_inbox
from dankheo.review import queries as review_queries
from dankheo.web import lookup
from dankheo.web.access import found, require
from dankheo.web.params import arg_id, page_arg, parse_id
from dankheo.web.transaction import FLASH, transaction

bp = Blueprint("nominations", __name__, url_prefix="/nominations")

# Decisions are taken on the ranking page, where the quota and its override are checked;
# awarding is the decision's signature (certificates).
RANKING_ONLY = ("approve", "decline", "award")


def _page() -> int:
    return page_arg()


def _nomination(nomination_id: int, action: str):
    """The nomination (404), which the signed-in user may ``action`` (403)."""
    nomination = found(queries.nomination_for_page(nomination_id))
    require(action, nomination)
    return nomination


def _batch(batch_id: int, action: str) -> NominationBatch:
    """The request letter (404), which the signed-in user may ``action`` (403)."""
    batch = found(queries.batch_for_page(batch_id))
    require(action, batch)
    return batch


def _upload(form) -> services.ReportUpload | None:
    file = form.report_file.data
    if file is None or not getattr(file, "filename", ""):
        return None
    return services.ReportUpload(filename=file.filename, data=file.read())


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _batch_choices(form) -> None:
    form.batch_id.choices = _choices(
        [(0, "— Không thuộc tờ trình nào —")]
        + [
            (b.id, f"{b.number or 'Tờ trình'} – {b.title} ({b.campaign.year})")
            for b in queries.batch_choices(current_user)
        ]
    )


def _index_filters() -> tuple[str, int | None, str]:
    """The list's filters from the query string: state, campaign id, search text."""
    state = request.args.get("state", "")
    if state not in STATE_LABELS:
        state = ""
    return state, arg_id("campaign"), request.args.get("q", "").strip()


@bp.route("/")
@login_required
def index():
    state, campaign_id, q = _index_filters()
    pagination = queries.nominations_page(
        current_user, campaign_id=campaign_id, state=state or None, q=q, page=_page()
    )
    return render_template(
        "nominations/index.html",
        pagination=pagination,
        state=state,
        campaign_id=campaign_id,
        q=q,
        states=STATE_LABELS,
        campaigns=queries.campaigns_for_filter(current_user),
    )


NOMINATION_EXPORT_HEADERS = (
    "Mã",
    "Tên ghi trên bằng",
    "Đơn vị đề nghị",
    "Đợt thi đua",
    "Hình thức",
    "Trạng thái",
    "Cập nhật",
)


@bp.route("/export.<any(xlsx, csv):fmt>")
@login_required
def export(fmt: str):
    state, campaign_id, q = _index_filters()
    stmt = queries.nominations_select(
        current_user, campaign_id=campaign_id, state=state or None, q=q
    )
    items, truncated = exports.fetch(stmt)
    rows = [
        [
            n.id,
            n.recipient_name,
            n.unit.name,
            n.campaign.name,
            n.award_type.form_label,
            n.state_label,
            vietnamese.to_vietnam(n.updated_at).date() if n.updated_at else None,
        ]
        for n in items
    ]
    return exports.list_export(
        fmt,
        title="Hồ sơ đề nghị",
        filename="ho-so-de-nghi",
        headers=NOMINATION_EXPORT_HEADERS,
        rows=rows,
        truncated=truncated,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    require("nomination.create")
    form = NominationForm()
    form.award_type_id.choices = _choices(
        [(0, "— Chọn —")]
        + [(a.id, f"{a.campaign.name} – {a.label}") for a in queries.open_award_types()]
    )
    _batch_choices(form)
    if request.method == "GET" and request.args.get("subject"):
        form.subject.data = request.args["subject"]
    # The subject is a search field (web.lookup): every initiative and exemplar of the
    # officer's units can be found, not only the first ones of a capped list.
    lookup.prepare(form.subject, "subjects", current_user, empty=(("", "— Chọn —"),))
    if not lookup.requested() and form.validate_on_submit():
        subject = queries.subject_from_choice(form.subject.data)
        award_type = db.session.get(AwardType, form.award_type_id.data)
        if subject is None or award_type is None:
            abort(400)
        require("nomination.create", subject.unit)
        batch = db.session.get(NominationBatch, form.batch_id.data) if form.batch_id.data else None
        with transaction(form) as done:
            nomination = services.create_nomination(
                current_user,
                award_type=award_type,
                subject=subject,
                recipient_name=form.recipient_name.data,
                recipient_line=form.recipient_line.data,
                achievement_text=form.achievement_text.data,
                report_text=form.report_text.data,
                report_upload=_upload(form),
                batch=batch,
            )
        if done.ok:
            flash("Đã tạo hồ sơ đề nghị (bản nháp). Kiểm tra lại rồi bấm “Gửi hồ sơ”.", "success")
            return redirect(url_for("nominations.detail", nomination_id=nomination.id))
    return render_template("nominations/form.html", form=form, nomination=None)


@bp.route("/<int:nomination_id>")
@login_required
def detail(nomination_id: int):
    nomination = _nomination(nomination_id, "nomination.view")
    return render_template(
        "nominations/detail.html",
        nomination=nomination,
        history=queries.history(nomination),
        arrows=[
            a
            for a in workflow.available_arrows(nomination, current_user, vietnamese.today())
            if a.action not in RANKING_ONLY
        ],
        form=TransitionForm(data={"version": nomination.version}),
        editable=nomination.state in services.EDITABLE
        and can(current_user, "nomination.edit", nomination),
    )


@bp.route("/<int:nomination_id>/edit", methods=["GET", "POST"])
@login_required
def edit(nomination_id: int):
    nomination = _nomination(nomination_id, "nomination.edit")
    if request.method == "GET":
        form = NominationForm(
            obj=nomination,
            data={"version": nomination.version, "batch_id": nomination.batch_id or 0},
        )
    else:
        form = NominationForm()
    del form.subject, form.award_type_id
    _batch_choices(form)
    if form.validate_on_submit():
        batch = db.session.get(NominationBatch, form.batch_id.data) if form.batch_id.data else None
        # On a refusal (a stale save too) the page keeps what the user typed: nothing is lost.
        with transaction(form) as done:
            services.update_nomination(
                current_user,
                nomination,
                expected_version=form.version_value(),
                recipient_name=form.recipient_name.data,
                recipient_line=form.recipient_line.data,
                achievement_text=form.achievement_text.data,
                report_text=form.report_text.data,
                report_upload=_upload(form),
                batch=batch,
            )
        if done.ok:
            flash("Đã lưu hồ sơ.", "success")
            return redirect(url_for("nominations.detail", nomination_id=nomination.id))
    return render_template("nominations/form.html", form=form, nomination=nomination)


@bp.route("/<int:nomination_id>/move/<action>", methods=["POST"])
@login_required
def move(nomination_id: int, action: str):
    nomination = _nomination(nomination_id, "nomination.view")
    if action not in workflow.ARROWS_BY_ACTION or action in RANKING_ONLY:
        abort(404)
    form = TransitionForm()
    back = request.form.get("next") == "screening"
    target = (
        url_for("nominations.screening", campaign_id=nomination.campaign_id)
        if back
        else url_for("nominations.detail", nomination_id=nomination.id)
    )
    if not form.validate_on_submit():
        flash("Ghi chú quá dài (tối đa 2000 ký tự).", "danger")
        return redirect(target)
    # Done already: info; stale version: warning; refused: danger; not allowed: 403.
    with transaction(FLASH) as done:
        arrow = services.take_arrow(
            current_user,
            nomination,
            action,
            note=form.note.data,
            expected_version=form.version_value(),
        )
    if done.ok:
        flash(f"Đã thực hiện: {arrow.label}.", "success")
    return redirect(target)


@bp.route("/<int:nomination_id>/report")
@login_required
def report(nomination_id: int):
    nomination = _nomination(nomination_id, "nomination.view")
    ev = nomination.report_evidence
    if ev is None:
        abort(404)
    path = evidence_files.path_for(ev.sha256)
    if not path.exists():
        abort(404)
    return send_file(path, mimetype=ev.mime, as_attachment=True, download_name=ev.filename)


# --- request letters -------------------------------------------------------------------------


@bp.route("/batches")
@login_required
def batches():
    return render_template(
        "nominations/batches.html",
        pagination=queries.batches_page(current_user, _page()),
    )


@bp.route("/batches/export.<any(xlsx, csv):fmt>")
@login_required
def batches_export(fmt: str):
    items, truncated = exports.fetch(queries.batches_select(current_user))
    rows = [
        [
            b.number or "",
            b.title,
            b.unit.name,
            b.campaign.name,
            vietnamese.to_vietnam(b.created_at).date(),
        ]
        for b in items
    ]
    return exports.list_export(
        fmt,
        title="Tờ trình",
        filename="to-trinh",
        headers=("Số", "Trích yếu", "Đơn vị", "Đợt thi đua", "Ngày tạo"),
        rows=rows,
        truncated=truncated,
    )


@bp.route("/batches/new", methods=["GET", "POST"])
@login_required
def batch_new():
    require("nomination.create")
    form = BatchForm()
    form.campaign_id.choices = _choices(
        [(0, "— Chọn —")]
        + [
            (a.campaign.id, a.campaign.name)
            for a in {a.campaign_id: a for a in queries.open_award_types()}.values()
        ]
    )
    units = units_with_role(current_user, Role.OFFICER) or (
        db.session.scalars(db.select(Unit).where(Unit.depth <= 1).order_by(Unit.path)).all()
    )
    form.unit_id.choices = _choices([(0, "— Chọn —")] + [(u.id, u.name) for u in units])
    if form.validate_on_submit():
        campaign = found(db.session.get(Campaign, form.campaign_id.data))
        unit = found(db.session.get(Unit, form.unit_id.data))
        require("nomination.create", unit)
        with transaction():
            batch = services.create_batch(
                current_user,
                campaign=campaign,
                unit=unit,
                title=form.title.data,
                number=form.number.data,
            )
        flash("Đã tạo tờ trình. Chọn tờ trình này khi tạo hoặc sửa hồ sơ đề nghị.", "success")
        return redirect(url_for("nominations.batch", batch_id=batch.id))
    return render_template("nominations/batch_form.html", form=form)


@bp.route("/batches/<int:batch_id>")
@login_required
def batch(batch_id: int):
    batch = _batch(batch_id, "batch.view")
    return render_template("nominations/batch.html", batch=batch)


@bp.route("/batches/<int:batch_id>/submit", methods=["POST"])
@login_required
def batch_submit(batch_id: int):
    batch = _batch(batch_id, "nomination.submit")
    if TransitionForm().validate_on_submit():
        with transaction(FLASH) as done:
            sent = services.submit_batch(current_user, batch)
        if done.ok:
            flash(f"Đã gửi tờ trình cùng {sent} hồ sơ.", "success")
    return redirect(url_for("nominations.batch", batch_id=batch_id))


# --- screening (the campaign's secretary) ------------------------------------------------------


def _screening_campaign_and_state(campaign_id: int) -> tuple[Campaign, str]:
    campaign = found(db.session.get(Campaign, campaign_id))
    require("screening.act", campaign)
    state = request.args.get("state", NominationState.SUBMITTED.value)
    if state not in STATE_LABELS:
        state = NominationState.SUBMITTED.value
    return campaign, state


@bp.route("/screening/<int:campaign_id>/export.<any(xlsx, csv):fmt>")
@login_required
def screening_export(campaign_id: int, fmt: str):
    campaign, state = _screening_campaign_and_state(campaign_id)
    items, truncated = exports.fetch(queries.screening_select(campaign, state))
    rows = [
        [
            n.id,
            n.recipient_name,
            n.subject_name,
            n.batch.number or "" if n.batch else "",
            n.unit.name,
            n.award_type.form_label,
            n.state_label,
        ]
        for n in items
    ]
    return exports.list_export(
        fmt,
        title="Tiếp nhận hồ sơ",
        filename=f"tiep-nhan-ho-so-{campaign.id}",
        headers=("Mã", "Hồ sơ", "Đối tượng", "Tờ trình", "Đơn vị", "Hình thức", "Trạng thái"),
        rows=rows,
        truncated=truncated,
    )


@bp.route("/screening/<int:campaign_id>")
@login_required
def screening(campaign_id: int):
    campaign, state = _screening_campaign_and_state(campaign_id)
    pagination = queries.screening_page(campaign, state, _page())
    # "Chọn tất cả" without JavaScript: the page comes back with every row ticked.
    selected = {n.id for n in pagination.items} if request.args.get("chon") == "tat-ca" else set()
    return render_template(
        "nominations/screening.html",
        campaign=campaign,
        state=state,
        states=STATE_LABELS,
        counts=queries.state_counts(campaign),
        pagination=pagination,
        selected=selected,
        window_open=workflow.window_is_open(campaign, "screening", vietnamese.today()),
        form=TransitionForm(),
        review=review_inbox.secretary_campaign_counts([campaign.id])[campaign.id],
        has_committee=review_queries.committee_of(campaign) is not None,
    )


SCREENING_DONE = {
    "accept": "Đã tiếp nhận {n} hồ sơ vào chấm điểm.",
    "return": "Đã trả lại {n} hồ sơ để bổ sung.",
    "reject": "Đã loại {n} hồ sơ không đủ điều kiện.",
}
NOTE_LIMIT = 2000


def _ids(values) -> list[int]:
    """Ids posted by the page (web.params), in order without repeats; anything else is
    ignored."""
    ids = (parse_id(value) for value in values)
    return list(dict.fromkeys(i for i in ids if i is not None))


@bp.route("/screening/<int:campaign_id>/act", methods=["POST"])
@login_required
def screening_act(campaign_id: int):
    """Accept, return or reject the ticked dossiers (one note for all, or one each), or
    the one dossier whose own button was pressed."""
    campaign, _state = _screening_campaign_and_state(campaign_id)
    back = url_for("nominations.screening", campaign_id=campaign.id)
    action, _, one = request.form.get("do", "").partition(":")
    if action not in services.SCREENING_ACTIONS or not EmptyForm().validate_on_submit():
        abort(400)
    ids = _ids([one] if one else request.form.getlist("ids"))
    nominations = queries.screening_targets(campaign, ids)
    if len(nominations) != len(ids):
        abort(404)
    common = (request.form.get("note") or "").strip()
    items = []
    for n in nominations:
        note = (request.form.get(f"note_{n.id}") or "").strip() or common
        if len(note) > NOTE_LIMIT:
            flash(f"Ghi chú quá dài (tối đa {NOTE_LIMIT} ký tự).", "danger")
            return redirect(back)
        version = _ids([request.form.get(f"version_{n.id}", "")])
        items.append((n, note, version[0] if version else None))
    with transaction(FLASH) as done:
        moved = services.screen(current_user, campaign, action, items)
    if done.ok:
        flash(SCREENING_DONE[action].format(n=moved), "success")
    return redirect(back)
