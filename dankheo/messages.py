"""The Vietnamese text of every message a service can raise, in one catalogue.

Templates and forms hold their own strings; this is only for domain errors and the
flash messages that report them. Keys are stable codes used in tests."""

MESSAGES: dict[str, str] = {
    # generic
    "permission_denied": "Bạn không có quyền thực hiện thao tác này.",
    "stale_version": (
        "Hồ sơ đã được người khác cập nhật trong lúc bạn đang sửa. "
        "Vui lòng tải lại trang, xem thay đổi mới nhất rồi thực hiện lại."
    ),
    # accounts
    "login.invalid": "Tên đăng nhập hoặc mật khẩu không đúng.",
    "login.throttled": (
        "Tài khoản này đã đăng nhập sai quá {limit} lần trong {window} phút. "
        "Vui lòng thử lại sau {minutes} phút."
    ),
    "login.disabled": "Tài khoản đã bị khóa. Vui lòng liên hệ quản trị hệ thống.",
    "password.wrong_current": "Mật khẩu hiện tại không đúng.",
    "user.username_taken": "Tên đăng nhập «{username}» đã có người dùng.",
    "membership.duplicate": "Người dùng đã có vai trò này tại đơn vị này.",
    # units
    "unit.code_taken": "Mã đơn vị «{code}» đã tồn tại.",
    "unit.parent_cycle": "Không thể chọn đơn vị cấp trên là chính nó hoặc đơn vị cấp dưới của nó.",
    "unit.already_closed": "Đơn vị «{name}» đã ngừng hoạt động từ {day}.",
    "unit.succession_self": "Đơn vị tiền thân và đơn vị kế thừa phải khác nhau.",
    "unit.succession_exists": "Quan hệ kế thừa này đã được ghi nhận.",
    # workflow
    "workflow.no_such_arrow": "Không thể «{action}» hồ sơ đang ở trạng thái «{state}».",
    "workflow.window_closed": "Thời hạn «{window}» của đợt thi đua chưa mở hoặc đã kết thúc.",
    "workflow.note_required": "Vui lòng ghi rõ lý do.",
    "workflow.not_allowed": "Bạn không có quyền «{action}» hồ sơ này.",
}
