"""Demo users for every role (password: dankheo-demo)."""

import sqlalchemy as sa

from dankheo.auth.services import add_membership, create_user
from dankheo.extensions import db
from dankheo.models.accounts import Role, User
from dankheo.models.units import Unit

DEMO_PASSWORD = "dankheo-demo"  # noqa: S105 (the published demo password)

# (username, full name, [(role, unit code)])
DEMO_USERS = [
    ("admin", "Quản trị hệ thống", [(Role.ADMIN, "TN")]),
    ("thuky", "Nguyễn Thị Thu Hà", [(Role.SECRETARY, "BDVTU"), (Role.SECRETARY, "BTGDVTU")]),
    ("lanhdao", "Trần Văn Bình", [(Role.LEADER, "TN")]),
    ("lanhdao.tb", "Lê Minh Tâm", [(Role.LEADER, "TB")]),
    ("canbo.hoathanh", "Phạm Thị Ngọc Ánh", [(Role.OFFICER, "HT")]),
    ("canbo.longhoa", "Võ Văn Đức", [(Role.OFFICER, "HT-LH")]),
    ("canbo.truongdong", "Đặng Thị Mỹ Duyên", [(Role.OFFICER, "HT-TĐ")]),
    ("canbo.tanninh", "Huỳnh Quốc Việt", [(Role.OFFICER, "M-TANNINH")]),
    ("canbo.hnd", "Ngô Văn Lực", [(Role.OFFICER, "HND-TN")]),
    ("hoidong1", "Trương Thị Kim Oanh", [(Role.REVIEWER, "MTTQ-TN")]),
    ("hoidong2", "Lý Văn Hùng", [(Role.REVIEWER, "HLHPN-TN")]),
    ("hoidong3", "Bùi Thanh Sơn", [(Role.REVIEWER, "TB")]),
    ("hoidong4", "Đỗ Thị Hồng Nhung", [(Role.REVIEWER, "TC")]),
    ("hoidong5", "Phan Văn Khải", [(Role.REVIEWER, "HCCB-TN")]),
]


def seed() -> str:
    if db.session.scalar(sa.select(User.id).where(User.username == "admin")):
        return "accounts: already loaded"
    units = {u.code: u for u in db.session.scalars(sa.select(Unit))}
    for username, full_name, roles in DEMO_USERS:
        user = create_user(username, full_name, DEMO_PASSWORD)
        for role, code in roles:
            add_membership(user, units[code], role)
    return f"accounts: {len(DEMO_USERS)} demo users (password {DEMO_PASSWORD})"
