"""Headers that protect every response: nothing cached, no powerful features, same-origin only."""

from __future__ import annotations

import codecs
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.http import parse_header_parameters


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


def _usable_charset(charset: str) -> bool:
    """True when Django can decode a form body in ``charset`` the way it does (errors="replace").

    Python knows codecs that are not text encodings (``rot13``) or that refuse "replace" (``idna``);
    Django would raise on them deep in the form parser, an HTTP 500 (tests/web/test_fuzz_public.py)."""
    try:
        if not getattr(codecs.lookup(charset), "_is_text_encoding", True):
            return False
        b"a=1".decode(charset, "replace")
        "a".encode(charset)
    except (LookupError, UnicodeError, ValueError, TypeError):
        return False
    return True


class MalformedRequestMiddleware:
    """Refuse, with HTTP 400 and a plain message, a request whose Content-Length is not a number or
    whose Content-Type names a charset Python cannot decode a form with.

    Why: Django reads Content-Length with int() when the body is first touched, and decodes the form
    in the declared charset; an error in either becomes HTTP 500. gunicorn already refuses a bad
    Content-Length; this keeps any other WSGI server (and the test client used by the fuzz tests)
    from turning bad input into a server error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = request.META.get("CONTENT_LENGTH", "")
        if length and not (isinstance(length, str) and length.strip().isdigit()):
            return HttpResponse(
                "Bad request: the Content-Length header is not a number.\n", status=400, content_type="text/plain"
            )
        _type, params = parse_header_parameters(request.META.get("CONTENT_TYPE", ""))
        charset = params.get("charset", "")
        if charset and not _usable_charset(charset):
            return HttpResponse(
                "Bad request: the Content-Type names a character set that cannot be read.\n",
                status=400, content_type="text/plain",
            )
        return self.get_response(request)
