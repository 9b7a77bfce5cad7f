"""An erased case takes no more writes: every write service locks the case row and refuses once
the case is erased, even when the caller read the case before the erasure (a page loaded, then a
case supervisor erased the person's data, then the caseworker pressed save). Nothing is written:
no timeline entry, task, consent, disclosure, document, screening link, referral or export, and no
audit row. Tried on the services directly (a stale object in hand), over HTTP (the erasure lands
inside the request, after the access check), and on PostgreSQL with two real connections."""

from __future__ import annotations

import datetime
import os
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone, translation

from tests.web.cases_support import (
    caseworker_fixture,  # noqa: F401 (the "caseworker" fixture)
    police_organisation,
    runs_a_shelter_for_men,
)
from tests.web.conftest import make_staff, url
from tests.web.test_cases_documents import case_of, client_of, key_of, pdf_bytes, upload
from tipnet.web.accounts.models import AuditEvent, User
from tipnet.web.accounts.roles import Role
from tipnet.web.cases import documents, rights, services
from tipnet.web.cases.models import (
    Case,
    CaseDocument,
    CaseErasure,
    CaseEvent,
    CaseScreening,
    CaseTask,
    Consent,
    Disclosure,
    Referral,
    SubjectAccess,
)
from tipnet.web.screening.models import ScreeningRecord

SECRET = "Thuong now sleeps at his cousin's flat in Hamamatsu"


def _erase(case: Case, supervisor: User) -> None:
    rights.case_erase(actor=supervisor, case=case, cause=CaseErasure.Cause.REQUEST, reason="the person asked today")


def _footprint(case: Case) -> tuple[Any, ...]:
    """Everything a write could add to or change on the case."""
    row = Case.objects.values_list("status", "version", "ciphertext", "closed_on").get(pk=case.pk)
    return (row[0], row[1], bytes(row[2]), row[3],
            CaseEvent.objects.filter(case=case).count(), CaseTask.objects.filter(case=case).count(),
            list(Consent.objects.filter(case=case).values_list("pk", "withdrawn_on").order_by("pk")),
            Disclosure.objects.filter(case=case).count(), CaseDocument.objects.filter(case=case).count(),
            CaseScreening.objects.filter(case=case).count(), SubjectAccess.objects.filter(case=case).count(),
            list(Referral.objects.filter(case=case).values_list("pk", "state").order_by("pk")),
            AuditEvent.objects.count())


@pytest.fixture
def supervisor(staff):  # type: ignore[no-untyped-def]
    user = staff[Role.CASE_SUPERVISOR]
    key_of(user)
    return user


@pytest.fixture
def shelter_worker(organisations):  # type: ignore[no-untyped-def]
    user = make_staff("shelter_erased", organisations["other"], Role.CASEWORKER)
    key_of(user)
    return user


