"""Routes of notifications: the person's notifications (open one, mark read), the
preferences page, and the outbox for the admin (failures, send again)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from dankheo.extensions import db
from dankheo.forms import EmptyForm
from dankheo.models.notifications import (
    KIND_LABELS,
    OUTBOX_STATUS_LABELS,
    MailOutbox,
    NotificationKind,
    OutboxStatus,
)
from dankheo.notifications import mail, queries, services
from dankheo.notifications.forms import PreferencesForm, field_name
from dankheo.web.access import found, require
from dankheo.web.params import page_arg
from dankheo.web.transaction import FLASH, transaction

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def _page() -> int:
    return page_arg()


def _local(link: str) -> str:
    """Only a local path is followed (a stored link is ours, but never an open redirect)."""
    if link.startswith("/") and not link.startswith("//") and "\\" not in link:
        return link
    return url_for(".index")


@bp.route("/")
@login_required
def index():
    unread_only = request.args.get("chua-doc") == "1"
    return render_template(
        "notifications/index.html",
        pagination=queries.notifications_page(current_user, unread_only=unread_only, page=_page()),
        unread_only=unread_only,
        unread=queries.unread_count(current_user),
        form=EmptyForm(),
    )


@bp.route("/<int:notification_id>")
@login_required
def open_notification(notification_id: int):
    """Open what the notification is about, marking it read."""
    note = found(queries.notification_of(current_user, notification_id))
    with transaction():
        services.mark_read(current_user, note)
    return redirect(_local(note.link))


@bp.route("/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_read(notification_id: int):
    note = found(queries.notification_of(current_user, notification_id))
    if EmptyForm().validate_on_submit():
        with transaction():
            services.mark_read(current_user, note)
    return redirect(url_for(".index"))


@bp.route("/read-all", methods=["POST"])
@login_required
def mark_all_read():
    if EmptyForm().validate_on_submit():
        with transaction():
            count = services.mark_all_read(current_user)
        flash(f"Đã đánh dấu {count} thông báo là đã đọc.", "success")
    return redirect(url_for(".index"))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    form = PreferencesForm()
    if request.method == "GET":
        form.email.data = current_user.email
        for kind, mode in queries.preferences(current_user).items():
            getattr(form, field_name(kind)).data = mode
    if form.validate_on_submit():
        with transaction(form) as done:
            services.save_preferences(current_user, email=form.email.data, modes=form.modes())
        if done.ok:
            flash("Đã lưu cài đặt thông báo.", "success")
            return redirect(url_for(".settings"))
    return render_template(
        "notifications/settings.html",
        form=form,
        kinds=[(field_name(k), KIND_LABELS[k]) for k in NotificationKind],
        mail_enabled=mail.mail_enabled(),
    )


# --- the outbox (admin) -----------------------------------------------------------------


@bp.route("/outbox")
@login_required
def outbox():
    require("admin.mail")
    status = request.args.get("status", "")
    if status not in OUTBOX_STATUS_LABELS:
        status = ""
    return render_template(
        "notifications/outbox.html",
        pagination=queries.outbox_page(status or None, _page()),
        status=status,
        statuses=OUTBOX_STATUS_LABELS,
        counts=queries.outbox_counts(),
        mail_enabled=mail.mail_enabled(),
        form=EmptyForm(),
        failed=OutboxStatus.FAILED,
    )


@bp.route("/outbox/<int:outbox_id>/retry", methods=["POST"])
@login_required
def outbox_retry(outbox_id: int):
    require("admin.mail")
    row = found(db.session.get(MailOutbox, outbox_id))
    if EmptyForm().validate_on_submit():
        with transaction(FLASH) as done:
            services.retry(current_user, row)
        if done.ok:
            flash(f"Thư gửi {row.to_address} sẽ được gửi lại trong ít phút.", "success")
    return redirect(url_for(".outbox"))
