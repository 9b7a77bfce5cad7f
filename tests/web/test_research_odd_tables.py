"""The research page refuses odd tables (issue 15) with a 400 and a reason, never a 500, and
queues nothing: tables no model can answer, huge counts, and it reads the same semicolon, tab and
Excel files as the command line (one reader in core)."""

from __future__ import annotations

import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from tests.web.conftest import signed_in_client, url
from tipnet.web.accounts.roles import Role
from tipnet.web.research.models import EstimateRun


@pytest.fixture
def researcher_client(staff):  # type: ignore[no-untyped-def]
    return signed_in_client(staff[Role.RESEARCHER])


def post(client, content: bytes, name: str = "table.csv", method: str = "stepwise", lang: str = "en"):  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile(name, content)
    return client.post(url("research:estimate", lang=lang), {"table": upload, "method": method, "nboot": 0, "seed": 1})


ODD = [
    (b"A,B,count\n1,0,30\n0,1,40\n", "No one appears on more than one of the 2 lists"),
    (b"A,B,C,count\n1,0,0,30\n0,1,0,40\n0,0,1,20\n", "No one appears on more than one of the 3 lists"),
    (b"A,B,C,D,count\n1,0,0,0,3\n0,1,0,0,4\n0,0,1,0,2\n0,0,0,1,9\n", "more than one of the 4 lists"),
    (b"A,B,C,count\n1,0,0,30\n1,1,0,40\n1,0,1,20\n1,1,1,5\n", "Everyone seen is on the list A"),
    (b"A,B,count\n1,0,30\n1,1,40\n", "Everyone seen is on the list A"),  # B inside A
    (b"A,B,count\n1,0,1e19\n0,1,40\n1,1,3\n", "more than 1,000,000,000,000 people"),
    (b"A,B,count\n1,0,5000000000000000000\n0,1,5000000000000000000\n1,1,3\n", "more than 1,000,000,000,000 people"),
    (b"A;B;total\n1;0;5\n", "There is no 'count' column"),
    (b"count;A,count\n1;0,5\n", "more than one separator"),
]


@pytest.mark.parametrize("method", ["stepwise", "aic", "bic"])
@pytest.mark.parametrize(("content", "message"), ODD)
def test_odd_tables_are_refused_with_a_reason(researcher_client, content: bytes, message: str, method: str) -> None:  # type: ignore[no-untyped-def]
    response = post(researcher_client, content, method=method)
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert not EstimateRun.objects.exists()


def test_a_refusal_is_in_the_page_language(researcher_client) -> None:  # type: ignore[no-untyped-def]
    # Needs the Japanese catalogue filled from i18n-pending/odd.json (after the merge).
    response = post(researcher_client, b"A,B,count\n1,0,30\n0,1,40\n", lang="ja")
    assert response.status_code == 400
    assert "2つのリスト" in response.content.decode()
    assert not EstimateRun.objects.exists()


@pytest.mark.parametrize("sep", [b";", b"\t"])
def test_semicolon_and_tab_tables_are_accepted(researcher_client, sep: bytes) -> None:  # type: ignore[no-untyped-def]
    content = b"A,B,C,count\n1,0,0,54\n0,1,0,46\n0,0,1,30\n1,1,0,15\n1,0,1,9\n0,1,1,7\n1,1,1,2\n".replace(b",", sep)
    response = post(researcher_client, content)
    assert response.status_code == 302
    assert EstimateRun.objects.count() == 1


def test_an_excel_table_no_model_can_answer_is_refused(researcher_client) -> None:  # type: ignore[no-untyped-def]
    workbook = Workbook()
    sheet = workbook.active
    for row in (["A", "B", "count"], [1, 0, 30], [0, 1, 40]):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = post(researcher_client, buffer.getvalue(), name="disjoint.xlsx")
    assert response.status_code == 400
    assert "No one appears on more than one of the 2 lists" in response.content.decode()
    assert not EstimateRun.objects.exists()


def test_a_degenerate_bca_shows_the_percentile_interval(researcher_client, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    from tests.core.estimation.test_degenerate_bca import ONE_SIDED
    from tests.web.research_support import run_worker

    upload = SimpleUploadedFile("one-sided.csv", ONE_SIDED.encode())
    with django_capture_on_commit_callbacks(execute=True):
        response = researcher_client.post(url("research:estimate"), {"table": upload, "method": "stepwise", "nboot": 200, "seed": 1})
    assert response.status_code == 302
    run_worker()
    run = EstimateRun.objects.get()
    assert run.result["bootstrap_interval"] == "percentile"
    body = html.unescape(researcher_client.get(response["Location"]).content.decode())
    assert 'id="percentile"' in body and 'id="bca"' not in body
    assert "Percentile bootstrap 95% interval (BCa degenerate, see the warnings)" in body
    assert "The BCa interval cannot be quoted (94% of the replicates fall below the estimate)" in body
    csv_text = researcher_client.get(url("research:run_csv", run.pk)).content.decode()
    assert "bootstrap_interval,percentile" in csv_text and "percentile_low," in csv_text


def test_the_page_groups_thousands(researcher_client, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    from tests.web.research_support import run_worker

    with django_capture_on_commit_callbacks(execute=True):
        response = researcher_client.post(url("research:estimate"), {"example": "UKdat_5", "method": "stepwise", "nboot": 0, "seed": 1})
    run_worker()
    body = researcher_client.get(response["Location"]).content.decode()
    assert '<dd id="observed">2,744</dd>' in body and '<dd id="estimate">11,313</dd>' in body