def test_every_write_service_refuses_a_case_erased_since_it_was_read(  # type: ignore[no-untyped-def]
        caseworker, supervisor, organisations, shelter_worker) -> None:
    today = timezone.localdate()
    case = case_of(caseworker)
    shelter = organisations["other"]
    runs_a_shelter_for_men(shelter)
    services.consent_record(actor=caseworker, case=case, purpose="referral", given_on=today, recipient=shelter)
    task = services.case_task_add(actor=caseworker, case=case, title="Call the labour office", due_on=today)
    police_consent = Consent.objects.get(case=case, purpose="police")
    referral = services.referral_propose(actor=caseworker, case=case, receiver=shelter, sections=["situation"],
                                         reason="a shelter for men", private_key=key_of(caseworker))
    services.referral_decide(actor=shelter_worker, referral=referral, action="accept")
    referral = Referral.objects.select_related("case", "sender", "receiver").get(pk=referral.pk)  # accepted, in hand
    screening = ScreeningRecord.objects.create(organisation=case.organisation, staff_language="ja",
                                               person_language="vi", profile="adult_labour", catalogue_version="test")
    stale = Case.objects.select_related("organisation", "owner").get(pk=case.pk)  # the page, loaded before
    _erase(case, supervisor)
    before = _footprint(case)
    key = key_of(caseworker)
    writes: dict[str, Callable[[], object]] = {
        "note": lambda: services.case_event_add(actor=caseworker, case=stale, kind="note", occurred_on=today,
                                                text=SECRET),
        "task": lambda: services.case_task_add(actor=caseworker, case=stale, title=SECRET, due_on=today),
        "task done": lambda: services.case_task_done(actor=caseworker, task=task),
        "edit": lambda: services.case_update(actor=caseworker, case=stale, expected_version=stale.version,
                                             content={"situation": {"locations": SECRET}}, status="active",
                                             private_key=key),
        "consent": lambda: services.consent_record(actor=caseworker, case=stale, purpose="immigration",
                                                   given_on=today),
        "withdraw": lambda: services.consent_withdraw(actor=caseworker, consent=police_consent),
        "disclose": lambda: services.case_disclose(actor=caseworker, case=stale, recipient=police_organisation(),
                                                   purpose="police"),
        "screening": lambda: services.case_screening_link(actor=caseworker, case=stale, screening=screening),
        "refer": lambda: services.referral_propose(actor=caseworker, case=stale, receiver=shelter,
                                                   sections=["situation"], reason=SECRET, private_key=key),
        "return": lambda: services.case_return_record(actor=caseworker, case=stale, returned_on=today,
                                                      through_iom=True),
        "document": lambda: documents.document_add(actor=caseworker, case=stale, section="other", title=SECRET,
                                                   data=pdf_bytes()),
        "export": lambda: rights._record_subject_access(actor=supervisor, case=stale, format="json"),
        "receiver's update": lambda: services.referral_note_add(actor=shelter_worker, referral=referral,
                                                                occurred_on=today, text=SECRET),
        "receiver completes": lambda: services.referral_decide(actor=shelter_worker, referral=referral,
                                                               action="complete"),
    }
    for name, write in writes.items():
        with translation.override("en"), pytest.raises(services.CaseErased, match="This case was erased"):
            write()
        assert _footprint(case) == before, name
    assert ScreeningRecord.objects.filter(pk=screening.pk).exists()  # not attached, not touched


def test_the_departing_caseworkers_referrals_of_an_erased_case_get_no_timeline_entry(  # type: ignore[no-untyped-def]
        caseworker, supervisor, organisations, shelter_worker) -> None:
    """Offboarding revokes the proposals nobody answered; an erased case's were revoked by the erasure."""
    shelter = organisations["other"]
    runs_a_shelter_for_men(shelter)
    kept, erased = case_of(caseworker), case_of(caseworker, name="Tran Thi Lan", birth="2001-02-03")
    for case in (kept, erased):
        services.consent_record(actor=caseworker, case=case, purpose="referral", given_on=timezone.localdate(),
                                recipient=shelter)
        services.referral_propose(actor=caseworker, case=case, receiver=shelter, sections=["situation"],
                                  reason="a shelter", private_key=key_of(caseworker))
    _erase(erased, supervisor)
    before = _footprint(erased)[:-1]  # the audit log grows: the kept case's referral is revoked
    assert services.referrals_revoke_of_departed(actor=supervisor, user=caseworker) == 1
    assert _footprint(erased)[:-1] == before
    assert Referral.objects.get(case=kept).state == Referral.State.REVOKED


def _erasing_during_validation(monkeypatch, form_path: str, case: Case, supervisor: User) -> None:  # type: ignore[no-untyped-def]
    """The erasure commits inside the request, after the view's access check read the case."""
    module_name, class_name = form_path.rsplit(".", 1)
    module = __import__(module_name, fromlist=[class_name])
    form_class = getattr(module, class_name)

    class ErasedMeanwhile(form_class):  # type: ignore[misc, valid-type]
        def is_valid(self) -> bool:
            _erase(case, supervisor)
            return super().is_valid()

    monkeypatch.setattr(module, class_name, ErasedMeanwhile)


@pytest.mark.parametrize(("route", "form_path", "data"), [
    ("cases:event_add", "tipnet.web.cases.views.EventForm", {"kind": "note", "occurred_on": "2026-01-02", "text": SECRET}),
    ("cases:task_add", "tipnet.web.cases.views.TaskForm", {"title": SECRET, "due_on": "2099-01-02"}),
    ("cases:return", "tipnet.web.cases.views.ReturnForm", {"returned_on": "TODAY", "through_iom": "on"}),
])
def test_over_http_an_erasure_landing_mid_request_writes_nothing_and_says_why(  # type: ignore[no-untyped-def]
        route, form_path, data, caseworker, supervisor, monkeypatch) -> None:
    case = case_of(caseworker)
    client = client_of(caseworker)
    page = client.get(url("cases:case", case.pk))
    assert page.status_code == 200
    data = {k: (timezone.localdate().isoformat() if v == "TODAY" else v) for k, v in data.items()}
    _erasing_during_validation(monkeypatch, form_path, case, supervisor)
    response = client.post(url(route, case.pk), data)
    assert response.status_code == 400
    assert "This case was erased" in response.content.decode()
    assert not CaseEvent.objects.filter(case=case).exists() and not CaseTask.objects.filter(case=case).exists()
    assert Case.objects.get(pk=case.pk).status == Case.Status.ERASED


