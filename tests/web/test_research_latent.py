"""The latent-class method and the methods compared on the research page (issue 15)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.web.conftest import signed_in_client, url
from tests.web.research_support import run_worker
from tipnet.core.estimation import simulate_table
from tipnet.web.accounts.models import AuditEvent
from tipnet.web.accounts.roles import Role
from tipnet.web.research.cost import MAX_SECONDS, estimate_cost, latent_seconds
from tipnet.web.research.models import EstimateRun, RunState


@pytest.fixture
def researcher_client(staff):  # type: ignore[no-untyped-def]
    return signed_in_client(staff[Role.RESEARCHER])


def test_latent_run_with_the_methods_compared(researcher_client, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        response = researcher_client.post(
            url("research:estimate"),
            {"example": "Western", "method": "latent", "nboot": 0, "seed": 3, "compare": "on"},
        )
    assert response.status_code == 302
    run = EstimateRun.objects.get()
    assert run.method == "latent" and run.compare
    assert AuditEvent.objects.filter(details__compare=True).exists()
    run_worker()
    run.refresh_from_db()
    assert run.state == RunState.DONE, run.error
    result = run.result
    assert result["method"] == "latent" and result["interval"] == "credible"
    assert result["ci_low"] <= result["estimate"] <= result["ci_high"]
    assert {"rhat", "ess", "chains"} <= set(result["diagnostics"])
    assert [row["method"] for row in result["comparison"]["methods"]] == ["stepwise", "latent", "chao"]
    body = researcher_client.get(url("research:run", run.pk)).content.decode()
    assert 'id="methods-compared"' in body and "Chao" in body and "Latent classes" in body
    assert 'id="latent-diagnostics"' in body and "R-hat" in body
    assert "95% credible interval" in body
    assert researcher_client.get(url("research:run_json", run.pk)).json()["comparison"]["methods"][2]["method"] == "chao"
    csv_text = researcher_client.get(url("research:run_csv", run.pk)).content.decode()
    assert "latent classes" in csv_text and "chao_lower_bound" in csv_text and "compared_stepwise" in csv_text


def test_without_the_comparison_chao_still_shows(researcher_client, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        researcher_client.post(url("research:estimate"), {"example": "Western", "method": "stepwise", "nboot": 0, "seed": 1})
    run_worker()
    run = EstimateRun.objects.get()
    assert not run.compare and run.state == RunState.DONE
    assert "comparison" not in run.result and run.result["chao"]["estimate"] > run.result["observed"]
    body = researcher_client.get(url("research:run", run.pk)).content.decode()
    assert 'id="methods-compared"' in body and "Chao" in body and "Latent classes" not in body


def test_the_form_offers_latent_and_the_comparison_checked() -> None:
    from tipnet.web.research.forms import EstimateForm

    form = EstimateForm()
    assert "latent" in dict(form.fields["method"].choices)
    assert form.fields["compare"].initial is True


def test_latent_cost_and_refusal_of_a_huge_table(researcher_client) -> None:  # type: ignore[no-untyped-def]
    # The sampler's cost grows with the non-empty cells, not the replicates.
    assert estimate_cost(method="latent", lists=5, cells=31, nboot=1000).seconds == pytest.approx(latent_seconds(31))
    assert estimate_cost(method="latent", lists=5, cells=31, nboot=0).allowed
    # The comparison adds the sampler to a log-linear estimate.
    plain = estimate_cost(method="stepwise", lists=5, cells=31, nboot=1000)
    compared = estimate_cost(method="stepwise", lists=5, cells=31, nboot=1000, compare=True)
    assert compared.seconds == pytest.approx(plain.seconds + latent_seconds(31))
    assert compared.max_nboot < plain.max_nboot
    # 12 lists, 20,000 people spread over nearly all 4,095 cells: more than the page allows.
    probabilities = [0.5] * 12
    table = simulate_table(20000, probabilities, seed=1).table
    cells = int((table.cell_counts > 0).sum())
    assert latent_seconds(cells) > MAX_SECONDS
    upload = SimpleUploadedFile("twelve.csv", table.to_csv().encode())
    response = researcher_client.post(url("research:estimate"), {"table": upload, "method": "latent", "nboot": 0, "seed": 1})
    assert response.status_code == 400
    assert "tipnet estimate" in response.content.decode()
    assert not EstimateRun.objects.exists()


def test_a_forged_method_is_refused(researcher_client) -> None:  # type: ignore[no-untyped-def]
    response = researcher_client.post(url("research:estimate"), {"example": "Western", "method": "latent; drop", "nboot": 0, "seed": 1})
    assert response.status_code == 400 and not EstimateRun.objects.exists()
