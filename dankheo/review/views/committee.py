"""Review routes of the campaign's secretary: the campaigns they run, the committee
(members, declared conflicts of interest) and the assignment of reviewers."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from dankheo import vietnamese
from dankheo.extensions import db
from dankheo.forms import EmptyForm
from dankheo.models.accounts import User
from dankheo.models.nominations import Nomination
from dankheo.models.review import Assignment, ConflictOfInterest, Reviewer
from dankheo.review import cached, inbox, queries, services, window
from dankheo.review.forms import AddReviewerForm, ManualAssignForm, ReviewWindowForm
from dankheo.review.views.blueprint import PageNumbers, bp, choices, load_campaign, page
from dankheo.web.access import found, require
from dankheo.web.params import id_list
from dankheo.web.transaction import FLASH, transaction

# At most one page of the committee's list is chosen at once.
MAX_ASSIGNED_AT_ONCE = 50


@bp.route("/campaigns")
@login_required
def campaigns():
    require("campaign.create")  # secretaries (and admins) only
    items = queries.organised_campaigns(current_user)
    counts = inbox.secretary_campaign_counts([c.id for c in items])
    return render_template("review/campaigns.html", campaigns=items, counts=counts)


@bp.route("/campaigns/<int:campaign_id>/committee")
@login_required
def committee(campaign_id: int):
    campaign = load_campaign(campaign_id, "committee.manage")
    committee = queries.committee_of(campaign)
    body = pages = None
    if committee:
        # Everything below the review window is rendered once and kept in the shared
        # cache until the review, nominations, campaigns or units move on. The members
        # (names, titles, units) and the candidates are read on every request and are
        # part of the key: names live in the users table, which has no data version.
        # The body holds no token and nothing of the request: its forms are sent with
        # the page's own CSRF token (committee.html), its pagination drawn outside.
        members = queries.committee_members(committee)
        candidates = queries.reviewer_candidates(committee)
        number = page()
        key = (BODY, cached.template_digest(BODY), campaign.id, committee.id, number)
        body, pages = cached.cached(
            (*key, members, candidates),
            lambda: _body(campaign, committee, members, candidates, number),
        )
        # our own template's autoescaped output, with the request's token
        body = Markup(body.replace(TOKEN_MARK, _token_input()))  # noqa: S704
    return render_template(
        "review/committee.html",
        campaign=campaign,
        committee=committee,
        body=body,
        pagination=pages,
        empty_form=EmptyForm(),
        window_form=ReviewWindowForm(formdata=None),
    )


BODY = "review/_committee_body.html"
# Where the cached body's forms take the request's CSRF token (user text is escaped, so
# it can never spell this comment).
TOKEN_MARK = "<!--csrf-token-->"  # noqa: S105 (a place holder, not a secret)


def _token_input() -> str:
    return f'<input type="hidden" name="csrf_token" value="{escape(generate_csrf())}">'


def _body(campaign, committee, members, candidates, number) -> tuple[str, PageNumbers]:
    """The committee page's body (members, conflicts, nominations and their assignments)
    and its page numbers."""
    active = [m for m in members if m.active]
    add_form = AddReviewerForm(formdata=None, meta={"csrf": False})
    add_form.user_id.choices = choices(candidates)
    assign_form = ManualAssignForm(formdata=None, meta={"csrf": False})
    assign_form.reviewer_id.choices = choices(
        [(0, "— Chọn thành viên —"), *((m.id, m.name) for m in active)]
    )
    pagination, by_nomination = queries.committee_nominations(campaign, number)
    html = render_template(
        BODY,
        campaign=campaign,
        committee=committee,
        reviewers=active,
        names={m.id: m.name for m in members},
        # One GROUP BY over every assignment of the campaign.
        loads=queries.reviewer_loads(committee),
        conflicts=queries.pending_conflicts(campaign),
        pagination=pagination,
        by_nomination=by_nomination,
        add_form=add_form,
        assign_form=assign_form,
        token_mark=Markup(TOKEN_MARK),  # noqa: S704 (a constant)
    )
    return html, PageNumbers(pagination.page, pagination.per_page, pagination.total)


@bp.route("/campaigns/<int:campaign_id>/committee/create", methods=["POST"])
@login_required
def create_committee(campaign_id: int):
    campaign = load_campaign(campaign_id, "committee.manage")
    if EmptyForm().validate_on_submit():
        with transaction():
            services.ensure_committee(current_user, campaign)
        flash("Đã lập hội đồng xét chọn.", "success")
    return redirect(url_for("review.committee", campaign_id=campaign.id))


@bp.route("/campaigns/<int:campaign_id>/committee/members", methods=["POST"])
@login_required
def add_member(campaign_id: int):
    campaign = load_campaign(campaign_id, "committee.manage")
    committee = found(queries.committee_of(campaign))
    form = AddReviewerForm()
    form.user_id.choices = choices(queries.reviewer_candidates(committee))
    if not form.validate_on_submit():
        flash("Vui lòng chọn một thành viên hợp lệ.", "danger")
        return redirect(url_for("review.committee", campaign_id=campaign.id))
    user = found(db.session.get(User, form.user_id.data))
    with transaction(FLASH) as done:
        services.add_reviewer(current_user, committee, user, form.title.data)
    if done.ok:
        flash(f"Đã thêm {user.full_name} vào hội đồng.", "success")
    return redirect(url_for("review.committee", campaign_id=campaign.id))


@bp.route("/reviewers/<int:reviewer_id>/remove", methods=["POST"])
@login_required
def remove_member(reviewer_id: int):
    reviewer = found(db.session.get(Reviewer, reviewer_id))
    campaign = reviewer.committee.campaign
    require("committee.manage", campaign)
    if EmptyForm().validate_on_submit():
        with transaction():
            dropped = services.remove_reviewer(current_user, reviewer)
        flash(
            f"Đã cho {reviewer.user.full_name} thôi tham gia hội đồng; "
            f"bỏ {dropped} phân công chưa nộp phiếu.",
            "success",
        )
    return redirect(url_for("review.committee", campaign_id=campaign.id))


@bp.route("/conflicts/<int:conflict_id>/<any(confirm, clear):decision>", methods=["POST"])
@login_required
def decide_conflict(conflict_id: int, decision: str):
    conflict = found(db.session.get(ConflictOfInterest, conflict_id))
    campaign = conflict.reviewer.committee.campaign
    require("conflict.decide", campaign)
    if EmptyForm().validate_on_submit():
        with transaction(FLASH) as done:
            services.decide_conflict(current_user, conflict, confirm=decision == "confirm")
        if done.ok:
            flash(
                "Đã xác nhận xung đột lợi ích."
                if decision == "confirm"
                else "Đã bác bỏ khai báo xung đột lợi ích.",
                "success",
            )
    return redirect(url_for("review.committee", campaign_id=campaign.id))


def _flash_shortfalls(campaign, shortfalls: dict[int, int]) -> None:
    """Name the nominations that could not get k reviewers without a conflict."""
    names = dict(
        db.session.execute(
            db.select(Nomination.id, Nomination.recipient_name).where(Nomination.id.in_(shortfalls))
        ).all()
    )
    lines = "; ".join(
        f"“{names.get(n, n)}” (mã {n}): chỉ có {c} thành viên"
        for n, c in sorted(shortfalls.items())
    )
    flash(
        f"{len(shortfalls)} hồ sơ không đủ {campaign.reviewers_per_nomination} "
        f"thành viên chấm không có xung đột lợi ích: {lines}. "
        "Vui lòng bổ sung thành viên hội đồng hoặc phân công thủ công.",
        "warning",
    )


@bp.route("/campaigns/<int:campaign_id>/assign", methods=["POST"])
@login_required
def auto_assign(campaign_id: int):
    campaign = load_campaign(campaign_id, "assignment.manage")
    if not EmptyForm().validate_on_submit():
        abort(400)
    with transaction(FLASH) as done:
        result = services.auto_assign(current_user, campaign)
    if done.ok:
        flash(f"Đã phân công tự động {len(result.pairs)} lượt chấm.", "success")
        if result.shortfalls:
            _flash_shortfalls(campaign, result.shortfalls)
    return redirect(url_for("review.committee", campaign_id=campaign.id))


@bp.route("/campaigns/<int:campaign_id>/assignments", methods=["POST"])
@login_required
def add_assignment(campaign_id: int):
    """The chosen member to each chosen nomination of the page, in one transaction: one
    refusal (conflict of interest, already assigned, not in review) assigns none."""
    campaign = load_campaign(campaign_id, "assignment.manage")
    committee = found(queries.committee_of(campaign))
    form = ManualAssignForm()
    # The active members, as the page offered them (one statement of plain rows).
    form.reviewer_id.choices = choices(
        [(m.id, m.name) for m in queries.committee_members(committee) if m.active]
    )
    back = redirect(url_for("review.committee", campaign_id=campaign.id, page=page()))
    ids = id_list("nomination_id", limit=MAX_ASSIGNED_AT_ONCE)
    nominations = list(
        db.session.scalars(
            sa.select(Nomination).where(Nomination.id.in_(ids)).order_by(Nomination.id)
        )
    )
    if len(nominations) != len(ids) or any(n.campaign_id != campaign.id for n in nominations):
        abort(404)
    if not form.validate_on_submit():
        flash("Vui lòng chọn thành viên chấm.", "danger")
        return back
    if not nominations:
        flash("Vui lòng chọn ít nhất một hồ sơ cần phân công.", "danger")
        return back
    reviewer = found(db.session.get(Reviewer, form.reviewer_id.data))
    with transaction(FLASH) as done:
        for nomination in nominations:
            services.assign(current_user, nomination, reviewer)
    if done.ok:
        if len(nominations) == 1:
            flash(f"Đã phân công {reviewer.user.full_name} chấm hồ sơ.", "success")
        else:
            flash(
                f"Đã phân công {reviewer.user.full_name} chấm {len(nominations)} hồ sơ.",
                "success",
            )
    return back


@bp.route("/assignments/<int:assignment_id>/remove", methods=["POST"])
@login_required
def remove_assignment(assignment_id: int):
    assignment = found(db.session.get(Assignment, assignment_id))
    campaign = assignment.nomination.campaign
    require("assignment.manage", campaign)
    if EmptyForm().validate_on_submit():
        with transaction(FLASH) as done:
            services.unassign(current_user, assignment)
        if done.ok:
            flash("Đã bỏ phân công.", "success")
    return redirect(url_for("review.committee", campaign_id=campaign.id, page=page()))


@bp.route("/campaigns/<int:campaign_id>/review-window", methods=["POST"])
@login_required
def extend_review_window(campaign_id: int):
    """The secretary moves the review window's closing day later, with a reason."""
    campaign = load_campaign(campaign_id, "committee.manage")
    form = ReviewWindowForm()
    back = url_for("review.committee", campaign_id=campaign.id)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(" ".join(errors), "danger")
        return redirect(back)
    with transaction(FLASH) as done:
        window.extend_review_window(
            current_user, campaign, form.closes.data, form.note.data, today=vietnamese.today()
        )
    if done.ok:
        flash(f"Đã gia hạn chấm điểm đến {form.closes.data:%d/%m/%Y}.", "success")
    return redirect(back)
