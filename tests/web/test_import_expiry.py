"""An import nobody confirms (most often a program's upload through the API) expires after a
bounded time (TIPNET_IMPORT_UNCONFIRMED_DAYS): its payload erased, the state shown on the page and
through the API, the step audited (issue 13)."""

from __future__ import annotations

import datetime

from django.test import Client
from django.utils import timezone

from tests.web.cases_support import caseworker_fixture, unlocked  # noqa: F401
from tests.web.conftest import keyed_client, url
from tests.web.research_support import run_worker
from tests.web.test_interchange import GOOD
from tipnet.web.accounts.models import AuditEvent
from tipnet.web.api.tokens import token_create
from tipnet.web.cases.models import Case
from tipnet.web.interchange import services
from tipnet.web.interchange.models import ImportJob


def _api_upload(caseworker, capture) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    write = token_create(actor=caseworker, user=caseworker, scope="write", days=1, name="w").secret
    with capture(execute=True):
        started = Client().post("/api/v1/imports", {"format": "htcds_csv", "filename": "a.csv", "content": GOOD},
                                content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {write}")
    assert started.status_code == 202, started.content
    run_worker()
    return started.json()["id"], write


def test_an_unconfirmed_api_import_expires_loses_its_file_and_says_so(
        caseworker, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    job_id, token = _api_upload(caseworker, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get(pk=job_id)
    assert job.state == "valid" and job.payload != b""
    services.interchange_sweep(now=job.created_at + datetime.timedelta(days=7) - datetime.timedelta(seconds=1))
    job.refresh_from_db()
    assert job.state == "valid"
    services.interchange_sweep(now=job.created_at + datetime.timedelta(days=7, seconds=1))
    job.refresh_from_db()
    assert job.state == "expired" and job.payload == b"" and job.finished_at is not None
    audit = AuditEvent.objects.filter(action="cases.imported", target_id=str(job_id)).order_by("pk").last()
    assert audit.details == {"step": "expired", "was": "valid"}
    status = Client().get(f"/api/v1/imports/{job_id}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert status["state"] == "expired"
    client = keyed_client(caseworker)
    page = client.get(url("interchange:job", job_id))
    assert b'id="expired-note"' in page.content and b'id="confirm-form"' not in page.content
    refused = client.post(url("interchange:job", job_id), {"confirm": "1"})
    assert refused.status_code == 400 and Case.objects.count() == 0


def test_the_bound_is_a_setting_and_is_queued_for_the_worker(
        caseworker, settings, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    from django_tasks_db.models import DBTaskResult

    settings.TIPNET_IMPORT_UNCONFIRMED_DAYS = 1
    job_id, _token = _api_upload(caseworker, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get(pk=job_id)
    sweep = DBTaskResult.objects.get(task_path__endswith="interchange_sweep_task")
    assert job.created_at + datetime.timedelta(days=1) < sweep.run_after < job.created_at + datetime.timedelta(days=1, seconds=5)
    services.interchange_sweep(now=job.created_at + datetime.timedelta(days=1, seconds=1))
    job.refresh_from_db()
    assert job.state == "expired"


def test_a_sheet_waiting_for_its_mapping_expires_too_and_running_or_done_jobs_never(caseworker) -> None:  # type: ignore[no-untyped-def]
    organisation = caseworker.memberships.get().organisation
    sheet = services.import_job_create(actor=caseworker, organisation=organisation, data=b"Ref,Name\n1,Lan\n",
                                       filename="ours.csv", fmt="csv", enqueue=False)
    assert sheet.state == "mapping"
    done = services.import_file_now(actor=caseworker, organisation=organisation, data=GOOD.encode(), filename="b.csv",
                                    fmt="htcds_csv", private_key=unlocked(caseworker))
    assert done.state == "done"
    later = timezone.now() + datetime.timedelta(days=30)
    services.interchange_sweep(now=later)
    sheet.refresh_from_db()
    done.refresh_from_db()
    assert sheet.state == "expired" and sheet.payload == b""
    assert done.state == "done"
