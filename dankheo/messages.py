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
        "Đăng nhập sai nhiều lần liên tiếp. Vui lòng chờ {seconds} giây rồi thử lại."
    ),
    "login.throttled_minutes": (
        "Đăng nhập sai nhiều lần liên tiếp. Vui lòng chờ khoảng {minutes} phút rồi thử lại."
    ),
    "login.disabled": "Tài khoản đã bị khóa. Vui lòng liên hệ quản trị hệ thống.",
    "password.wrong_current": "Mật khẩu hiện tại không đúng.",
    "password.too_short": "Mật khẩu phải có ít nhất {length} ký tự.",
    "password.too_long": "Mật khẩu không được dài quá {length} ký tự.",
    "password.personal": (
        "Mật khẩu không được chứa tên đăng nhập, họ tên, tên phần mềm "
        "hay mật khẩu dùng thử của bản trình diễn."
    ),
    "password.guessable": (
        "Mật khẩu quá dễ đoán (mật khẩu phổ biến, ký tự lặp lại, dãy số hay dãy phím liền "
        "nhau…). Hãy dùng một cụm nhiều từ chỉ bạn biết, nối bằng dấu gạch ngang."
    ),
    "user.username_taken": "Tên đăng nhập “{username}” đã có người dùng.",
    "membership.duplicate": "Người dùng đã có vai trò này tại đơn vị này.",
    # issuers and official documents (issue 12)
    "issuer.no_name": "Cơ quan ban hành chưa có tên. Vui lòng khai báo tên và ngày bắt đầu dùng.",
    "issuer.name_incomplete": (
        "Vui lòng nhập đủ tên, dòng tiêu đề, ký hiệu, dòng trên giấy khen và dòng thẩm quyền."
    ),
    "certificate.text_does_not_fit": (
        "Không in được {part} của “{name}”: nội dung quá dài ngay cả ở cỡ chữ nhỏ nhất cho "
        "phép, sẽ bị chồng hoặc mất chữ. Vui lòng rút gọn trước khi ký."
    ),
    "report.period_invalid": "Kỳ báo cáo không hợp lệ: ngày bắt đầu phải trước ngày kết thúc.",
    # units
    "unit.code_taken": "Mã đơn vị “{unit_code}” đã tồn tại.",
    "unit.parent_cycle": "Không thể chọn đơn vị cấp trên là chính nó hoặc đơn vị cấp dưới của nó.",
    "unit.already_closed": "Đơn vị “{name}” đã ngừng hoạt động từ {day}.",
    "unit.close_before_start": "Ngày ngừng hoạt động phải sau ngày bắt đầu hiệu lực.",
    "unit.succession_self": "Đơn vị tiền thân và đơn vị kế thừa phải khác nhau.",
    "unit.succession_exists": "Quan hệ kế thừa này đã được ghi nhận.",
    # workflow
    "workflow.no_such_arrow": "Không thể “{action}” hồ sơ đang ở trạng thái “{state}”.",
    "workflow.window_closed": "Thời hạn “{window}” của đợt thi đua chưa mở hoặc đã kết thúc.",
    "workflow.note_required": "Vui lòng ghi rõ lý do.",
    "workflow.not_allowed": "Bạn không có quyền “{action}” hồ sơ này.",
    # --- registry: campaigns, fields, initiatives, exemplars, evidence, import ---------
    "field.name_taken": "Lĩnh vực “{name}” đã có.",
    "campaign.bad_window": "Ngày đóng của thời hạn “{window}” phải sau ngày mở.",
    "campaign.rubric_locked": (
        "Thời hạn chấm điểm đã mở ({day}): không thể sửa tiêu chí chấm điểm của đợt thi đua nữa."
    ),
    "initiative.year_exists": "Mô hình đã có đánh giá năm {year}.",
    "initiative.no_year": "Mô hình chưa có năm nào để chuyển tiếp.",
    "initiative.dropped": "Mô hình đã dừng thực hiện năm {year}, không thể chuyển sang năm sau.",
    "initiative.replicates_itself": "Mô hình không thể nhân rộng từ chính nó.",
    "initiative.unit_not_allowed": "Bạn không thể đăng ký mô hình cho đơn vị “{unit}”.",
    "initiative.dates_order": "Ngày đánh giá phải sau ngày bắt đầu.",
    "evidence.empty": "Tệp tải lên rỗng.",
    "evidence.bad_type": (
        "Tệp không đúng định dạng cho phép. Chỉ nhận ảnh (JPEG, PNG, WebP), PDF, "
        "Word (DOCX) và Excel (XLSX); loại tệp được kiểm tra theo nội dung, không theo tên."
    ),
    "evidence.bad_image": "Tệp ảnh bị hỏng hoặc không đọc được.",
    "evidence.image_too_large": (
        "Ảnh quá lớn (vượt {limit} điểm ảnh). Vui lòng thu nhỏ rồi tải lại."
    ),
    "evidence.zip_bomb": "Tệp nén bất thường (dung lượng giải nén quá lớn), không được chấp nhận.",
    "import.bad_file": "Không đọc được tệp Excel. Vui lòng dùng đúng mẫu nhập (.xlsx).",
    "import.bad_header": "Tệp không đúng mẫu: dòng tiêu đề phải là “{expected}”.",
    "import.empty": "Tệp không có dòng dữ liệu nào.",
    "import.row_errors": "Không nhập dòng nào vì có {count} dòng lỗi.",
    "workflow.already_done": (
        "Thao tác “{action}” đã được thực hiện trước đó; không có gì thay đổi."
    ),
    # nominations and review (issue 4)
    "nomination.subject_required": "Vui lòng chọn một mô hình hoặc một điển hình để đề nghị.",
    "nomination.duplicate": (
        "“{subject}” đã có hồ sơ đề nghị trong đợt thi đua này (hình thức “{award}”); "
        "mỗi mô hình, điển hình chỉ có một hồ sơ trong một đợt."
    ),
    "nomination.not_editable": "Chỉ sửa được hồ sơ ở trạng thái bản nháp hoặc bị trả lại.",
    "nomination.report_required": (
        "Vui lòng viết báo cáo thành tích hoặc tải lên tệp báo cáo (PDF)."
    ),
    "nomination.report_not_pdf": "Tệp báo cáo thành tích phải là tệp PDF.",
    "nomination.report_too_large": "Tệp báo cáo thành tích không được vượt quá {limit}.",
    "batch.empty": "Tờ trình chưa có hồ sơ nào ở trạng thái nháp hoặc bị trả lại để gửi.",
    "batch.wrong_campaign": "Hồ sơ phải thuộc cùng đợt thi đua và đơn vị với tờ trình.",
    "committee.not_reviewer": (
        "Người dùng “{name}” chưa có vai trò thành viên hội đồng; "
        "vui lòng nhờ quản trị hệ thống cấp vai trò trước."
    ),
    "committee.already_member": "“{name}” đã là thành viên hội đồng.",
    "committee.missing": "Đợt thi đua chưa có hội đồng. Vui lòng lập hội đồng trước.",
    "assignment.conflicted": "“{reviewer}” có xung đột lợi ích với hồ sơ “{nomination}”.",
    "assignment.duplicate": "“{reviewer}” đã được phân công chấm hồ sơ “{nomination}”.",
    "assignment.has_submitted_scorecard": (
        "Không thể bỏ phân công: “{reviewer}” đã nộp phiếu chấm hồ sơ này."
    ),
    "assignment.not_in_review": "Chỉ phân công chấm các hồ sơ đang ở trạng thái “Đang chấm”.",
    "evidence.is_a_report": (
        "Tệp này là báo cáo thành tích của một hồ sơ đề nghị: không xóa được khi hồ sơ còn dùng nó."
    ),
    "conflict.already_declared": (
        "Bạn đã khai báo xung đột lợi ích với hồ sơ này; thư ký hội đồng đang xem xét."
    ),
    "conflict.reason_required": "Vui lòng ghi rõ lý do xung đột lợi ích.",
    "conflict.already_decided": "Xung đột lợi ích này đã được xử lý.",
    "scorecard.locked": "Phiếu chấm đã nộp và bị khóa; chỉ thư ký hội đồng có thể mở lại.",
    "scorecard.incomplete": "Vui lòng chấm đủ điểm cho tất cả các tiêu chí trước khi nộp phiếu.",
    "scorecard.already_submitted": "Phiếu chấm đã được nộp trước đó; không có gì thay đổi.",
    "scorecard.not_submitted": "Phiếu chấm chưa nộp nên không cần mở lại.",
    "scorecard.not_in_review": "Hồ sơ không còn ở giai đoạn chấm điểm.",
    "scorecard.window_closed": (
        "Ngoài thời hạn chấm điểm của đợt thi đua (từ {opens} đến {closes}): không thể lưu "
        "hay nộp phiếu chấm. Thư ký hội đồng có thể gia hạn thời hạn chấm điểm."
    ),
    "review_window.note_required": "Vui lòng ghi rõ lý do gia hạn thời hạn chấm điểm.",
    "review_window.in_past": "Ngày kết thúc mới phải từ hôm nay trở đi.",
    "review_window.not_later": "Ngày kết thúc mới phải sau ngày kết thúc hiện tại ({closes}).",
    "ranking.scoring_incomplete": (
        "{count} hồ sơ chưa có đủ phiếu chấm đã nộp ({names}). Chỉ đề xuất khen khi mọi "
        "thành viên được phân công đã nộp phiếu, hoặc ghi rõ lý do vào ô lý do."
    ),
    "ranking.override_required": (
        "Số hồ sơ đề xuất khen ({total}) vượt chỉ tiêu ({quota}). "
        "Vui lòng ghi rõ lý do vượt chỉ tiêu."
    ),
    "ranking.nothing_selected": "Vui lòng chọn ít nhất một hồ sơ.",
    # --- records across the 2025 reorganisation, the officer's year (issue 13) ---------
    "registry.unit_closed": (
        "“{unit}” chỉ hoạt động đến ngày {day}, không thể ghi nhận năm {year} cho đơn vị "
        "này. Vui lòng chọn đơn vị kế thừa: {successors}."
    ),
    "registry.unit_closed_no_successor": (
        "“{unit}” chỉ hoạt động đến ngày {day} và không có đơn vị kế thừa riêng: không thể "
        "ghi nhận năm {year}. Vui lòng chọn đơn vị cấp xã hoặc cơ quan hiện nay."
    ),
    "registry.unit_not_yet": (
        "“{unit}” được thành lập từ ngày {day}, không thể ghi nhận năm {year} cho đơn vị "
        "này. Năm {year} thuộc đơn vị tiền thân: {predecessors}."
    ),
    "registry.unit_not_yet_alone": (
        "“{unit}” được thành lập từ ngày {day}, không thể ghi nhận năm {year} cho đơn vị này."
    ),
    "initiative.year_not_reported": (
        "Đơn vị chưa báo cáo kết quả năm {year} của mô hình: chỉ đánh giá sau khi có báo cáo."
    ),
    "initiative.year_evaluated": (
        "Năm {year} đã được đánh giá “{status}”: không thể sửa báo cáo của năm này."
    ),
    "initiative.bad_evaluation": (
        "Kết quả đánh giá phải là “Được công nhận”, “Tiêu biểu” hoặc “Dừng thực hiện”."
    ),
    "initiative.figure_negative": "Số liệu báo cáo không được âm.",
    "nomination.outside_phase": (
        "“{subject}” không có năm nào trong giai đoạn {phase} của đợt thi đua "
        "(các năm của hồ sơ: {years})."
    ),
    "nomination.year_missing": (
        "“{subject}” không có kết quả năm {year} (các năm của hồ sơ: {years}): chỉ đề nghị "
        "khen thưởng trong đợt thi đua năm {year} những mô hình, điển hình của năm đó."
    ),
    "campaign.year_outside_phase": ("Năm {year} nằm ngoài giai đoạn {phase} của đợt thi đua."),
    "priority_area.name_taken": "Lĩnh vực trọng tâm “{name}” đã có.",
    "indicator.name_taken": "Đợt thi đua đã có chỉ tiêu “{name}”.",
    "indicator.in_use": (
        "Chỉ tiêu “{name}” đã có số liệu trong {count} báo cáo năm: không thể xóa."
    ),
    # --- admin: units import, users, memberships, backups -----------------------------
    "unit_import.empty": "Tệp không có dòng dữ liệu nào.",
    "unit_import.bad_type": "Tệp không phải XLSX hoặc CSV (UTF-8). Vui lòng dùng tệp mẫu.",
    "unit_import.bad_encoding": "Tệp CSV phải mã hóa UTF-8 (có hoặc không có BOM).",
    "unit_import.unreadable": "Không đọc được tệp XLSX: tệp bị hỏng hoặc không đúng định dạng.",
    "unit_import.too_large": "Tệp giải nén quá lớn so với một danh sách đơn vị; tệp bị từ chối.",
    "unit_import.too_many_rows": "Tệp có quá {limit} dòng; vui lòng chia nhỏ.",
    "unit_import.missing_columns": "Tệp thiếu cột: {columns}. Vui lòng dùng tệp mẫu.",
    "user.self_disable": "Bạn không thể tự khóa tài khoản của chính mình.",
    "membership.last_admin": "Không thể bỏ vai trò quản trị cuối cùng của hệ thống.",
    "membership.not_found": "Không tìm thấy vai trò này của người dùng.",
    # --- notifications, bulk work and lookups (issue 17) -----------------------------
    "mail.already_sent": "Thư này đã được gửi.",
    "screening.nothing_selected": "Vui lòng chọn ít nhất một hồ sơ.",
    "decision.bad_order": (
        "Thứ tự gửi lên không khớp với danh sách kèm theo; vui lòng tải lại trang."
    ),
    "evidence.file_refused": "Tệp “{filename}”: {reason} Chưa tệp nào được lưu.",
    "lookup.not_found": "Không tìm thấy mục đã chọn hoặc bạn không có quyền chọn mục này.",
    # certificates and decisions (issue 5)
    "decision.no_nominations": "Quyết định phải có ít nhất một tập thể, cá nhân được khen.",
    "decision.nomination_not_eligible": (
        "Có hồ sơ không còn ở trạng thái “Được đề xuất khen” hoặc đã thuộc quyết định khác."
    ),
    "decision.number_taken": "Số quyết định {number} đã được dùng cho hình thức khen thưởng này.",
    "decision.already_signed": "Quyết định đã ký, không thể thay đổi.",
    "decision.no_such_item": "Không tìm thấy dòng này trong danh sách kèm theo.",
    # --- signers: personal signing keys, delegations, confirmation (issue 15) -----------
    "signer.not_found": "Không tìm thấy người ký này.",
    "signer.inactive": "Người ký “{name}” đã ngừng sử dụng, không thể ký.",
    "signer.not_yours": (
        "Chỉ người ký “{name}” hoặc văn phòng được người ký ủy quyền (còn hiệu lực) mới "
        "được xác nhận ký quyết định này."
    ),
    "signer.key_missing": (
        "Không tìm thấy khóa ký số của “{name}” (tệp khóa hoặc thiết bị ký số chưa được "
        "kết nối với máy chủ). Vui lòng liên hệ quản trị hệ thống."
    ),
    "signer.key_secret": "Mật khẩu hoặc mã PIN của khóa ký số không đúng.",
    "signer.key_invalid": "Tệp hoặc thiết bị không chứa khóa ký số và chứng thư số dùng được.",
    "signer.key_file_bad": "Tệp khóa ký số phải là tệp PKCS#12 (.p12, .pfx) hợp lệ.",
    "signer.module_unknown": "Thư viện PKCS#11 “{name}” chưa được khai báo trong cấu hình máy chủ.",
    "signer.secret_unknown": (
        "Cấu hình máy chủ chưa có mật khẩu/mã PIN mang tên “{name}” (SIGNING_SECRETS)."
    ),
    "signer.pin_required": "Vui lòng nhập mật khẩu hoặc mã PIN của khóa ký số.",
    "signer.unit_scope": "Người ký này không ký cho đơn vị tổ chức đợt thi đua.",
    "delegation.not_in_force": "Ủy quyền này đã hết hiệu lực hoặc đã bị thu hồi.",
    "delegation.self": "Không thể ủy quyền cho chính tài khoản của người ký.",
    "print.nothing": "Chưa có giấy khen nào đã phát hành để in.",
    "print.bad_mode": "Cách in không hợp lệ.",
    "decision.not_submitted": "Quyết định chưa được trình ký.",
    "decision.no_signer": "Quyết định chưa chọn người ký.",
    "decision.signer_required": (
        "Quyết định đã chọn người ký: người ký (hoặc người được ủy quyền) xác nhận ký trên "
        "trang “Quyết định chờ ký”."
    ),
    "certificate.serials_exhausted": "Đã hết số hiệu giấy khen của năm {year}.",
    "certificate.reason_required": "Vui lòng ghi rõ lý do.",
    "certificate.already_revoked": "Giấy khen {serial} đã bị thu hồi.",
    "award_type.overlay_out_of_page": (
        "Vị trí in phải nằm trong khổ giấy ({width} × {height} mm)."
    ),
    "upload.not_an_image": "Tệp không phải ảnh PNG hoặc JPEG hợp lệ.",
    "upload.image_too_large": "Ảnh quá lớn (quá nhiều điểm ảnh). Vui lòng thu nhỏ rồi tải lên lại.",
}

