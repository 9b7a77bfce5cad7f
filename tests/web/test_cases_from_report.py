"""A report the trustee forwards to a member organisation is delivered there sealed to the
organisation's key and can be opened as a case (issue 12): pre-filled with what the report holds,
linked, audited, once; only the receiving organisation's case workers reach it (404 elsewhere);
bad input keeps nothing."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from tests.web.cases_support import (
    caseworker_fixture,  # noqa: F401 (the "caseworker" fixture)
    intake_content,
    unlocked,
)
from tests.web.conftest import keyed_client, make_staff, signed_in_client, url
from tests.web.test_report_line import _database_text, sign_in
from tipnet.web.accounts.keys import keyring_unlock
from tipnet.web.accounts.models import AuditEvent
from tipnet.web.accounts.roles import Role
from tipnet.web.cases import from_report, services
from tipnet.web.cases.models import Case, CaseEvent, ForwardedReport
from tipnet.web.report.models import Forwarding, Report
from tipnet.web.report.services import (
    ReportError,
    ReportInput,
    report_forward,
    report_note_add,
    report_submit,
)

STORY = "Three Vietnamese men sleep in the container behind the Hamamatsu plating works"
PASSWORD = "correct horse battery 9"


@pytest.fixture
def report(operator) -> Report:  # type: ignore[no-untyped-def]
    submission = report_submit(data=ReportInput(what_happened=STORY, how_known="I deliver their lunch", kind="labour",
                                                prefecture="22", victims="2-5", nationality="VNM", language="vi"),
                               files=[], file_names=[])
    return submission.report


def _forward(operator, report, organisation):  # type: ignore[no-untyped-def]
    private_key = keyring_unlock(operator, password=PASSWORD)
    report_note_add(actor=operator, report=report, body="internal: the caller sounded scared", private_key=private_key)
    return report_forward(actor=operator, report=report, recipient=organisation, private_key=private_key)


def _consent_post(**extra: object) -> dict[str, object]:
    data: dict[str, object] = {"names": "Tran Van Hai", "sex": "masculine", "citizenships": "VNM", "languages": "vi",
                               "trafficking_status": "possible", "residence_status": "technical_intern",
                               "exploitation": ["forced_labour"], "locations": "Shizuoka",
                               "consents": ["interview", "purpose_told"]}
    data.update(extra)
    return data


def test_forwarding_to_a_member_organisation_delivers_it_sealed_in_tipnet(operator, report, caseworker, organisations) -> None:  # type: ignore[no-untyped-def]
    assert _forward(operator, report, organisations["ngo"]) is None  # no age key: no file, delivered here
    forwarded = ForwardedReport.objects.get()
    assert forwarded.organisation == organisations["ngo"] and forwarded.forwarding.recipient == organisations["ngo"]
    assert STORY not in _database_text()  # the forwarded copy is sealed like the report
    assert STORY.encode() not in bytes(forwarded.ciphertext)
    disclosure = AuditEvent.objects.get(action="disclosure", target_type="report")
    assert disclosure.recipient_organisation_id == organisations["ngo"].pk
    assert disclosure.details["in_tipnet"] == forwarded.pk
    document = from_report.forwarded_report_read(actor=caseworker, forwarded=forwarded, private_key=unlocked(caseworker))
    assert document["what_happened"] == STORY and "scared" not in str(document)  # no internal notes


def test_an_organisation_without_age_key_nor_caseworkers_is_refused(operator, report, organisations) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ReportError):
        _forward(operator, report, organisations["other"])
    assert not Forwarding.objects.exists() and not ForwardedReport.objects.exists()


def test_the_operator_forwards_over_http_and_the_caseworker_opens_a_case(operator, report, caseworker, organisations) -> None:  # type: ignore[no-untyped-def]
    trustee = sign_in(operator)
    page = trustee.get(url("report:report", report.pk)).content.decode()
    assert f'value="{organisations["ngo"].pk}"' in page  # a member organisation is a forwarding target
    response = trustee.post(url("report:report", report.pk), {"action": "forward", "recipient": organisations["ngo"].pk})
    assert response.status_code == 302
    forwarded = ForwardedReport.objects.get()
    client = keyed_client(caseworker)
    listing = client.get(url("cases:forwarded_reports")).content.decode()
    assert url("cases:forwarded_report", forwarded.pk) in listing
    shown = client.get(url("cases:forwarded_report", forwarded.pk)).content.decode()
    assert STORY in shown and "I deliver their lunch" in shown and 'id="open-case"' in shown
    form = client.get(url("cases:forwarded_report_open", forwarded.pk)).content.decode()
    assert STORY in form  # the report beside the form
    assert re.search(r'value="forced_labour"[^>]*checked', form)  # pre-filled from the report's kind
    assert not re.search(r'value="sexual"[^>]*checked', form)
    assert 'value="VNM"' in form and "Shizuoka" in form
    # Bad input: no consent to the interview. Nothing is kept.
    with translation.override("en"):
        refused = client.post(url("cases:forwarded_report_open", forwarded.pk), _consent_post(consents=[]))
    assert refused.status_code == 400 and not Case.objects.exists()
    assert ForwardedReport.objects.get().case is None
    invalid = client.post(url("cases:forwarded_report_open", forwarded.pk), _consent_post(citizenships="Vietnam"))
    assert invalid.status_code == 400 and not Case.objects.exists()
    opened = client.post(url("cases:forwarded_report_open", forwarded.pk), _consent_post())
    assert opened.status_code == 302
    case = Case.objects.get()
    assert case.organisation == organisations["ngo"] and ForwardedReport.objects.get().case == case
    timeline = services.case_timeline(actor=caseworker, case=case, private_key=unlocked(caseworker))
    assert any(event.kind == CaseEvent.Kind.NOTE and STORY in text for event, text in timeline)
    audit = AuditEvent.objects.get(action="case.opened_from_report")
    assert audit.target_id == str(case.pk) and audit.details == {"forwarded_report": forwarded.pk, "report": report.pk}
    assert STORY not in str(audit.details)
    assert Forwarding.objects.get().state == "acknowledged"  # the trustee sees it was taken up
    assert case.reference in client.get(url("cases:forwarded_report", forwarded.pk)).content.decode()
    # Once only: a second post goes back to the report, a second call is refused.
    again = client.post(url("cases:forwarded_report_open", forwarded.pk), _consent_post())
    assert again.status_code == 302 and Case.objects.count() == 1
    with pytest.raises(services.CaseError):
        from_report.case_open_from_report(actor=caseworker, forwarded=forwarded, content=intake_content(),
                                          consents={"interview"}, private_key=unlocked(caseworker))
    assert Case.objects.count() == 1


def test_only_the_receiving_organisations_case_workers_reach_it(operator, report, caseworker, organisations, staff) -> None:  # type: ignore[no-untyped-def]
    supervisor = staff[Role.CASE_SUPERVISOR]
    unlocked(supervisor)  # a key holder of the NGO when the report arrives
    _forward(operator, report, organisations["ngo"])
    forwarded = ForwardedReport.objects.get()
    outsider = make_staff("outsider_cw", organisations["other"], Role.CASEWORKER)
    unlocked(outsider)
    pages = (url("cases:forwarded_report", forwarded.pk), url("cases:forwarded_report_open", forwarded.pk))
    for user in (outsider, staff[Role.RESEARCHER], staff[Role.ORG_ADMIN], staff[Role.NETWORK_ADMIN], operator):
        client = signed_in_client(user)
        for page in pages:
            assert client.get(page).status_code == 404, (user, page)
        assert client.post(pages[1], _consent_post()).status_code == 404
        assert STORY not in client.get(url("cases:forwarded_reports")).content.decode()
    missing = signed_in_client(outsider).get(url("cases:forwarded_report", 987654))
    assert missing.status_code == 404
    assert not Case.objects.exists() and not AuditEvent.objects.filter(target_type="forwarded_report").exists()
    with pytest.raises(Exception):  # noqa: B017 (Http404: the service checks the organisation too)
        from_report.case_open_from_report(actor=outsider, forwarded=forwarded, content=intake_content(),
                                          consents={"interview"}, private_key=unlocked(outsider))
    assert not Case.objects.exists()
    assert STORY in keyed_client(supervisor).get(pages[0]).content.decode()
    assert AuditEvent.objects.filter(action="record.read", target_type="forwarded_report", actor_id=supervisor.pk).exists()
