"""Demo users for every role (password: dankheo-demo), at units of the real province:
officers of an old commune and of the commune that succeeded it, of a commune formed
from communes of old Long An, of a closed district-level town and of a mass organisation;
reviewers from agencies and from communes of today (whose predecessors' dossiers they
may not score)."""

import sqlalchemy as sa

from dankheo.auth.services import add_membership, create_user
from dankheo.demo.units import units_by_key
from dankheo.extensions import db
from dankheo.models.accounts import Role, User

DEMO_PASSWORD = "dankheo-demo"  # noqa: S105 (the published demo password)

# (username, full name, [(role, key of dankheo.demo.units.CODES)])
DEMO_USERS = [
    ("admin", "Quản trị hệ thống", [(Role.ADMIN, "province")]),
    ("thuky", "Nguyễn Thị Thu Hà", [(Role.SECRETARY, "board")]),
    ("lanhdao", "Trần Văn Bình", [(Role.LEADER, "province")]),
    ("canbo.longhoa", "Võ Văn Đức", [(Role.OFFICER, "long_hoa")]),
    ("canbo.longhoa.cu", "Đặng Thị Mỹ Duyên", [(Role.OFFICER, "long_hoa_old")]),
    ("canbo.tanan", "Lê Minh Tâm", [(Role.OFFICER, "tan_an")]),
    ("canbo.hoathanh", "Phạm Thị Ngọc Ánh", [(Role.OFFICER, "hoa_thanh_old")]),
    ("canbo.hnd", "Ngô Văn Lực", [(Role.OFFICER, "farmers")]),
    ("hoidong1", "Trương Thị Kim Oanh", [(Role.REVIEWER, "front")]),
    ("hoidong2", "Lý Văn Hùng", [(Role.REVIEWER, "women")]),
    ("hoidong3", "Bùi Thanh Sơn", [(Role.REVIEWER, "trang_bang")]),
    ("hoidong4", "Đỗ Thị Hồng Nhung", [(Role.REVIEWER, "tan_ninh")]),
    ("hoidong5", "Phan Văn Khải", [(Role.REVIEWER, "veterans")]),
]


def seed() -> str:
    if db.session.scalar(sa.select(User.id).where(User.username == "admin")):
        return "accounts: already loaded"
    units = units_by_key()
    for username, full_name, roles in DEMO_USERS:
        user = create_user(username, full_name, DEMO_PASSWORD)
        for role, key in roles:
            add_membership(user, units[key], role)
    return f"accounts: {len(DEMO_USERS)} demo users (password {DEMO_PASSWORD})"
