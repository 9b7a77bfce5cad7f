"""Directory pages. Public pages (help, search, service, JSON, leaflet) set no cookie, load nothing
from elsewhere and work without JavaScript; staff pages edit services, capacity, CSV and gaps."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tipnet.web.accounts.access import organisations_where, staff_view, user_has_role
from tipnet.web.accounts.roles import Role
from tipnet.web.directory import services
from tipnet.web.directory.access import (
    access_directory_admin,
    access_directory_gaps,
    access_directory_manage,
    access_service_edit,
)
from tipnet.web.directory.csv_io import CsvImportError
from tipnet.web.directory.forms import (
    SEARCH_PARAMETERS,
    CapacityForm,
    ImportForm,
    SearchForm,
    ServiceForm,
    unknown_parameters,
)
from tipnet.web.directory.models import SERVICE_LANGUAGES, Kind, Service, Sex, service_language
from tipnet.web.directory.prefectures import PREFECTURES
from tipnet.web.directory.selectors import (
    NO_PUBLIC_SHELTER_FOR_MEN,
    SearchFilters,
    SearchOutcome,
    directory_gaps,
    search_outcome,
    service_public,
    services_editable,
)
from tipnet.web.public.errors import SummaryEntry, error_summary

# The anonymous report form lives in the `report` app; link to it once it exists.
REPORT_URL_NAMES = ("report:form", "report:start", "report:new", "report:submit", "report:index", "report:home")


def report_form_url() -> str:
    for name in REPORT_URL_NAMES:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


# --- public: help pages ---------------------------------------------------------------------------


def _help(request: HttpRequest, template: str) -> HttpResponse:
    return render(request, template, {"report_url": report_form_url()})


@require_GET
def help_view(request: HttpRequest) -> HttpResponse:
    return _help(request, "directory/help.html")


@require_GET
def help_trafficking_view(request: HttpRequest) -> HttpResponse:
    return _help(request, "directory/help_trafficking.html")


@require_GET
def help_rights_view(request: HttpRequest) -> HttpResponse:
    return _help(request, "directory/help_rights.html")


@require_GET
def help_after_view(request: HttpRequest) -> HttpResponse:
    return _help(request, "directory/help_after.html")


# --- public: search, one service, JSON, leaflet ----------------------------------------------------


def _search(request: HttpRequest) -> tuple[SearchForm, list[str], SearchFilters | None]:
    """The form, problems to show (translated), and the filters when the query is valid."""
    unknown = unknown_parameters(request.GET)
    problems = []
    if unknown:
        problems.append(
            _("Unknown filter: %(names)s. The filters are: %(known)s.")
            % {"names": ", ".join(unknown), "known": ", ".join(SEARCH_PARAMETERS)}
        )
    if request.GET:
        form = SearchForm({k: request.GET.get(k, "") for k in SEARCH_PARAMETERS})
    else:
        form = SearchForm(initial={"language": service_language(get_language() or "en")})
    if request.GET and not form.is_valid():
        problems.extend(str(error) for errors in form.errors.values() for error in errors)
    if problems or not request.GET:
        return form, problems, None
    return form, problems, form.filters()


def _search_summary(form: SearchForm, problems: list[str]) -> list[SummaryEntry]:
    """The problems as the error summary at the top of the page (public/errors.py): each field's
    errors linked to the field, the others (an unknown filter) as plain lines."""
    linked = error_summary(forms_=(form,)) if form.is_bound else []
    shown = {entry.message for entry in linked}
    return [SummaryEntry(message=p) for p in problems if p not in shown] + linked


@require_GET
def search_view(request: HttpRequest) -> HttpResponse:
    form, problems, filters = _search(request)
    outcome = search_outcome(filters) if filters is not None else SearchOutcome([], [], [])
    leaflet_query = ""
    if filters is not None and filters.prefecture is not None:
        leaflet_query = "?prefecture=" + filters.prefecture.code
    return render(
        request, "directory/search.html",
        {
            "form": form, "problems": problems, "filters": filters, "results": outcome.results,
            "relaxed": outcome.near_misses, "searched": filters is not None,
            "men_shelter_gap": any(n.code == NO_PUBLIC_SHELTER_FOR_MEN for n in outcome.notices),
            "leaflet_query": leaflet_query, "summary": _search_summary(form, problems),
        },
        status=400 if problems else 200,
    )


@require_GET
def service_view(request: HttpRequest, service_id: int) -> HttpResponse:
    service = service_public(service_id=service_id)
    if service is None:
        return render(
            request, "public/error.html",
            {"title": _("Service not found"), "message": _("This service is not in the directory (any more).")},
            status=404,
        )
    return render(request, "directory/service.html", {"service": service})


def service_json(service: Service, language: str) -> dict[str, object]:
    """One service for partners. ``name`` is the name as the service calls itself; ``display_name``,
    ``hours`` and ``description`` are in the requested language or, where missing, in a fallback
    language, which ``text_language`` names for each (docs/directory.md)."""
    texts = {kind: service.text(kind, language) for kind in ("name", "hours", "description")}
    return {
        "id": service.pk,
        "name": service.name,
        "name_en": service.text_value("name", "en"),
        "display_name": texts["name"].text,
        "organisation": service.organisation.name,
        "description": texts["description"].text,
        "text_language": {
            "display_name": texts["name"].language,
            "hours": texts["hours"].language if texts["hours"] else None,
            "description": texts["description"].language if texts["description"] else None,
        },
        "kinds": [{"code": k, "label": str(Kind(k).label)} for k in service.kinds],
        "sexes": [{"code": s, "label": str(Sex(s).label)} for s in service.sexes],
        "age_min": service.age_min,
        "age_max": service.age_max,
        "residence": service.residence,
        "exploitation": service.exploitation,
        "eligibility_note": service.eligibility_note,
        "languages": [{"code": c, "label": str(SERVICE_LANGUAGES[c])} for c in service.languages],
        "nationwide": service.nationwide,
        "prefectures": [{"code": c, "name": n} for c, n in zip(service.prefectures, service.prefecture_names, strict=True)],
        "contact": {"phone": service.phone, "email": service.email, "line": service.line_id, "web": service.website},
        "hours": texts["hours"].text,
        "cost": service.cost,
        "beds_total": service.beds_total,
        "beds_free": service.beds_free,
        "capacity_updated_at": service.capacity_updated_at.isoformat() if service.capacity_updated_at else None,
        "verification": service.verification,
        "verified_on": service.verified_on.isoformat() if service.verified_on else None,
        "demo": service.is_demo,
        "url": reverse("directory:service", args=[service.pk]),
    }


_FULL_WIDTH = str.maketrans({"<": "\uff1c", ">": "\uff1e"})


def plain_text(value: Any) -> Any:
    """Every string in ``value`` with "<" and ">" as their full-width forms (＜ ＞), so that the JSON
    holds no markup even for rows saved before Service.clean refused it. Partners must still insert
    values as text (docs/directory.md); this is the second line."""
    if isinstance(value, str):
        return value.translate(_FULL_WIDTH)
    if isinstance(value, list):
        return [plain_text(item) for item in value]
    if isinstance(value, dict):
        return {key: plain_text(item) for key, item in value.items()}
    return value


def _cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@require_GET
def services_json_view(request: HttpRequest) -> HttpResponse:
    """Read-only JSON for partners' sites: the same filters as the search, labels in the URL's language."""
    form, problems, filters = _search(request)
    if problems:
        return _cors(JsonResponse(plain_text({"error": _("The query is not valid."), "problems": problems}), status=400))
    language = get_language() or "en"
    outcome = search_outcome(filters or SearchFilters())
    payload = plain_text({
        "language": language,
        "count": len(outcome.results),
        "services": [service_json(s, language) for s in outcome.results],
        "notices": [{"code": n.code, "title": n.title, "text": n.text} for n in outcome.notices],
        "near_misses": [service_json(s, language) for s in outcome.near_misses],
    })
    return _cors(HttpResponse(json.dumps(payload, ensure_ascii=False), content_type="application/json"))


@require_GET
def leaflet_view(request: HttpRequest) -> HttpResponse:
    from tipnet.web.directory.leaflet import LeafletError, leaflet_pdf
    from tipnet.web.directory.prefectures import prefecture_lookup

    unknown = sorted(set(request.GET) - {"prefecture"})
    value = request.GET.get("prefecture", "")
    prefecture = prefecture_lookup(value) if value else None
    problem = ""
    if unknown:
        problem = _("Unknown filter: %(names)s. The filters are: %(known)s.") % {"names": ", ".join(unknown), "known": "prefecture"}
    elif value and prefecture is None:
        problem = _("Unknown prefecture: %(value)s.") % {"value": value}
    if problem:
        return render(request, "public/error.html", {"title": _("The leaflet cannot be made"), "message": problem}, status=400)
    try:
        pdf = leaflet_pdf(language=get_language() or "en", prefecture=prefecture)
    except LeafletError as error:
        return render(request, "public/error.html", {"title": _("The leaflet cannot be made"), "message": str(error)}, status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"tipnet-help-{get_language()}-{prefecture.en.lower() if prefecture else 'japan'}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


# --- staff ------------------------------------------------------------------------------------------


@staff_view(access_directory_manage)
def manage_view(request: HttpRequest) -> HttpResponse:
    return render(
        request, "directory/manage.html",
        {"services": services_editable(user=request.user), "is_network_admin": user_has_role(request.user, Role.NETWORK_ADMIN)},
    )


def _edit_organisations(request: HttpRequest) -> list:
    if user_has_role(request.user, Role.NETWORK_ADMIN):
        from tipnet.web.accounts.models import Organisation

        return list(Organisation.objects.all())
    return organisations_where(request.user, Role.ORG_ADMIN)


@require_http_methods(["GET", "POST"])
@staff_view(access_directory_manage)
def service_new_view(request: HttpRequest) -> HttpResponse:
    organisations = _edit_organisations(request)
    form = ServiceForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        chosen = request.POST.get("organisation", "")
        organisation = next((o for o in organisations if str(o.pk) == chosen), organisations[0] if len(organisations) == 1 else None)
        if organisation is None:
            error = _("Choose the organisation.")
        else:
            try:
                service = services.service_create(actor=request.user, organisation=organisation, data=form.service_data())
            except services.DirectoryError as failure:
                error = str(failure)
            else:
                messages.success(request, _("The service was added."))
                return redirect("directory:edit", service_id=service.pk)
    return render(
        request, "directory/edit.html",
        {"form": form, "error": error, "organisations": organisations, "service": None},
        status=400 if (error or form.errors) else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_view(access_service_edit)
def service_edit_view(request: HttpRequest, service_id: int) -> HttpResponse:
    service = access_service_edit(user=request.user, service_id=service_id)
    form = ServiceForm(request.POST or None, instance=service)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.service_update(actor=request.user, service=service, data=form.service_data())
        except services.DirectoryError as failure:
            error = str(failure)
        else:
            messages.success(request, _("Saved.") if changed else _("Nothing changed."))
            return redirect("directory:edit", service_id=service.pk)
    return render(
        request, "directory/edit.html", {"form": form, "error": error, "service": service},
        status=400 if (error or form.errors) else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_view(access_service_edit)
def capacity_view(request: HttpRequest, service_id: int) -> HttpResponse:
    service = access_service_edit(user=request.user, service_id=service_id)
    form = CapacityForm(request.POST or None, initial={"beds_free": service.beds_free})
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.service_capacity_update(actor=request.user, service=service, beds_free=form.cleaned_data["beds_free"])
        except services.DirectoryError as failure:
            error = str(failure)
        else:
            messages.success(request, _("Free beds updated."))
            return redirect("directory:manage")
    return render(
        request, "directory/capacity.html", {"form": form, "error": error, "service": service},
        status=400 if (error or form.errors) else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_view(access_service_edit)
def verify_view(request: HttpRequest, service_id: int) -> HttpResponse:
    service = access_service_edit(user=request.user, service_id=service_id)
    if request.method == "POST":
        services.service_verify(actor=request.user, service=service)
        messages.success(request, _("Marked as verified today."))
        return redirect("directory:manage")
    return render(request, "directory/verify.html", {"service": service})


@require_http_methods(["GET", "POST"])
@staff_view(access_directory_admin)
def import_view(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            text = form.cleaned_data["file"].read().decode("utf-8-sig")
        except UnicodeDecodeError:
            problems = [_("The file is not UTF-8 text. Save it as CSV (UTF-8).")]
        else:
            try:
                counts = services.directory_import_csv(actor=request.user, text=text)
            except CsvImportError as failure:
                problems = failure.problems
            else:
                messages.success(
                    request, _("Imported: %(created)s new, %(updated)s updated.") % counts
                )
                return redirect("directory:manage")
    return render(
        request, "directory/import.html", {"form": form, "problems": problems},
        status=400 if (problems or form.errors) else 200,
    )


@require_GET
@staff_view(access_directory_admin)
def export_view(request: HttpRequest) -> HttpResponse:
    rows = list(services_editable(user=request.user))
    text = services.directory_export_csv(actor=request.user, services=rows)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="tipnet-directory.csv"'
    return response


@require_GET
@staff_view(access_directory_gaps)
def gaps_view(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("need", Kind.SHELTER)
    if kind not in Kind.values:
        kind = Kind.SHELTER
    include_demo = settings.TIPNET_MODE == "demo" and request.GET.get("demo") == "1"
    table = directory_gaps(kinds=[kind], include_demo=include_demo)
    rows = [
        {"prefecture": p, "cells": [table.cell(p.code, kind, sex) for sex in table.sexes]}
        for p in PREFECTURES
    ]
    sentences = []
    for prefecture, _kind, sex, nationwide in table.gaps():
        sentences.append(
            _("No %(need)s for %(who)s in %(prefecture)s (nationwide services: %(count)s).")
            % {"need": str(Kind(kind).label).lower(), "who": str(Sex(sex).label).lower(), "prefecture": prefecture.name(), "count": nationwide}
        )
    return render(
        request, "directory/gaps.html",
        {
            "kind": kind, "kinds": Kind.choices, "sexes": [Sex(s).label for s in table.sexes], "rows": rows,
            "sentences": sentences, "include_demo": include_demo, "demo_mode": settings.TIPNET_MODE == "demo",
        },
    )
