"""The organisation's dashboard (issue 12): counts from clear columns only, per organisation; another
organisation's cases, referrals, tasks and beds are never counted; a researcher gets nothing; the
number of queries does not grow with the data."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.web.cases_support import case_row, referral_row
from tests.web.conftest import make_staff, signed_in_client, url
from tipnet.web.accounts.models import AuditEvent
from tipnet.web.accounts.roles import Role
from tipnet.web.cases.dashboard import dashboards
from tipnet.web.cases.models import Case, CaseTask
from tipnet.web.directory.models import Service


def _cell(page: str, row_id: str) -> str:
    return page.split(f'id="{row_id}"')[1].split("<td>")[1].split("</td>")[0]


def _populate(organisations, staff, *, extra: int = 0):  # type: ignore[no-untyped-def]
    """The NGO: 2 active cases (+extra), 1 follow-up, 1 closed; tasks overdue, this week, later, done;
    one referral in, one out, one answered. Another organisation: cases, tasks and beds of its own."""
    ngo, other = organisations["ngo"], organisations["other"]
    owner = staff[Role.CASEWORKER]
    today = timezone.localdate()
    cases = [case_row(ngo, owner=owner)[0] for _ in range(4 + extra)]
    Case.objects.filter(pk=cases[2].pk).update(status="follow_up")
    Case.objects.filter(pk=cases[3].pk).update(status="closed")
    for days, done in ((-3, None), (-1, None), (0, None), (5, None), (20, None), (-2, today)):
        CaseTask.objects.create(case=cases[0], assignee=owner, due_on=today + datetime.timedelta(days=days), done_on=done)
    foreign_owner = make_staff("foreign_owner", other, Role.CASEWORKER)
    foreign = [case_row(other, owner=foreign_owner)[0] for _ in range(3)]
    CaseTask.objects.filter(due_on__year=2026, due_on__month=1).delete()  # case_row's own tasks
    CaseTask.objects.create(case=foreign[0], assignee=foreign_owner, due_on=today - datetime.timedelta(days=1))
    referral_row(cases[0], other, by=owner)  # out, waiting
    referral_row(foreign[0], ngo, by=foreign_owner)  # in, waiting
    answered = referral_row(foreign[1], ngo, by=foreign_owner)
    answered.state = "accepted"
    answered.save()
    referral_row(foreign[2], organisations["trustee"], by=foreign_owner)  # neither in nor out for the NGO
    Service.objects.create(organisation=ngo, name="Our shelter", kinds=["shelter"], sexes=["female"], prefectures=["23"],
                           beds_total=8, beds_free=3)
    Service.objects.create(organisation=other, name="Their shelter", kinds=["shelter"], sexes=["male", "female"],
                           nationwide=True, beds_total=5, beds_free=2)
    Service.objects.create(organisation=other, name="Unpublished", kinds=["shelter"], sexes=["male"], nationwide=True,
                           beds_total=9, beds_free=9, is_published=False)


def test_the_dashboard_counts_only_the_organisations_own(organisations, staff) -> None:  # type: ignore[no-untyped-def]
    _populate(organisations, staff)
    page = signed_in_client(staff[Role.CASEWORKER]).get(url("cases:dashboard")).content.decode()
    assert _cell(page, "status-active") == "2" and _cell(page, "status-follow_up") == "1"
    assert _cell(page, "status-closed") == "1" and _cell(page, "status-closed_referred") == "0"
    assert _cell(page, "referrals-in") == "1" and _cell(page, "referrals-out") == "1"
    assert _cell(page, "tasks-overdue") == "2" and _cell(page, "tasks-week") == "2"
    assert "3 of 8 beds free" in page
    # The directory's published shelters: 3 for women here, 2 for everyone there; unpublished not counted.
    assert _cell(page, "beds-female") == "5" and _cell(page, "beds-male") == "2"
    assert "Other NGO" not in page.split('id="network-beds"')[0]
    assert not AuditEvent.objects.filter(action="record.read").exists()  # nothing was opened


def test_another_organisations_staff_see_only_their_own_figures(organisations, staff) -> None:  # type: ignore[no-untyped-def]
    _populate(organisations, staff)
    boards, _beds = dashboards(user=staff[Role.CASE_SUPERVISOR])  # also the NGO
    assert [b.organisation for b in boards] == [organisations["ngo"]]
    outsider = make_staff("outsider_cw", organisations["other"], Role.CASEWORKER)
    (board,), _beds = dashboards(user=outsider)
    assert board.organisation == organisations["other"] and board.cases_by_status == {"active": 3}
    assert board.referrals_in_waiting == 1 and board.referrals_out_waiting == 2 and board.tasks_overdue == 1


@pytest.mark.parametrize("role", [Role.RESEARCHER, Role.COORDINATOR, Role.NETWORK_ADMIN, Role.HOTLINE_OPERATOR, Role.TRAINEE])
def test_roles_without_the_organisations_work_get_nothing(role, organisations, staff) -> None:  # type: ignore[no-untyped-def]
    _populate(organisations, staff)
    response = signed_in_client(staff[role]).get(url("cases:dashboard"))
    assert response.status_code == 404
    assert "Our shelter" not in response.content.decode()


def test_an_organisation_admin_sees_the_counts(organisations, staff) -> None:  # type: ignore[no-untyped-def]
    _populate(organisations, staff)
    page = signed_in_client(staff[Role.ORG_ADMIN]).get(url("cases:dashboard")).content.decode()
    assert _cell(page, "status-active") == "2"


def test_the_dashboard_makes_a_fixed_number_of_queries(organisations, staff, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    """19 = 10 for the signed-in staff page itself (session, user, second factor, roles, menu) and 9
    for the dashboard (organisations twice, cases, referrals in and out, tasks, forwarded reports,
    own beds, the directory's beds), whatever the number of cases, tasks and referrals."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in_client(staff[Role.CASEWORKER])
    client.get(url("cases:dashboard"))  # warm the session
    with CaptureQueriesContext(connection) as empty:
        client.get(url("cases:dashboard"))
    _populate(organisations, staff, extra=30)
    with django_assert_max_num_queries(19) as full:
        page = client.get(url("cases:dashboard")).content.decode()
    assert _cell(page, "status-active") == "32"
    assert len(full) == len(empty)
