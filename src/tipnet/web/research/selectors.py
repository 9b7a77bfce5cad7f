"""Reads for research pages."""

from __future__ import annotations

from django.db.models import QuerySet

from tipnet.web.accounts.access import organisations_where, user_has_role
from tipnet.web.accounts.models import User
from tipnet.web.accounts.roles import Role
from tipnet.web.research.models import EstimateRun

RESEARCH_ROLES = (Role.RESEARCHER, Role.COORDINATOR, Role.NETWORK_ADMIN)


def estimate_runs_visible(*, user: User) -> QuerySet[EstimateRun]:
    """Network admins see every run; others the runs of their own organisations."""
    if user_has_role(user, Role.NETWORK_ADMIN):
        return EstimateRun.objects.all()
    return EstimateRun.objects.filter(organisation__in=organisations_where(user, *RESEARCH_ROLES))
