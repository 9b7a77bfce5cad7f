"""Research pages (the estimate page arrives with core.estimation)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tipnet.web.accounts.access import staff_view
from tipnet.web.research.access import access_estimate


@staff_view(access_estimate)
def estimate_view(request: HttpRequest) -> HttpResponse:
    return render(request, "research/estimate.html", {})
