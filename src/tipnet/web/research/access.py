"""Who may use the research pages: researchers, coordinators and network admins.

Researchers see only de-identified data (DESIGN.md); capture tables hold counts, never people.
"""

from __future__ import annotations

from django.http import Http404

from tipnet.web.accounts.access import user_has_role
from tipnet.web.accounts.models import User
from tipnet.web.accounts.roles import Role


def access_estimate(*, user: User) -> None:
    if not user_has_role(user, Role.RESEARCHER, Role.COORDINATOR, Role.NETWORK_ADMIN):
        raise Http404
