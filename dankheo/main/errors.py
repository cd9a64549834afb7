"""Vietnamese error pages, and JSON errors under /api/."""

from flask import jsonify, render_template, request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from dankheo.errors import DomainError
from dankheo.extensions import db

TITLES = {
    400: "Yêu cầu không hợp lệ",
    403: "Không có quyền truy cập",
    404: "Không tìm thấy trang",
    405: "Phương thức không được hỗ trợ",
    409: "Dữ liệu đã thay đổi",
    413: "Tệp tải lên quá lớn",
    429: "Quá nhiều yêu cầu",
    500: "Lỗi hệ thống",
}

MESSAGES = {
    400: "Yêu cầu gửi lên không hợp lệ. Vui lòng tải lại trang và thử lại.",
    403: "Bạn không có quyền xem trang hoặc thực hiện thao tác này.",
    404: "Trang hoặc hồ sơ bạn tìm không tồn tại hoặc đã được chuyển đi.",
    405: "Thao tác này không được hỗ trợ tại địa chỉ này.",
    409: "Dữ liệu đã được người khác cập nhật. Vui lòng tải lại trang.",
    413: "Tệp hoặc dữ liệu gửi lên vượt quá dung lượng cho phép ({limit}).",
    429: "Bạn đã gửi quá nhiều yêu cầu. Vui lòng thử lại sau ít phút.",
    500: "Đã xảy ra lỗi ngoài dự kiến. Lỗi đã được ghi lại; vui lòng thử lại sau.",
}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _limit_text() -> str:
    from flask import current_app

    size = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return f"{size / (1024 * 1024):.0f} MB" if size else "giới hạn"


def render_error(code: int, message: str | None = None):
    message = message or MESSAGES.get(code, MESSAGES[500]).format(limit=_limit_text())
    if _wants_json():
        return jsonify(error={"code": code, "message": message}), code
    return render_template(
        "errors/error.html", code=code, title=TITLES.get(code, TITLES[500]), message=message
    ), code


def _unique_violation(err: IntegrityError) -> bool:
    """A UNIQUE constraint refused the row (SQLite's message, PostgreSQL's SQLSTATE)."""
    orig = getattr(err, "orig", None)
    return getattr(orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(orig)


def register(app) -> None:
    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        code = err.code or 500
        # A CSRF failure or a bad form arrives as 400 with its own description.
        message = None
        if code == 400 and err.description and "CSRF" in str(err.description):
            message = (
                "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ (thiếu mã CSRF). "
                "Vui lòng tải lại trang và gửi lại."
            )
        return render_error(code, message)

    @app.errorhandler(DomainError)
    def domain_error(err: DomainError):
        db.session.rollback()
        return render_error(err.status_code, err.message)

    @app.errorhandler(StaleDataError)
    @app.errorhandler(IntegrityError)
    def concurrent_write(err: Exception):
        """Two requests wrote the same record at once (two tabs, two people): the loser
        gets "someone else updated this", not a server error. Only unique violations
        and version conflicts count as such; any other integrity error is a bug."""
        db.session.rollback()
        if isinstance(err, IntegrityError) and not _unique_violation(err):
            return unexpected(err)
        app.logger.warning("concurrent write refused: %s", type(err).__name__)
        return render_error(409)

    @app.errorhandler(Exception)
    def unexpected(err: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error", exc_info=err)
        if app.debug or (app.testing and app.config.get("PROPAGATE_EXCEPTIONS")):
            raise err
        return render_error(InternalServerError.code)
