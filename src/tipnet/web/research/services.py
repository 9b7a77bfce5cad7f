"""Writes for research: queue, fit (in the task worker), cancel and export estimates of hidden victims (audited)."""

from __future__ import annotations

import io
import logging
import threading
import time
import warnings
from datetime import datetime, timedelta

from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from tipnet.core import csvsafe
from tipnet.core.estimation import (
    CaptureTable,
    EstimationCancelled,
    EstimationWarning,
    MSEModel,
    TableError,
    read_table,
)
from tipnet.core.estimation.diagnostics import compare_methods
from tipnet.core.estimation.excel import excel_to_csv, is_excel
from tipnet.web.accounts.audit import Action, audit_record
from tipnet.web.accounts.models import Organisation, User
from tipnet.web.research.cost import MAX_SECONDS, estimate_cost
from tipnet.web.research.models import EstimateRun, RunState


class ResearchInputError(Exception):
    """Bad input; the message is translated and names the problem."""


#: Between two heartbeats of a running fit; a run whose heartbeat is older than STALE_AFTER
#: belongs to a dead worker and is marked failed.
HEARTBEAT_SECONDS = 5.0
STALE_AFTER = timedelta(seconds=60)
#: Most often the worker writes progress, and reads the cancellation flag.
PROGRESS_EVERY_SECONDS = 0.5
CANCEL_CHECK_EVERY_SECONDS = 0.1

logger = logging.getLogger(__name__)


def table_text_from_upload(*, name: str, data: bytes) -> str:
    """CSV text from an uploaded CSV or Excel (.xlsx) file, read in memory (core's reader, the
    same as the command line's)."""
    if is_excel(name, data):
        try:
            return excel_to_csv(data)
        except TableError as error:
            raise ResearchInputError(table_error_message(error)) from error
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ResearchInputError(_("The file is not UTF-8 text. Save it as CSV (UTF-8) or Excel.")) from error


def table_error_message(error: TableError) -> str:
    """The refusal in the user's language where core names it by a code; otherwise core's English
    reason inside a translated sentence."""
    params = error.params
    if error.code == "sheet_too_big":
        return _(
            "The sheet is too large for a capture table: at most %(max_rows)s rows and %(max_columns)s columns. "
            "Copy just the table to a new sheet and upload that."
        ) % {"max_rows": params["max_rows"], "max_columns": params["max_columns"]}
    if error.code == "excel_dtd":
        return _("The Excel file contains an XML document type declaration (DTD), which is refused. Save it again from Excel or LibreOffice, or upload CSV.")
    if error.code == "excel_unreadable":
        return _("The Excel file could not be read.")
    if error.code == "not_utf8":
        return _("The file is not UTF-8 text. Save it as CSV (UTF-8) or Excel.")
    if error.code == "no_overlaps":
        return _(
            "No one appears on more than one of the %(lists)s lists. The number of people no list saw is estimated "
            "from the people the lists share; with no one shared, no estimate is possible. Check the record linkage "
            "(the same person under another name or number), and whether the lists cover the same people and period."
        ) % {"lists": params["lists"]}
    if error.code == "list_contains_everyone":
        return _(
            "Everyone seen is on the list %(list)s: the other lists (%(others)s) found no one it missed. The table "
            "then shows no one unseen and cannot say how many there are. Estimation needs lists that each miss some "
            "people that another list finds; if %(list)s is a complete register, its count is the answer."
        ) % {"list": params["list"], "others": params["others"]}
    if error.code == "no_estimable_model":
        return _(
            "Even the simplest model (lists independent) cannot be estimated from this table: the lists overlap too "
            "little, or in too unusual a pattern, to say anything about the people no list saw."
        )
    if error.code == "count_too_large":
        return _(
            "The counts add up to more than %(limit)s people. No population is that large: check the numbers "
            "(a typo, or a column that is not a count)."
        ) % {"limit": number_format(params["limit"], force_grouping=True)}
    if error.code == "ambiguous_separator":
        return _(
            "The first row can be split at more than one separator (%(separators)s). Use commas only, with one 0/1 "
            "column per list and a 'count' column."
        ) % {"separators": params["separators"]}
    if error.code == "no_count_column":
        return _(
            "There is no 'count' column. Give one 0/1 column per list and a 'count' column, separated by commas, "
            "semicolons or tabs."
        )
    return _("The table could not be read: %(reason)s") % {"reason": str(error)}


