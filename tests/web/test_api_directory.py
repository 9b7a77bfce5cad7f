"""The services directory over /api/v1/: public, read-only, the same results and notices as the
public services.json (both use directory.selectors.search_outcome)."""

from __future__ import annotations

import pytest
from django.test import Client

from tipnet.web.api import ratelimit
from tipnet.web.directory.models import Service
from tipnet.web.directory.seed import directory_seed


@pytest.fixture(autouse=True)
def _fresh_api_limits():  # type: ignore[no-untyped-def]
    ratelimit.reset()
    yield
    ratelimit.reset()


@pytest.fixture
def seeded(db) -> int:  # type: ignore[no-untyped-def]
    return directory_seed(demo=True)


QUERY = {"need": "shelter", "language": "vi", "prefecture": "Aichi", "sex": "male", "age": "30"}


def test_same_answer_as_the_public_json(seeded) -> None:  # type: ignore[no-untyped-def]
    api = Client().get("/api/v1/services", {**QUERY, "lang": "vi"})
    public = Client().get("/vi/help/services.json", QUERY)
    assert api.status_code == 200 and api["Content-Type"].startswith("application/json")
    assert api.json() == public.json()
    notices = [n["code"] for n in api.json()["notices"]]
    assert notices == ["no_public_shelter_for_men", "no_service_fits", "language_near_misses"]


def test_list_without_filters_and_one_service(seeded) -> None:  # type: ignore[no-untyped-def]
    body = Client().get("/api/v1/services").json()
    assert body["count"] == Service.objects.filter(is_published=True).count() == len(body["services"])
    first = body["services"][0]
    one = Client().get(f"/api/v1/services/{first['id']}").json()
    assert one == first


def test_unpublished_and_missing_services_are_the_same_404(seeded) -> None:  # type: ignore[no-untyped-def]
    hidden = Service.objects.first()
    assert hidden is not None
    Service.objects.filter(pk=hidden.pk).update(is_published=False)
    for service_id in (hidden.pk, 999999, 10**30):
        response = Client().get(f"/api/v1/services/{service_id}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(("params", "field"), [
    ({"colour": "red"}, "colour"),
    ({"age": "old"}, "age"),
    ({"language": "xx"}, "language"),
    ({"lang": "klingon"}, "lang"),
])
def test_bad_queries_get_invalid_query(seeded, params: dict[str, str], field: str) -> None:  # type: ignore[no-untyped-def]
    response = Client().get("/api/v1/services", params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_query"
    assert [p["field"] for p in error["problems"]] == [field]


def test_read_only(seeded) -> None:  # type: ignore[no-untyped-def]
    for method in ("post", "put", "delete", "patch"):
        response = getattr(Client(), method)("/api/v1/services")
        assert response.status_code == 405
    assert Service.objects.count() == seeded


def test_public_rate_limit_per_client(seeded, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TIPNET_API_RATE_LIMITS = {"public_per_minute": 2}
    statuses = [Client().get("/api/v1/services").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert Client(REMOTE_ADDR="192.0.2.9").get("/api/v1/services").status_code == 200


def test_htcds_schema_is_public(db) -> None:  # type: ignore[no-untyped-def]
    body = Client().get("/api/v1/htcds/schema").json()
    assert body["version"] == "2.0" and len(body["fields"]) == 84
