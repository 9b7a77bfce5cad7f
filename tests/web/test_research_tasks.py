"""Research estimates run in the task worker, never in a request or a transaction (issue 10,
finding 3), and uploaded Excel files are checked before they are converted (findings 10 and 11).

The worker is the real one (django-tasks-db's DatabaseBackend through `tipnet worker`): in-process
in batch mode, or as a process next to a file SQLite database to show that a running fit holds no
write lock.
"""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import time
import zipfile
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from tests.support import tipnet_executable
from tests.web.conftest import make_staff, signed_in_client, url
from tests.web.research_support import run_worker
from tipnet.core.estimation import EstimationCancelled, MSEModel, read_table, simulate_table
from tipnet.core.estimation.bootstrap import run_bootstrap
from tipnet.web.accounts.models import AuditEvent
from tipnet.web.accounts.roles import Role
from tipnet.web.research.cost import MAX_SECONDS, estimate_cost
from tipnet.web.research.examples import example_csv
from tipnet.web.research.models import EstimateRun, RunState

# The in-process tests run in the usual per-test transaction (the append-only audit log cannot be
# flushed), so `on_commit` callbacks are run explicitly; the fit's own freedom from transactions is
# shown on a file database by the last test.


@pytest.fixture
def researcher_client(staff):  # type: ignore[no-untyped-def]
    return signed_in_client(staff[Role.RESEARCHER])


def simulated_csv(lists: int, seed: int = 0) -> str:
    probabilities = [0.12 + 0.04 * (i % 5) for i in range(lists)]
    interactions = {(0, 1): 0.8, (1, 2): -0.5, (lists - 2, lists - 1): 0.6}
    return simulate_table(4000, probabilities, interactions=interactions, heterogeneity=0.8, seed=seed).table.to_csv()


# ---------------------------------------------------------------- the request only queues