# --- hardening: WTForms' built-in messages in Vietnamese ---------------------------------
# Every form subclasses dankheo.forms.BaseForm, whose translations come from here, so a
# field error is never shown in English (tests/security/test_hostile_input.py checks it).
WTFORMS_MESSAGES = {
    "This field is required.": "Vui lòng nhập trường này.",
    "Not a valid choice.": "Giá trị đã chọn không hợp lệ.",
    "Invalid Choice: could not coerce.": "Giá trị đã chọn không hợp lệ.",
    "Choices cannot be None.": "Giá trị đã chọn không hợp lệ.",
    "'%(value)s' is not a valid choice for this field.": "Giá trị đã chọn không hợp lệ.",
    "'%(value)s' are not valid choices for this field.": "Giá trị đã chọn không hợp lệ.",
    "Invalid choice(s): one or more data inputs could not be coerced.": (
        "Giá trị đã chọn không hợp lệ."
    ),
    "Not a valid integer value.": "Vui lòng nhập một số nguyên.",
    "Not a valid decimal value.": "Vui lòng nhập một số (dùng dấu chấm hoặc phẩy thập phân).",
    "Not a valid float value.": "Vui lòng nhập một số.",
    "Not a valid date value.": "Ngày không hợp lệ.",
    "Not a valid datetime value.": "Ngày giờ không hợp lệ.",
    "Not a valid time value.": "Giờ không hợp lệ.",
    "Not a valid week value.": "Tuần không hợp lệ.",
    "Invalid input.": "Giá trị không hợp lệ.",
    "Invalid email address.": "Địa chỉ thư điện tử không hợp lệ.",
    "Invalid URL.": "Địa chỉ web không hợp lệ.",
    "Invalid UUID.": "Mã định danh không hợp lệ.",
    "Invalid IP address.": "Địa chỉ IP không hợp lệ.",
    "Invalid Mac address.": "Địa chỉ MAC không hợp lệ.",
    "Field must be equal to %(other_name)s.": "Giá trị phải trùng với trường “%(other_name)s”.",
    "Field must be at least %(min)d character long.": "Cần ít nhất %(min)d ký tự.",
    "Field must be at least %(min)d characters long.": "Cần ít nhất %(min)d ký tự.",
    "Field cannot be longer than %(max)d character.": "Không quá %(max)d ký tự.",
    "Field cannot be longer than %(max)d characters.": "Không quá %(max)d ký tự.",
    "Field must be exactly %(max)d character long.": "Phải đúng %(max)d ký tự.",
    "Field must be exactly %(max)d characters long.": "Phải đúng %(max)d ký tự.",
    "Field must be between %(min)d and %(max)d characters long.": (
        "Độ dài phải từ %(min)d đến %(max)d ký tự."
    ),
    "Number must be at least %(min)s.": "Giá trị không được nhỏ hơn %(min)s.",
    "Number must be at most %(max)s.": "Giá trị không được lớn hơn %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Giá trị phải từ %(min)s đến %(max)s.",
    "Date must be at least %(min)s.": "Ngày không được trước %(min)s.",
    "Date must be at most %(max)s.": "Ngày không được sau %(max)s.",
    "Date must be between %(min)s and %(max)s.": "Ngày phải từ %(min)s đến %(max)s.",
    "Invalid value, must be one of: %(values)s.": "Giá trị phải là một trong: %(values)s.",
    "Invalid value, can't be any of: %(values)s.": "Giá trị không được là: %(values)s.",
    "This field cannot be edited.": "Trường này không được sửa.",
    "This field is disabled and cannot have a value.": "Trường này bị khóa, không nhận giá trị.",
    "CSRF token missing.": "Thiếu mã bảo vệ biểu mẫu (CSRF). Vui lòng tải lại trang.",
    "CSRF token expired.": "Biểu mẫu đã hết hạn. Vui lòng tải lại trang và gửi lại.",
    "Invalid CSRF Token.": "Mã bảo vệ biểu mẫu không hợp lệ. Vui lòng tải lại trang.",
    "CSRF failed.": "Kiểm tra bảo vệ biểu mẫu thất bại. Vui lòng tải lại trang.",
    "The CSRF token is missing.": "Thiếu mã bảo vệ biểu mẫu (CSRF). Vui lòng tải lại trang.",
    "The CSRF token has expired.": "Biểu mẫu đã hết hạn. Vui lòng tải lại trang và gửi lại.",
    "The CSRF token is invalid.": "Mã bảo vệ biểu mẫu không hợp lệ. Vui lòng tải lại trang.",
    "The CSRF tokens do not match.": "Mã bảo vệ biểu mẫu không khớp. Vui lòng tải lại trang.",
}