def _read_table(table_csv: str) -> CaptureTable:
    try:
        return read_table(io.StringIO(table_csv))
    except TableError as error:
        raise ResearchInputError(table_error_message(error)) from error


def estimate_run_create(
    *, actor: User, organisation: Organisation, title: str, table_csv: str, method: str, nboot: int, seed: int,
    compare: bool = False,
) -> EstimateRun:
    """Validate the table and the cost, save a queued run with an audit row, and enqueue the fit
    once the transaction has committed (the worker must see the row). Nothing is fitted here."""
    if method == "latent" and nboot:
        # The form refuses this too; here for any other caller (the worker would fail the run).
        raise ResearchInputError(
            _(
                "The latent-class method does not use bootstrap replicates: its interval is a credible interval from the sampler. Set the replicates to 0, or choose a log-linear method."
            )
        )
    table = _read_table(table_csv)
    try:
        # Refuses a table no model can answer (NotEstimable), and checks the method's options for
        # this table (BIC: at most 6 lists).
        MSEModel(table, method=method)
    except TableError as error:
        raise ResearchInputError(table_error_message(error)) from error
    except ValueError as error:
        raise ResearchInputError(_("The table could not be read: %(reason)s") % {"reason": str(error)}) from error
    cells = int((table.cell_counts > 0).sum())
    cost = estimate_cost(method=method, lists=table.k_lists, cells=cells, nboot=nboot, compare=compare)
    if not cost.allowed:
        minutes = {"minutes": max(1, round(cost.seconds / 60)), "limit": round(MAX_SECONDS / 60)}
        if cost.max_nboot < 0:
            message = _(
                "This estimate would take about %(minutes)s minutes; this page allows %(limit)s. Choose the stepwise method, or run `tipnet estimate` on the command line for bigger jobs."
            ) % minutes
        else:
            message = _(
                "This estimate would take about %(minutes)s minutes; this page allows %(limit)s. Use at most %(nboot)s bootstrap replicates with this table and method, or run `tipnet estimate` on the command line for bigger jobs."
            ) % {**minutes, "nboot": cost.max_nboot}
        raise ResearchInputError(message)
    from tipnet.web.research.tasks import estimate_run_task

    with transaction.atomic():
        run = EstimateRun.objects.create(
            created_by=actor, organisation=organisation, title=title[:200], table_csv=table_csv,
            method=method, nboot=nboot, seed=seed, compare=compare, state=RunState.QUEUED,
            progress_total=nboot + cells if nboot and method != "latent" else 0,
        )
        audit_record(
            actor=actor, action=Action.ESTIMATE_RUN, organisation=organisation, target_type="estimate",
            target_id=run.pk, details={"method": method, "nboot": nboot, "compare": compare},
        )
        run_id = run.pk
        transaction.on_commit(lambda: estimate_run_task.enqueue(run_id))
    return run


def estimate_run_cancel(*, actor: User, run: EstimateRun) -> bool:
    """Ask the worker to stop a queued or running fit (audited). A queued run is cancelled at once;
    a running one stops at its next replicate. False when the run had already ended."""
    with transaction.atomic():
        now = timezone.now()
        changed = EstimateRun.objects.filter(pk=run.pk, state=RunState.QUEUED).update(
            state=RunState.CANCELLED, cancel_requested=True, finished_at=now
        ) or EstimateRun.objects.filter(pk=run.pk, state=RunState.RUNNING).update(cancel_requested=True)
        if changed:
            audit_record(
                actor=actor, action=Action.ESTIMATE_CANCELLED, organisation=run.organisation,
                target_type="estimate", target_id=run.pk,
            )
    run.refresh_from_db()
    return bool(changed)


def estimate_runs_fail_stale(*, now: datetime | None = None) -> int:
    """Mark failed the runs left running by a worker that died (no heartbeat for STALE_AFTER).
    Called when a worker starts and when a running run's page is opened."""
    now = now or timezone.now()
    return EstimateRun.objects.filter(state=RunState.RUNNING, heartbeat_at__lt=now - STALE_AFTER).update(
        state=RunState.FAILED, finished_at=now, error="the worker stopped while running this estimate",
    )


