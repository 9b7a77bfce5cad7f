"""A saved estimate: the capture table (counts only, never people), the options and the result.

A run is created ``queued`` by the request and fitted by the task worker (``tipnet worker``), never
inside a request or a transaction: its state, progress and heartbeat are written by short
autocommit updates while the fit runs, so the page can show them and a cancellation can reach it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tipnet.web.accounts.models import Organisation, User


class RunState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


#: States in which the worker may still change the run.
ACTIVE_STATES = (RunState.QUEUED, RunState.RUNNING)


class EstimateRun(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="estimate_runs")
    title = models.CharField(max_length=200)
    table_csv = models.TextField()
    method = models.CharField(max_length=16)
    nboot = models.PositiveIntegerField()
    seed = models.BigIntegerField()
    #: Also fit the other kind of model (latent classes beside log-linear, or stepwise beside
    #: latent) and show the methods side by side (core.estimation.diagnostics).
    compare = models.BooleanField(default=False)
    result = models.JSONField(default=dict)
    seconds = models.FloatField(default=0.0)
    state = models.CharField(max_length=16, choices=RunState.choices, default=RunState.QUEUED)
    #: Fits done and to do in the bootstrap (replicates, then one jackknife fit per non-empty cell).
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    cancel_requested = models.BooleanField(default=False)
    #: What went wrong, for the page (no table content: the message comes from our own code).
    error = models.TextField(blank=True, default="")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    #: Written every few seconds by the worker running the fit: a stale heartbeat means a dead worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def percent(self) -> int:
        if self.state == RunState.DONE:
            return 100
        return int(100 * self.progress_done / self.progress_total) if self.progress_total else 0
