"""Pages of issue 12's network parts: the organisation's dashboard, the reports the trustee
forwarded to the organisation, and opening a case from one. Thin: reads in dashboard.py and
from_report.py, writes in from_report.py and services.py."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tipnet.web.accounts.access import staff_view
from tipnet.web.accounts.keys import current_private_key
from tipnet.web.cases import from_report, services
from tipnet.web.cases.access import SECTIONS, access_cases
from tipnet.web.cases.dashboard import access_dashboard, dashboards
from tipnet.web.cases.forms import CaseForm
from tipnet.web.cases.views import _reason_labels
from tipnet.web.report.labels import language_label, triage_labels


@require_http_methods(["GET"])
@staff_view(access_dashboard)
def dashboard_view(request: HttpRequest) -> HttpResponse:
    boards, network_beds = dashboards(user=request.user)
    return render(request, "cases/dashboard.html", {"boards": boards, "network_beds": network_beds})


@require_http_methods(["GET"])
@staff_view(access_cases)
def forwarded_reports_view(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/forwarded_reports.html", {
        "reports": from_report.forwarded_reports_visible(user=request.user)[:200]})


def _document_context(document: dict[str, Any]) -> dict[str, Any]:
    return {"document": document, "labels": triage_labels(
        kind=str(document.get("kind") or ""), prefecture=str(document.get("prefecture") or ""),
        victims=str(document.get("possible_victims") or ""), children=str(document.get("children") or "")),
        "reporter_language": language_label(str(document.get("language") or ""))}


@require_http_methods(["GET"])
@staff_view(from_report.access_forwarded_report)
def forwarded_report_view(request: HttpRequest, forwarded_id: int) -> HttpResponse:
    forwarded = from_report.access_forwarded_report(user=request.user, forwarded_id=forwarded_id)
    context: dict[str, Any] = {"forwarded": forwarded}
    try:
        context.update(_document_context(from_report.forwarded_report_read(
            actor=request.user, forwarded=forwarded, private_key=current_private_key(request))))
    except services.CaseError as error:
        context["locked"] = str(error)
    return render(request, "cases/forwarded_report.html", context)


@require_http_methods(["GET", "POST"])
@staff_view(from_report.access_forwarded_report)
def forwarded_report_open_view(request: HttpRequest, forwarded_id: int) -> HttpResponse:
    """The intake form, pre-filled from the report; the usual consent and duplicate checks."""
    forwarded = from_report.access_forwarded_report(user=request.user, forwarded_id=forwarded_id)
    if forwarded.case_id is not None:
        return redirect("cases:forwarded_report", forwarded_id=forwarded.pk)
    private_key = current_private_key(request)
    try:
        document = from_report.forwarded_report_read(actor=request.user, forwarded=forwarded, private_key=private_key)
    except services.CaseError as error:
        return render(request, "cases/forwarded_report.html", {"forwarded": forwarded, "locked": str(error)})
    sections = frozenset(SECTIONS)
    context: dict[str, Any] = {"intake": True, "from_report": forwarded, **_document_context(document)}
    if request.method == "GET":
        context["form"] = CaseForm(initial=from_report.intake_initial(document), sections=sections, intake=True)
        return render(request, "cases/form.html", context)
    form = context["form"] = CaseForm(request.POST, sections=sections, intake=True)
    if not form.is_valid():
        return render(request, "cases/form.html", context, status=400)
    content = form.content()
    try:
        if not form.cleaned_data.get("confirm_new"):
            duplicates = services.case_duplicates_check(
                actor=request.user, organisation=forwarded.organisation, content=content, private_key=private_key)
            if duplicates:
                context["duplicates"] = [(d, _reason_labels(d.reasons)) for d in duplicates]
                return render(request, "cases/form.html", context, status=409)
        case = from_report.case_open_from_report(actor=request.user, forwarded=forwarded, content=content,
                                                 consents=set(form.cleaned_data["consents"]), private_key=private_key)
    except services.CaseError as error:
        context["error"] = str(error)
        return render(request, "cases/form.html", context, status=409 if isinstance(error, services.CaseLocked) else 400)
    return redirect("cases:case", case_id=case.pk)
