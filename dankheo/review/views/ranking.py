"""Review routes of the ranking: the page (and its export) with the quota's cut line,
and the bulk decisions taken on it."""

from types import SimpleNamespace

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from dankheo import exports
from dankheo.models.campaigns import AwardType, Campaign
from dankheo.models.nominations import NominationState
from dankheo.review import cached, services
from dankheo.review import ranking as rankings
from dankheo.review.forms import DecisionForm
from dankheo.review.views.blueprint import bp, load_campaign
from dankheo.web.params import arg_id, id_list, page_arg
from dankheo.web.transaction import FLASH, transaction


def _award_type(campaign: Campaign) -> AwardType:
    award_types = list(campaign.award_types)
    if not award_types:
        abort(404)
    wanted = arg_id("award_type", source=request.values)
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
    campaign = load_campaign(campaign_id, "ranking.view")
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


# Rows a ranking page shows (the ranks and the cut line are those of the whole list).
RANKING_PER_PAGE = 100
# Its rows, rendered once for everyone who may see the ranking and kept (review.cached).
RANKING_ROWS = "review/_ranking_rows.html"


@bp.route("/campaigns/<int:campaign_id>/ranking")
@login_required
def ranking(campaign_id: int):
    campaign = load_campaign(campaign_id, "ranking.view")
    award_type = _award_type(campaign)
    sort, direction = _ranking_sort()
    cut_drawn = sort == "mean" and direction == "desc"
    choice = request.args.get("chon", "")

    def compute() -> tuple[dict, str]:
        """The page's figures and its rows' HTML (the same for every user who may see
        the ranking; the ticked boxes of "chon" are rendered apart)."""
        page = rankings.ranking_page(
            campaign, award_type, sort, direction, page_arg(), RANKING_PER_PAGE
        )
        body = render_template(
            RANKING_ROWS,
            rows=page.rows,
            award_type=award_type,
            cut_drawn=cut_drawn,
            selected=_preselected(page.rows, choice),
        )
        figures = {
            "page": page.page,
            "pages": page.pages,
            "total": page.total,
            "per_page": page.per_page,
            "cut_page": page.cut_page,
            "to_cut": page.to_cut,
            "approved": rankings.approved_count(award_type),
        }
        return figures, body

    if choice in ("vach", "tat-ca"):
        figures, body = compute()
    else:
        # The rows' template in the key: a deployment that changes it never serves old rows.
        key = (
            "ranking",
            cached.template_digest(RANKING_ROWS),
            award_type.id,
            sort,
            direction,
            page_arg(),
            RANKING_PER_PAGE,
        )
        figures, body = cached.cached(key, compute)
    return render_template(
        "review/ranking.html",
        campaign=campaign,
        award_type=award_type,
        rows_html=Markup(body),  # noqa: S704 (our own template's autoescaped output)
        page=SimpleNamespace(**figures),
        cut_drawn=cut_drawn,
        sort=sort,
        direction=direction,
        approved=figures["approved"],
        min_cards=rankings.MIN_CARDS_FOR_Z,
        form=DecisionForm(),
    )


def _preselected(rows, choice: str) -> set[int]:
    """Rows ticked by "Chọn đến vạch chỉ tiêu" (those in review within the quota) or
    "Chọn tất cả" (every row in review), for pages used without JavaScript."""
    if choice not in ("vach", "tat-ca"):
        return set()
    return {
        r.nomination.id
        for r in rows
        if r.nomination.state == NominationState.IN_REVIEW
        and (choice == "tat-ca" or r.within_quota)
    }


@bp.route("/campaigns/<int:campaign_id>/ranking/decide", methods=["POST"])
@login_required
def decide(campaign_id: int):
    campaign = load_campaign(campaign_id, "ranking.decide")
    award_type = _award_type(campaign)
    form = DecisionForm()
    back = url_for("review.ranking", campaign_id=campaign.id, award_type=award_type.id)
    if not form.validate_on_submit():
        flash("Lý do vượt chỉ tiêu quá dài.", "danger")
        return redirect(back)
    to_cut = request.form.get("scope") == "to_cut"
    approve = to_cut or request.form.get("decision") == "approve"
    # "Select down to the cut line": every nomination in review ranked within the quota,
    # on every page, as the server ranks them now.
    ids = rankings.within_quota_ids(award_type) if to_cut else id_list("ids")
    with transaction(FLASH) as done:
        taken = services.decide(
            current_user,
            award_type,
            ids,
            approve=approve,
            override_note=form.override_note.data,
        )
    if done.ok:
        flash(
            f"Đã đề xuất khen thưởng {taken} hồ sơ."
            if approve
            else f"Đã ghi nhận không đề xuất {taken} hồ sơ.",
            "success",
        )
    return redirect(back)
