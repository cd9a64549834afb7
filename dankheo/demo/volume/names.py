"""Invented names of the volume province: place-name syllables, districts, agencies and
organisations, initiative themes, people, positions and texts. Every name is built
from common Vietnamese name syllables; none is a real place or person."""

from dankheo.demo.volume.core import OLD_END
from dankheo.models import UnitKind


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST = _words(
    "Bình Tân Phước Long An Hòa Thạnh Thanh Trường Hiệp Thuận Lộc Phú Mỹ Vĩnh Hưng "
    "Đông Tây Ninh Khánh Lợi Gia Cẩm Suối Bàu Trà Hảo Đồng Tiên Phong Xuân Hiếu Quang"
)
SECOND = _words(
    "Hòa Lợi Thạnh Hưng Phú Đông Tây Trung Thành An Lộc Điền Khánh Mỹ Hiệp Thuận Đức "
    "Nghĩa Tiến Phát Bình Minh Ninh Giang Sơn Hội Tân Hải Quý Thới Hậu"
)
DISTRICTS = (
    ("Thành phố Bình An", UnitKind.DISTRICT),
    ("Thị xã An Hòa", UnitKind.DISTRICT),
    ("Thị xã Long Thạnh", UnitKind.DISTRICT),
    ("Huyện Tân Phước", UnitKind.DISTRICT),
    ("Huyện Phú Lộc", UnitKind.DISTRICT),
    ("Huyện Mỹ Thuận", UnitKind.DISTRICT),
    ("Huyện Vĩnh Hưng", UnitKind.DISTRICT),
    ("Huyện Hiệp Điền", UnitKind.DISTRICT),
    ("Huyện Trà Giang", UnitKind.DISTRICT),
)
# (code suffix, name, kind, valid_to) of the provincial agencies and organisations.
AGENCIES = (
    ("BDVTU", "Ban Dân vận Tỉnh ủy", UnitKind.AGENCY, OLD_END),
    ("BTGDVTU", "Ban Tuyên giáo và Dân vận Tỉnh ủy", UnitKind.AGENCY, None),
    ("UBND", "Ủy ban nhân dân tỉnh", UnitKind.AGENCY, None),
    ("MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", UnitKind.FRONT, None),
    ("HND", "Hội Nông dân tỉnh", UnitKind.MASS_ORGANISATION, None),
    ("HLHPN", "Hội Liên hiệp Phụ nữ tỉnh", UnitKind.MASS_ORGANISATION, None),
    ("DTN", "Tỉnh đoàn", UnitKind.MASS_ORGANISATION, None),
    ("HCCB", "Hội Cựu chiến binh tỉnh", UnitKind.MASS_ORGANISATION, None),
    ("LDLD", "Liên đoàn Lao động tỉnh", UnitKind.MASS_ORGANISATION, None),
    ("BCHQS", "Bộ Chỉ huy Quân sự tỉnh", UnitKind.ARMED_FORCES, None),
    ("CA", "Công an tỉnh", UnitKind.ARMED_FORCES, None),
    ("SGDDT", "Sở Giáo dục và Đào tạo", UnitKind.DEPARTMENT, None),
    ("SYT", "Sở Y tế", UnitKind.DEPARTMENT, None),
    ("SNNMT", "Sở Nông nghiệp và Môi trường", UnitKind.DEPARTMENT, None),
)
# Organisations of a commune or a district: (code suffix, name prefix, kind).
LOCAL_ORGS = (
    ("MTTQ", "Ủy ban MTTQ Việt Nam", UnitKind.FRONT),
    ("HND", "Hội Nông dân", UnitKind.MASS_ORGANISATION),
    ("HPN", "Hội Liên hiệp Phụ nữ", UnitKind.MASS_ORGANISATION),
    ("DTN", "Đoàn Thanh niên", UnitKind.MASS_ORGANISATION),
    ("CCB", "Hội Cựu chiến binh", UnitKind.MASS_ORGANISATION),
)
THEMES = (
    "Tuyến đường hoa nông thôn mới",
    "Tuyến đường tự quản an ninh trật tự",
    "Dân vận khéo trong vận động hiến đất làm đường",
    "Thắp sáng đường quê",
    "Nhà tình nghĩa, nhà đại đoàn kết",
    "Tổ tự quản bảo vệ môi trường",
    "Phân loại rác thải tại nguồn",
    "Chi hội phụ nữ không sinh con thứ ba",
    "Ngôi nhà bình yên",
    "Tổ hợp tác trồng rau an toàn",
    "Nuôi heo đất giúp hội viên nghèo",
    "Bữa cơm nghĩa tình",
    "Cựu chiến binh giúp nhau làm kinh tế",
    "Thanh niên tình nguyện tham gia giữ gìn trật tự",
    "Camera an ninh vì cộng đồng",
    "Khu dân cư không có tội phạm và tệ nạn xã hội",
    "Dân vận khéo trong giải phóng mặt bằng",
    "Vận động nhân dân chuyển đổi cây trồng",
    "Sân chơi cho thiếu nhi",
    "Tủ sách cộng đồng",
    "Góp vốn xoay vòng giúp nhau thoát nghèo",
    "Hũ gạo tình thương",
    "Cổng trường an toàn giao thông",
    "Ấp văn hóa kiểu mẫu",
    "Cán bộ bám địa bàn, gần dân, sát dân",
    "Hòa giải viên giỏi ở cơ sở",
    "Vận động đồng bào có đạo tham gia xây dựng nông thôn mới",
    "Chuyển đổi số, thanh toán không dùng tiền mặt",
    "Lớp học tình thương",
    "Nước sạch cho hộ nghèo",
)
SURNAMES = _words(
    "Nguyễn Trần Lê Phạm Huỳnh Hoàng Võ Phan Trương Bùi Đặng Đỗ Ngô Hồ Dương Lý Châu Tô"
)
MIDDLE = ("Văn", "Thị", "Minh", "Thanh", "Ngọc", "Quốc", "Hữu", "Thị Kim", "Thị Mỹ", "Đức")
GIVEN = _words(
    "An Bình Cường Dũng Hà Hạnh Hùng Lan Mai Nam Phúc Quang Sơn Tâm Thảo Trang Tuấn "
    "Vy Yến Ánh Đạt Hiếu Khoa Linh Nhung Oanh Lực Duyên Việt Khải Hồng Thu Tài Nghĩa"
)
POSITIONS = (
    "Bí thư Chi bộ",
    "Trưởng ấp",
    "Trưởng ban Công tác Mặt trận",
    "Chi hội trưởng Phụ nữ",
    "Chi hội trưởng Nông dân",
    "Bí thư Chi đoàn",
    "Hội viên Hội Cựu chiến binh",
    "Tổ trưởng tổ tự quản",
    "Nông dân sản xuất, kinh doanh giỏi",
    "Công an viên",
)
COLLECTIVES = (
    "Ban Công tác Mặt trận",
    "Chi hội Nông dân",
    "Chi hội Phụ nữ",
    "Chi đoàn",
    "Chi hội Cựu chiến binh",
    "Tổ tự quản",
)
PROBLEMS = (
    "Đường giao thông nội ấp xuống cấp, nhiều hộ dân chưa đồng thuận hiến đất.",
    "Tình trạng rác thải sinh hoạt vứt bừa bãi, ảnh hưởng môi trường khu dân cư.",
    "Một số hộ nghèo thiếu vốn sản xuất, chưa có việc làm ổn định.",
    "An ninh trật tự ở khu vực giáp ranh còn diễn biến phức tạp.",
    "Nhiều tuyến đường chưa có đèn chiếu sáng, người dân đi lại khó khăn ban đêm.",
)
METHODS = (
    "Cấp ủy lãnh đạo, chính quyền phối hợp, Mặt trận và các đoàn thể vận động từng hộ; "
    "công khai, dân chủ, người dân bàn và quyết định.",
    "Tổ chức họp dân, phân công đảng viên phụ trách hộ, nêu gương người đứng đầu.",
    "Vận động xã hội hóa, huy động ngày công lao động và đóng góp hiện vật của nhân dân.",
)
CRITERIA = (
    "Có tên gọi, địa bàn cụ thể; do cấp ủy lãnh đạo",
    "Huy động được nhiều lực lượng tham gia",
    "Sáng tạo, tiết kiệm thời gian và chi phí",
    "Nhân dân đồng tình, tự nguyện tham gia",
    "Có khả năng duy trì, nhân rộng",
)