def test_over_http_a_document_upload_racing_the_erasure_stores_nothing(  # type: ignore[no-untyped-def]
        caseworker, supervisor, monkeypatch) -> None:
    case = case_of(caseworker)
    client = client_of(caseworker)
    _erasing_during_validation(monkeypatch, "tipnet.web.cases.views_rights.DocumentForm", case, supervisor)
    response = upload(client, case, data=pdf_bytes())
    assert response.status_code == 400 and "This case was erased" in response.content.decode()
    assert not CaseDocument.objects.filter(case=case).exists()


def test_over_http_a_page_loaded_before_the_erasure_cannot_post_to_it(caseworker, supervisor) -> None:  # type: ignore[no-untyped-def]
    case = case_of(caseworker)
    client = client_of(caseworker)
    assert client.get(url("cases:case", case.pk)).status_code == 200
    _erase(case, supervisor)
    response = client.post(url("cases:event_add", case.pk),
                           {"kind": "note", "occurred_on": timezone.localdate().isoformat(), "text": SECRET})
    assert response.status_code == 404
    assert not CaseEvent.objects.filter(case=case).exists()


@pytest.fixture(scope="module")
def audit_triggers_back(django_db_blocker):  # type: ignore[no-untyped-def]
    """After this module: the audit log's append-only triggers on again (see ``flushable_audit_log``)."""
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("ALTER TABLE accounts_auditevent ENABLE TRIGGER USER")


@pytest.fixture
def flushable_audit_log(audit_triggers_back, transactional_db):  # type: ignore[no-untyped-def]
    """A test with committed rows ends with a flush of every table, which the append-only audit
    log refuses: its triggers are switched off just for that flush (``audit_triggers_back``)."""
    yield
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE accounts_auditevent DISABLE TRIGGER USER")


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="two concurrent writers need PostgreSQL (SQLite serialises all writers)")
def test_on_postgresql_a_write_waiting_on_the_erasure_is_refused_after_it(  # type: ignore[no-untyped-def]
        flushable_audit_log, staff, monkeypatch) -> None:
    """Two connections: the erasure holds the case row; the caseworker's note (from a page loaded
    before) waits for it, then sees the erasure and writes nothing."""
    caseworker, supervisor = staff[Role.CASEWORKER], staff[Role.CASE_SUPERVISOR]
    key_of(caseworker)
    key_of(supervisor)
    case = case_of(caseworker)
    stale = Case.objects.select_related("organisation", "owner").get(pk=case.pk)
    holding, release = threading.Event(), threading.Event()
    original = rights._erase_referrals

    def slow_erase_referrals(**kwargs: Any) -> list[int]:
        holding.set()  # the case row is locked by the erasure now
        assert release.wait(20)
        return original(**kwargs)

    monkeypatch.setattr(rights, "_erase_referrals", slow_erase_referrals)
    failures: list[BaseException] = []

    def erase() -> None:
        try:
            _erase(case, supervisor)
        except BaseException as error:  # noqa: BLE001 (reported by the main thread)
            failures.append(error)
        finally:
            connections.close_all()

    eraser = threading.Thread(target=erase)
    eraser.start()
    assert holding.wait(20)
    outcome: list[BaseException | None] = []

    def write() -> None:
        try:
            services.case_event_add(actor=caseworker, case=stale, kind="note",
                                    occurred_on=datetime.date.today(), text=SECRET)
            outcome.append(None)
        except BaseException as error:  # noqa: BLE001
            outcome.append(error)
        finally:
            connections.close_all()

    writer = threading.Thread(target=write)
    writer.start()
    writer.join(1.0)
    assert writer.is_alive(), "the write must wait for the erasure's lock"
    release.set()
    eraser.join(20)
    writer.join(20)
    assert not failures
    assert len(outcome) == 1 and isinstance(outcome[0], services.CaseErased)
    assert Case.objects.get(pk=case.pk).status == Case.Status.ERASED
    assert not CaseEvent.objects.filter(case=case).exists()
