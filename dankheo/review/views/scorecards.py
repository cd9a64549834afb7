"""Review routes of a reviewer: the queue (and its export), the scorecard page, declaring
a conflict of interest; and the secretary's reopening of a submitted scorecard."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from dankheo import exports, vietnamese
from dankheo.permissions import can
from dankheo.review import inbox, queries, services, window
from dankheo.review.forms import ConflictForm, NoteForm, scorecard_form
from dankheo.review.views.blueprint import bp, load_assignment, page
from dankheo.web.access import found, require
from dankheo.web.transaction import FLASH, report, transaction


def _queue_status() -> str:
    require("review.queue")
    status = request.args.get("status", "todo")
    return status if status in ("todo", "done", "all") else "todo"


def _card_label(assignment) -> str:
    card = assignment.scorecard
    if card and card.is_submitted:
        return "Đã nộp"
    return "Bản nháp" if card else "Chưa chấm"


@bp.route("/export.<any(xlsx, csv):fmt>")
@login_required
def queue_export(fmt: str):
    status = _queue_status()
    items, truncated = exports.fetch(queries.queue_select(current_user, status))
    rows = [
        [
            a.nomination.recipient_name,
            a.nomination.unit.name,
            a.nomination.campaign.name,
            a.nomination.award_type.form_label,
            _card_label(a),
        ]
        for a in items
    ]
    return exports.list_export(
        fmt,
        title="Việc cần làm",
        filename="viec-can-lam",
        headers=("Hồ sơ", "Đơn vị đề nghị", "Đợt thi đua", "Hình thức", "Phiếu chấm"),
        rows=rows,
        truncated=truncated,
    )


@bp.route("/")
@login_required
def queue():
    status = _queue_status()
    pagination = queries.queue_for(current_user, status, page())
    return render_template(
        "review/queue.html",
        pagination=pagination,
        status=status,
        to_score=inbox.to_score_count(current_user),
    )


@bp.route("/assignments/<int:assignment_id>", methods=["GET", "POST"])
@login_required
def scorecard(assignment_id: int):
    assignment = load_assignment(assignment_id)
    nomination = assignment.nomination
    campaign = nomination.campaign
    own = can(current_user, "scorecard.edit", assignment)
    secretary = can(current_user, "ranking.view", campaign)
    if not own and not secretary:
        abort(403)
    card = assignment.scorecard
    if request.method == "POST":
        require("scorecard.edit", assignment)
        form = scorecard_form(campaign, formdata=request.form)
        submit = request.form.get("action") == "submit"
        if form.validate():
            # A refusal (a stale version too) keeps what the reviewer typed on the page.
            with transaction(form) as done:
                services.save_scorecard(
                    current_user,
                    assignment,
                    points={c.id: form[f"points_{c.id}"].data for c in campaign.criteria},
                    comments={c.id: form[f"comment_{c.id}"].data for c in campaign.criteria},
                    comment=form.comment.data,
                    expected_version=form.version_value(),
                    submit=submit,
                )
            if done.ok:
                flash(
                    "Đã nộp phiếu chấm." if submit else "Đã lưu nháp phiếu chấm.",
                    "success",
                )
                return redirect(url_for("review.scorecard", assignment_id=assignment.id))
            if isinstance(done.error, services.ScorecardAlreadySubmitted):
                # Submitted already (a double click, another tab): news, on the locked card.
                report(done.error, FLASH)
                return redirect(url_for("review.scorecard", assignment_id=assignment.id))
        # Re-read the card: a rollback expired it.
        assignment = load_assignment(assignment_id)
        nomination, card = assignment.nomination, assignment.scorecard
    else:
        data = {"version": card.version if card else 0, "comment": card.comment if card else ""}
        for score in card.scores if card else ():
            data[f"points_{score.criterion_id}"] = f"{score.points.normalize():f}"
            data[f"comment_{score.criterion_id}"] = score.comment
        form = scorecard_form(campaign, data=data)
    locked = card is not None and card.is_submitted
    visible = window.others_visible(
        campaign, own_submitted=locked, secretary=secretary, today=vietnamese.today()
    )
    others = queries.other_submitted_scorecards(assignment) if visible else []
    return render_template(
        "review/scorecard.html",
        assignment=assignment,
        nomination=nomination,
        campaign=campaign,
        card=card,
        form=form,
        locked=locked,
        own=own,
        others=others,
        conflict_form=ConflictForm(),
        reopen_form=NoteForm(),
    )


@bp.route("/assignments/<int:assignment_id>/conflict", methods=["POST"])
@login_required
def declare_conflict(assignment_id: int):
    assignment = load_assignment(assignment_id)
    require("conflict.declare", assignment)
    form = ConflictForm()
    if not form.validate_on_submit():
        flash("Vui lòng ghi rõ lý do xung đột lợi ích.", "danger")
        return redirect(url_for("review.scorecard", assignment_id=assignment.id))
    with transaction(FLASH) as done:
        services.declare_conflict(current_user, assignment, form.reason.data)
    if done.ok:
        flash("Đã gửi khai báo xung đột lợi ích; thư ký hội đồng sẽ xem xét.", "success")
    return redirect(url_for("review.queue"))


@bp.route("/scorecards/<int:scorecard_id>/reopen", methods=["POST"])
@login_required
def reopen(scorecard_id: int):
    card = found(queries.scorecard_by_id(scorecard_id))
    require("scorecard.reopen", card.assignment.nomination.campaign)
    form = NoteForm()
    if form.validate_on_submit():
        with transaction(FLASH) as done:
            services.reopen_scorecard(current_user, card, form.note.data)
        if done.ok:
            flash("Đã mở lại phiếu chấm để thành viên chấm lại.", "success")
    return redirect(url_for("review.scorecard", assignment_id=card.assignment_id))
