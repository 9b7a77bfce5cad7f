"""Who may use the research pages: researchers, coordinators and network admins.

Researchers see only de-identified data (DESIGN.md); capture tables hold counts, never people.
A saved run is visible to its organisation's research staff and to network admins.
"""

from __future__ import annotations

from django.http import Http404

from tipnet.web.accounts.access import user_has_role
from tipnet.web.accounts.models import User
from tipnet.web.accounts.roles import Role
from tipnet.web.research.models import EstimateRun


def access_estimate(*, user: User) -> None:
    if not user_has_role(user, Role.RESEARCHER, Role.COORDINATOR, Role.NETWORK_ADMIN):
        raise Http404


def access_estimate_run(*, user: User, run_id: int) -> EstimateRun:
    from tipnet.web.research.selectors import estimate_runs_visible

    access_estimate(user=user)
    run = estimate_runs_visible(user=user).filter(pk=run_id).first()
    if run is None:
        raise Http404
    return run
