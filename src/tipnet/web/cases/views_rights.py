"""Pages of the documents on a case and of the person's rights (erasure, export, who read or
received, erased cases, retention). Thin: access in access.py, writes in documents.py and rights.py."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tipnet.web.accounts.access import staff_view
from tipnet.web.accounts.keys import current_private_key
from tipnet.web.cases import documents, rights, services
from tipnet.web.cases.access import (
    access_case,
    access_case_document,
    access_case_rights,
    access_erased_cases,
    access_retention,
    document_sections,
    retention_organisations,
    rights_organisations,
)
from tipnet.web.cases.forms import SECTION_CHOICES
from tipnet.web.cases.forms_rights import DocumentForm, ErasureForm, ExportForm, RetentionForm
from tipnet.web.cases.models import Case, CaseDocument, CaseEvent, Consent, Referral, SubjectAccess
from tipnet.web.cases.views import _display, _form_error, _message


@require_POST
@staff_view(access_case)
def document_add_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_case(user=request.user, case_id=case_id)
    if documents.upload_too_large(content_type=request.content_type, content_length=request.META.get("CONTENT_LENGTH", "")):
        return _message(request, case, _("The file is too large: at most %(max)s MB. Nothing was stored.")
                        % {"max": documents.MAX_FILE_BYTES // (1024 * 1024)}, 400)
    form = DocumentForm(request.POST, request.FILES, sections=document_sections(user=request.user, case=case))
    if not form.is_valid():
        return _message(request, case, _form_error(form), 400)
    try:
        documents.document_add(actor=request.user, case=case, section=form.cleaned_data["section"],
                               title=form.cleaned_data["title"], data=form.cleaned_data["file"].read())
    except services.CaseError as error:
        return _message(request, case, str(error), 409 if isinstance(error, services.CaseLocked) else 400)
    return redirect(reverse("cases:case", kwargs={"case_id": case.pk}) + "#documents")


@require_http_methods(["GET"])
@staff_view(access_case_document)
def document_view(request: HttpRequest, case_id: int, document_id: int) -> HttpResponse:
    """The file, as a download (never shown inline: a PDF opened in the page's origin could run
    scripts). Audited on every read."""
    document = access_case_document(user=request.user, case_id=case_id, document_id=document_id)
    try:
        opened = documents.document_open(actor=request.user, document=document, private_key=current_private_key(request))
    except services.CaseLocked as error:
        return render(request, "cases/unavailable.html", {"message": str(error), "case": document.case}, status=403)
    except services.CaseUnreadable as error:
        return render(request, "cases/unavailable.html", {"message": str(error), "case": document.case}, status=409)
    response = HttpResponse(opened.data, content_type=opened.content_type or "application/octet-stream")
    name = f"{document.case.reference}-document-{document.pk}.{opened.extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _rights_page(request: HttpRequest, case: Case, *, erasure_form: ErasureForm | None = None,
                 error: str = "", status: int = 200) -> HttpResponse:
    return render(request, "cases/rights.html", {
        "case": case,
        "reads": rights.who_read(case=case),
        "receivers": rights.who_received(case=case),
        "export_form": ExportForm(initial={"format": "json"}),
        "erasure_form": erasure_form or ErasureForm(),
        "error": error,
        "retention_years": rights.retention_years(organisation=case.organisation),
    }, status=status)


@require_http_methods(["GET"])
@staff_view(access_case_rights)
def rights_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_case_rights(user=request.user, case_id=case_id)
    rights.who_read_viewed(actor=request.user, case=case)
    return _rights_page(request, case)


@require_POST
@staff_view(access_case_rights)
def export_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_case_rights(user=request.user, case_id=case_id)
    form = ExportForm(request.POST)
    if not form.is_valid():
        return _message(request, case, _form_error(form), 400)
    fmt = form.cleaned_data["format"]
    try:
        data = rights.subject_access_export(actor=request.user, case=case, private_key=current_private_key(request),
                                            format=fmt)
    except services.CaseLocked as error:
        return render(request, "cases/unavailable.html", {"message": str(error), "case": case}, status=403)
    except services.CaseError as error:
        return _message(request, case, str(error), 409)
    if fmt == "json":
        response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{case.reference}-export.json"'
        return response
    return render(request, "cases/export.html", {"case": case, "data": _labelled(data),
                                                 "sections": _display(data["sections"])})


def _labelled(data: dict) -> dict:
    """The export with codes turned into words, for the printable page the person reads."""
    kinds, purposes = dict(CaseEvent.Kind.choices), dict(Consent.Purpose.choices)
    states, referral_kinds = dict(Referral.State.choices), dict(Referral.Kind.choices)
    sections = {**dict(SECTION_CHOICES), **dict(CaseDocument.Section.choices)}
    formats = dict(SubjectAccess.Format.choices)
    shown = dict(data)
    shown["timeline"] = [{**e, "kind": kinds.get(e["kind"], e["kind"])} for e in data["timeline"]]
    shown["consents"] = [{**c, "purpose": purposes.get(c["purpose"], c["purpose"])} for c in data["consents"]]
    shown["disclosures"] = [{**d, "purpose": purposes.get(d["purpose"], d["purpose"])} for d in data["disclosures"]]
    shown["referrals"] = [{**r, "state": states.get(r["state"], r["state"]), "kind": referral_kinds.get(r["kind"], r["kind"]),
                           "sections": [sections.get(s, s) for s in r["sections"]]} for r in data["referrals"]]
    shown["exports_to_the_person"] = [{**x, "format": formats.get(x["format"], x["format"])}
                                      for x in data["exports_to_the_person"]]
    shown["documents"] = [{**d, "section": sections.get(d["section"], d["section"])} for d in data["documents"]]
    return shown


@require_POST
@staff_view(access_case_rights)
def erase_view(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_case_rights(user=request.user, case_id=case_id)
    form = ErasureForm(request.POST)
    if not form.is_valid():
        return _rights_page(request, case, erasure_form=form, error=_form_error(form), status=400)
    try:
        rights.case_erase_on_request(actor=request.user, case=case, **form.cleaned_data)
    except services.CaseError as error:
        return _rights_page(request, case, erasure_form=form, error=str(error), status=400)
    return redirect(reverse("cases:erased") + f"#erased-{case.pk}")


@require_http_methods(["GET"])
@staff_view(access_erased_cases)
def erased_view(request: HttpRequest) -> HttpResponse:
    found = rights.tombstones(organisations=rights_organisations(user=request.user), user=request.user,
                              private_key=current_private_key(request))
    return render(request, "cases/erased.html", {"tombstones": found})


@require_http_methods(["GET", "POST"])
@staff_view(access_retention)
def retention_view(request: HttpRequest) -> HttpResponse:
    organisations = retention_organisations(user=request.user)
    form = RetentionForm(request.POST or None, organisations=organisations)
    status, error, saved = 200, "", False
    if request.method == "POST":
        if form.is_valid():
            try:
                rights.retention_set(actor=request.user, organisation=form.cleaned_data["organisation"],
                                     years=form.cleaned_data["years"])
                saved = True
            except services.CaseError as failure:
                error, status = str(failure), 400
        else:
            error, status = _form_error(form), 400
    return render(request, "cases/retention.html", {
        "form": form, "error": error, "saved": saved,
        "policies": [(o, rights.retention_years(organisation=o), len(rights.retention_due(organisation=o)))
                     for o in organisations],
    }, status=status)
