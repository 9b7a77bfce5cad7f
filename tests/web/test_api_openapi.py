"""The OpenAPI document: served, checked in (stale copy fails), and fuzzed with Schemathesis
against the live application (bounded: few examples per operation, no deadline surprises)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, settings

from tests.web.conftest import make_staff
from tipnet.web.accounts.models import Organisation
from tipnet.web.accounts.roles import OrganisationType, Role
from tipnet.web.api import ratelimit
from tipnet.web.api.api import dump_openapi
from tipnet.web.api.tokens import token_create
from tipnet.web.directory.seed import directory_seed
from tipnet.web.wsgi import application

CHECKED_IN = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_served_document_is_openapi_3(db) -> None:  # type: ignore[no-untyped-def]
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) >= {"/api/v1/services", "/api/v1/services/{service_id}", "/api/v1/me",
                                      "/api/v1/htcds/schema", "/api/v1/htcds/validate",
                                      "/api/v1/imports", "/api/v1/imports/{job_id}"}
    assert {"/api/v1/cases", "/api/v1/cases/{case_id}", "/api/v1/referrals"} <= set(document["paths"])  # test_api_cases_fuzz.py


def test_checked_in_copy_is_current() -> None:
    """Regenerate with: uv run tipnet openapi > docs/openapi.json"""
    assert CHECKED_IN.read_text() == dump_openapi(), "docs/openapi.json is stale: regenerate it (docs/api.md)"


# Loaded from the served document, as a client would.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture
def api_token(db) -> str:  # type: ignore[no-untyped-def]
    directory_seed(demo=True)
    organisation = Organisation.objects.create(name="Fuzz NGO", type=OrganisationType.NGO)
    user = make_staff("fuzzer", organisation, Role.CASEWORKER)
    return token_create(actor=None, user=user, scope="write").secret


@pytest.fixture(autouse=True)
def _fresh_api_limits():  # type: ignore[no-untyped-def]
    ratelimit.reset()
    yield
    ratelimit.reset()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():  # type: ignore[no-untyped-def]
    """Schemathesis calls the WSGI application itself, whose end-of-request signal would close the
    test's database connection (on PostgreSQL); Django's test client disconnects it the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.exclude(tag="cases").parametrize()  # the case endpoints: test_api_cases_fuzz.py, fewer examples
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, api_token, settings) -> None:  # type: ignore[no-untyped-def]
    """No server error and every response as documented, for generated requests with and without
    a valid token."""
    settings.TIPNET_API_RATE_LIMITS = {"token_per_minute": 10**6, "public_per_minute": 10**6}
    response = case.call(headers={"Authorization": f"Bearer {api_token}"})
    case.validate_response(response, checks=[schemathesis.checks.not_a_server_error,
                                              schemathesis.specs.openapi.checks.response_schema_conformance])
    json.loads(response.text or "null")
