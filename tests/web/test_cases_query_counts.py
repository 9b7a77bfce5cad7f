"""The number of database queries of each case page, pinned (issue 12's speed target; the figures
at 100,000 cases are in bench/RESULTS.md, from bench/cases_scale.py).

Each page is measured once with one row and once with many (30 cases, 20 events and 20 tasks,
a week's worth of due tasks): the count must be the same, and equal to the pinned number. A new
query on a page fails here: raise the pin only for a query that does not grow with rows, and say
why in the commit.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.web.cases_support import (
    caseworker_fixture,  # noqa: F401 (the "caseworker" fixture)
    open_case,
)
from tests.web.conftest import keyed_client, url
from tipnet.web.cases import services
from tipnet.web.cases.models import Case
from tipnet.web.cases.views import CASES_PER_PAGE

# Pinned counts (session, user and second factor, role checks, the page's own reads, audit writes).
# On PostgreSQL an audit write takes the chain's advisory lock: one query more per audited read.
CASE_LIST = 16
CASE_LIST_FILTERED = 16
# + 1 on PostgreSQL (the case read is audited). The case is read once (staff_view hands the
# checked case to the view), the organisation key share fetched and unsealed once, and whether the
# reader supervises asked once, for the content, timeline, tasks and documents together (was 45).
CASE_PAGE = 34
STAFF_HOME = 16


def _audit_lock() -> int:
    return 1 if connection.vendor == "postgresql" else 0


def _queries(client, address: str, data: dict[str, str] | None = None) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address, data or {})
    assert response.status_code == 200, response.status_code
    return len(captured)


def _more_cases(caseworker, count: int) -> None:  # type: ignore[no-untyped-def]
    """Plain rows (no sealed content): the list shows no content, so none is needed."""
    organisation = caseworker.memberships.get().organisation
    start = Case.objects.count()
    Case.objects.bulk_create(
        Case(organisation=organisation, owner=caseworker, reference=f"C-2026-{start + n + 1:06d}",
             opened_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=n % 300),
             status=("active", "follow_up")[n % 2])
        for n in range(count)
    )


def test_case_list_queries_are_pinned_and_do_not_grow(caseworker) -> None:  # type: ignore[no-untyped-def]
    open_case(caseworker)
    client = keyed_client(caseworker)
    few = _queries(client, url("cases:list"))
    few_filtered = _queries(client, url("cases:list"), {"status": "follow_up", "owner": "me"})
    _more_cases(caseworker, 29)
    assert Case.objects.count() == 30
    many = _queries(client, url("cases:list"))
    many_filtered = _queries(client, url("cases:list"), {"status": "follow_up", "owner": "me"})
    assert (few, many) == (CASE_LIST, CASE_LIST), (few, many)
    assert (few_filtered, many_filtered) == (CASE_LIST_FILTERED, CASE_LIST_FILTERED), (few_filtered, many_filtered)


def test_case_list_is_paginated(caseworker) -> None:  # type: ignore[no-untyped-def]
    """A page holds CASES_PER_PAGE cases, newest first; the next page the rest; a page past the end
    is empty, a nonsense page number is the first page."""
    open_case(caseworker)
    _more_cases(caseworker, CASES_PER_PAGE + 4)
    client = keyed_client(caseworker)
    first = client.get(url("cases:list"))
    assert len(first.context["cases"]) == CASES_PER_PAGE
    assert first.context["next_page"] == 2 and first.context["previous_page"] is None
    second = client.get(url("cases:list"), {"page": "2"})
    assert len(second.context["cases"]) == 5
    assert second.context["next_page"] is None and second.context["previous_page"] == 1
    shown = [c.pk for c in first.context["cases"]] + [c.pk for c in second.context["cases"]]
    assert len(set(shown)) == CASES_PER_PAGE + 5  # every case once
    assert client.get(url("cases:list"), {"page": "9"}).context["cases"] == []
    for nonsense in ("0", "-1", "abc", "99999999999"):
        assert client.get(url("cases:list"), {"page": nonsense}).context["page"] == 1
    # The filter is kept in the page links.
    filtered = client.get(url("cases:list"), {"status": "follow_up"})
    assert "status=follow_up&amp;page=2" in filtered.content.decode() or filtered.context["next_page"] is None


def test_case_page_queries_are_pinned_and_do_not_grow(caseworker) -> None:  # type: ignore[no-untyped-def]
    case = open_case(caseworker)
    today = timezone.localdate()
    services.case_task_add(actor=caseworker, case=case, title="first task", due_on=today)
    client = keyed_client(caseworker)
    few = _queries(client, url("cases:case", case.pk))
    for n in range(19):
        services.case_event_add(actor=caseworker, case=case, kind="note", occurred_on=today, text=f"note {n}")
        services.case_task_add(actor=caseworker, case=case, title=f"task {n}", due_on=today + datetime.timedelta(days=n))
    assert case.events.count() == 20 and case.tasks.count() == 20
    many = _queries(client, url("cases:case", case.pk))
    pinned = CASE_PAGE + _audit_lock()
    assert (few, many) == (pinned, pinned), (few, many)


def test_staff_home_due_this_week_queries_are_pinned(caseworker) -> None:  # type: ignore[no-untyped-def]
    """The staff home's "due this week" decrypts task titles: one query for all, not one per task."""
    first = open_case(caseworker)
    today = timezone.localdate()
    services.case_task_add(actor=caseworker, case=first, title="call the shelter", due_on=today)
    client = keyed_client(caseworker)
    few = _queries(client, url("accounts:home"))
    for n in range(5):
        case = open_case(caseworker, name=f"Person Number{n} Example")
        for day in range(3):
            services.case_task_add(actor=caseworker, case=case, title=f"task {n}.{day}",
                                   due_on=today + datetime.timedelta(days=day))
    response = client.get(url("accounts:home"))
    assert len(response.context["due"]) == 16
    many = _queries(client, url("accounts:home"))
    assert (few, many) == (STAFF_HOME, STAFF_HOME), (few, many)


