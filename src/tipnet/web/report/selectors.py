"""Reads for the operator's inbox (triage fields only: nothing is decrypted to list reports)."""

from __future__ import annotations

from django.db.models import QuerySet

from tipnet.web.accounts.models import User
from tipnet.web.report.access import operator_trustees
from tipnet.web.report.models import Report


def inbox(*, user: User, status: str) -> QuerySet[Report]:
    return Report.objects.filter(trustee__in=operator_trustees(user), status=status).only(
        "pk", "status", "kind", "danger_now", "prefecture", "victims", "children", "created_hour", "updated_hour", "source"
    )


def digest_counts() -> list[str]:
    """One line per trustee: how many reports wait in each status, how many marked danger now.

    Counts only, never content, so the digest can travel by ordinary e-mail."""
    from django.db.models import Count, Q

    from tipnet.web.accounts.models import Organisation

    lines = []
    rows = (
        Organisation.objects.filter(reports__isnull=False)
        .annotate(
            new=Count("reports", filter=Q(reports__status=Report.Status.NEW)),
            triaged=Count("reports", filter=Q(reports__status=Report.Status.TRIAGED)),
            danger=Count("reports", filter=Q(reports__danger_now=True) & ~Q(reports__status=Report.Status.CLOSED)),
        )
        .distinct()
    )
    for org in rows:
        lines.append(f"{org.name}: {org.new} new, {org.triaged} triaged, {org.danger} open with danger now")
    return lines or ["no reports"]