class _Heartbeat(threading.Thread):
    """Writes the run's heartbeat every few seconds, even while one fit takes long."""

    def __init__(self, run_id: int) -> None:
        super().__init__(daemon=True, name=f"estimate-{run_id}-heartbeat")
        self.run_id = run_id
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(HEARTBEAT_SECONDS):
                EstimateRun.objects.filter(pk=self.run_id, state=RunState.RUNNING).update(heartbeat_at=timezone.now())
        finally:
            db_connection.close()  # this thread's own connection


def estimate_run_execute(*, run_id: int) -> None:
    """Fit a queued run in the worker: outside any transaction, with short autocommit updates for
    the state, progress and heartbeat, and the cancellation flag read between replicates."""
    if any(not block._from_testcase for block in db_connection.atomic_blocks):
        # (The transaction a Django TestCase wraps around each test is not one of ours.)
        raise RuntimeError("an estimate must not be fitted inside a transaction")
    now = timezone.now()
    if not EstimateRun.objects.filter(pk=run_id, state=RunState.QUEUED).update(
        state=RunState.RUNNING, started_at=now, heartbeat_at=now
    ):
        return  # cancelled while queued, or already taken
    run = EstimateRun.objects.get(pk=run_id)
    last = {"progress": 0.0, "cancel": 0.0}

    def progress(done: int, total: int) -> None:
        clock = time.monotonic()
        if clock - last["progress"] >= PROGRESS_EVERY_SECONDS or done == total:
            last["progress"] = clock
            EstimateRun.objects.filter(pk=run_id).update(progress_done=done, progress_total=total)

    def cancelled() -> bool:
        clock = time.monotonic()
        if clock - last["cancel"] < CANCEL_CHECK_EVERY_SECONDS:
            return False
        last["cancel"] = clock
        return EstimateRun.objects.filter(pk=run_id, cancel_requested=True).exists()

    heartbeat = _Heartbeat(run_id)
    heartbeat.start()
    started = time.perf_counter()
    try:
        table = read_table(io.StringIO(run.table_csv))
        with warnings.catch_warnings():
            # The caveats are kept in the result (result.warnings) and shown on the page.
            warnings.simplefilter("ignore", EstimationWarning)
            result = MSEModel(table, method=run.method).fit(
                nboot=run.nboot, seed=run.seed, progress=progress, cancelled=cancelled
            )
            if run.compare:
                result = compare_methods(table, result, seed=run.seed, progress=progress, cancelled=cancelled)
    except EstimationCancelled:
        EstimateRun.objects.filter(pk=run_id).update(state=RunState.CANCELLED, finished_at=timezone.now())
    except Exception as error:
        logger.exception("estimate run %s failed", run_id)
        EstimateRun.objects.filter(pk=run_id).update(
            state=RunState.FAILED, finished_at=timezone.now(), error=f"{type(error).__name__}: {error}"[:2000]
        )
    except BaseException:  # the worker is being stopped (second SIGTERM): say so, then stop
        EstimateRun.objects.filter(pk=run_id).update(
            state=RunState.FAILED, finished_at=timezone.now(), error="the worker was stopped while running this estimate"
        )
        raise
    else:
        EstimateRun.objects.filter(pk=run_id).update(
            state=RunState.DONE, finished_at=timezone.now(), result=result.to_dict(),
            seconds=time.perf_counter() - started,
            progress_done=F("progress_total"),
        )
    finally:
        heartbeat.stopped.set()
        heartbeat.join()


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
        "percentile_low", "percentile_high", "bootstrap_interval",
    ):
        if key in result:
            writer.writerow([key, result[key]])
    if result.get("method") == "latent":
        writer.writerow(["model", "latent classes (Manrique-Vallier 2016)"])
        for key in ("rhat", "ess", "chains"):
            writer.writerow([key, result.get("diagnostics", {}).get(key)])
    else:
        writer.writerow(["model", " + ".join(result.get("model", [])) or "main effects only"])
    writer.writerow(["method", result.get("method")])
    if result.get("chao"):
        writer.writerow(["chao_lower_bound", result["chao"].get("estimate")])
    for row in (result.get("comparison") or {}).get("methods", []):
        writer.writerow([f"compared_{row.get('method')}", row.get("estimate")])
    writer.writerow(["nboot", run.nboot])
    writer.writerow(["seed", run.seed])
    for note in result.get("warnings", []):
        writer.writerow(["warning", note.get("message", "")])
    return out.getvalue()
