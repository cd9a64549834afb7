"""The audit page's vocabulary (Vietnamese labels of actions and record kinds) and the
rows of its CSV / XLSX exports (files written by dankheo/exports.py). Read-only: the
application never edits or deletes audit rows."""

from dankheo.models.audit import AuditEvent
from dankheo.vietnamese import format_datetime

ACTION_LABELS = {
    "unit.create": "Tạo đơn vị",
    "unit.update": "Sửa đơn vị",
    "unit.close": "Ngừng hoạt động đơn vị",
    "unit.merge": "Ghi nhận sáp nhập",
    "unit.split": "Ghi nhận chia tách",
    "unit.rename": "Ghi nhận đổi tên",
    "user.create": "Tạo tài khoản",
    "user.update": "Sửa tài khoản",
    "user.enable": "Mở khóa tài khoản",
    "user.disable": "Khóa tài khoản",
    "user.reset_password": "Đặt lại mật khẩu",
    "user.change_password": "Đổi mật khẩu",
    "user.revoke_sessions": "Đăng xuất mọi phiên của tài khoản",
    "membership.add": "Gán vai trò",
    "membership.remove": "Bỏ vai trò",
    "nomination.create": "Tạo hồ sơ đề nghị",
    "nomination.update": "Sửa hồ sơ đề nghị",
    "nomination.submit": "Gửi hồ sơ",
    "nomination.resubmit": "Gửi lại hồ sơ",
    "nomination.return": "Trả lại hồ sơ",
    "nomination.withdraw": "Rút hồ sơ",
    "nomination.accept": "Tiếp nhận hồ sơ",
    "nomination.reject": "Không tiếp nhận hồ sơ",
    "nomination.approve": "Đề xuất khen thưởng",
    "nomination.decline": "Không đề xuất khen thưởng",
    "nomination.award": "Khen thưởng",
    "initiative.create": "Đăng ký mô hình",
    "initiative.report": "Báo cáo kết quả năm của mô hình",
    "initiative.update": "Sửa mô hình",
    "initiative.evaluate": "Đánh giá mô hình",
    "exemplar.create": "Đăng ký điển hình",
    "exemplar.update": "Sửa điển hình",
    "evidence.upload": "Tải lên minh chứng",
    "evidence.delete": "Xóa minh chứng",
    "scorecard.submit": "Nộp phiếu chấm",
    "scorecard.reopen": "Mở lại phiếu chấm",
    "assignment.add": "Phân công chấm",
    "assignment.auto": "Phân công chấm tự động",
    "assignment.remove": "Bỏ phân công chấm",
    "scorecard.save": "Lưu phiếu chấm",
    "committee.create": "Lập hội đồng",
    "committee.add_reviewer": "Thêm thành viên hội đồng",
    "committee.remove_reviewer": "Bỏ thành viên hội đồng",
    "criterion.create": "Thêm tiêu chí",
    "criterion.update": "Sửa tiêu chí",
    "criterion.delete": "Xóa tiêu chí",
    "award_type.create": "Thêm hình thức khen thưởng",
    "award_type.update": "Sửa hình thức khen thưởng",
    "field.create": "Thêm lĩnh vực",
    "field.update": "Sửa lĩnh vực",
    "priority_area.create": "Thêm lĩnh vực trọng tâm",
    "priority_area.update": "Sửa lĩnh vực trọng tâm",
    "indicator.create": "Thêm chỉ tiêu của đợt thi đua",
    "indicator.delete": "Xóa chỉ tiêu của đợt thi đua",
    "initiative.import": "Nhập mô hình từ tệp",
    "initiative.carry_over": "Chuyển mô hình sang năm mới",
    "evidence.publish": "Công khai minh chứng",
    "evidence.unpublish": "Thôi công khai minh chứng",
    "conflict.declare": "Khai báo xung đột lợi ích",
    "conflict.confirm": "Xác nhận xung đột lợi ích",
    "conflict.clear": "Bỏ xung đột lợi ích",
    "decision.create": "Tạo quyết định",
    "decision.sign": "Ký quyết định",
    "certificate.issue": "Cấp giấy khen, bằng khen",
    "certificate.revoke": "Thu hồi",
    "campaign.create": "Tạo đợt thi đua",
    "campaign.update": "Sửa đợt thi đua",
    "campaign.extend_review": "Gia hạn thời gian chấm điểm",
    "batch.create": "Lập tờ trình",
    "nomination.edit": "Sửa hồ sơ đề nghị",
    "award_type.design": "Sửa mẫu in",
    "award_type.overlay": "Căn chỉnh vị trí in trên phôi",
    "award_type.emblem": "Tải lên biểu tượng",
    "award_type.blank": "Tải lên ảnh phôi",
    "award_type.issuer": "Chọn cơ quan ban hành",
    "decision.update": "Sửa dự thảo quyết định",
    "decision.reorder": "Sắp xếp danh sách khen thưởng",
    "certificate.correct": "Cấp lại do đính chính",
    "issuer.create": "Thêm cơ quan ban hành",
    "issuer.update": "Sửa thiết lập cơ quan ban hành",
    "issuer.rename": "Ghi nhận tên cơ quan ban hành",
    "report.narrative": "Soạn nội dung báo cáo",
    "decision.submit": "Trình ký quyết định",
    "decision.return": "Trả lại dự thảo quyết định",
    "signer.create": "Thêm người ký",
    "signer.update": "Sửa người ký",
    "signer.delegate": "Ủy quyền xác nhận ký",
    "signer.delegation_revoke": "Thu hồi ủy quyền xác nhận ký",
    "unit.keep": "Ghi nhận chuyển đơn vị giữ nguyên tên",
    "units.load_official": "Nạp danh mục đơn vị hành chính chính thức",
    "notification.preferences": "Đổi cách nhận thông báo",
    "mail.retry": "Gửi lại thư",
}

