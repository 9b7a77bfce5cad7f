"""Reads for case pages: only clear fields here; content is opened (and audited) in services."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from tipnet.web.accounts.models import User
from tipnet.web.cases.access import case_organisations
from tipnet.web.cases.models import Case, CaseTask

DUE_WINDOW_DAYS = 7


def cases_visible(*, user: User, status: str = "", owner_id: int | None = None) -> QuerySet[Case]:
    """The user's organisations' cases, newest first, filtered by status and owner. No content:
    the list shows the neutral reference, status, dates and owner."""
    cases = Case.objects.filter(organisation__in=case_organisations(user=user)).select_related("owner", "organisation")
    if status:
        cases = cases.filter(status=status)
    if owner_id is not None:
        cases = cases.filter(owner_id=owner_id)
    return cases.defer("sealed_key", "ciphertext")


def tasks_due(*, user: User, today: datetime.date | None = None) -> QuerySet[CaseTask]:
    """The user's open tasks due within a week, overdue ones included, in cases she may still open."""
    today = today or timezone.localdate()
    return (
        CaseTask.objects.filter(assignee=user, done_on__isnull=True, due_on__lte=today + datetime.timedelta(days=DUE_WINDOW_DAYS),
                                case__organisation__in=case_organisations(user=user))
        .select_related("case", "case__organisation").order_by("due_on", "pk")
    )
