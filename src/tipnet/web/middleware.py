"""Headers that protect every response: nothing cached, no powerful features, same-origin only."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class PrivacyHeadersMiddleware:
    """Add no-store caching and restrictive feature policies to every non-static response.

    Why every page: a public page may hold a reporter's draft or a receipt, a staff page a victim's
    record; a shared phone or a proxy must keep neither.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store, max-age=0"
            response["Pragma"] = "no-cache"
        response.setdefault(
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
        )
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.setdefault("X-Robots-Tag", "noindex, nofollow" if request.path.find("/staff/") >= 0 else "all")
        return response


class MalformedRequestMiddleware:
    """Refuse, with HTTP 400 and a plain message, a request whose Content-Length is not a number.

    Why: Django reads it with int() when the body is first touched and a ValueError there becomes
    HTTP 500. gunicorn already refuses such requests; this keeps any other WSGI server (and the test
    client used by the fuzz tests) from turning bad input into a server error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = request.META.get("CONTENT_LENGTH", "")
        if length and not (isinstance(length, str) and length.strip().isdigit()):
            return HttpResponse(
                "Bad request: the Content-Length header is not a number.\n", status=400, content_type="text/plain"
            )
        return self.get_response(request)
