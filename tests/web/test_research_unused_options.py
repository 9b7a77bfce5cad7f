"""The research page refuses bootstrap replicates with the latent method (400, nothing queued):
the latent-class method has a credible interval, so replicates would be silently ignored (issue 15)."""

from __future__ import annotations

import pytest
from django.utils.translation import override

from tests.web.conftest import signed_in_client, url
from tipnet.core.estimation import MSEModel, simulate_table
from tipnet.web.accounts.models import AuditEvent
from tipnet.web.accounts.roles import Role
from tipnet.web.research import services
from tipnet.web.research.models import EstimateRun


@pytest.fixture
def researcher_client(staff):  # type: ignore[no-untyped-def]
    return signed_in_client(staff[Role.RESEARCHER])


@pytest.mark.parametrize("nboot", [1, 1000, 5000])
def test_latent_with_replicates_is_refused(researcher_client, nboot: int) -> None:  # type: ignore[no-untyped-def]
    with override("en"):
        response = researcher_client.post(
            url("research:estimate"), {"example": "Western", "method": "latent", "nboot": nboot, "seed": 1}
        )
    assert response.status_code == 400
    body = response.content.decode()
    assert "does not use bootstrap replicates" in body and "Set the replicates to 0" in body
    assert not EstimateRun.objects.exists()
    assert not AuditEvent.objects.filter(action="estimate.run").exists()


def test_the_service_refuses_it_too(staff) -> None:  # type: ignore[no-untyped-def]
    from tipnet.web.accounts.access import organisations_where
    from tipnet.web.research.selectors import RESEARCH_ROLES

    user = staff[Role.RESEARCHER]
    with pytest.raises(services.ResearchInputError):
        services.estimate_run_create(
            actor=user, organisation=organisations_where(user, *RESEARCH_ROLES)[0], title="t",
            table_csv="A,B,count\n1,0,5\n0,1,6\n1,1,2\n", method="latent", nboot=100, seed=1,
        )
    assert not EstimateRun.objects.exists()


def test_log_linear_methods_keep_their_replicates(researcher_client) -> None:  # type: ignore[no-untyped-def]
    response = researcher_client.post(
        url("research:estimate"), {"example": "Western", "method": "stepwise", "nboot": 200, "seed": 1}
    )
    assert response.status_code == 302
    assert EstimateRun.objects.get().nboot == 200


def test_core_refuses_a_bootstrap_for_the_latent_method() -> None:
    table = simulate_table(300, [0.3, 0.4, 0.2], seed=1).table
    with pytest.raises(ValueError, match="nboot is not used by the latent method"):
        MSEModel(table, method="latent").fit(nboot=10, seed=1, warn=False)