OBJECT_LABELS = {
    "unit": "Đơn vị",
    "unit_succession": "Sáp nhập, chia tách",
    "user": "Tài khoản",
    "membership": "Vai trò",
    "nomination": "Hồ sơ đề nghị",
    "initiative": "Mô hình",
    "initiative_year": "Đánh giá năm",
    "exemplar": "Điển hình",
    "evidence": "Minh chứng",
    "campaign": "Đợt thi đua",
    "committee": "Hội đồng",
    "reviewer": "Thành viên hội đồng",
    "assignment": "Phân công chấm",
    "scorecard": "Phiếu chấm",
    "conflict_of_interest": "Xung đột lợi ích",
    "decision": "Quyết định",
    "certificate": "Giấy khen, bằng khen",
    "award_type": "Hình thức khen thưởng",
    "field": "Lĩnh vực",
    "issuer": "Cơ quan ban hành",
    "report_narrative": "Nội dung báo cáo",
    "signer": "Người ký",
    "signer_delegation": "Ủy quyền xác nhận ký",
    "print_job": "Lượt in",
    "mail_outbox": "Thư gửi đi",
    "notification_preference": "Cách nhận thông báo",
    "nomination_batch": "Tờ trình",
    "criterion": "Tiêu chí",
}

STATE_LABELS = {
    "draft": "Nháp",
    "submitted": "Đã gửi",
    "returned": "Trả lại",
    "withdrawn": "Đã rút",
    "rejected": "Không tiếp nhận",
    "in_review": "Đang xét",
    "approved": "Đề xuất khen",
    "not_approved": "Không đề xuất",
    "awarded": "Đã khen thưởng",
    "active": "Hoạt động",
    "disabled": "Bị khóa",
    "valid": "Còn hiệu lực",
    "revoked": "Đã thu hồi",
    "registered": "Đăng ký",
    "recognised": "Công nhận",
    "outstanding": "Tiêu biểu",
    "dropped": "Không duy trì",
    "signed": "Đã ký",
    "confirmed": "Đã xác nhận",
    "cleared": "Đã bỏ",
    "pending": "Đang chờ",
}

# The same code means different things on different records.
STATE_LABELS_BY_OBJECT = {
    "certificate": {"pending": "Đang phát hành", "valid": "Có hiệu lực"},
    "conflict_of_interest": {"pending": "Chờ xác nhận"},
    "decision": {"draft": "Dự thảo"},
    "evidence": {"true": "Công khai", "false": "Không công khai"},
    "scorecard": {"draft": "Đang chấm", "submitted": "Đã nộp"},
}


def action_label(code: str) -> str:
    """An action in words; an unknown code (none is known to exist: the admin tests
    list every code the services record) reads "Thao tác khác"."""
    return ACTION_LABELS.get(code, "Thao tác khác")


def object_label(code: str) -> str:
    return OBJECT_LABELS.get(code, "Hồ sơ khác")


def state_label(code: str, object_type: str = "") -> str:
    """A state in words, never the internal code (an unknown code reads "Khác")."""
    if not code:
        return ""
    by_object = STATE_LABELS_BY_OBJECT.get(object_type, {})
    return by_object.get(code) or STATE_LABELS.get(code) or "Khác"


HEADERS = (
    "Thời điểm",
    "Người thực hiện",
    "Tên đăng nhập",
    "Thao tác",
    "Mã thao tác",
    "Loại hồ sơ",
    "Mã số hồ sơ",
    "Đơn vị",
    "Từ trạng thái",
    "Đến trạng thái",
    "Ghi chú",
)


def export_row(event: AuditEvent, unit_names: dict[int, str]) -> list:
    actor = event.actor
    return [
        format_datetime(event.at),
        actor.full_name if actor else "Hệ thống",
        actor.username if actor else "",
        action_label(event.action),
        event.action,
        object_label(event.object_type),
        event.object_id if event.object_id is not None else "",
        unit_names.get(event.unit_id, "") if event.unit_id else "",
        state_label(event.from_state, event.object_type),
        state_label(event.to_state, event.object_type),
        event.note,
    ]
