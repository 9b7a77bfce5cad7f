"""Reads for the operator's inbox (triage fields only: nothing is decrypted to list reports)."""

from __future__ import annotations

from django.db.models import QuerySet

from tipnet.web.accounts.access import organisations_where
from tipnet.web.accounts.models import User
from tipnet.web.accounts.roles import Role
from tipnet.web.report.models import Report


def inbox(*, user: User, status: str) -> QuerySet[Report]:
    return Report.objects.filter(trustee__in=organisations_where(user, Role.HOTLINE_OPERATOR), status=status).only(
        "pk", "status", "kind", "danger_now", "prefecture", "victims", "children", "created_hour", "updated_hour", "source"
    )