def test_the_request_queues_and_the_worker_fits(researcher_client, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = researcher_client.post(url("research:estimate"), {"example": "Western", "method": "stepwise", "nboot": 50, "seed": 7})
    assert response.status_code == 302
    assert len(callbacks) == 1  # the task is enqueued once the run is committed
    run = EstimateRun.objects.get()
    assert run.state == RunState.QUEUED and run.result == {} and run.progress_total == 50 + 13
    page = researcher_client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200 and page["Refresh"] == "2"  # reloads itself, JavaScript or not
    assert "Queued" in body and 'id="cancel"' in body and "csrfmiddlewaretoken" in body
    assert researcher_client.get(url("research:run_json", run.pk)).status_code == 404  # no result yet

    run_worker()

    run.refresh_from_db()
    assert run.state == RunState.DONE and run.started_at and run.finished_at
    assert run.progress_done == run.progress_total == 63
    assert run.result["estimate"] == pytest.approx(2483, rel=0.005)
    page = researcher_client.get(response["Location"])
    assert "Refresh" not in page and 'id="estimate"' in page.content.decode()
    assert researcher_client.get(url("research:run_json", run.pk)).status_code == 200


# ---------------------------------------------------------------- cancellation


def test_core_bootstrap_stops_at_the_next_replicate() -> None:
    table = read_table(io.StringIO(example_csv("Western")))
    calls = {"fits": 0, "asked": 0}
    model = MSEModel(table, method="stepwise")
    y = table.cell_counts.astype(np.float64)

    def estimator(sample: np.ndarray) -> float:
        calls["fits"] += 1
        return float(sample.sum())

    def cancelled() -> bool:
        calls["asked"] += 1
        return calls["asked"] > 10

    with pytest.raises(EstimationCancelled):
        run_bootstrap(y, float(y.sum()), estimator, nboot=1000, seed=1, cancelled=cancelled)
    assert calls["fits"] == 10  # asked before the first and after each fit: stopped right after the 10th
    with pytest.raises(EstimationCancelled):
        model.fit(nboot=1000, seed=1, cancelled=lambda: True)


def test_cancel_a_queued_run(researcher_client, staff, organisations, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        researcher_client.post(url("research:estimate"), {"example": "Western", "method": "stepwise", "nboot": 50, "seed": 7})
    run = EstimateRun.objects.get()
    outsider = signed_in_client(make_staff("outside_researcher", organisations["ngo"], Role.RESEARCHER))
    assert outsider.post(url("research:run_cancel", run.pk)).status_code == 404
    assert researcher_client.get(url("research:run_cancel", run.pk)).status_code == 405
    run.refresh_from_db()
    assert run.state == RunState.QUEUED

    response = researcher_client.post(url("research:run_cancel", run.pk))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.state == RunState.CANCELLED and run.cancel_requested
    assert AuditEvent.objects.filter(action="estimate.cancelled", target_id=str(run.pk)).count() == 1
    run_worker()  # the task still runs, finds the run cancelled and leaves it
    run.refresh_from_db()
    assert run.state == RunState.CANCELLED and run.result == {}
    page = researcher_client.get(url("research:run", run.pk)).content.decode()
    assert "was cancelled" in page and 'id="cancel"' not in page
    # Cancelling again changes nothing and records nothing.
    researcher_client.post(url("research:run_cancel", run.pk))
    assert AuditEvent.objects.filter(action="estimate.cancelled").count() == 1


def test_cancel_without_csrf_token_is_refused(staff) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    client = signed_in_client(staff[Role.RESEARCHER])
    client.post(url("research:estimate"), {"example": "Western", "method": "stepwise", "nboot": 0, "seed": 7})
    run = EstimateRun.objects.get()
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    assert strict.post(url("research:run_cancel", run.pk)).status_code == 403
    run.refresh_from_db()
    assert run.state == RunState.QUEUED


# ---------------------------------------------------------------- failures and dead workers


def test_a_failed_fit_is_shown(researcher_client, staff, organisations) -> None:  # type: ignore[no-untyped-def]
    from tipnet.web.research.tasks import estimate_run_task

    # A row the request would have refused (damaged since): the worker must record the failure.
    run = EstimateRun.objects.create(
        created_by=staff[Role.RESEARCHER], organisation=organisations["other"], title="damaged",
        table_csv="A,B,count\n1,0,x\n", method="stepwise", nboot=10, seed=1,
    )
    estimate_run_task.enqueue(run.pk)
    run_worker()
    run.refresh_from_db()
    assert run.state == RunState.FAILED and "TableError" in run.error
    page = researcher_client.get(url("research:run", run.pk))
    assert page.status_code == 200 and "Refresh" not in page
    assert "The estimate failed" in page.content.decode()


def test_a_run_left_running_by_a_dead_worker_is_marked_failed(researcher_client, staff, organisations) -> None:  # type: ignore[no-untyped-def]
    long_ago = timezone.now() - timedelta(minutes=5)
    dead = EstimateRun.objects.create(
        created_by=staff[Role.RESEARCHER], organisation=organisations["other"], title="dead",
        table_csv=example_csv("Western"), method="stepwise", nboot=10, seed=1,
        state=RunState.RUNNING, started_at=long_ago, heartbeat_at=long_ago,
    )
    alive = EstimateRun.objects.create(
        created_by=staff[Role.RESEARCHER], organisation=organisations["other"], title="alive",
        table_csv=example_csv("Western"), method="stepwise", nboot=10, seed=1,
        state=RunState.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now(),
    )
    run_worker()  # a worker starting marks the dead worker's run failed
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.state == RunState.FAILED and "worker stopped" in dead.error
    assert alive.state == RunState.RUNNING  # another worker's heartbeat is fresh
    EstimateRun.objects.filter(pk=alive.pk).update(heartbeat_at=long_ago)
    assert "The estimate failed" in researcher_client.get(url("research:run", alive.pk)).content.decode()


# ---------------------------------------------------------------- the cost limit


def test_an_estimate_over_the_cost_limit_is_refused_with_what_to_change(researcher_client) -> None:  # type: ignore[no-untyped-def]
    table = simulated_csv(12)
    upload = SimpleUploadedFile("twelve.csv", table.encode())
    response = researcher_client.post(url("research:estimate"), {"table": upload, "method": "stepwise", "nboot": 5000, "seed": 1})
    assert response.status_code == 400
    body = response.content.decode()
    assert "this page allows 5" in body and "tipnet estimate" in body and "bootstrap replicates" in body
    assert not EstimateRun.objects.exists()
    # What the message offers is accepted.
    parsed = read_table(io.StringIO(table))
    cost = estimate_cost(method="stepwise", lists=12, cells=int((parsed.cell_counts > 0).sum()), nboot=5000)
    assert not cost.allowed and cost.seconds > MAX_SECONDS
    allowed = estimate_cost(method="stepwise", lists=12, cells=int((parsed.cell_counts > 0).sum()), nboot=cost.max_nboot)
    assert allowed.allowed


def test_bic_over_the_limit_suggests_another_method(researcher_client) -> None:  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile("six.csv", simulated_csv(6).encode())
    response = researcher_client.post(url("research:estimate"), {"table": upload, "method": "bic", "nboot": 1000, "seed": 1})
    assert response.status_code == 400
    assert "tipnet estimate" in response.content.decode()
    assert not EstimateRun.objects.exists()


# ---------------------------------------------------------------- Excel checked before conversion


def _xlsx_with_sheet(sheet_xml: bytes) -> bytes:
    """A real workbook whose first sheet's XML is replaced."""
    workbook = Workbook()
    workbook.active.append(["A", "B", "count"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = sheet_xml if item.filename == "xl/worksheets/sheet1.xml" else source.read(item.filename)
            target.writestr(item.filename, data)
    return out.getvalue()


def _many_rows_sheet(rows: int, dimension: str | None) -> bytes:
    head = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    if dimension:
        head += f'<dimension ref="{dimension}"/>'.encode()
    body = b"<row><c><v>1</v></c></row>" * rows  # rows and cells may omit their references: tiny once zipped
    return head + b"<sheetData>" + body + b"</sheetData></worksheet>"


@pytest.mark.parametrize("dimension", ["A1:A2000000", "A1:C4", None], ids=["true-dimension", "lying-dimension", "no-dimension"])
def test_a_sheet_of_two_million_rows_is_refused_at_once(researcher_client, dimension: str | None) -> None:  # type: ignore[no-untyped-def]
    data = _xlsx_with_sheet(_many_rows_sheet(2_000_000, dimension))
    assert len(data) < 2 * 1024 * 1024  # within the form's size limit (compressed)
    started = time.perf_counter()
    response = researcher_client.post(url("research:estimate"), {"table": SimpleUploadedFile("big.xlsx", data), "method": "stepwise", "nboot": 0, "seed": 1})
    elapsed = time.perf_counter() - started
    assert response.status_code == 400
    assert "The sheet is too large for a capture table" in response.content.decode()
    assert elapsed < 5, elapsed  # 59 s before the fix
    assert not EstimateRun.objects.exists()


def test_an_excel_file_with_a_dtd_is_refused(researcher_client) -> None:  # type: ignore[no-untyped-def]
    sheet = (
        b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY e "5">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>A</t></is></c><c r="B1" t="inlineStr"><is><t>B</t></is></c>'
        b'<c r="C1" t="inlineStr"><is><t>count</t></is></c></row>'
        b'<row r="2"><c r="A2"><v>1</v></c><c r="B2"><v>0</v></c><c r="C2"><v>&e;</v></c></row>'
        b'<row r="3"><c r="A3"><v>0</v></c><c r="B3"><v>1</v></c><c r="C3"><v>x&e;</v></c></row>'
        b"</sheetData></worksheet>"
    )
    response = researcher_client.post(url("research:estimate"), {"table": SimpleUploadedFile("dtd.xlsx", _xlsx_with_sheet(sheet)), "method": "stepwise", "nboot": 0, "seed": 1})
    assert response.status_code == 400
    assert "document type declaration" in response.content.decode()
    assert not EstimateRun.objects.exists()


# ---------------------------------------------------------------- no transaction held during the fit


PREPARE = """
import os, sys, django
os.environ["DJANGO_SETTINGS_MODULE"] = "tipnet.web.settings"
django.setup()
from tipnet.web.accounts.models import Organisation, User
from tipnet.web.accounts.roles import OrganisationType
from tipnet.web.research.services import estimate_run_create
org = Organisation.objects.create(name="Research NGO", type=OrganisationType.NGO)
user = User.objects.create(username="researcher")
run = estimate_run_create(actor=user, organisation=org, title="eight lists", table_csv=sys.stdin.read(),
                          method="stepwise", nboot=2000, seed=1)
print(run.pk)
"""


def test_a_running_fit_holds_no_write_lock_and_stops_when_cancelled(tmp_path: Path) -> None:
    """File SQLite, a real `tipnet worker` process: while it fits, another connection writes at
    once (before the fix the whole fit ran inside the request's write transaction); progress
    advances; a cancellation stops the fit within a replicate or two."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(TIPNET_DATA_DIR=str(tmp_path), TIPNET_MODE="demo")
    tipnet = tipnet_executable()
    subprocess.run([tipnet, "migrate"], env=env, check=True, capture_output=True, timeout=120)
    prepared = subprocess.run([sys.executable, "-c", PREPARE], input=simulated_csv(8), env=env, text=True,
                              capture_output=True, timeout=120, check=True)
    run_id = int(prepared.stdout.strip())
    database = tmp_path / "tipnet.sqlite3"
    assert database.exists()
    worker = subprocess.Popen([tipnet, "worker", "--interval", "0.1"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        db = sqlite3.connect(database, timeout=1.0, isolation_level=None)

        def row() -> tuple[str, int, int]:
            return db.execute("SELECT state, progress_done, progress_total FROM research_estimaterun WHERE id = ?", (run_id,)).fetchone()

        deadline = time.monotonic() + 60
        while row()[1] == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        state, first, total = row()
        assert state == "running" and 0 < first < total, row()
        # Writes from elsewhere go through at once (timeout 1 s): no lock is held by the fit.
        for _ in range(5):
            started = time.monotonic()
            db.execute("BEGIN IMMEDIATE")
            db.execute("UPDATE research_estimaterun SET title = title WHERE id = ?", (run_id,))
            db.execute("COMMIT")
            assert time.monotonic() - started < 0.5
            time.sleep(0.3)
        while row()[1] == first and time.monotonic() < deadline:
            time.sleep(0.1)
        state, later, _total = row()
        assert state == "running" and later > first  # progress advances
        db.execute("UPDATE research_estimaterun SET cancel_requested = 1 WHERE id = ?", (run_id,))
        asked = time.monotonic()
        while row()[0] == "running" and time.monotonic() - asked < 10:
            time.sleep(0.05)
        stopped_after = time.monotonic() - asked
        assert row()[0] == "cancelled"
        assert stopped_after < 2.0, stopped_after  # a replicate of eight lists takes about 0.01 s here
        assert row()[1] < total
    finally:
        worker.terminate()  # waits for a running task to end: the run above is over
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
