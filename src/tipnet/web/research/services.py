"""Writes for research: run and save an estimate of hidden victims (audited)."""

from __future__ import annotations

import csv
import io
import time
import warnings

from django.db import transaction
from django.utils.translation import gettext as _

from tipnet.core import csvsafe
from tipnet.core.estimation import EstimationWarning, MSEModel, TableError, read_table
from tipnet.web.accounts.audit import Action, audit_record
from tipnet.web.accounts.models import Organisation, User
from tipnet.web.research.models import EstimateRun

EXCEL_MAGIC = b"PK\x03\x04"


class ResearchInputError(Exception):
    """Bad input; the message is translated and names the problem."""


def table_text_from_upload(*, name: str, data: bytes) -> str:
    """CSV text from an uploaded CSV or Excel (.xlsx) file, read in memory."""
    if name.lower().endswith(".xlsx") or data.startswith(EXCEL_MAGIC):
        return _excel_to_csv(data)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ResearchInputError(_("The file is not UTF-8 text. Save it as CSV (UTF-8) or Excel.")) from error


def _excel_to_csv(data: bytes) -> str:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several unrelated types for a damaged file
        raise ResearchInputError(_("The Excel file could not be read.")) from error
    sheet = workbook.worksheets[0]
    out = io.StringIO()
    writer = csv.writer(out)
    for row in sheet.iter_rows(values_only=True):
        cells = ["" if value is None else (str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)) for value in row]
        if any(cells):
            writer.writerow(cells)
    workbook.close()
    return out.getvalue()


@transaction.atomic
def estimate_run_create(
    *, actor: User, organisation: Organisation, title: str, table_csv: str, method: str, nboot: int, seed: int
) -> EstimateRun:
    """Validate the table, fit, bootstrap, and save the run with an audit row."""
    try:
        table = read_table(io.StringIO(table_csv))
    except TableError as error:
        raise ResearchInputError(_("The table could not be read: %(reason)s") % {"reason": str(error)}) from error
    if method == "bic" and nboot > 0 and table.k_lists >= 5:
        # Every hierarchical model of 5+ lists, refitted in each replicate, takes many minutes.
        raise ResearchInputError(
            _("The BIC method with a bootstrap on five or more lists takes too long for this page. Use 0 replicates here, or run `tipnet estimate --method bic` on the command line.")
        )
    started = time.perf_counter()
    with warnings.catch_warnings():
        # The caveats are kept in the result (result.warnings) and shown on the page.
        warnings.simplefilter("ignore", EstimationWarning)
        result = MSEModel(table, method=method).fit(nboot=nboot, seed=seed)
    seconds = time.perf_counter() - started
    run = EstimateRun.objects.create(
        created_by=actor, organisation=organisation, title=title[:200], table_csv=table_csv,
        method=method, nboot=nboot, seed=seed, result=result.to_dict(), seconds=seconds,
    )
    audit_record(
        actor=actor, action=Action.ESTIMATE_RUN, organisation=organisation, target_type="estimate",
        target_id=run.pk, details={"method": method, "nboot": nboot},
    )
    return run


def estimate_run_export(*, actor: User, run: EstimateRun, fmt: str) -> None:
    """Record a download of a result (an export, in audit terms)."""
    audit_record(
        actor=actor, action=Action.EXPORT, organisation=run.organisation, target_type="estimate",
        target_id=run.pk, details={"format": fmt},
    )


def estimate_result_csv(run: EstimateRun) -> str:
    """One row per figure: a flat table for spreadsheets."""
    result = run.result
    out = io.StringIO()
    writer = csvsafe.writer(out)  # list names come from the uploaded table: no formulas
    writer.writerow(["field", "value"])
    for key in (
        "observed", "estimate", "dark_figure", "conf_level", "ci_low", "ci_high",
        "bca_low", "bca_high", "bca_low_mc_se", "bca_high_mc_se",
    ):
        if key in result:
            writer.writerow([key, result[key]])
    writer.writerow(["model", " + ".join(result.get("model", [])) or "main effects only"])
    writer.writerow(["method", result.get("method")])
    writer.writerow(["nboot", run.nboot])
    writer.writerow(["seed", run.seed])
    for note in result.get("warnings", []):
        writer.writerow(["warning", note.get("message", "")])
    return out.getvalue()
