"""Schemathesis on the case, consent and referral endpoints (tag ``cases``), from the served
OpenAPI document: no server error and every response as documented. Fewer examples per operation
than the directory's fuzzing (test_api_openapi.py): there are 16 operations here, and the suite has
a time budget; the token is a write token with a key unlock, of a caseworker who has cases, so the
generated requests reach the services and not only the 404s."""

from __future__ import annotations

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.web.cases_support import intake_content
from tests.web.conftest import make_staff
from tipnet.core import crypto
from tipnet.web.accounts import keys
from tipnet.web.accounts.models import Organisation
from tipnet.web.accounts.roles import OrganisationType, Role
from tipnet.web.api import ratelimit
from tipnet.web.api.tokens import token_create
from tipnet.web.cases import services
from tipnet.web.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application).include(tag="cases")
# The coverage phase (boundary values of every field, every unexpected method) sends about 1,300
# requests to these 16 operations, two thirds of them to the two big bodies: it ran clean when the
# endpoints were written (2026-12-06) and is off here for the suite's time budget; the fuzzing phase
# and the explicit bad-input tests in test_api_cases.py run every time.
schema.config.phases.coverage.enabled = False

_KEYRING: list[tuple[crypto.Keyring, bytes]] = []


def _keyring() -> tuple[crypto.Keyring, bytes]:
    """One key pair for every operation's test (each Argon2id derivation takes a second here)."""
    if not _KEYRING:
        keyring, _code = crypto.keyring_create(password="fuzz fuzz fuzz 9")
        _KEYRING.append((keyring, crypto.keyring_unlock(keyring, password="fuzz fuzz fuzz 9")))
    return _KEYRING[0]


@pytest.fixture
def api_token(db) -> str:  # type: ignore[no-untyped-def]
    organisation = Organisation.objects.create(name="Fuzz NGO", type=OrganisationType.NGO)
    Organisation.objects.create(name="Fuzz shelter", type=OrganisationType.NGO)
    user = make_staff("case_fuzzer", organisation, Role.CASEWORKER)
    keyring, private_key = _keyring()
    keys.keyring_store(user, keyring)
    services.case_open(actor=user, organisation=organisation, content=intake_content("Fuzz Person"),
                       consents={"interview"}, private_key=private_key)
    return token_create(actor=None, user=user, scope="write", private_key=private_key).secret


@pytest.fixture(autouse=True)
def _fresh_api_limits():  # type: ignore[no-untyped-def]
    ratelimit.reset()
    yield
    ratelimit.reset()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():  # type: ignore[no-untyped-def]
    """As in test_api_openapi.py: the WSGI end-of-request signal must not close the test's connection."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_case_endpoints_conform_to_their_schema(case, api_token, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TIPNET_API_RATE_LIMITS = {"token_per_minute": 10**6, "public_per_minute": 10**6}
    response = case.call(headers={"Authorization": f"Bearer {api_token}"})
    case.validate_response(response, checks=[schemathesis.checks.not_a_server_error,
                                              schemathesis.specs.openapi.checks.response_schema_conformance])
    json.loads(response.text or "null")
