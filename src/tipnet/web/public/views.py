"""Public pages. They set no cookie, store nothing about the visitor and work without JavaScript."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def home_view(request: HttpRequest) -> HttpResponse:
    return render(request, "public/home.html")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A forged or expired form token: explain plainly, in the visitor's language; nothing was saved."""
    return render(
        request,
        "public/error.html",
        {
            "title": _("The form has expired"),
            "message": _(
                "For your safety, this form can only be sent from this site and for a limited time. "
                "Nothing was saved. Please go back, reload the page and send it again."
            ),
        },
        status=403,
    )
