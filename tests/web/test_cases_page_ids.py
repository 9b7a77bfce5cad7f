"""The case page carries eight forms (documents, tasks, timeline, consents, disclosures, receivers,
referrals, return): every id on it is unique and every label points at a field, for each role that
sees it (a clash made "Task" put the cursor in the document's title)."""

from __future__ import annotations

from tests.web.cases_support import caseworker_fixture, open_case, unlocked  # noqa: F401 (the "caseworker" fixture)
from tests.web.conftest import keyed_client, url
from tests.web.test_people_unique_ids import id_problems
from tipnet.web.accounts.roles import Role


def test_the_case_page_has_unique_ids_and_labels_that_point_somewhere(caseworker, staff) -> None:  # type: ignore[no-untyped-def]
    case = open_case(caseworker)
    supervisor = staff[Role.CASE_SUPERVISOR]
    unlocked(supervisor)
    for user in (caseworker, supervisor):
        client = keyed_client(user)
        for name in ("cases:case", "cases:rights"):
            response = client.get(url(name, case.pk))
            if response.status_code == 404:  # the rights page is the supervisor's only
                assert name == "cases:rights" and user == caseworker
                continue
            assert response.status_code == 200, (name, user)
            assert not id_problems(f"{name} as {user}", response.content.decode())
