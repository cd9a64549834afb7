"""Small builders for test data, going through the services so invariants hold."""

from itertools import count

from dankheo.admin.units import create_unit
from dankheo.auth.services import add_membership, create_user
from dankheo.extensions import db
from dankheo.models import Role, Unit, UnitKind, User

DEFAULT_PASSWORD = "mat-khau-thu-nghiem"
_seq = count(1)


def make_unit(
    name: str | None = None,
    parent: Unit | None = None,
    kind: UnitKind = UnitKind.COMMUNE,
    code: str | None = None,
    **kw,
) -> Unit:
    n = next(_seq)
    return create_unit(
        code=code or f"U{n}", name=name or f"Đơn vị {n}", kind=kind, parent=parent, **kw
    )


def make_user(
    username: str | None = None,
    *roles: tuple[Role, Unit],
    password: str = DEFAULT_PASSWORD,
    active: bool = True,
    full_name: str | None = None,
) -> User:
    username = username or f"user{next(_seq)}"
    user = create_user(username, full_name or f"Người dùng {username}", password, active=active)
    for role, unit in roles:
        add_membership(user, unit, role)
    db.session.commit()
    return user


def make_province() -> dict[str, Unit]:
    """A small tree: province → two districts → two communes each, and an agency."""
    province = make_unit("Tỉnh Thử Nghiệm", kind=UnitKind.PROVINCE, code="P")
    d1 = make_unit("Huyện Một", province, UnitKind.DISTRICT, code="D1")
    d2 = make_unit("Huyện Hai", province, UnitKind.DISTRICT, code="D2")
    units = {
        "province": province,
        "d1": d1,
        "d2": d2,
        "c11": make_unit("Xã Một Một", d1, code="C11"),
        "c12": make_unit("Xã Một Hai", d1, code="C12"),
        "c21": make_unit("Xã Hai Một", d2, code="C21"),
        "c22": make_unit("Xã Hai Hai", d2, code="C22"),
        "agency": make_unit("Ban Dân vận Tỉnh ủy", province, UnitKind.AGENCY, code="BDV"),
    }
    db.session.commit()
    return units
