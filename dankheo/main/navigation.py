"""The navigation bar: one entry per area, shown when permissions.can() allows it."""

from dataclasses import dataclass

from flask import current_app, url_for
from flask_login import current_user

from dankheo.models.accounts import Role
from dankheo.permissions import can, is_admin, units_with_role
from dankheo.review.queries import organised_campaigns

# Campaigns the secretary's "Hồ sơ đề nghị" menu leads into directly (the newest).
SHORTCUT_CAMPAIGNS = 3


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    action: str | None  # None: shown to everyone
    # Administration links sit in the account menu, so the bar fits on one line.
    in_account_menu: bool = False
    # Endpoint prefixes that mark this item as the current page; by default its blueprint
    # (the registry blueprint serves two items, so those name their own).
    active_for: tuple[str, ...] = ()

    def is_active(self, endpoint: str | None) -> bool:
        prefixes = self.active_for or (self.endpoint.split(".")[0] + ".",)
        return bool(endpoint) and endpoint.startswith(prefixes)

    @property
    def url(self) -> str:
        return url_for(self.endpoint)


ITEMS = (
    NavItem("Việc cần làm", "main.inbox", "campaign.list", active_for=("main.inbox",)),
    NavItem(
        "Mô hình",
        "registry.initiatives",
        "registry.list",
        active_for=("registry.initiative", "registry.import", "registry.evidence"),
    ),
    NavItem("Điển hình", "registry.exemplars", "exemplar.list", active_for=("registry.exemplar",)),
    NavItem("Đợt thi đua", "campaigns.campaigns", "campaign.list"),
    NavItem("Hồ sơ đề nghị", "nominations.index", "campaign.list"),
    NavItem("Chấm điểm", "review.queue", "review.queue"),
    NavItem("Quyết định", "certificates.decisions", "campaign.list"),
    NavItem("Thống kê", "reports.dashboard", "reports.view"),
    NavItem("Nhật ký hoạt động", "admin.audit", "audit.view", in_account_menu=True),
    NavItem("Quản trị hệ thống", "admin.index", "admin.users", in_account_menu=True),
    NavItem("Mô hình tiêu biểu", "public.gallery", None),
)


def nav_items() -> list[NavItem]:
    """Items whose endpoint exists and which the current user may open."""
    out = []
    for item in ITEMS:
        if item.endpoint not in current_app.view_functions:
            continue
        if item.action is None:
            if current_user.is_authenticated:
                continue  # signed-in users reach the gallery from the home page
            out.append(item)
        elif can(current_user, item.action):
            out.append(item)
    return out


def review_shortcuts() -> list:
    """The newest campaigns the signed-in secretary runs: the navigation bar links each
    one's screening, committee and ranking directly (no detour through the lists)."""
    if not current_user.is_authenticated:
        return []
    if not (is_admin(current_user) or units_with_role(current_user, Role.SECRETARY)):
        return []
    return organised_campaigns(current_user, limit=SHORTCUT_CAMPAIGNS)
