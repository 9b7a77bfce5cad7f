"""An organisation's dashboard (issue 12): open cases by status, referrals waiting for an answer (in
and out), tasks due this week and overdue, forwarded reports not yet opened, and beds.

Counts only, from clear columns (status, state, due and done dates, bed counts): nothing is
decrypted, so no read is audited and no key is needed. A fixed number of queries, whatever the
number of cases or organisations (pinned in tests/web/test_cases_dashboard.py).

Who: caseworkers and case supervisors of the organisation, and its organisation admins (they manage
the organisation's people and workload, and see no case content anywhere). Nobody else: another
organisation's staff get 404 for a page of theirs and are never counted in.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.http import Http404
from django.utils import timezone

from tipnet.web.accounts.access import organisations_where
from tipnet.web.accounts.models import Organisation, User
from tipnet.web.accounts.roles import Role
from tipnet.web.cases.access import CASE_ROLES
from tipnet.web.cases.models import Case, CaseTask, ForwardedReport, Referral
from tipnet.web.cases.selectors import DUE_WINDOW_DAYS
from tipnet.web.directory.models import Service
from tipnet.web.directory.selectors import free_shelter_beds_by_sex

DASHBOARD_ROLES = (*CASE_ROLES, Role.ORG_ADMIN)
OPEN_STATUSES = (Case.Status.ACTIVE, Case.Status.FOLLOW_UP)


@dataclass
class Dashboard:
    organisation: Organisation
    cases_by_status: dict[str, int] = field(default_factory=dict)
    referrals_in_waiting: int = 0
    referrals_out_waiting: int = 0
    tasks_overdue: int = 0
    tasks_this_week: int = 0
    reports_waiting: int = 0
    beds_total: int | None = None
    beds_free: int | None = None

    @property
    def open_cases(self) -> int:
        return sum(self.cases_by_status.get(s, 0) for s in OPEN_STATUSES)

    def status_rows(self) -> list[tuple[str, str, int]]:
        return [(value, str(label), self.cases_by_status.get(value, 0)) for value, label in Case.Status.choices]


def dashboard_organisations(*, user: User) -> list[Organisation]:
    return organisations_where(user, *DASHBOARD_ROLES)


def access_dashboard(*, user: User) -> None:
    if not dashboard_organisations(user=user):
        raise Http404


def dashboards(*, user: User, today: datetime.date | None = None) -> tuple[list[Dashboard], dict[str, int]]:
    """One dashboard per organisation where ``user`` may see it, and the network's free shelter
    beds by accepted sex."""
    today = today or timezone.localdate()
    organisations = dashboard_organisations(user=user)
    boards = {o.pk: Dashboard(o) for o in organisations}
    ids = list(boards)
    for org_id, status, count in (Case.objects.filter(organisation_id__in=ids).values("organisation_id", "status")
                                  .annotate(n=Count("pk")).values_list("organisation_id", "status", "n")):
        boards[org_id].cases_by_status[status] = count
    waiting = Referral.objects.filter(state=Referral.State.PROPOSED)
    for org_id, count in (waiting.filter(receiver_id__in=ids).values("receiver_id").annotate(n=Count("pk"))
                          .values_list("receiver_id", "n")):
        boards[org_id].referrals_in_waiting = count
    for org_id, count in (waiting.filter(sender_id__in=ids).values("sender_id").annotate(n=Count("pk"))
                          .values_list("sender_id", "n")):
        boards[org_id].referrals_out_waiting = count
    horizon = today + datetime.timedelta(days=DUE_WINDOW_DAYS)
    for org_id, overdue, week in (
        CaseTask.objects.filter(case__organisation_id__in=ids, done_on__isnull=True, due_on__lte=horizon)
        .values("case__organisation_id")
        .annotate(overdue=Count("pk", filter=Q(due_on__lt=today)), week=Count("pk", filter=Q(due_on__gte=today)))
        .values_list("case__organisation_id", "overdue", "week")
    ):
        boards[org_id].tasks_overdue, boards[org_id].tasks_this_week = overdue, week
    for org_id, count in (ForwardedReport.objects.filter(organisation_id__in=ids, case__isnull=True)
                          .values("organisation_id").annotate(n=Count("pk")).values_list("organisation_id", "n")):
        boards[org_id].reports_waiting = count
    for org_id, total, free in (Service.objects.filter(organisation_id__in=ids, beds_total__isnull=False)
                                .values("organisation_id").annotate(total=Sum("beds_total"), free=Sum("beds_free"))
                                .values_list("organisation_id", "total", "free")):
        boards[org_id].beds_total, boards[org_id].beds_free = total, free or 0
    return [boards[o.pk] for o in organisations], free_shelter_beds_by_sex()
