"""Routes of the review blueprint: reviewer queue and scorecards; the secretary's
committee, conflicts, assignment and ranking pages."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from dankheo import exports
from dankheo.errors import DomainError, StaleVersion
from dankheo.extensions import db
from dankheo.forms import EmptyForm
from dankheo.models.accounts import User
from dankheo.models.campaigns import AwardType, Campaign
from dankheo.models.nominations import Nomination
from dankheo.models.review import Assignment, ConflictOfInterest, Reviewer
from dankheo.permissions import can
from dankheo.review import inbox, queries, services
from dankheo.review import ranking as rankings
from dankheo.review.forms import (
    AddReviewerForm,
    ConflictForm,
    DecisionForm,
    ManualAssignForm,
    NoteForm,
    scorecard_form,
)

bp = Blueprint("review", __name__, url_prefix="/review")


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _page() -> int:
    return request.args.get("page", 1, type=int) or 1


def _campaign_or_404(campaign_id: int, action: str) -> Campaign:
    campaign = db.get_or_404(Campaign, campaign_id)
    if not can(current_user, action, campaign):
        abort(403)
    return campaign


def _flash_error(err: DomainError) -> None:
    db.session.rollback()
    flash(err.message, "danger" if err.status_code != 200 else "info")


# --- reviewer ------------------------------------------------------------------------------


def _queue_status() -> str:
    if not can(current_user, "review.queue"):
        abort(403)
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
    pagination = queries.queue_for(current_user, status, _page())
    return render_template(
        "review/queue.html",
        pagination=pagination,
        status=status,
        to_score=inbox.to_score_count(current_user),
    )


def _assignment_or_404(assignment_id: int) -> Assignment:
    assignment = queries.assignment_for_page(assignment_id)
    if assignment is None:
        abort(404)
    return assignment


@bp.route("/assignments/<int:assignment_id>", methods=["GET", "POST"])
@login_required
def scorecard(assignment_id: int):
    assignment = _assignment_or_404(assignment_id)
    nomination = assignment.nomination
    campaign = nomination.campaign
    own = can(current_user, "scorecard.edit", assignment)
    secretary = can(current_user, "ranking.view", campaign)
    if not own and not secretary:
        abort(403)
    card = assignment.scorecard
    if request.method == "POST":
        if not own:
            abort(403)
        form = scorecard_form(campaign, formdata=request.form)
        submit = request.form.get("action") == "submit"
        if form.validate():
            try:
                services.save_scorecard(
                    current_user,
                    assignment,
                    points={c.id: form[f"points_{c.id}"].data for c in campaign.criteria},
                    comments={c.id: form[f"comment_{c.id}"].data for c in campaign.criteria},
                    comment=form.comment.data,
                    expected_version=form.version_value(),
                    submit=submit,
                )
            except services.ScorecardAlreadySubmitted as err:
                _flash_error(err)
                return redirect(url_for("review.scorecard", assignment_id=assignment.id))
            except StaleVersion as err:
                # Keep what the reviewer typed on the page: nothing is lost.
                db.session.rollback()
                form.form_errors.append(err.message)
            except DomainError as err:
                db.session.rollback()
                form.form_errors.append(err.message)
            else:
                db.session.commit()
                flash(
                    "Đã nộp phiếu chấm." if submit else "Đã lưu nháp phiếu chấm.",
                    "success",
                )
                return redirect(url_for("review.scorecard", assignment_id=assignment.id))
        # Re-read the card: a rollback expired it.
        assignment = _assignment_or_404(assignment_id)
        nomination, card = assignment.nomination, assignment.scorecard
    else:
        data = {"version": card.version if card else "", "comment": card.comment if card else ""}
        for score in card.scores if card else ():
            data[f"points_{score.criterion_id}"] = f"{score.points.normalize():f}"
            data[f"comment_{score.criterion_id}"] = score.comment
        form = scorecard_form(campaign, data=data)
    locked = card is not None and card.is_submitted
    # Reviewers see the others' scores only once their own scorecard is submitted.
    others = queries.other_submitted_scorecards(assignment) if (locked or secretary) else []
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
    assignment = _assignment_or_404(assignment_id)
    if not can(current_user, "conflict.declare", assignment):
        abort(403)
    form = ConflictForm()
    if not form.validate_on_submit():
        flash("Vui lòng ghi rõ lý do xung đột lợi ích.", "danger")
        return redirect(url_for("review.scorecard", assignment_id=assignment.id))
    try:
        services.declare_conflict(current_user, assignment, form.reason.data)
    except DomainError as err:
        _flash_error(err)
    else:
        db.session.commit()
        flash("Đã gửi khai báo xung đột lợi ích; thư ký hội đồng sẽ xem xét.", "success")
    return redirect(url_for("review.queue"))


@bp.route("/scorecards/<int:scorecard_id>/reopen", methods=["POST"])
@login_required
def reopen(scorecard_id: int):
    card = queries.scorecard_by_id(scorecard_id)
    if card is None:
        abort(404)
    if not can(current_user, "scorecard.reopen", card.assignment.nomination.campaign):
        abort(403)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            services.reopen_scorecard(current_user, card, form.note.data)
        except DomainError as err:
            _flash_error(err)
        else:
            db.session.commit()
            flash("Đã mở lại phiếu chấm để thành viên chấm lại.", "success")
    return redirect(url_for("review.scorecard", assignment_id=card.assignment_id))


# --- secretary: campaigns, committee, conflicts, assignment ---------------------------------


@bp.route("/campaigns")
@login_required
def campaigns():
    if not can(current_user, "campaign.create"):
        abort(403)  # secretaries (and admins) only
    items = queries.organised_campaigns(current_user)
    counts = inbox.secretary_campaign_counts([c.id for c in items])
    return render_template("review/campaigns.html", campaigns=items, counts=counts)


@bp.route("/campaigns/<int:campaign_id>/committee")
@login_required
def committee(campaign_id: int):
    campaign = _campaign_or_404(campaign_id, "committee.manage")
    committee = queries.committee_of(campaign)
    reviewers = queries.active_reviewers(committee) if committee else []
    add_form = AddReviewerForm()
    assign_form = ManualAssignForm()
    if committee:
        add_form.user_id.choices = _choices(
            [(u.id, u.full_name) for u in queries.reviewer_candidates(committee)]
        )
        assign_form.reviewer_id.choices = _choices([(r.id, r.user.full_name) for r in reviewers])
    pagination, by_nomination = queries.committee_nominations(campaign, _page())
    return render_template(
        "review/committee.html",
        campaign=campaign,
        committee=committee,
        reviewers=reviewers,
        loads=queries.reviewer_loads(committee) if committee else {},
        conflicts=queries.pending_conflicts(campaign),
        pagination=pagination,
        by_nomination=by_nomination,
        add_form=add_form,
        assign_form=assign_form,
        empty_form=EmptyForm(),
    )


@bp.route("/campaigns/<int:campaign_id>/committee/create", methods=["POST"])
@login_required
def create_committee(campaign_id: int):
    campaign = _campaign_or_404(campaign_id, "committee.manage")
    if EmptyForm().validate_on_submit():
        services.ensure_committee(current_user, campaign)
        db.session.commit()
        flash("Đã lập hội đồng xét chọn.", "success")
    return redirect(url_for("review.committee", campaign_id=campaign.id))


@bp.route("/campaigns/<int:campaign_id>/committee/members", methods=["POST"])
@login_required
def add_member(campaign_id: int):
    campaign = _campaign_or_404(campaign_id, "committee.manage")
    committee = queries.committee_of(campaign)
    if committee is None:
        abort(404)
    form = AddReviewerForm()
    form.user_id.choices = _choices(
        [(u.id, u.full_name) for u in queries.reviewer_candidates(committee)]
    )
    if not form.validate_on_submit():
        flash("Vui lòng chọn một thành viên hợp lệ.", "danger")
        return redirect(url_for("review.committee", campaign_id=campaign.id))
    user = db.get_or_404(User, form.user_id.data)
    try:
        services.add_reviewer(current_user, committee, user, form.title.data)
    except DomainError as err:
        _flash_error(err)
    else:
        db.session.commit()
        flash(f"Đã thêm {user.full_name} vào hội đồng.", "success")
    return redirect(url_for("review.committee", campaign_id=campaign.id))


@bp.route("/reviewers/<int:reviewer_id>/remove", methods=["POST"])
@login_required
def remove_member(reviewer_id: int):
    reviewer = db.get_or_404(Reviewer, reviewer_id)
    campaign = reviewer.committee.campaign
    if not can(current_user, "committee.manage", campaign):
        abort(403)
    if EmptyForm().validate_on_submit():
        dropped = services.remove_reviewer(current_user, reviewer)
        db.session.commit()
        flash(
            f"Đã cho {reviewer.user.full_name} thôi tham gia hội đồng; "
            f"bỏ {dropped} phân công chưa nộp phiếu.",
            "success",
        )
    return redirect(url_for("review.committee", campaign_id=campaign.id))


@bp.route("/conflicts/<int:conflict_id>/<any(confirm, clear):decision>", methods=["POST"])
@login_required
def decide_conflict(conflict_id: int, decision: str):
    conflict = db.get_or_404(ConflictOfInterest, conflict_id)
    campaign = conflict.reviewer.committee.campaign
    if not can(current_user, "conflict.decide", campaign):
        abort(403)
    if EmptyForm().validate_on_submit():
        try:
            services.decide_conflict(current_user, conflict, confirm=decision == "confirm")
        except DomainError as err:
            _flash_error(err)
        else:
            db.session.commit()
            flash(
                "Đã xác nhận xung đột lợi ích."
                if decision == "confirm"
                else "Đã bác bỏ khai báo xung đột lợi ích.",
                "success",
            )
    return redirect(url_for("review.committee", campaign_id=campaign.id))


@bp.route("/campaigns/<int:campaign_id>/assign", methods=["POST"])
@login_required
def auto_assign(campaign_id: int):
    campaign = _campaign_or_404(campaign_id, "assignment.manage")
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        result = services.auto_assign(current_user, campaign)
    except DomainError as err:
        _flash_error(err)
        return redirect(url_for("review.committee", campaign_id=campaign.id))
    db.session.commit()
    flash(f"Đã phân công tự động {len(result.pairs)} lượt chấm.", "success")
    if result.shortfalls:
        names = dict(
            db.session.execute(
                db.select(Nomination.id, Nomination.recipient_name).where(
                    Nomination.id.in_(result.shortfalls)
                )
            ).all()
        )
        lines = "; ".join(
            f"«{names.get(n, n)}» (mã {n}): chỉ có {c} thành viên"
            for n, c in sorted(result.shortfalls.items())
        )
        flash(
            f"{len(result.shortfalls)} hồ sơ không đủ {campaign.reviewers_per_nomination} "
            f"thành viên chấm không có xung đột lợi ích: {lines}. "
            "Vui lòng bổ sung thành viên hội đồng hoặc phân công thủ công.",
            "warning",
        )
    return redirect(url_for("review.committee", campaign_id=campaign.id))


@bp.route("/campaigns/<int:campaign_id>/assignments", methods=["POST"])
@login_required
def add_assignment(campaign_id: int):
    campaign = _campaign_or_404(campaign_id, "assignment.manage")
    committee = queries.committee_of(campaign)
    if committee is None:
        abort(404)
    form = ManualAssignForm()
    form.reviewer_id.choices = _choices(
        [(r.id, r.user.full_name) for r in queries.active_reviewers(committee)]
    )
    nomination = db.session.get(Nomination, request.form.get("nomination_id", type=int) or 0)
    if nomination is None or nomination.campaign_id != campaign.id:
        abort(404)
    if not form.validate_on_submit():
        flash("Vui lòng chọn thành viên chấm.", "danger")
    else:
        reviewer = db.get_or_404(Reviewer, form.reviewer_id.data)
        try:
            services.assign(current_user, nomination, reviewer)
        except DomainError as err:
            _flash_error(err)
        else:
            db.session.commit()
            flash(f"Đã phân công {reviewer.user.full_name} chấm hồ sơ.", "success")
    return redirect(url_for("review.committee", campaign_id=campaign.id, page=_page()))


@bp.route("/assignments/<int:assignment_id>/remove", methods=["POST"])
@login_required
def remove_assignment(assignment_id: int):
    assignment = db.get_or_404(Assignment, assignment_id)
    campaign = assignment.nomination.campaign
    if not can(current_user, "assignment.manage", campaign):
        abort(403)
    if EmptyForm().validate_on_submit():
        try:
            services.unassign(current_user, assignment)
        except DomainError as err:
            _flash_error(err)
        else:
            db.session.commit()
            flash("Đã bỏ phân công.", "success")
    return redirect(url_for("review.committee", campaign_id=campaign.id, page=_page()))


# --- ranking and decisions -------------------------------------------------------------------


def _award_type(campaign: Campaign) -> AwardType:
    award_types = list(campaign.award_types)
    if not award_types:
        abort(404)
    wanted = request.values.get("award_type", type=int)
    for award_type in award_types:
        if award_type.id == wanted:
            return award_type
    if wanted is not None:
        abort(404)
    return award_types[0]


def _ranking_sort() -> tuple[str, str]:
    sort = request.args.get("sort", "mean")
    direction = request.args.get("dir", "desc" if sort == "mean" else "asc")
    if sort not in rankings.SORTS:
        sort = "mean"
    if direction not in ("asc", "desc"):
        direction = "desc"
    return sort, direction


RANKING_EXPORT_HEADERS = (
    "Hạng",
    "Mã hồ sơ",
    "Hồ sơ",
    "Đơn vị",
    "Đã chấm",
    "Được phân công",
    "Điểm trung bình",
    "Trung vị",
    "Chuẩn hóa (z)",
    "Độ lệch",
    "Lệch lớn",
    "Trong chỉ tiêu",
    "Vạch chỉ tiêu",
    "Trạng thái",
)


def _rounded(value):
    return round(value, 2) if value is not None else None


@bp.route("/campaigns/<int:campaign_id>/ranking/export.<any(xlsx, csv):fmt>")
@login_required
def ranking_export(campaign_id: int, fmt: str):
    """The ranking as shown: its rows (in the page's order) with their aggregates; the
    quota's cut line is marked on the last row within it when the page draws it (by
    mean, highest first)."""
    campaign = _campaign_or_404(campaign_id, "ranking.view")
    award_type = _award_type(campaign)
    sort, direction = _ranking_sort()
    ranked = rankings.sort_rows(rankings.ranking(campaign, award_type), sort, direction)
    cut_drawn = sort == "mean" and direction == "desc"
    items, truncated = exports.capped(ranked)
    cut_text = f"Vạch chỉ tiêu ({award_type.quota} hồ sơ) ở dưới dòng này"
    rows = [
        [
            r.rank,
            r.nomination.id,
            r.nomination.recipient_name,
            r.nomination.unit.name,
            r.done,
            r.assigned,
            _rounded(r.mean),
            _rounded(r.median),
            _rounded(r.normalised),
            _rounded(r.spread),
            "Có" if r.flagged else "",
            "Có" if r.within_quota else "",
            cut_text if cut_drawn and r.rank == award_type.quota else "",
            r.nomination.state_label,
        ]
        for r in items
    ]
    return exports.list_export(
        fmt,
        title="Xếp hạng",
        filename=f"xep-hang-{campaign.id}-{award_type.id}",
        headers=RANKING_EXPORT_HEADERS,
        rows=rows,
        truncated=truncated,
    )


@bp.route("/campaigns/<int:campaign_id>/ranking")
@login_required
def ranking(campaign_id: int):
    campaign = _campaign_or_404(campaign_id, "ranking.view")
    award_type = _award_type(campaign)
    sort, direction = _ranking_sort()
    rows = rankings.ranking(campaign, award_type)
    return render_template(
        "review/ranking.html",
        campaign=campaign,
        award_type=award_type,
        rows=rankings.sort_rows(rows, sort, direction),
        cut_drawn=sort == "mean" and direction == "desc",
        sort=sort,
        direction=direction,
        approved=rankings.approved_count(award_type),
        min_cards=rankings.MIN_CARDS_FOR_Z,
        form=DecisionForm(),
    )


@bp.route("/campaigns/<int:campaign_id>/ranking/decide", methods=["POST"])
@login_required
def decide(campaign_id: int):
    campaign = _campaign_or_404(campaign_id, "ranking.decide")
    award_type = _award_type(campaign)
    form = DecisionForm()
    back = url_for("review.ranking", campaign_id=campaign.id, award_type=award_type.id)
    if not form.validate_on_submit():
        flash("Lý do vượt chỉ tiêu quá dài.", "danger")
        return redirect(back)
    ids = [int(v) for v in request.form.getlist("ids") if v.isdigit()]
    approve = request.form.get("decision") == "approve"
    try:
        taken = services.decide(
            current_user,
            award_type,
            ids,
            approve=approve,
            override_note=form.override_note.data,
        )
    except DomainError as err:
        _flash_error(err)
        return redirect(back)
    db.session.commit()
    flash(
        f"Đã đề xuất khen thưởng {taken} hồ sơ."
        if approve
        else f"Đã ghi nhận không đề xuất {taken} hồ sơ.",
        "success",
    )
    return redirect(back)
