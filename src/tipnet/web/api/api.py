"""The JSON API under /api/v1/ (django-ninja). Thin: parse, check the token and the rate limit,
call a selector or core function, return. The OpenAPI 3 document is served at /api/openapi.json
and checked into docs/openapi.json (tests/web/test_api_openapi.py fails when it is stale).

Authentication is a personal token as a bearer credential (``Authorization: Bearer tipnet_...``),
never the session cookie, so no page's session can be used from another site's script and no CSRF
token is needed.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.views.decorators.http import require_GET
from ninja import NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from tipnet.core.standard import HTCDS, read_htcds_records
from tipnet.web.api import ratelimit
from tipnet.web.api.cases_api import router as cases_router
from tipnet.web.api.errors import ApiError
from tipnet.web.api.models import ApiToken
from tipnet.web.api.schemas import (
    ErrorOut,
    HtcdsSchemaOut,
    MeOut,
    ServiceListOut,
    ServiceOut,
    ValidateIn,
    ValidateOut,
)
from tipnet.web.api.selectors import me_summary
from tipnet.web.api.tokens import token_authenticate
from tipnet.web.directory.forms import SEARCH_PARAMETERS, SearchForm, unknown_parameters
from tipnet.web.directory.selectors import SearchFilters, search_outcome, service_public
from tipnet.web.directory.views import plain_text, service_json
from tipnet.web.interchange.api import router as imports_router

VERSION = "1.0.0"
LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``; every failure is an ApiError with its own code."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        api_token = token_authenticate(token)
        if not ratelimit.allow_token(api_token.key_id):
            raise ApiError(429, "rate_limited", "Too many requests with this token. Wait a minute.")
        return api_token


api = NinjaAPI(
    title="tipnet API",
    version=VERSION,
    description="The services directory (public) and a token's own account. See docs/api.md.",
    urls_namespace="api",
    docs_url=None,  # the interactive page loads scripts from another origin; the CSP forbids it
    openapi_url=None,  # served at /api/openapi.json by openapi_view below
)


def _error(request: HttpRequest, status: int, code: str, message: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, ApiError(status, code, message, **extra).body(), status=status)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return api.create_response(request, exc.body(), status=exc.status)


@api.exception_handler(AuthenticationError)
def _no_token(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "token_missing", "Send a token: Authorization: Bearer tipnet_...")


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = [
        {"field": ".".join(str(p) for p in e.get("loc", ())[1:]), "code": e.get("type", ""), "message": e.get("msg", "")}
        for e in exc.errors
    ]
    in_query = any(e.get("loc", ("",))[0] == "query" for e in exc.errors)
    if in_query:
        return _error(request, 400, "invalid_query", "The query is not valid.", problems=problems)
    return _error(request, 422, "invalid_body", "The request body does not match the schema.", problems=problems)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:
        return _error(request, 400, "malformed_json", "The request body is not valid JSON.")
    code = {404: "not_found", 405: "method_not_allowed", 429: "rate_limited"}.get(exc.status_code, "error")
    return _error(request, exc.status_code, code, str(exc))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", "Not found.")


# --- the services directory (public, read-only) ---------------------------------------------------


class ServiceQuery(Schema):
    need: str = ""
    language: str = ""
    prefecture: str = ""
    sex: str = ""
    age: str = ""
    lang: str = "en"


def _language(lang: str) -> str:
    if lang not in LANGUAGE_CODES:
        raise ApiError(400, "invalid_query", "Unknown lang.", problems=[
            {"field": "lang", "code": "not_allowed", "message": "One of: " + ", ".join(LANGUAGE_CODES)}])
    return lang


def _public_allowed(request: HttpRequest) -> None:
    if not ratelimit.allow_public(request):
        raise ApiError(429, "rate_limited", "Too many requests. Wait a minute.")


@api.get("/services", response={200: ServiceListOut, 400: ErrorOut, 429: ErrorOut}, tags=["directory"])
def services_list(request: HttpRequest, query: Query[ServiceQuery]) -> Any:
    """Published services that fit the filters, local ones first, with the same notices and near
    misses as the public search and services.json (docs/directory.md)."""
    _public_allowed(request)
    language = _language(query.lang)
    params = {k: v for k, v in request.GET.items() if k != "lang"}
    problems = [{"field": name, "code": "unknown_filter", "message": "Unknown filter."} for name in unknown_parameters(params)]
    with translation.override(language):
        form = SearchForm({k: params.get(k, "") for k in SEARCH_PARAMETERS})
        if not problems and params and not form.is_valid():
            problems = [{"field": name, "code": "invalid", "message": str(error)}
                        for name, errors in form.errors.items() for error in errors]
        if problems:
            raise ApiError(400, "invalid_query", "The query is not valid.", problems=problems)
        outcome = search_outcome(form.filters() if params else SearchFilters())
        return plain_text({
            "language": language,
            "count": len(outcome.results),
            "services": [service_json(s, language) for s in outcome.results],
            "notices": [{"code": n.code, "title": str(n.title), "text": str(n.text)} for n in outcome.notices],
            "near_misses": [service_json(s, language) for s in outcome.near_misses],
        })


@api.get("/services/{service_id}", response={200: ServiceOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
         tags=["directory"])
def services_get(request: HttpRequest, service_id: int, lang: str = "en") -> Any:
    """One published service."""
    _public_allowed(request)
    language = _language(lang)
    service = service_public(service_id=service_id) if 0 < service_id < 2**63 else None
    if service is None:
        raise ApiError(404, "not_found", "No published service has this id.")
    with translation.override(language):
        return plain_text(service_json(service, language))


# --- HTCDS ------------------------------------------------------------------------------------------


@api.get("/htcds/schema", response={200: HtcdsSchemaOut, 429: ErrorOut}, tags=["htcds"])
def htcds_schema(request: HttpRequest) -> Any:
    """The HTCDS v2.0 fields tipnet reads and writes: names, types, allowed values (IOM, CC BY 4.0)."""
    _public_allowed(request)
    return HTCDS.to_dict()


@api.post("/htcds/validate", auth=TokenAuth(),
          response={200: ValidateOut, 400: ErrorOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut}, tags=["htcds"])
def htcds_validate(request: HttpRequest, body: ValidateIn) -> Any:
    """Check HTCDS records (typed JSON) before an import: every problem by row and field, with
    stable codes. Nothing is stored."""
    return read_htcds_records(body.records).to_dict()


# --- the token's own account -------------------------------------------------------------------------


@api.get("/me", auth=TokenAuth(), response={200: MeOut, 401: ErrorOut, 429: ErrorOut}, tags=["account"])
def me(request: HttpRequest) -> Any:
    """The token's user: confirmed roles by organisation, as the pages apply them at this moment."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    return {**me_summary(user=token.user), "token_scope": token.scope, "token_expires_at": token.expires_at.isoformat()}


api.add_router("", cases_router, auth=TokenAuth())  # cases, consents, referrals (cases_api.py)

api.add_router("/imports", imports_router, auth=TokenAuth())  # HTCDS imports (tipnet.web.interchange)


def openapi_document() -> dict[str, Any]:
    return api.get_openapi_schema(path_prefix="/api/v1/")


@require_GET
def openapi_view(request: HttpRequest) -> HttpResponse:
    """The OpenAPI 3 document (also checked in as docs/openapi.json)."""
    return JsonResponse(openapi_document(), json_dumps_params={"ensure_ascii": False, "indent": 1})


def dump_openapi() -> str:
    return json.dumps(openapi_document(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
