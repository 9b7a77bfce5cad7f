"""The staff navigation: each capability adds its entry and the roles that see it.

The menu only hides links; each page still checks access in its app's access.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tipnet.web.accounts.access import user_roles
from tipnet.web.accounts.roles import Role
from tipnet.web.cases.dashboard import DASHBOARD_ROLES


@dataclass(frozen=True)
class MenuEntry:
    url_name: str
    label: str | Promise
    roles: frozenset[str]


ALL_ROLES = frozenset(Role.values)

MENU: list[MenuEntry] = [
    MenuEntry("accounts:home", _("Home"), ALL_ROLES),
    MenuEntry("report:inbox", _("Reports"), frozenset({Role.HOTLINE_OPERATOR})),
    MenuEntry("report:channels", _("Reporting-line questionnaires"), frozenset({Role.NETWORK_ADMIN})),
    MenuEntry("screening:start", _("Screening interview"), frozenset({Role.CASEWORKER})),
    MenuEntry("cases:list", _("Cases"), frozenset({Role.CASEWORKER, Role.CASE_SUPERVISOR})),
    MenuEntry("cases:referrals", _("Referrals"), frozenset({Role.CASEWORKER, Role.CASE_SUPERVISOR})),
    # The dashboard's own roles: user_roles counts a role held in a confirmed membership, the same
    # memberships cases.dashboard.dashboard_organisations reads to choose whose figures it shows,
    # so the entry shows exactly when the page opens (tests/web/test_cases_dashboard_menu.py).
    MenuEntry("cases:dashboard", _("Dashboard"), frozenset(DASHBOARD_ROLES)),
    MenuEntry("interchange:imports", _("Import and export"), frozenset({Role.CASEWORKER, Role.CASE_SUPERVISOR})),

    MenuEntry("cases:retention", _("Case retention"), frozenset({Role.CASE_SUPERVISOR, Role.ORG_ADMIN})),
    MenuEntry("training:home", _("Training"), frozenset({Role.TRAINEE, Role.CASEWORKER, Role.ORG_ADMIN})),
    MenuEntry("research:estimate", _("Hidden victims estimate"), frozenset({Role.RESEARCHER, Role.COORDINATOR, Role.NETWORK_ADMIN})),
    MenuEntry("directory:manage", _("Services directory"), frozenset({Role.ORG_ADMIN, Role.NETWORK_ADMIN})),
    MenuEntry("directory:gaps", _("Gaps in the directory"), frozenset({Role.COORDINATOR, Role.NETWORK_ADMIN})),
    MenuEntry("accounts:organisations", _("Organisations and staff"), frozenset({Role.ORG_ADMIN, Role.NETWORK_ADMIN})),
    MenuEntry("accounts:audit", _("Audit log"), frozenset({Role.NETWORK_ADMIN})),
    MenuEntry("apitokens:tokens", _("API tokens"), ALL_ROLES - {Role.TRAINEE}),
]


def staff_menu(user: object) -> list[dict[str, object]]:
    roles = user_roles(user)  # type: ignore[arg-type]
    return [{"url": reverse(e.url_name), "label": e.label} for e in MENU if e.roles & roles]


def menu_context(request: object) -> dict[str, object]:
    """Context processor: the menu for a fully signed-in staff session, nothing otherwise."""
    from tipnet.web.accounts.access import is_staff_session

    # An error page for a request refused before the authentication middleware ran (a bad Host
    # header) has no user: no menu, rather than a second error.
    if not hasattr(request, "user") or not is_staff_session(request):  # type: ignore[arg-type]
        return {}
    return {"menu": staff_menu(request.user)}  # type: ignore[attr-defined]
