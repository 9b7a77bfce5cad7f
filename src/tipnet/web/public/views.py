"""Public pages. They set no cookie, store nothing about the visitor and work without JavaScript."""

from __future__ import annotations

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _


def home_view(request: HttpRequest) -> HttpResponse:
    return render(request, "public/home.html")


def _error_page(request: HttpRequest, *, title: str, message: str, status: int) -> HttpResponse:
    """One plain error page in the visitor's language; it never reads the request body."""
    return render(request, "public/error.html", {"title": title, "message": message}, status=status)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A forged or expired form token: explain plainly, in the visitor's language; nothing was saved."""
    return _error_page(
        request,
        title=_("The form has expired"),
        message=_(
            "For your safety, this form can only be sent from this site and for a limited time. "
            "Nothing was saved. Please go back, reload the page and send it again."
        ),
        status=403,
    )


# Error pages. Django's defaults are wrapped in ``requires_csrf_token``, which runs the CSRF check
# again and so reads the request body a second time: a body that could not be parsed (a form
# declared in UTF-16, a multipart body without a boundary) then raised inside the error handler,
# and the visitor got HTTP 500 instead of 400. These handlers never touch the body.


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """HTTP 400: a request the server cannot read. Plain words, nothing saved."""
    return _error_page(
        request,
        title=_("The request could not be read"),
        message=_(
            "Your browser sent something this site cannot read. Nothing was saved. "
            "Please go back, reload the page and try again."
        ),
        status=400,
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(
        request, title=_("Not allowed"), message=_("This page does not exist, or you cannot open it."), status=403
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


# The database errors that mean "the database cannot be reached now" (a restart, a full connection
# pool, a network cut), answered with 503 and Retry-After instead of 500.
UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 120


def server_error(request: HttpRequest) -> HttpResponse:
    """HTTP 500, or 503 when the database cannot be reached, in the language of the address's
    prefix. It needs neither the database nor the request's context processors (a standalone
    template), so it cannot fail for the reason the request failed.

    What it says is true by construction: the report form and the follow-up answer render their
    page inside the transaction that stores the report or message (report/views.py), so an error
    before the reporter sees her receipt means nothing was stored."""
    failure = sys.exc_info()[1]
    unavailable = isinstance(failure, UNAVAILABLE)
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    with translation.override(language):
        html = loader.get_template("500.html").render({
            "unavailable": unavailable, "language": language, "bidi": translation.get_language_bidi(),
        })
    response = HttpResponse(html, status=503 if unavailable else 500)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
