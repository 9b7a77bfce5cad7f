"""The organisation's dashboard is in the staff menu for exactly those who may open it: caseworkers,
case supervisors and organisation admins, each through a confirmed membership of the organisation
whose figures it shows. Everybody else neither sees the entry nor opens the page."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import make_staff, signed_in_client, url
from tipnet.web.accounts.models import Membership
from tipnet.web.accounts.roles import Role

SEES_IT = {Role.CASEWORKER, Role.CASE_SUPERVISOR, Role.ORG_ADMIN}


def _menu_links(page: str) -> list[str]:
    menu = page.split('class="staff-menu"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'href="([^"]+)"', menu)


@pytest.mark.parametrize("role", sorted(Role.values))
def test_the_dashboard_is_in_the_menu_exactly_for_the_roles_that_open_it(role, staff) -> None:  # type: ignore[no-untyped-def]
    client = signed_in_client(staff[role])
    links = _menu_links(client.get(url("accounts:home")).content.decode())
    assert (url("cases:dashboard") in links) == (role in SEES_IT), links
    assert client.get(url("cases:dashboard")).status_code == (200 if role in SEES_IT else 404)


def test_the_dashboard_entry_follows_the_organisation_it_is_held_in(organisations) -> None:  # type: ignore[no-untyped-def]
    """A caseworker whose membership is not confirmed yet sees no dashboard; once confirmed, her
    organisation's, and a researcher role elsewhere adds nothing."""
    user = make_staff("waiting_caseworker", organisations["ngo"], Role.RESEARCHER)
    Membership.objects.create(user=user, organisation=organisations["other"], role=Role.CASEWORKER, pending=True)
    client = signed_in_client(user)
    assert url("cases:dashboard") not in _menu_links(client.get(url("accounts:home")).content.decode())
    assert client.get(url("cases:dashboard")).status_code == 404
    Membership.objects.filter(user=user, role=Role.CASEWORKER).update(pending=False)
    assert url("cases:dashboard") in _menu_links(client.get(url("accounts:home")).content.decode())
    page = client.get(url("cases:dashboard")).content.decode()
    assert f'id="dashboard-{organisations["other"].pk}"' in page
    assert f'id="dashboard-{organisations["ngo"].pk}"' not in page
