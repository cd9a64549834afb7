"""Volume stage: accounts (password ``dankheo-demo``): ``vol.admin``, ``vol.thuky``
(secretary), ``vol.lanhdao`` (leader), ``vol.canbo1``… (district officers),
``vol.hoidong01``… (reviewers in provincial bodies)."""

from dankheo.auth.services import hash_password, user_search_text, user_sort_key
from dankheo.demo.accounts import DEMO_PASSWORD
from dankheo.demo.volume.core import insert
from dankheo.demo.volume.state import Volume
from dankheo.models import Membership, Role, User


def build_accounts(vol: Volume) -> str:
    password_hash = hash_password(DEMO_PASSWORD)  # one hash for every volume account
    users: list[dict] = []
    memberships: list[dict] = []

    def user(username: str, full_name: str, roles: list[tuple[Role, int]]) -> int:
        uid = vol.ids.take(User)
        users.append(
            {
                "id": uid,
                "username": username,
                "full_name": full_name,
                "email": "",
                "search_text": user_search_text(username, full_name, ""),
                "sort_key": user_sort_key(full_name),
                "password_hash": password_hash,
                "active": True,
                "created_at": vol.now,
            }
        )
        for role, unit_id in roles:
            memberships.append(
                {
                    "id": vol.ids.take(Membership),
                    "user_id": uid,
                    "unit_id": unit_id,
                    "role": role,
                }
            )
        return uid

    user("vol.admin", "Quản trị dữ liệu khối lượng", [(Role.ADMIN, vol.province)])
    vol.secretary_id = user(
        "vol.thuky",
        vol.person_name(),
        [
            (Role.SECRETARY, vol.agency_ids["BDVTU"]),
            (Role.SECRETARY, vol.agency_ids["BTGDVTU"]),
        ],
    )
    user("vol.lanhdao", vol.person_name(), [(Role.LEADER, vol.province)])
    for i, district in enumerate(vol.district_ids, start=1):
        user(f"vol.canbo{i}", vol.person_name(), [(Role.OFFICER, district)])
    # Reviewers sit in provincial bodies: never above or below a nominating commune.
    bodies = [vol.agency_ids[s] for s in ("MTTQ", "HND", "HLHPN", "DTN", "HCCB", "LDLD")]
    vol.reviewer_users = []
    for i in range(1, vol.counts.reviewers + 1):
        body = bodies[(i - 1) % len(bodies)]
        uid = user(f"vol.hoidong{i:02d}", vol.person_name(), [(Role.REVIEWER, body)])
        vol.reviewer_users.append((uid, body))
    insert(User, users)
    insert(Membership, memberships)
    return f"{len(users)} accounts (password {DEMO_PASSWORD})"
