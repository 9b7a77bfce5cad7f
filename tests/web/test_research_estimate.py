"""The research page: a researcher estimates hidden victims from a table, over HTTP.

The request queues the run; the real task worker (`tipnet worker --batch`) fits it
(tests/web/test_research_tasks.py covers the queue itself).
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from tests.support import SHARED
from tests.web.conftest import signed_in_client, url
from tests.web.research_support import run_worker
from tipnet.web.accounts.models import AuditEvent
from tipnet.web.accounts.roles import Role
from tipnet.web.research.models import EstimateRun


@pytest.fixture
def researcher_client(staff):  # type: ignore[no-untyped-def]
    return signed_in_client(staff[Role.RESEARCHER])


@pytest.fixture
def estimate(researcher_client, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """POST the form (the task is enqueued on commit), then let the worker run it."""

    def post(data: dict[str, object]):  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            response = researcher_client.post(url("research:estimate"), data)
        run_worker()
        return response

    return post


def test_example_table_gives_the_published_estimate(researcher_client, estimate) -> None:  # type: ignore[no-untyped-def]
    response = estimate({"example": "UKdat_5", "method": "stepwise", "nboot": 0, "seed": 1})
    assert response.status_code == 302
    run = EstimateRun.objects.get()
    # SparseMSE 2.0.2 on UKdat_5: 11,312.99 (../shared/data/README.md).
    assert run.result["estimate"] == pytest.approx(11313, rel=0.005)
    page = researcher_client.get(response["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    assert "11313" in body or "11,313" in body
    assert "data:image/svg+xml;base64," in body
    assert AuditEvent.objects.filter(action="estimate.run", target_id=str(run.pk)).exists()


def test_uploaded_csv_with_bootstrap_and_downloads(researcher_client, estimate) -> None:  # type: ignore[no-untyped-def]
    data = (SHARED / "data" / "mse" / "Western.csv").read_bytes()
    upload = SimpleUploadedFile("western.csv", data, content_type="text/csv")
    response = estimate({"table": upload, "method": "stepwise", "nboot": 100, "seed": 7})
    assert response.status_code == 302, response.content.decode()[:2000]
    run = EstimateRun.objects.get()
    downloaded = researcher_client.get(url("research:run_json", run.pk))
    payload = json.loads(downloaded.content)
    # Chan, Silverman & Vincent (2021) sec. 4.2: Western, stepwise selects A:E, estimate 2483.
    assert payload["estimate"] == pytest.approx(2483, rel=0.005)
    assert payload["bca_low"] is not None and payload["bca_low"] < payload["estimate"] < payload["bca_high"]
    # With 100 replicates an end may be the most extreme replicate: its error is then unknown.
    errors = [payload["bca_low_mc_se"], payload["bca_high_mc_se"]]
    assert all(e is None or e > 0 for e in errors) and any(e is not None for e in errors)
    page = researcher_client.get(url("research:run", run.pk)).content.decode()
    assert 'id="bca-mc"' in page and "Monte-Carlo error" in page
    assert ("not estimable" in page) == (None in errors)
    csv_text = researcher_client.get(url("research:run_csv", run.pk)).content.decode()
    assert csv_text.startswith("field,value") and "estimate," in csv_text
    exports = AuditEvent.objects.filter(action="export", target_id=str(run.pk)).count()
    assert exports == 2


def test_excel_upload(estimate) -> None:  # type: ignore[no-untyped-def]
    workbook = Workbook()
    sheet = workbook.active
    for row in (SHARED / "data" / "mse" / "Kosovo.csv").read_text().splitlines():
        sheet.append([int(c) if c.isdigit() else c for c in row.split(",")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("kosovo.xlsx", buffer.getvalue())
    response = estimate({"table": upload, "method": "stepwise", "nboot": 0, "seed": 1})
    assert response.status_code == 302
    assert EstimateRun.objects.get().result["observed"] == 4400


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"A,B,count\n1,0,5\n0,1,-3\n", b"negative"),
        (b"A,B,count\n1,0,5\n1,0,2\n", b"repeats row 1"),
        (b"A,B,count\n2,0,5\n", b"must be 0 or 1"),
        (b"A,count\n1,5\n", b"two lists"),
        (b"\xff\xfe\x00garbage", b"not UTF-8"),
    ],
)
def test_bad_table_is_refused_and_nothing_is_saved(researcher_client, content: bytes, message: bytes) -> None:  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile("bad.csv", content)
    response = researcher_client.post(url("research:estimate"), {"table": upload, "method": "stepwise", "nboot": 0, "seed": 1})
    assert response.status_code == 400
    assert message in response.content
    assert not EstimateRun.objects.exists()


def test_no_table_and_bad_options_are_refused(researcher_client) -> None:  # type: ignore[no-untyped-def]
    response = researcher_client.post(url("research:estimate"), {"method": "stepwise", "nboot": 0, "seed": 1})
    assert response.status_code == 400 and b"Upload a table or choose an example." in response.content
    response = researcher_client.post(url("research:estimate"), {"example": "UKdat_5", "method": "magic", "nboot": -1, "seed": 1})
    assert response.status_code == 400
    assert not EstimateRun.objects.exists()


def test_runs_of_another_organisation_are_not_found(staff, organisations, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    from tests.web.conftest import make_staff
    from tipnet.web.research.examples import example_csv
    from tipnet.web.research.services import estimate_run_create

    with django_capture_on_commit_callbacks(execute=True):
        run = estimate_run_create(
            actor=staff[Role.RESEARCHER], organisation=organisations["other"], title="x",
            table_csv=example_csv("Western"), method="stepwise", nboot=0, seed=1,
        )
    run_worker()
    outsider = make_staff("outside_researcher", organisations["ngo"], Role.RESEARCHER)
    client = signed_in_client(outsider)
    for name in ("research:run", "research:run_json", "research:run_csv"):
        assert client.get(url(name, run.pk)).status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()
