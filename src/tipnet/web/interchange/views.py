"""Import and export pages. Thin: forms in forms.py, every write in services.py (audited), access in access.py.

Import: choose a file (and a saved mapping) -> the worker checks every row -> the job page shows the
report by row and field, or, for a sheet, its columns to map (saved for next time) -> a key holder
confirms -> the worker imports. Export: a case supervisor picks the purpose and the format -> the
worker writes the file, sealed to her key -> she downloads it once from the export's page.
"""

from __future__ import annotations

import base64

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tipnet.core.standard import HTCDS
from tipnet.core.standard import interchange as ix
from tipnet.web.accounts.access import staff_view
from tipnet.web.accounts.keys import current_private_key
from tipnet.web.cases.services import CaseError
from tipnet.web.interchange import services
from tipnet.web.interchange.access import (
    access_export_job,
    access_exports,
    access_import_job,
    access_imports,
    export_organisations,
    import_organisations,
)
from tipnet.web.interchange.forms import ExportForm, ImportForm
from tipnet.web.interchange.models import ColumnMapping, ExportJob, ImportJob


@require_http_methods(["GET", "POST"])
@staff_view(access_imports)
def imports_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ImportForm(request.POST or None, request.FILES or None, user=user)
    error = ""
    if request.method == "POST" and form.is_valid():
        organisation = next(o for o in import_organisations(user=user) if str(o.pk) == form.cleaned_data["organisation"])  # type: ignore[arg-type]
        mapping = None
        if form.cleaned_data["mapping"]:
            row = ColumnMapping.objects.filter(pk=int(form.cleaned_data["mapping"]), organisation=organisation).first()
            mapping = ix.ColumnMapping.from_dict(row.mapping) if row else None
        upload = form.cleaned_data["file"]
        try:
            job = services.import_job_create(actor=user, organisation=organisation, data=upload.read(),  # type: ignore[arg-type]
                                             filename=upload.name or "", fmt=form.cleaned_data["format"],
                                             mapping=mapping)
        except services.InterchangeError as refused:
            error = str(refused)
        else:
            return redirect("interchange:job", job.pk)
    jobs = ImportJob.objects.filter(organisation__in=import_organisations(user=user)).select_related(  # type: ignore[arg-type]
        "organisation", "created_by")[:20]
    return render(request, "interchange/imports.html", {
        "form": form, "error": error, "jobs": jobs, "may_export": bool(export_organisations(user=user))})  # type: ignore[arg-type]


def _sheet_columns(job: ImportJob) -> list[tuple[str, str]]:
    """(column, suggested field) of a sheet job without a mapping, for the mapping form."""
    if job.state != ImportJob.State.MAPPING or not job.payload:
        return []
    data = base64.b64decode(services._payload_read(job)["data"])
    header = ix.sheet_header(data, job.format)
    suggestion = ix.suggest_mapping(header)
    return [(column, suggestion.columns.get(column, "")) for column in header]


@require_http_methods(["GET", "POST"])
@staff_view(access_import_job)
def job_view(request: HttpRequest, job_id: int) -> HttpResponse:
    services.interchange_sweep()
    job = access_import_job(user=request.user, job_id=job_id)  # type: ignore[arg-type]
    error = ""
    if request.method == "POST" and "confirm" in request.POST:
        try:
            services.import_job_confirm(actor=request.user, job=job, private_key=current_private_key(request))  # type: ignore[arg-type]
        except (services.InterchangeError, CaseError) as refused:
            error = str(refused)
        else:
            return redirect("interchange:job", job.pk)
    elif request.method == "POST" and "map" in request.POST:
        columns = {column: request.POST.get(f"col_{index}", "") for index, (column, _s) in enumerate(_sheet_columns(job))}
        try:
            mapping = ix.ColumnMapping(columns=columns, ignore_other=True)
            services.import_job_map(actor=request.user, job=job, mapping=mapping,  # type: ignore[arg-type]
                                    name=request.POST.get("mapping_name", ""))
        except (ix.MappingError, services.InterchangeError) as refused:
            error = str(refused)
        else:
            return redirect("interchange:job", job.pk)
    columns = _sheet_columns(job)
    response = render(request, "interchange/job.html", {
        "job": job, "error": error, "rows": job.report.get("rows", []), "columns": columns,
        "fields": [ix.ID_COLUMN, *HTCDS.names], "refresh": job.active,
    }, status=400 if error else 200)
    if job.active:
        response["Refresh"] = "3"
    return response


@require_http_methods(["GET", "POST"])
@staff_view(access_exports)
def export_view(request: HttpRequest) -> HttpResponse:
    """Ask for an export: the task worker writes it (services.export_job_run); the job page follows it."""
    user = request.user
    services.interchange_sweep()
    form = ExportForm(request.POST or None, user=user)
    error = ""
    if request.method == "POST" and form.is_valid():
        organisation = next(o for o in export_organisations(user=user) if str(o.pk) == form.cleaned_data["organisation"])  # type: ignore[arg-type]
        try:
            job = services.export_job_create(actor=user, organisation=organisation,  # type: ignore[arg-type]
                                             purpose=form.cleaned_data["purpose"], fmt=form.cleaned_data["format"],
                                             private_key=current_private_key(request))
        except (services.InterchangeError, CaseError) as refused:
            error = str(refused)
        else:
            return redirect("interchange:export_job", job.pk)
    jobs = ExportJob.objects.filter(requested_by=user, organisation__in=export_organisations(user=user)  # type: ignore[arg-type,misc]
                                    ).select_related("organisation")[:20]
    return render(request, "interchange/export.html", {"form": form, "error": error, "jobs": jobs},
                  status=400 if error else 200)


@require_http_methods(["GET", "POST"])
@staff_view(access_export_job)
def export_job_view(request: HttpRequest, export_id: int) -> HttpResponse:
    """An export's progress (the page refreshes itself while the worker writes), then its one download."""
    services.interchange_sweep()
    job = access_export_job(user=request.user, export_id=export_id)  # type: ignore[arg-type]
    if request.method == "POST" and "cancel" in request.POST:
        services.export_job_cancel(actor=request.user, job=job)  # type: ignore[arg-type]
        return redirect("interchange:export_job", job.pk)
    response = render(request, "interchange/export_job.html", {"job": job, "refresh": job.active})
    if job.active:
        response["Refresh"] = "3"
    return response


@require_http_methods(["POST"])
@staff_view(access_export_job)
def export_download_view(request: HttpRequest, export_id: int) -> HttpResponse:
    """The file, once (a POST: a link checker or a prefetch must not spend the one download); then 410."""
    job = access_export_job(user=request.user, export_id=export_id)  # type: ignore[arg-type]
    try:
        data = services.export_job_download(actor=request.user, job=job, private_key=current_private_key(request))  # type: ignore[arg-type]
    except services.ExportGone:
        job.refresh_from_db()
        return render(request, "interchange/export_job.html", {"job": job, "gone": True}, status=410)
    except CaseError as refused:  # her key is not unlocked in this session: the file is kept
        return render(request, "interchange/export_job.html", {"job": job, "error": str(refused)}, status=403)
    response = HttpResponse(data, content_type="text/csv; charset=utf-8" if job.format == "csv"
                            else "application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    response["Cache-Control"] = "no-store"
    return response
