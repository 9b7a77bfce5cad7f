"""Reads for accounts pages."""

from __future__ import annotations

from django.db.models import QuerySet

from tipnet.web.accounts.models import AuditEvent, Membership, Organisation, User
from tipnet.web.accounts.roles import Role


def organisation_members(*, organisation: Organisation) -> QuerySet[Membership]:
    return Membership.objects.filter(organisation=organisation).select_related("user").order_by("user__username", "role")


def organisations_for(*, user: User, network_admin: bool) -> QuerySet[Organisation]:
    if network_admin:
        return Organisation.objects.all()
    return Organisation.objects.filter(
        memberships__user=user, memberships__role=Role.ORG_ADMIN, memberships__pending=False
    ).distinct()


def audit_recent(*, limit: int = 200) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.order_by("-sequence")[:limit]
