"""E-mail of notifications: composing the Vietnamese text and HTML bodies from the
templates, the SMTP conversation (DANKHEO_MAIL_* settings), and the retry schedule.
Nothing here commits: the outbox rows are written by events (in the event's own
transaction) and sent by the jobs (which own their transactions)."""

import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from flask import current_app, render_template

from dankheo.models.notifications import MailOutbox, Notification


def mail_enabled() -> bool:
    """A mail server is configured: without one, notifications stay in the app."""
    return bool(current_app.config.get("MAIL_SERVER"))


def absolute(link: str) -> str:
    """The address of a local page for an e-mail, from PUBLIC_BASE_URL (never a Host
    header: the worker has no request anyway)."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + (link or "/")


@dataclass(frozen=True)
class Composed:
    subject: str
    text: str
    html: str


def compose(user, notifications: list[Notification], *, digest: bool) -> Composed:
    """The e-mail telling ``user`` of ``notifications`` (one, or a day's for a digest)."""
    context = {
        "user": user,
        "notifications": notifications,
        "digest": digest,
        "absolute": absolute,
        "settings_url": absolute("/notifications/settings"),
    }
    subject = render_template("notifications/mail_subject.txt", **context)
    return Composed(
        subject=" ".join(subject.split())[:300],
        text=render_template("notifications/mail.txt", **context),
        html=render_template("notifications/mail.html", **context),
    )


def outbox_row(user, notifications: list[Notification], *, digest: bool) -> MailOutbox:
    composed = compose(user, notifications, digest=digest)
    return MailOutbox(
        user_id=user.id,
        to_address=user.email,
        subject=composed.subject,
        body_text=composed.text,
        body_html=composed.html,
        is_digest=digest,
    )


def retry_delay(attempts: int) -> timedelta:
    """Back-off after the ``attempts``-th failure: doubled each time, capped."""
    config = current_app.config
    base = int(config["MAIL_RETRY_SECONDS"])
    cap = int(config["MAIL_RETRY_MAX_SECONDS"])
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def message(row: MailOutbox, now: datetime) -> EmailMessage:
    config = current_app.config
    sender = config["MAIL_SENDER"]
    domain = parseaddr(sender)[1].partition("@")[2] or "localhost"
    msg = EmailMessage()
    msg["Subject"] = row.subject
    msg["From"] = sender
    msg["To"] = row.to_address
    msg["Date"] = format_datetime(now.replace(tzinfo=UTC), usegmt=True)
    # One Message-ID per outbox row: a copy resent after a crash is recognisably the same.
    msg["Message-ID"] = f"<dankheo-outbox-{row.id}@{domain}>"
    msg.set_content(row.body_text)
    msg.add_alternative(row.body_html, subtype="html")
    return msg


def connect() -> smtplib.SMTP:
    """An SMTP connection as configured (TLS from the start on port 465, STARTTLS with
    MAIL_USE_TLS, login when a username is set)."""
    config = current_app.config
    host, port = config["MAIL_SERVER"], int(config["MAIL_PORT"])
    timeout = float(config["MAIL_TIMEOUT"])
    if port == 465:
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
    if config.get("MAIL_USERNAME"):
        smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
    return smtp
