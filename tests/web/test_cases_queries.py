"""The number of database queries of the case list and the case page does not grow with the number
of cases, timeline events or tasks (no query per row): pinned here, for the issue's speed target."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.web.cases_support import (
    caseworker_fixture,  # noqa: F401 (the "caseworker" fixture)
    open_case,
)
from tests.web.conftest import keyed_client, url
from tipnet.web.cases import services

CASE_PAGE_MAX = 60
LIST_MAX = 25


def _queries(client, address: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def test_case_page_queries_do_not_grow_with_events_and_tasks(caseworker) -> None:  # type: ignore[no-untyped-def]
    case = open_case(caseworker)
    client = keyed_client(caseworker)
    today = timezone.localdate()
    services.case_task_add(actor=caseworker, case=case, title="first task", due_on=today)
    few = _queries(client, url("cases:case", case.pk))
    for n in range(15):
        services.case_event_add(actor=caseworker, case=case, kind="note", occurred_on=today, text=f"note {n}")
        services.case_task_add(actor=caseworker, case=case, title=f"task {n}", due_on=today + datetime.timedelta(days=n))
    many = _queries(client, url("cases:case", case.pk))
    assert many == few, (few, many)
    assert many <= CASE_PAGE_MAX


def test_case_list_queries_do_not_grow_with_cases(caseworker) -> None:  # type: ignore[no-untyped-def]
    open_case(caseworker)
    client = keyed_client(caseworker)
    few = _queries(client, url("cases:list"))
    for n in range(10):
        open_case(caseworker, name=f"Person Number{n} Example")
    many = _queries(client, url("cases:list"))
    assert many == few, (few, many)
    assert many <= LIST_MAX
