"""The public verification blueprint: /verify/<serial> (printed in every QR code), the
look-up form, and the "check a file" upload that compares SHA-256 hashes."""

from flask import Blueprint, redirect, render_template, request, url_for

from dankheo.certificates import queries
from dankheo.certificates.forms import CheckFileForm, LookupForm
from dankheo.certificates.storage import sha256
from dankheo.ratelimits import limiter, verify_limit
from dankheo.web.access import found

bp = Blueprint("verify", __name__)
# Anyone may verify without signing in: per-address limits (dankheo.ratelimits) keep a
# scraper from walking every serial.
limiter.shared_limit(verify_limit, scope="verify")(bp)

# Largest file read for a hash comparison (the stored copies are far smaller).
MAX_CHECK_BYTES = 5 * 1024 * 1024


@bp.route("/verify", methods=["GET"])
def lookup():
    form = LookupForm(request.args, meta={"csrf": False})
    if request.args and form.validate():
        return redirect(url_for(".show", serial=form.serial.data.strip().upper()))
    return render_template("verify/lookup.html", form=form)


@bp.route("/verify/<serial>", methods=["GET", "POST"])
def show(serial: str):
    cert = found(queries.certificate_by_serial(serial))
    form = CheckFileForm()
    match = None
    if form.validate_on_submit():
        data = form.pdf.data.read(MAX_CHECK_BYTES + 1)
        digest = sha256(data)
        match = {"sha256": digest, "same": bool(cert.sha256) and digest == cert.sha256}
    return render_template(
        "verify/show.html",
        cert=cert,
        decision=cert.decision,
        award_type=cert.decision.award_type,
        replacement=queries.replacement_of(cert),
        form=form,
        match=match,
    )
