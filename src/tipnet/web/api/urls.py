"""API URLs (mounted at /api/ in tipnet.web.urls) and the staff token page (under /<lang>/staff/)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path

from tipnet.web.api import views
from tipnet.web.api.api import api, openapi_view


def _json_405(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """django-ninja answers a method it does not route with a plain-text 405; clients get the same
    JSON error shape as for every other error (errors.py)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            refused = JsonResponse({"error": {"code": "method_not_allowed", "message": "Method not allowed."}},
                                   status=405)
            refused["Allow"] = response.get("Allow", "")
            return refused
        return response

    return wrapper


_patterns, _app_name, _namespace = api.urls
# ninja's root view only ever answers 404 (it points at the interactive docs, switched off here);
# the document is served at /api/openapi.json instead.
_patterns = [p for p in _patterns if p.name != "api-root"]
for _pattern in _patterns:
    _pattern.callback = _json_405(_pattern.callback)

api_urlpatterns = [
    path("openapi.json", openapi_view, name="openapi"),
    path("v1/", include((_patterns, _app_name), namespace=_namespace)),
]

app_name = "apitokens"

urlpatterns = [
    path("", views.tokens_view, name="tokens"),
    path("<int:token_id>/revoke/", views.token_revoke_view, name="revoke"),
]