@pytest.mark.parametrize("page", ["1", "2"])
def test_the_list_never_shows_another_organisations_cases(caseworker, staff, page) -> None:  # type: ignore[no-untyped-def]
    """Pagination does not widen the list: cases of another organisation never appear on any page."""
    from tests.web.conftest import make_staff
    from tipnet.web.accounts.roles import Role

    other_org = staff["researcher"].memberships.get().organisation
    outsider = make_staff("outsider_cw", other_org, Role.CASEWORKER)
    _more_cases(outsider, CASES_PER_PAGE + 3)
    open_case(caseworker)
    response = keyed_client(caseworker).get(url("cases:list"), {"page": page})
    assert all(c.organisation_id == caseworker.memberships.get().organisation.pk for c in response.context["cases"])
    assert len(response.context["cases"]) == (1 if page == "1" else 0)


def test_the_case_page_unseals_the_organisation_key_once(caseworker, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The content, timeline, tasks and documents all need the organisation's key: one unseal of the
    reader's share per request (an X25519 sealed box each time, and a query for the share)."""
    from tipnet.web.accounts import orgkeys

    case = open_case(caseworker)
    today = timezone.localdate()
    services.case_task_add(actor=caseworker, case=case, title="first task", due_on=today)
    services.case_event_add(actor=caseworker, case=case, kind="note", occurred_on=today, text="a note")
    client = keyed_client(caseworker)
    unseals: list[int] = []
    original = orgkeys.organisation_private_key

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        unseals.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(orgkeys, "organisation_private_key", counting)
    page = client.get(url("cases:case", case.pk))
    assert page.status_code == 200 and "first task" in page.content.decode() and "a note" in page.content.decode()
    assert len(unseals) == 1, len(unseals)
