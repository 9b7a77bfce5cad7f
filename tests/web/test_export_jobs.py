"""Exports written by the task worker (issue 13): queued from the page, progress on a page, the file
sealed to the requester, downloaded once and then gone, erased when not fetched in time, the
disclosure record exact; cancel and failure shown."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.utils import timezone

from tests.web.cases_support import caseworker_fixture, unlocked  # noqa: F401
from tests.web.conftest import keyed_client, make_staff, url
from tests.web.research_support import run_worker
from tests.web.test_interchange import GOOD, _import
from tipnet.core import crypto
from tipnet.web.accounts.models import AuditEvent
from tipnet.web.accounts.roles import Role
from tipnet.web.interchange import services
from tipnet.web.interchange.models import CaseExport, ExportJob


@pytest.fixture
def supervisor(staff, caseworker):  # type: ignore[no-untyped-def]
    user = staff[Role.CASE_SUPERVISOR]
    unlocked(user)
    return user


def _ask(client, user, *, purpose: str = "own", fmt: str = "csv", capture=None):  # type: ignore[no-untyped-def]
    body = {"purpose": purpose, "format": fmt, "organisation": str(user.memberships.get().organisation_id)}
    if capture is None:
        return client.post(url("interchange:export"), body)
    with capture(execute=True):
        return client.post(url("interchange:export"), body)


def test_the_page_queues_the_worker_writes_and_the_file_downloads_once(
        caseworker, supervisor, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    _import(caseworker, GOOD)
    client = keyed_client(supervisor)
    asked = _ask(client, supervisor, capture=django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert asked.status_code == 302 and asked["Location"] == url("interchange:export_job", job.pk)
    assert job.state == "queued" and job.payload != b"" and CaseExport.objects.count() == 0
    waiting = client.get(url("interchange:export_job", job.pk))
    assert waiting.status_code == 200 and waiting["Refresh"] == "3" and b'id="refresh-link"' in waiting.content
    run_worker()
    job.refresh_from_db()
    assert job.state == "ready" and job.payload == b"" and job.file != b"" and job.expires_at is not None
    assert b"Thi" not in bytes(job.file) and b"record_id" not in bytes(job.file)
    page = client.get(url("interchange:export_job", job.pk))
    assert b'id="download-form"' in page.content and "Refresh" not in page
    # the exact disclosure record, written with the file
    export = CaseExport.objects.get()
    assert job.export_id == export.pk and export.row_count == 2 == export.cases.count()
    produced = AuditEvent.objects.get(action="export", target_type="export", target_id=str(export.pk))
    assert produced.details == {"purpose": "own", "format": "csv", "rows": 2, "disclosure": export.pk, "job": job.pk}

    first = client.post(url("interchange:export_download", job.pk))
    assert first.status_code == 200 and first["Cache-Control"].startswith("no-store")
    assert first["Content-Disposition"] == f'attachment; filename="{job.filename}"'
    rows = list(csv.DictReader(io.StringIO(first.content.decode())))
    year = timezone.localdate().year
    assert [r["record_id"] for r in rows] == [f"C-{year}-000001", f"C-{year}-000002"]
    job.refresh_from_db()
    assert job.state == "downloaded" and job.file == b"" and job.file_key == b"" and job.downloaded_at
    assert AuditEvent.objects.filter(action="export", target_type="export_job", target_id=str(job.pk),
                                     details__step="downloaded").count() == 1
    second = client.post(url("interchange:export_download", job.pk))
    assert second.status_code == 410 and b'id="export-gone"' in second.content
    assert client.get(url("interchange:export_download", job.pk)).status_code == 405  # never a GET
    assert CaseExport.objects.count() == 1  # the second try recorded nothing


def test_no_one_else_fetches_the_file_not_even_a_supervisor_of_the_same_organisation(
        caseworker, supervisor, organisations) -> None:  # type: ignore[no-untyped-def]
    _import(caseworker, GOOD)
    organisation = supervisor.memberships.get().organisation
    job = services.export_job_create(actor=supervisor, organisation=organisation, purpose="own", fmt="csv",
                                     private_key=unlocked(supervisor), enqueue=False)
    services.export_job_run(job_id=job.pk)
    colleague = make_staff("second_supervisor", organisation, Role.CASE_SUPERVISOR)
    unlocked(colleague)
    other = keyed_client(colleague)
    assert other.get(url("interchange:export_job", job.pk)).status_code == 404
    assert other.post(url("interchange:export_download", job.pk)).status_code == 404
    assert keyed_client(caseworker).post(url("interchange:export_download", job.pk)).status_code == 404
    # the database row alone does not open: the file key is sealed to the requester's key only
    job.refresh_from_db()
    with pytest.raises(crypto.DecryptionError):
        crypto.unseal(unlocked(colleague), bytes(job.file_key))
    file_key = crypto.unseal(unlocked(supervisor), bytes(job.file_key))
    assert crypto.secret_decrypt(file_key, bytes(job.file)).startswith(b"record_id,")
    assert job.state == "ready"  # the refused tries spent nothing
    from tests.web.conftest import signed_in_client

    locked = signed_in_client(supervisor).post(url("interchange:export_download", job.pk))  # her key not unlocked
    assert locked.status_code == 403 and b'id="export-error"' in locked.content
    job.refresh_from_db()
    assert job.state == "ready" and job.file != b""


def test_an_export_not_downloaded_in_time_is_erased_by_the_sweep(caseworker, supervisor) -> None:  # type: ignore[no-untyped-def]
    _import(caseworker, GOOD)
    organisation = supervisor.memberships.get().organisation
    job = services.export_job_create(actor=supervisor, organisation=organisation, purpose="own", fmt="json",
                                     private_key=unlocked(supervisor), enqueue=False)
    job = services.export_job_run(job_id=job.pk)
    assert job.expires_at - job.finished_at == datetime.timedelta(hours=24)
    services.interchange_sweep(now=job.expires_at - datetime.timedelta(seconds=1))
    job.refresh_from_db()
    assert job.state == "ready"
    services.interchange_sweep(now=job.expires_at + datetime.timedelta(seconds=1))
    job.refresh_from_db()
    assert job.state == "expired" and job.file == b"" and job.file_key == b""
    assert AuditEvent.objects.filter(action="export", target_id=str(job.pk), details__step="expired").count() == 1
    client = keyed_client(supervisor)
    assert client.post(url("interchange:export_download", job.pk)).status_code == 410
    assert b'id="expired-note"' in client.get(url("interchange:export_job", job.pk)).content
    # the disclosure record outlives the file
    assert CaseExport.objects.get().row_count == 2


def test_the_keep_time_is_a_setting(caseworker, supervisor, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TIPNET_EXPORT_KEEP_HOURS = 2
    _import(caseworker, GOOD)
    job = services.export_job_create(actor=supervisor, organisation=supervisor.memberships.get().organisation,
                                     purpose="own", fmt="csv", private_key=unlocked(supervisor), enqueue=False)
    job = services.export_job_run(job_id=job.pk)
    assert job.expires_at - job.finished_at == datetime.timedelta(hours=2)


def test_expiry_is_queued_for_the_worker_when_the_file_is_written(
        caseworker, supervisor, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    from django_tasks_db.models import DBTaskResult

    _import(caseworker, GOOD)
    job = services.export_job_create(actor=supervisor, organisation=supervisor.memberships.get().organisation,
                                     purpose="own", fmt="csv", private_key=unlocked(supervisor), enqueue=False)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.export_job_run(job_id=job.pk)
    sweep = DBTaskResult.objects.get(task_path__endswith="interchange_sweep_task")
    assert job.expires_at < sweep.run_after <= job.expires_at + datetime.timedelta(seconds=2)


def test_a_research_export_records_only_the_consented_cases(caseworker, supervisor) -> None:  # type: ignore[no-untyped-def]
    from tipnet.web.cases.models import Case, Consent

    _import(caseworker, GOOD)
    first = Case.objects.order_by("pk").first()
    Consent.objects.create(case=first, purpose=Consent.Purpose.RESEARCH, given_on=timezone.localdate(),
                           recorded_by=caseworker)
    job = services.export_job_create(actor=supervisor, organisation=supervisor.memberships.get().organisation,
                                     purpose="research", fmt="csv", private_key=unlocked(supervisor), enqueue=False)
    job = services.export_job_run(job_id=job.pk)
    assert job.export.row_count == 1 and list(job.export.cases.all()) == [first]
    data = services.export_job_download(actor=supervisor, job=job, private_key=unlocked(supervisor)).decode()
    assert "Thi" not in data and len(list(csv.DictReader(io.StringIO(data)))) == 1


def test_cancel_a_queued_export_and_a_running_one(caseworker, supervisor, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _import(caseworker, GOOD)
    organisation = supervisor.memberships.get().organisation
    client = keyed_client(supervisor)
    queued = services.export_job_create(actor=supervisor, organisation=organisation, purpose="own", fmt="csv",
                                        private_key=unlocked(supervisor), enqueue=False)
    assert client.post(url("interchange:export_job", queued.pk), {"cancel": "1"}).status_code == 302
    queued.refresh_from_db()
    assert queued.state == "cancelled" and queued.payload == b""
    assert services.export_job_run(job_id=queued.pk).state == "cancelled"
    assert b'id="cancelled-note"' in client.get(url("interchange:export_job", queued.pk)).content
    # running: the worker reads the flag at its next progress step and keeps nothing
    monkeypatch.setattr(services, "BATCH", 1)
    running = services.export_job_create(actor=supervisor, organisation=organisation, purpose="own", fmt="csv",
                                         private_key=unlocked(supervisor), enqueue=False)
    ExportJob.objects.filter(pk=running.pk).update(cancel_requested=True)
    running = services.export_job_run(job_id=running.pk)
    assert running.state == "cancelled" and running.file == b"" and running.payload == b"" and running.export is None
    assert CaseExport.objects.count() == 0


def test_a_failed_export_says_so_and_keeps_nothing(caseworker, supervisor) -> None:  # type: ignore[no-untyped-def]
    from tipnet.web.accounts.models import StaffKeyring

    _import(caseworker, GOOD)
    job = services.export_job_create(actor=supervisor, organisation=supervisor.memberships.get().organisation,
                                     purpose="own", fmt="csv", private_key=unlocked(supervisor), enqueue=False)
    ExportJob.objects.filter(pk=job.pk).update(payload=b"changed bytes, not the sealed key")
    job = services.export_job_run(job_id=job.pk)
    assert job.state == "failed" and job.error == "DecryptionError" and job.file == b"" and job.payload == b""
    assert CaseExport.objects.count() == 0
    page = keyed_client(supervisor).get(url("interchange:export_job", job.pk))
    assert b'id="failed-note"' in page.content
    assert StaffKeyring.objects.filter(user=supervisor).exists()


def test_a_job_no_worker_takes_fails_and_loses_the_key(caseworker, supervisor) -> None:  # type: ignore[no-untyped-def]
    _import(caseworker, GOOD)
    job = services.export_job_create(actor=supervisor, organisation=supervisor.memberships.get().organisation,
                                     purpose="own", fmt="csv", private_key=unlocked(supervisor), enqueue=False)
    services.interchange_sweep(now=timezone.now() + services.EXPORT_QUEUED_MAX + datetime.timedelta(seconds=5))
    job.refresh_from_db()
    assert job.state == "failed" and job.payload == b""


def test_without_an_unlocked_key_nothing_is_queued(caseworker, supervisor) -> None:  # type: ignore[no-untyped-def]
    from tests.web.conftest import signed_in_client

    response = _ask(signed_in_client(supervisor), supervisor)
    assert response.status_code == 400 and b'id="export-error"' in response.content
    assert ExportJob.objects.count() == 0
    assert keyed_client(caseworker).post(url("interchange:export"), {}).status_code == 404


def test_the_command_line_export_still_writes_directly(caseworker, supervisor) -> None:  # type: ignore[no-untyped-def]
    _import(caseworker, GOOD)
    out = io.StringIO()
    export = services.cases_export(actor=supervisor, organisation=supervisor.memberships.get().organisation,
                                   purpose="own", fmt="csv", out=out, private_key=unlocked(supervisor))
    assert export.row_count == 2 and ExportJob.objects.count() == 0
    assert AuditEvent.objects.get(action="export", target_id=str(export.pk)).details["rows"] == 2
