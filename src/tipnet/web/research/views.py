"""Research pages: estimate hidden victims from a capture table; view and download saved runs."""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tipnet.web.accounts.access import organisations_where, staff_view
from tipnet.web.research import services
from tipnet.web.research.access import access_estimate, access_estimate_run
from tipnet.web.research.charts import totals_chart
from tipnet.web.research.examples import EXAMPLES, example_csv
from tipnet.web.research.forms import EstimateForm
from tipnet.web.research.models import EstimateRun, RunState
from tipnet.web.research.notes import comparison_rows, translate_note
from tipnet.web.research.selectors import RESEARCH_ROLES, estimate_runs_visible


@require_http_methods(["GET", "POST"])
@staff_view(access_estimate)
def estimate_view(request: HttpRequest) -> HttpResponse:
    form = EstimateForm(request.POST or None, request.FILES or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data.get("table")
        try:
            if upload:
                title = upload.name
                table_csv = services.table_text_from_upload(name=upload.name, data=upload.read())
            else:
                title = str(EXAMPLES[data["example"]])
                table_csv = example_csv(data["example"])
            organisation = organisations_where(request.user, *RESEARCH_ROLES)[0]
            run = services.estimate_run_create(
                actor=request.user, organisation=organisation, title=title, table_csv=table_csv,
                method=data["method"], nboot=data["nboot"], seed=data["seed"],
                compare=bool(data.get("compare")),
            )
        except services.ResearchInputError as failure:
            error = str(failure)
        else:
            return redirect("research:run", run_id=run.pk)
    runs = estimate_runs_visible(user=request.user)[:20]
    return render(
        request, "research/estimate.html", {"form": form, "error": error, "runs": runs},
        status=400 if (error or form.errors) else 200,
    )


def _finished_run(request: HttpRequest, run_id: int) -> EstimateRun:
    """A run whose result exists; queued, running, failed and cancelled runs have none to download."""
    run = access_estimate_run(user=request.user, run_id=run_id)
    if run.state != RunState.DONE:
        raise Http404
    return run


@staff_view(access_estimate_run)
def run_view(request: HttpRequest, run_id: int) -> HttpResponse:
    run = access_estimate_run(user=request.user, run_id=run_id)
    if run.state == RunState.RUNNING and services.estimate_runs_fail_stale():
        run.refresh_from_db()
    if run.state != RunState.DONE:
        # Queued, running, failed or cancelled: the progress page (it refreshes itself while active).
        response = render(request, "research/run_progress.html", {"run": run})
        if run.active:
            # Works with JavaScript off (and within the CSP): browsers reload on this header.
            response["Refresh"] = "2"
        return response
    result = run.result
    chart = totals_chart(
        result,
        labels={
            "observed": _("Seen on at least one list"),
            "estimate": _("Estimated total"),
            # xgettext:no-python-format
            "ci": _("Model-conditional 95% interval"),
            # xgettext:no-python-format
            "bca": _("BCa bootstrap 95% interval"),
            # xgettext:no-python-format
            "percentile": _("Percentile bootstrap 95% interval"),
        },
    )
    return render(
        request,
        "research/run.html",
        {
            "run": run,
            "result": result,
            "chart": chart,
            "warnings": [translate_note(note) for note in result.get("warnings", [])],
            "model": " + ".join(result.get("model", [])),
            "comparison": comparison_rows(result),
            # Runs saved before the Monte-Carlo error existed have none (the row is left out); an
            # end that is its most extreme replicate has None (shown as "not estimable").
            "mc_errors": (
                [result["bca_low_mc_se"], result["bca_high_mc_se"]] if "bca_low_mc_se" in result else None
            ),
        },
    )


@require_http_methods(["POST"])
@staff_view(access_estimate_run)
def run_cancel_view(request: HttpRequest, run_id: int) -> HttpResponse:
    run = access_estimate_run(user=request.user, run_id=run_id)
    services.estimate_run_cancel(actor=request.user, run=run)
    return redirect("research:run", run_id=run.pk)


@staff_view(access_estimate_run)
def run_json_view(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _finished_run(request, run_id)
    services.estimate_run_export(actor=request.user, run=run, fmt="json")
    payload = {"title": run.title, "created_at": run.created_at.isoformat(), "nboot": run.nboot, "seed": run.seed, **run.result}
    response = HttpResponse(json.dumps(payload, indent=2, ensure_ascii=False), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="estimate-{run.pk}.json"'
    return response


@staff_view(access_estimate_run)
def run_csv_view(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _finished_run(request, run_id)
    services.estimate_run_export(actor=request.user, run=run, fmt="csv")
    response = HttpResponse(services.estimate_result_csv(run), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="estimate-{run.pk}.csv"'
    return response
