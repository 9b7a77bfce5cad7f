"""Imports and exports of cases as HTCDS (issue 13).

``ImportJob``: one uploaded file on its way in. The request reads and validates it (nothing stored
when a row is bad); the task worker writes the cases in one transaction and reports its progress
here. While a job waits or runs, ``payload`` holds the file and the two keyed-hash secrets the
worker needs (the record-key secret and the blind-index secret, both derived from the organisation's
private key, never the key itself), encrypted under a key derived from the server's SECRET_KEY; it
is erased when the job ends, whatever the outcome (docs/api.md, "Import and export").

``ImportedRecord``: the keyed identity of each imported row (HMAC, never the row) beside the case it
became, so that the same file imported twice adds nothing.

``ColumnMapping``: a mapping from a sheet's columns to HTCDS fields, saved once per organisation and
reused.

``CaseExport``: every export, with its purpose, its row count and the cases it carried: the record of
a disclosure that outlives the file (APPI).

``ExportJob``: an export asked for on the page, written by the task worker. While it waits,
``payload`` holds the organisation's private key (the worker must open every case) under the
server's key, erased the moment the worker takes the job. The finished file is kept under a random
file key sealed to the requester's own public key (``file_key``), so only her key, unlocked in her
session, opens it: a copy of the database alone cannot, nor can anyone else of her organisation.
It is downloaded once, then erased; unfetched, it is erased at ``expires_at``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tipnet.web.accounts.models import Organisation, User
from tipnet.web.cases.models import Case


class ColumnMapping(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="column_mappings")
    name = models.CharField(max_length=100)
    mapping = models.JSONField()
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="unique_mapping_name")]

    def __str__(self) -> str:
        return self.name


class ImportJob(models.Model):
    class State(models.TextChoices):
        MAPPING = "mapping", _("Waiting for its columns to be mapped")
        QUEUED = "queued", _("Waiting to be checked")
        VALID = "valid", _("Checked: waiting for a key holder to confirm")
        INVALID = "invalid", _("Rows with problems: nothing imported")
        CONFIRMED = "confirmed", _("Confirmed: waiting to be imported")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired: not confirmed in time, the file was deleted")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    confirmed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=200, blank=True)
    format = models.CharField(max_length=16)
    mapping = models.JSONField(null=True, blank=True)
    via = models.CharField(max_length=8, default="page")  # page, api, cli
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    n_rows = models.PositiveIntegerField(default=0)
    n_created = models.PositiveIntegerField(default=0)
    n_skipped = models.PositiveIntegerField(default=0)
    progress_done = models.PositiveIntegerField(default=0)
    #: The validation report's bad rows (row, record id, field, code, message): never a value of a good row.
    report = models.JSONField(default=dict)
    error = models.TextField(blank=True, default="")
    payload = models.BinaryField(default=b"")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    @property
    def active(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.CONFIRMED, self.State.RUNNING)

    @property
    def waiting(self) -> bool:
        """Waiting for a person (a mapping, a key holder's confirmation): expires if left too long."""
        return self.state in (self.State.MAPPING, self.State.VALID)

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return int(100 * self.progress_done / self.n_rows) if self.n_rows else 0


class ImportedRecord(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    job = models.ForeignKey(ImportJob, on_delete=models.SET_NULL, null=True, related_name="records")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "key"], name="unique_imported_record")]


class CaseExport(models.Model):
    class Purpose(models.TextChoices):
        OWN = "own", _("The organisation's own use (its records, another system of its own)")
        RESEARCH = "research", _("De-identified research (only cases with research consent)")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    exported_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    format = models.CharField(max_length=8)
    row_count = models.PositiveIntegerField(default=0)
    cases = models.ManyToManyField(Case, related_name="exports")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]


class ExportJob(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for the task worker")
        RUNNING = "running", _("Being written")
        READY = "ready", _("Ready to download (once)")
        DOWNLOADED = "downloaded", _("Downloaded: the file was deleted")
        EXPIRED = "expired", _("Expired: not downloaded in time, the file was deleted")
        CANCELLED = "cancelled", _("Cancelled")
        FAILED = "failed", _("Failed")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=16, choices=CaseExport.Purpose.choices)
    format = models.CharField(max_length=8)
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    cancel_requested = models.BooleanField(default=False)
    n_total = models.PositiveIntegerField(default=0)
    progress_done = models.PositiveIntegerField(default=0)
    #: The organisation's private key for the worker, under the server's key; erased when the worker takes the job.
    payload = models.BinaryField(default=b"")
    #: The file's random key, sealed to the requester's public key.
    file_key = models.BinaryField(default=b"")
    #: The file, encrypted under the file key; erased once downloaded, expired or cancelled.
    file = models.BinaryField(default=b"")
    export = models.ForeignKey(CaseExport, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    @property
    def active(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def percent(self) -> int:
        if self.state in (self.State.READY, self.State.DOWNLOADED):
            return 100
        return int(100 * self.progress_done / self.n_total) if self.n_total else 0

    @property
    def filename(self) -> str:
        return f"htcds-{self.purpose}-{self.created_at:%Y%m%d}-{self.pk}.{self.format}"
